/*
 * Report output (libxlsxwriter lives only here). A book is one .xlsx file
 * with sheets of rows, plus, with --csv, one "<book>.<sheet>.csv" twin per
 * sheet (UTF-8 with BOM, ';'-separated, dates as YYYY-MM-DD).
 *
 * Rules every report gets from here: bold frozen header row, autofilter over
 * the data, column widths fitted to the longest value, dates as real Excel
 * dates formatted yyyy-mm-dd, numbers as numbers, strings always as text
 * (never formulas; CSV cells starting with = + - @ are prefixed with '),
 * files created new with mode 0600 in the book's folder (a run's hidden
 * temporary folder, renamed into place whole by runfolder.c), every
 * workbook read back and checked after closing, workbook metadata dates derived from the
 * evaluation date (never the clock), so equal inputs give equal bytes.
 */
#ifndef EVB_SHEET_H
#define EVB_SHEET_H

#include "evb.h"

enum cell_kind { CELL_BLANK, CELL_TEXT, CELL_INT, CELL_NUMBER, CELL_DATE };

struct cell {
	enum cell_kind kind;
	const char *text;   /* CELL_TEXT: UTF-8, borrowed (NULL = blank) */
	int64_t i;          /* CELL_INT */
	double num;         /* CELL_NUMBER (finite), shown with `decimals` */
	int decimals;       /* CELL_NUMBER: 0-4 */
	evb_date date;      /* CELL_DATE (DATE_NONE = blank) */
};

static inline struct cell cell_blank(void) { return (struct cell){ .kind = CELL_BLANK }; }
static inline struct cell cell_text(const char *s) { return (struct cell){ .kind = CELL_TEXT, .text = s }; }
static inline struct cell cell_int(int64_t v) { return (struct cell){ .kind = CELL_INT, .i = v }; }
static inline struct cell cell_num(double v, int decimals) { return (struct cell){ .kind = CELL_NUMBER, .num = v, .decimals = decimals }; }
/* Hundredths (öre, or a quantity in hundredths) as a number with two
 * decimals; AMOUNT_UNKNOWN as a blank cell. */
static inline struct cell cell_cents(int64_t v) { return v == AMOUNT_UNKNOWN ? cell_blank() : cell_num((double)v / 100.0, 2); }
static inline struct cell cell_date(evb_date d) { return (struct cell){ .kind = CELL_DATE, .date = d }; }

/* Files written by a run, for the manifest. Paths are owned by the list. */
struct output_list {
	char **paths;
	size_t n, cap;
};
void output_list_release(struct output_list *l);

struct book;
struct sheet;

/*
 * Starts dir/<name>.xlsx (and its csv twins when csv is true). title goes to
 * the document properties; eval_date sets their created/modified date.
 * dir must exist. Returns NULL and fills err on failure.
 */
struct book *book_open(const char *dir, const char *name, const char *title,
		       evb_date eval_date, bool csv, struct evb_error *err);
/* The same for a small workbook that is kept in memory until closed:
 * needed for charts, whose cached values libxlsxwriter cannot write for
 * streamed (constant_memory) sheets. */
struct book *book_open_small(const char *dir, const char *name, const char *title,
			     evb_date eval_date, bool csv, struct evb_error *err);
/* Adds a sheet with a header row. name: at most 31 characters, none of
 * []:*?/\ . Rows must be added in order; sheets may be filled interleaved. */
struct sheet *book_add_sheet(struct book *b, const char *name,
			     const char *const *headers, int ncols,
			     struct evb_error *err);
/* Adds one data row of ncols cells. Strings over 32767 characters are cut.
 * A sheet longer than Excel's 1 048 576 rows goes on in continuation
 * sheets "<name> (2)", "<name> (3)" ... (up to 16), each with the header
 * row; the csv twin stays one file. */
int sheet_add_row(struct sheet *s, const struct cell *cells, struct evb_error *err);
/* A column chart of the sheet's rows written so far: categories from
 * category_col, values from value_col, placed right of the data. */
struct chart_spec {
	const char *title, *x_title, *y_title;
	int category_col, value_col;
	int nrows;
};
int sheet_add_chart(struct sheet *s, const struct chart_spec *spec,
		    struct evb_error *err);

/* Rows per sheet before a continuation sheet starts: Excel's limit unless
 * set lower (tests). */
void book_set_rows_per_sheet(struct book *b, uint32_t rows);

/* Writes everything, reads the workbook back (each zip entry's CRC, each
 * sheet's rows), flushes the files to disk and appends their paths to outs
 * (may be NULL). Always frees b. On failure none of its files is left. */
int book_close(struct book *b, struct output_list *outs, struct evb_error *err);
/* Frees b and removes its temporary files without writing the outputs. */
void book_abort(struct book *b);

#endif
