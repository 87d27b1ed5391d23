/*
 * Report output on libxlsxwriter 1.1.4 (see sheet.h for the rules).
 * Every file is first created empty with mode 0600 under a temporary name
 * (".<name>.tmp") so the library's fopen keeps that mode, and renamed into
 * place only when complete.
 */
#include "sheet.h"

#include "calendar.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define MAX_COLS 64
#define MIN_WIDTH 8
#define MAX_WIDTH 60
#define MAX_CELL_CHARS 32767
#define MAX_SHEETS 16

struct sheet {
	struct book *b;
	lxw_worksheet *ws;
	char name[128];
	int ncols;
	uint32_t row;                 /* rows written, header included */
	unsigned width[MAX_COLS];
	FILE *csv;
	char *csv_tmp, *csv_final;
};

struct book {
	lxw_workbook *wb;
	lxw_format *bold, *date, *integer, *number[5];
	char *tmp, *final;
	const char *dir;
	bool csv, failed;
	char name[128];
	struct sheet *sheets[MAX_SHEETS];
	int nsheets;
	char *cut;                    /* buffer for strings that must be changed */
};

static char *path_join(const char *dir, const char *prefix, const char *name,
		       const char *suffix)
{
	size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s%s%s", dir, prefix, name, suffix);
	return p;
}

/* Creates path empty with mode 0600 (replacing a leftover). */
static int create_private(const char *path, struct evb_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot create: %s",
				     strerror(errno));
	if (fchmod(fd, 0600) != 0 || close(fd) != 0)
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot create: %s",
				     strerror(errno));
	return 0;
}

void output_list_release(struct output_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
	memset(l, 0, sizeof(*l));
}

static int output_add(struct output_list *l, const char *path)
{
	if (!l)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **np = realloc(l->paths, cap * sizeof(*np));
		if (!np)
			return EVB_ENOMEM;
		l->paths = np;
		l->cap = cap;
	}
	if (!(l->paths[l->n] = strdup(path)))
		return EVB_ENOMEM;
	l->n++;
	return 0;
}

static struct book *open_book(const char *dir, const char *name, const char *title,
			      evb_date eval_date, bool csv, bool streaming,
			      struct evb_error *err)
{
	struct book *b = calloc(1, sizeof(*b));
	if (!b) {
		evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, "out of memory");
		return NULL;
	}
	b->dir = dir;
	b->csv = csv;
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->tmp = path_join(dir, ".", name, ".xlsx.tmp");
	b->final = path_join(dir, "", name, ".xlsx");
	b->cut = malloc((size_t)MAX_CELL_CHARS * 4 * 7 + 1);
	if (!b->tmp || !b->final || !b->cut) {
		evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, "out of memory");
		goto fail;
	}
	if (create_private(b->tmp, err))
		goto fail;
	lxw_workbook_options opt = { .constant_memory = streaming ? LXW_TRUE : LXW_FALSE,
				     .tmpdir = (char *)dir, .use_zip64 = LXW_TRUE };
	if (!(b->wb = workbook_new_opt(b->tmp, &opt))) {
		evb_error_set(err, EVB_ENOMEM, b->tmp, 0, NULL, "cannot start the workbook");
		goto fail;
	}
	/* metadata from the evaluation date, never the clock (0 means now) */
	lxw_doc_properties props = {
		.title = (char *)title, .author = (char *)"evb",
		.created = (time_t)eval_date * 86400 + 12 * 3600,
	};
	if (workbook_set_properties(b->wb, &props) != LXW_NO_ERROR) {
		evb_error_set(err, EVB_EIO, b->tmp, 0, NULL, "cannot set document properties");
		goto fail;
	}
	b->bold = workbook_add_format(b->wb);
	b->date = workbook_add_format(b->wb);
	b->integer = workbook_add_format(b->wb);
	if (!b->bold || !b->date || !b->integer) {
		evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, "out of memory");
		goto fail;
	}
	format_set_bold(b->bold);
	format_set_num_format(b->date, "yyyy-mm-dd");
	format_set_num_format(b->integer, "0");
	static const char *const numfmt[5] = { "0", "0.0", "0.00", "0.000", "0.0000" };
	for (int i = 0; i < 5; i++) {
		if (!(b->number[i] = workbook_add_format(b->wb))) {
			evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, "out of memory");
			goto fail;
		}
		format_set_num_format(b->number[i], numfmt[i]);
	}
	return b;
fail:
	book_abort(b);
	return NULL;
}

struct book *book_open(const char *dir, const char *name, const char *title,
		       evb_date eval_date, bool csv, struct evb_error *err)
{
	return open_book(dir, name, title, eval_date, csv, true, err);
}

struct book *book_open_small(const char *dir, const char *name, const char *title,
			     evb_date eval_date, bool csv, struct evb_error *err)
{
	return open_book(dir, name, title, eval_date, csv, false, err);
}

