/*
 * Report output (libxlsxwriter lives only here). A book is one .xlsx file
 * with sheets of rows, plus, with --csv, one "<book>.<sheet>.csv" twin per
 * sheet (UTF-8 with BOM, ';'-separated, dates as YYYY-MM-DD).
 *
 * Rules every report gets from here: bold frozen header row, autofilter over
 * the data, column widths fitted to the longest value, the sheet's look
 * (struct sheet_look: identifying columns, wrapped texts with row heights,
 * no filter on key/value sheets) and print set-up (A4, orientation, fit
 * to width or repeated identifying columns, page header and footer),
 * dates as real Excel dates formatted yyyy-mm-dd, money as kronor with a
 * thousands separator, numbers as numbers, strings always as text
 * (never formulas; CSV cells starting with = + - @ are prefixed with '),
 * files created new with mode 0600 in the book's folder (a run's hidden
 * temporary folder, renamed into place whole by runfolder.c), every
 * workbook read back and checked after closing, workbook metadata dates derived from the
 * evaluation date (never the clock), so equal inputs give equal bytes.
 */
#ifndef EVB_SHEET_H
#define EVB_SHEET_H

#include "evb.h"

enum cell_kind { CELL_BLANK, CELL_TEXT, CELL_INT, CELL_NUMBER, CELL_DATE, CELL_DATETIME };

struct cell {
	enum cell_kind kind;
	bool money;         /* CELL_NUMBER in kronor: thousands separator, "kr" */
	const char *text;   /* CELL_TEXT: UTF-8, borrowed (NULL = blank) */
	int64_t i;          /* CELL_INT */
	double num;         /* CELL_NUMBER (finite), shown with `decimals` */
	int decimals;       /* CELL_NUMBER: 0-4 */
	evb_date date;      /* CELL_DATE (DATE_NONE = blank) */
};
/* CELL_DATETIME keeps minutes since 1970-01-01 00:00 (wall-clock time) in i:
 * a real date-time, ÅÅÅÅ-MM-DD hh:mm. */

static inline struct cell cell_blank(void) { return (struct cell){ .kind = CELL_BLANK }; }
static inline struct cell cell_text(const char *s) { return (struct cell){ .kind = CELL_TEXT, .text = s }; }
static inline struct cell cell_int(int64_t v) { return (struct cell){ .kind = CELL_INT, .i = v }; }
static inline struct cell cell_num(double v, int decimals) { return (struct cell){ .kind = CELL_NUMBER, .num = v, .decimals = decimals }; }
/* Hundredths (öre, or a quantity in hundredths) as a number with two
 * decimals; AMOUNT_UNKNOWN as a blank cell. */
static inline struct cell cell_cents(int64_t v) { return v == AMOUNT_UNKNOWN ? cell_blank() : cell_num((double)v / 100.0, 2); }
/* Öre as kronor (shown `14 875,00 kr` in a Swedish locale); AMOUNT_UNKNOWN
 * as a blank cell. */
static inline struct cell cell_money(int64_t ore) { struct cell c = cell_cents(ore); c.money = c.kind == CELL_NUMBER; return c; }
static inline struct cell cell_date(evb_date d) { return (struct cell){ .kind = CELL_DATE, .date = d }; }
static inline struct cell cell_datetime(int64_t minute) { return (struct cell){ .kind = CELL_DATETIME, .i = minute }; }

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
/*
 * How a sheet is worked from, on screen and on paper (templates/looks.csv):
 * key_value sheets (label and value) carry no autofilter; the nid columns
 * from id_first on identify a row: they stay frozen with the header (and
 * so every column left of them) and, when the sheet is too wide to print
 * one page wide at a readable scale, are repeated on every printed page; a
 * column with wrap[c] > 0 is at most that many characters wide and its
 * texts wrap, the row heights following.
 */
#define SHEET_MAX_COLS 256
struct sheet_look {
	bool key_value;
	int id_first, nid;
	unsigned char wrap[SHEET_MAX_COLS];
};
#define SHEET_WRAP_MIN 8
#define SHEET_WRAP_MAX 120

/* What every printed page of a book shows: header left (the municipality),
 * centre (the report's name and period) and right (the sheet's name),
 * footer left (the evaluation date) and right `<page> n <of> m`. Texts are
 * copied; NULL = nothing. */
struct page_texts {
	const char *head_left, *head_center, *foot_left, *page, *of;
};
int book_set_page_texts(struct book *b, const struct page_texts *t,
			struct evb_error *err);

/* Adds a sheet with a header row. name: at most 31 characters, none of
 * []:*?/\ . Rows must be added in order; sheets may be filled interleaved. */
struct sheet *book_add_sheet(struct book *b, const char *name,
			     const char *const *headers, int ncols,
			     struct evb_error *err);
/* The same with a look (NULL = the default: a filtered table, nothing
 * identifying, no wrapping). */
struct sheet *book_add_sheet_look(struct book *b, const char *name,
				  const char *const *headers, int ncols,
				  const struct sheet_look *look, struct evb_error *err);
/* Ends the filtered range at the rows written so far: rows added after
 * (a totals row) stay outside the autofilter. At most once a sheet. */
int sheet_end_filter(struct sheet *s, struct evb_error *err);
/* Adds one data row of ncols cells. Strings over 32767 characters are cut.
 * A sheet longer than Excel's 1 048 576 rows goes on in continuation
 * sheets "<name> (2)", "<name> (3)" ... (up to 16), each with the header
 * row; the csv twin stays one file. */
int sheet_add_row(struct sheet *s, const struct cell *cells, struct evb_error *err);
/* Highlights every data row (of every part) whose text in column col
 * starts with prefix, with a conditional format: a pale red fill. */
int sheet_highlight_rows(struct sheet *s, int col, const char *prefix,
			 struct evb_error *err);
/* A column chart of the sheet's rows written so far: categories from
 * category_col, values from value_col, placed below the data (two rows
 * down, from the first column) so that it prints whole with the table. */
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