/* ---- text handling ------------------------------------------------------ */

static size_t utf8_count(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The string as the workbook must store it: cut to 32767 characters on a
 * character boundary, and a literal "_xHHHH_" escaped as "_x005F_xHHHH_"
 * (ECMA-376 22.4.2.4) so it is shown as written. */
static const char *xlsx_text(struct book *b, const char *s)
{
	bool needs = utf8_count(s) > MAX_CELL_CHARS;
	for (const char *p = strstr(s, "_x"); p && !needs; p = strstr(p + 1, "_x"))
		needs = is_hex(p[2]) && is_hex(p[3]) && is_hex(p[4]) && is_hex(p[5]) && p[6] == '_';
	if (!needs)
		return s;
	size_t o = 0, chars = 0;
	for (const char *p = s; *p && chars < MAX_CELL_CHARS;) {
		if (p[0] == '_' && p[1] == 'x' && is_hex(p[2]) && is_hex(p[3]) &&
		    is_hex(p[4]) && is_hex(p[5]) && p[6] == '_') {
			memcpy(b->cut + o, "_x005F", 6);
			o += 6;
		}
		size_t len = 1;
		while (((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		memcpy(b->cut + o, p, len);
		o += len;
		p += len;
		chars++;
	}
	b->cut[o] = '\0';
	return b->cut;
}

static int csv_put(FILE *f, const char *s)
{
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
		       s[0] == '\t' || s[0] == '\r';
	bool quote = strpbrk(s, ";\"\r\n") != NULL;
	if (quote && fputc('"', f) == EOF)
		return EOF;
	if (formula && fputc('\'', f) == EOF)
		return EOF;
	for (; *s; s++) {
		if (*s == '"' && fputc('"', f) == EOF)
			return EOF;
		if (fputc(*s, f) == EOF)
			return EOF;
	}
	if (quote && fputc('"', f) == EOF)
		return EOF;
	return 0;
}

/* ---- sheets ------------------------------------------------------------- */

static bool valid_sheet_name(const char *name)
{
	size_t n = utf8_count(name);
	if (n == 0 || n > 31 || strpbrk(name, "[]:*?/\\") || name[0] == '\'' ||
	    name[strlen(name) - 1] == '\'')
		return false;
	return true;
}

static void widen(struct sheet *s, int col, size_t chars)
{
	if (chars > s->width[col])
		s->width[col] = chars > MAX_WIDTH ? MAX_WIDTH : (unsigned)chars;
}

static int lxw_fail(struct book *b, lxw_error e, const char *what, struct evb_error *err)
{
	b->failed = true;
	return evb_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? EVB_ENOMEM : EVB_EIO,
			     b->final, 0, NULL, "%s: %s", what, lxw_strerror(e));
}

struct sheet *book_add_sheet(struct book *b, const char *name,
			     const char *const *headers, int ncols,
			     struct evb_error *err)
{
	if (!valid_sheet_name(name)) {
		evb_error_set(err, EVB_ETEMPLATE, NULL, 0, NULL, "invalid sheet name '%s'", name);
		return NULL;
	}
	if (ncols < 1 || ncols > MAX_COLS || b->nsheets >= MAX_SHEETS) {
		evb_error_set(err, EVB_EINVAL, NULL, 0, NULL, "too many columns or sheets");
		return NULL;
	}
	for (int i = 0; i < b->nsheets; i++)
		if (strcasecmp(b->sheets[i]->name, name) == 0) {
			evb_error_set(err, EVB_ETEMPLATE, NULL, 0, NULL,
				      "sheet name '%s' used twice", name);
			return NULL;
		}
	struct sheet *s = calloc(1, sizeof(*s));
	if (!s) {
		evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, "out of memory");
		return NULL;
	}
	b->sheets[b->nsheets++] = s;
	s->b = b;
	s->ncols = ncols;
	snprintf(s->name, sizeof(s->name), "%s", name);
	if (!(s->ws = workbook_add_worksheet(b->wb, name))) {
		evb_error_set(err, EVB_EINVAL, NULL, 0, NULL, "cannot add sheet '%s'", name);
		return NULL;
	}
	worksheet_freeze_panes(s->ws, 1, 0);
	if (b->csv) {
		char base[300];
		snprintf(base, sizeof(base), "%s.%s", b->name, name);
		s->csv_tmp = path_join(b->dir, ".", base, ".csv.tmp");
		s->csv_final = path_join(b->dir, "", base, ".csv");
		if (!s->csv_tmp || !s->csv_final) {
			evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, "out of memory");
			return NULL;
		}
		if (create_private(s->csv_tmp, err))
			return NULL;
		if (!(s->csv = fopen(s->csv_tmp, "wb")) || fputs("\xEF\xBB\xBF", s->csv) == EOF) {
			evb_error_set(err, EVB_EIO, s->csv_tmp, 0, NULL, "cannot write: %s",
				      strerror(errno));
			return NULL;
		}
	}
	struct cell cells[MAX_COLS];
	for (int i = 0; i < ncols; i++)
		cells[i] = cell_text(headers[i]);
	if (sheet_add_row(s, cells, err))
		return NULL;
	return s;
}

/* Excel's serial day number; the 1900 leap-year quirk before 1900-03-01. */
static double excel_serial(evb_date d)
{
	double serial = (double)d + 25569.0;
	return serial < 61 ? serial - 1 : serial;
}

static void csv_number(char *buf, size_t size, double v, int decimals)
{
	snprintf(buf, size, "%.*f", decimals, v);
	char *dot = strchr(buf, '.');
	if (dot)
		*dot = ',';   /* Swedish decimal comma, as Excel expects with ';' */
}

int sheet_add_row(struct sheet *s, const struct cell *cells, struct evb_error *err)
{
	struct book *b = s->b;
	lxw_error e = LXW_NO_ERROR;
	if (s->row >= LXW_ROW_MAX)
		return evb_error_set(err, EVB_ETOOBIG, b->final, 0, NULL,
				     "sheet '%s' would have more than %u rows", s->name, LXW_ROW_MAX);
	for (int c = 0; c < s->ncols && !e; c++) {
		const struct cell *cl = &cells[c];
		char buf[64];
		const char *csvtext = "";
		lxw_format *fmt = s->row == 0 ? b->bold : NULL;
		switch (cl->kind) {
		case CELL_TEXT:
			if (cl->text && *cl->text) {
				const char *t = xlsx_text(b, cl->text);
				e = worksheet_write_string(s->ws, s->row, (lxw_col_t)c, t, fmt);
				widen(s, c, utf8_count(t));
				csvtext = cl->text;
			}
			break;
		case CELL_INT:
			e = worksheet_write_number(s->ws, s->row, (lxw_col_t)c, (double)cl->i,
						   b->integer);
			snprintf(buf, sizeof(buf), "%lld", (long long)cl->i);
			widen(s, c, strlen(buf));
			csvtext = buf;
			break;
		case CELL_NUMBER: {
			int dec = cl->decimals < 0 ? 0 : cl->decimals > 4 ? 4 : cl->decimals;
			if (!isfinite(cl->num))
				break;
			e = worksheet_write_number(s->ws, s->row, (lxw_col_t)c, cl->num,
						   b->number[dec]);
			csv_number(buf, sizeof(buf), cl->num, dec);
			widen(s, c, strlen(buf));
			csvtext = buf;
			break;
		}
		case CELL_DATE:
			if (cl->date == DATE_NONE)
				break;
			e = worksheet_write_number(s->ws, s->row, (lxw_col_t)c,
						   excel_serial(cl->date), b->date);
			int y, m, d;
			date_to_ymd(cl->date, &y, &m, &d);
			snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
			widen(s, c, 10);
			csvtext = buf;
			break;
		case CELL_BLANK:
			break;
		}
		if (s->csv && ((c > 0 && fputc(';', s->csv) == EOF) ||
			       (cl->kind == CELL_TEXT ? csv_put(s->csv, csvtext)
						      : fputs(csvtext, s->csv)) == EOF)) {
			b->failed = true;
			return evb_error_set(err, EVB_EIO, s->csv_tmp, 0, NULL, "cannot write: %s",
					     strerror(errno));
		}
	}
	if (e)
		return lxw_fail(b, e, "cannot write a cell", err);
	if (s->csv && fputs("\r\n", s->csv) == EOF) {
		b->failed = true;
		return evb_error_set(err, EVB_EIO, s->csv_tmp, 0, NULL, "cannot write: %s",
				     strerror(errno));
	}
	s->row++;
	return 0;
}

int sheet_add_chart(struct sheet *s, const struct chart_spec *spec,
		    struct evb_error *err)
{
	struct book *b = s->b;
	if (spec->nrows < 1 || (uint32_t)spec->nrows >= s->row)
		return evb_error_set(err, EVB_EINVAL, NULL, 0, NULL, "chart over missing rows");
	lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_COLUMN);
	lxw_chart_series *ser = ch ? chart_add_series(ch, NULL, NULL) : NULL;
	if (!ser)
		return lxw_fail(b, LXW_ERROR_MEMORY_MALLOC_FAILED, "cannot add a chart", err);
	chart_series_set_categories(ser, s->name, 1, (lxw_col_t)spec->category_col,
				    (lxw_row_t)spec->nrows, (lxw_col_t)spec->category_col);
	chart_series_set_values(ser, s->name, 1, (lxw_col_t)spec->value_col,
				(lxw_row_t)spec->nrows, (lxw_col_t)spec->value_col);
	chart_series_set_name(ser, spec->y_title);
	chart_title_set_name(ch, spec->title);
	chart_axis_set_name(ch->x_axis, spec->x_title);
	chart_axis_set_name(ch->y_axis, spec->y_title);
	chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
	lxw_error e = worksheet_insert_chart(s->ws, 1, (lxw_col_t)(s->ncols + 1), ch);
	return e ? lxw_fail(b, e, "cannot insert the chart", err) : 0;
}

/* ---- closing ------------------------------------------------------------ */

static void free_sheets(struct book *b, bool remove_tmp)
{
	for (int i = 0; i < b->nsheets; i++) {
		struct sheet *s = b->sheets[i];
		if (s->csv)
			fclose(s->csv);
		if (remove_tmp && s->csv_tmp)
			unlink(s->csv_tmp);
		free(s->csv_tmp);
		free(s->csv_final);
		free(s);
	}
	b->nsheets = 0;
}

static void free_book(struct book *b)
{
	free(b->tmp);
	free(b->final);
	free(b->cut);
	free(b);
}

void book_abort(struct book *b)
{
	if (!b)
		return;
	if (b->wb) {
		/* closing is the only way to free it; its output is removed */
		workbook_close(b->wb);
	}
	if (b->tmp)
		unlink(b->tmp);
	free_sheets(b, true);
	free_book(b);
}

int book_close(struct book *b, struct output_list *outs, struct evb_error *err)
{
	int ret = 0;
	for (int i = 0; i < b->nsheets; i++) {
		struct sheet *s = b->sheets[i];
		for (int c = 0; c < s->ncols && !ret; c++) {
			double w = s->width[c] + 2 < MIN_WIDTH ? MIN_WIDTH : s->width[c] + 2;
			lxw_error e = worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
			if (e)
				ret = lxw_fail(b, e, "cannot set a column width", err);
		}
		if (!ret && s->row > 0) {
			lxw_error e = worksheet_autofilter(s->ws, 0, 0, s->row - 1,
							   (lxw_col_t)(s->ncols - 1));
			if (e)
				ret = lxw_fail(b, e, "cannot set the autofilter", err);
		}
		if (!ret && s->csv) {
			FILE *f = s->csv;
			s->csv = NULL;
			if (fclose(f) != 0)
				ret = evb_error_set(err, EVB_EIO, s->csv_tmp, 0, NULL,
						    "cannot write: %s", strerror(errno));
		}
	}
	lxw_workbook *wb = b->wb;
	b->wb = NULL;
	lxw_error e = workbook_close(wb);
	if (!ret && e)
		ret = lxw_fail(b, e, "cannot write the workbook", err);
	if (!ret && b->failed)
		ret = evb_error_set(err, EVB_EIO, b->final, 0, NULL, "an earlier write failed");
	if (!ret && (chmod(b->tmp, 0600) != 0 || rename(b->tmp, b->final) != 0))
		ret = evb_error_set(err, EVB_EIO, b->final, 0, NULL, "cannot rename: %s",
				    strerror(errno));
	if (!ret)
		ret = output_add(outs, b->final);
	for (int i = 0; i < b->nsheets && !ret; i++) {
		struct sheet *s = b->sheets[i];
		if (!s->csv_tmp)
			continue;
		if (rename(s->csv_tmp, s->csv_final) != 0)
			ret = evb_error_set(err, EVB_EIO, s->csv_final, 0, NULL,
					    "cannot rename: %s", strerror(errno));
		else
			ret = output_add(outs, s->csv_final);
	}
	if (ret) {
		unlink(b->tmp);
		unlink(b->final);
		for (int i = 0; i < b->nsheets; i++)
			if (b->sheets[i]->csv_final)
				unlink(b->sheets[i]->csv_final);
	}
	free_sheets(b, ret != 0);
	free_book(b);
	return ret;
}

int write_file_atomic(const char *dir, const char *name, const char *data,
		      size_t len, struct output_list *outs, struct evb_error *err)
{
	char *tmp = path_join(dir, ".", name, ".tmp");
	char *final = path_join(dir, "", name, "");
	int ret = 0;
	if (!tmp || !final) {
		ret = evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, "out of memory");
		goto out;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		ret = evb_error_set(err, EVB_EIO, tmp, 0, NULL, "cannot create: %s", strerror(errno));
		goto out;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done != len || fchmod(fd, 0600) != 0) {
		ret = evb_error_set(err, EVB_EIO, tmp, 0, NULL, "cannot write: %s", strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0 || rename(tmp, final) != 0) {
		ret = evb_error_set(err, EVB_EIO, final, 0, NULL, "cannot write: %s", strerror(errno));
		unlink(tmp);
		goto out;
	}
	ret = output_add(outs, final);
out:
	free(tmp);
	free(final);
	return ret;
}
