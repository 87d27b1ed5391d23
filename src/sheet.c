/*
 * Report output on libxlsxwriter 1.1.4 (see sheet.h for the rules).
 *
 * Files: a book writes into its folder (a run's hidden temporary folder,
 * which is renamed into place whole: runfolder.c). Every output is first
 * created empty and new with mode 0600, relative to the folder's
 * descriptor and never through a symbolic link, so the library's fopen()
 * keeps that mode. libxlsxwriter's own temporary files go to the same
 * folder (tmpdir) and are unlinked by the library as soon as they are
 * created. The library ignores write errors in those temporary files, so
 * every workbook is read back after closing (zipcheck.c): every entry must
 * pass its CRC and every sheet hold the rows written. Each file is
 * fsync()ed; a failed book leaves none of its files behind.
 *
 * Streaming: book_open() uses constant_memory mode. That mode needs rows in
 * ascending order per worksheet only; each worksheet streams to its own
 * temporary file, so sheets may be filled interleaved without buffering
 * (tested). Column widths, the autofilter and the print set-up are set at
 * close, which the library allows in that mode because they are written
 * before the rows; row heights and an autofilter that ends before the last
 * row (sheet_end_filter) are set while their row is the current one, the
 * only row that mode can still change.
 *
 * Text: invalid UTF-8 and the non-characters U+FFFE/U+FFFF become U+FFFD,
 * texts are cut to 32767 characters on a character boundary, and in the
 * workbook a literal "_xHHHH_" is stored as "_x005F_xHHHH_" (ECMA-376
 * 22.4.2.4) so Excel shows it as written. Strings are only ever written
 * with worksheet_write_string(), never as formulas.
 */
#include "sheet.h"

#include "calendar.h"
#include "progress.h"
#include "runfolder.h"
#include "zipcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define MAX_COLS SHEET_MAX_COLS  /* columns per sheet */
#define MAX_SHEETS 64           /* sheets per book */
#define MAX_NAME 100            /* bytes of a book name (file names stay < 255) */
#define MIN_WIDTH 8             /* column width in characters */
#define MAX_WIDTH 60
#define WIDTH_PAD 2             /* room for the autofilter button */
#define MAX_CELL_CHARS 32767    /* Excel's limit, counted as libxlsxwriter does */
#define TEXT_BUF (4 * MAX_CELL_CHARS + 1)
#define CSV_BUFSIZE (1 << 16)

/* Heads wrap on at most two lines; one shorter than this stays on one. */
#define HEAD_ONE_LINE 12
/* Row heights in points: one line of the default font (Calibri 11), and
 * Excel's limit. */
#define LINE_PT 15.0
#define MAX_ROW_PT 409.0

/*
 * Printing on A4 (210 x 297 mm = 595 x 842 pt) with libxlsxwriter's
 * margins of 0.7 inch left and right: 494 pt across a portrait page, 741
 * pt across a landscape one. A column of width w characters prints about
 * (w + 0.71) x PT_PER_CHAR points wide at 100 %: LibreOffice measured with
 * its substitute for Calibri (8 columns of width 12 fit a landscape page,
 * 9 do not), which is wider than Excel's 7 pixels (5.25 pt) a character.
 * A sheet that fits one page wide at READABLE_SCALE or more is fitted to
 * one page wide; a wider one is not shrunk further: it prints at
 * READABLE_SCALE (at 100 % the samples' wide sheets took twice the pages,
 * see README) and repeats its identifying columns on every page, pages
 * across then down.
 */
#define PORTRAIT_PT 494.0
#define LANDSCAPE_PT 741.0
#define PT_PER_CHAR 7.0
#define READABLE_SCALE 70
#define PAPER_A4 9
#define HEADER_MAX 250          /* characters of a page header or footer */

/* Excel serial day numbers: 1970-01-01 is 25569; dates from 1900-01-01
 * (day -25567) to 9999-12-31 (day 2932896) can be Excel dates. */
#define EXCEL_EPOCH 25569
#define EXCEL_FIRST_DAY (-25567)
#define EXCEL_LAST_DAY 2932896
#define FIRST_DAY_0001 (-719162)   /* 0001-01-01 */

/* Integers beyond 2^53 lose digits as doubles: they are written as text. */
#define MAX_EXACT_INT 9007199254740992LL

/* A sheet longer than Excel's 1 048 576 rows goes on in continuation
 * sheets "<name> (2)", "<name> (3)" ... each with the header row; its csv
 * twin stays one file. */
#define MAX_PARTS 16

struct sheet {
	struct book *b;
	lxw_worksheet *ws;            /* the part being written */
	lxw_worksheet *parts[MAX_PARTS];
	uint32_t part_rows[MAX_PARTS];/* rows of the finished parts */
	int nparts;
	char *name;
	char **headers;               /* copies, for continuation sheets */
	int ncols;
	uint32_t row;                 /* rows written to the current part, header included */
	unsigned char width[MAX_COLS]; /* longest value in characters, capped */
	unsigned char head[MAX_COLS];  /* width that wraps the header on <= 2 lines */
	struct sheet_look look;
	bool head_wraps;               /* the header row is two lines high */
	uint32_t filter_rows;          /* rows of part filter_part in the
					* autofilter (0 = all) */
	int filter_part;
	uint32_t xrows[MAX_PARTS];    /* rows of each part in the sheet's XML */
	uint32_t xfull[MAX_PARTS];    /* of them, rows with a cell */
	FILE *csv;
	char *csv_tmp;                /* the csv twin's path */
	char *csv_name;               /* and its name in the folder */
};

struct book {
	lxw_workbook *wb;
	lxw_format *bold, *date, *datetime, *integer, *number[5], *marked;
	lxw_format *text, *wrap, *money;   /* top-aligned: rows may be tall */
	char *page_head, *page_foot;   /* libxlsxwriter's &-codes, or NULL */
	char *dir, *name, *final, *file;   /* final: dir/file, file: <name>.xlsx */
	int dirfd;
	bool csv, streaming, failed, created;
	/* the worksheets in the order added: sheet<k+1>.xml of the file */
	struct sheet *order_sheet[MAX_SHEETS * 2];
	int order_part[MAX_SHEETS * 2];
	int norder;
	uint32_t row_limit;           /* rows per sheet part: Excel's limit */
	uint64_t rows;                /* data rows of all sheets, for progress */
	struct sheet *sheets[MAX_SHEETS];
	int nsheets;
	char *xbuf, *cbuf;            /* cleaned cell text: workbook, csv */
};

/* ---- small helpers ------------------------------------------------------ */

static char *path_join(const char *dir, const char *prefix, const char *name,
		       const char *suffix)
{
	size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s%s%s", dir, prefix, name, suffix);
	return p;
}

static int oom(struct evb_error *err)
{
	return evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
}

/* Creates `file` in the folder dirfd, new, empty, mode 0600 whatever the
 * umask (it is evb's own), never following a symbolic link. Returns the
 * descriptor or -1 with err filled (path names the file in messages). */
static int create_private(int dirfd, const char *file, const char *path,
			  struct evb_error *err)
{
	int fd = openat(dirfd, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot create: %s",
				     strerror(errno)), -1;
	if (fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		unlinkat(dirfd, file, 0);
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot create: %s",
				     strerror(e)), -1;
	}
	return fd;
}

/* Flushes a closed file of the folder to disk. */
static int sync_file(int dirfd, const char *file, const char *path, struct evb_error *err)
{
	int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot sync: %s",
				     strerror(errno));
	if (fsync_fd(fd) != 0) {
		int e = errno;
		close(fd);
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot sync: %s",
				     strerror(e));
	}
	if (close(fd) != 0)
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot sync: %s",
				     strerror(errno));
	return 0;
}

void output_list_release(struct output_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
	memset(l, 0, sizeof(*l));
}

/* Makes room for `more` paths so that appending cannot fail. */
static int output_reserve(struct output_list *l, size_t more)
{
	if (!l || l->cap - l->n >= more)
		return 0;
	size_t cap = l->cap ? l->cap : 8;
	while (cap - l->n < more)
		cap *= 2;
	char **np = realloc(l->paths, cap * sizeof(*np));
	if (!np)
		return EVB_ENOMEM;
	l->paths = np;
	l->cap = cap;
	return 0;
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at p that is also allowed in
 * XML (no surrogates, no U+FFFE/U+FFFF), or 0. */
static size_t utf8_char(const unsigned char *p)
{
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		unsigned cp = (c & 0x0F) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
		if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
			return 0;
		unsigned cp = (c & 0x07) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 |
			      (p[3] & 0x3Fu);
		return cp >= 0x10000 && cp <= 0x10FFFF ? 4 : 0;
	}
	return 0;
}

static bool utf8_valid(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_char(p);
		if (!n)
			return false;
		p += n;
	}
	return true;
}

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

/* "_xHHHH_": the escape syntax of ECMA-376 22.4.2.4. */
static bool is_xescape(const char *p)
{
	return p[0] == '_' && p[1] == 'x' && is_hex(p[2]) && is_hex(p[3]) &&
	       is_hex(p[4]) && is_hex(p[5]) && p[6] == '_';
}

/*
 * The text as it is stored: malformed UTF-8 replaced by U+FFFD, cut to
 * MAX_CELL_CHARS characters, and for the workbook (xlsx) literal escapes
 * protected; the added characters count towards the limit, as
 * libxlsxwriter counts them. Returns s itself when nothing changes, else
 * buf (TEXT_BUF bytes). *chars gets the number of characters.
 */
static const char *text_clean(const char *s, bool xlsx, char *buf, size_t *chars)
{
	/* eight bytes at a time while they are ASCII with no '_' that could
	 * start an escape: each is one character, stored as it is */
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	const uint64_t stop = xlsx ? ones * '_' : 0;
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0, i = 0, end = strlen(s);
	bool change = false;
	while (i < end && !change) {
		uint64_t w, x;
		if (end - i >= 8) {
			memcpy(&w, u + i, 8);
			x = w ^ stop;   /* a zero byte where w has a '_' (xlsx) */
			if (!(w & high) && (!xlsx || !((x - ones) & ~x & high))) {
				i += 8;
				n += 8;
				change = n > MAX_CELL_CHARS;
				continue;
			}
		}
		size_t len = utf8_char(u + i);
		change = !len || ++n > MAX_CELL_CHARS || (xlsx && is_xescape(s + i));
		i += len ? len : 1;
	}
	if (!change) {
		*chars = n;
		return s;
	}
	size_t o = 0;
	n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t len = utf8_char(p);
		if (xlsx && is_xescape((const char *)p)) {
			if (n + 7 > MAX_CELL_CHARS)
				break;
			memcpy(buf + o, "_x005F", 6);
			o += 6;
			n += 6;
		}
		if (n + 1 > MAX_CELL_CHARS)
			break;
		if (len) {
			memcpy(buf + o, p, len);
			o += len;
			p += len;
		} else {
			memcpy(buf + o, "\xEF\xBF\xBD", 3);
			o += 3;
			p++;
		}
		n++;
	}
	buf[o] = '\0';
	*chars = n;
	return buf;
}

/* ---- numbers and dates as text -------------------------------------------- */

/*
 * v with `dec` decimals as Excel displays it with the format "0.00": the
 * value is first taken to 15 significant digits, then rounded half away
 * from zero. Decimal comma, no thousands separator, never "-0".
 * buf holds at least 340 bytes (1e308 has 309 digits).
 */
static void number_text(double v, int dec, char *buf, size_t size)
{
	/* Most values are the double nearest a number r / 10^dec with at most
	 * 15 digits (a sum in kronor and öre): then the 15 significant digits
	 * are r's, followed by zeros, and nothing rounds. The division is
	 * exact to the nearest double, so the test is too. */
	static const double scale[] = { 1, 10, 100, 1000, 10000 };
	double scaled = dec >= 0 && dec <= 4 ? v * scale[dec] : INFINITY;
	if (size >= 24 && fabs(scaled) < 1e15) {
		long long r = llround(scaled);
		if ((double)r / scale[dec] == v) {
			char rev[24];
			unsigned long long u = r < 0 ? (unsigned long long)-r : (unsigned long long)r;
			int n = 0;
			do {
				rev[n++] = (char)('0' + u % 10);
				u /= 10;
			} while (u || n < dec + 1);
			size_t o = 0;
			if (r < 0)
				buf[o++] = '-';
			while (n) {
				if (n == dec)
					buf[o++] = ',';
				buf[o++] = rev[--n];
			}
			buf[o] = '\0';
			return;
		}
	}
	char e[32], dig[400];
	snprintf(e, sizeof(e), "%.14e", v);     /* "-d.dddddddddddddde+XX" */
	const char *p = e;
	bool neg = *p == '-';
	if (neg)
		p++;
	char d15[16];
	int nd = 0;
	for (; *p && *p != 'e' && nd < 15; p++)
		if (*p != '.')
			d15[nd++] = *p;
	int exp = p[0] == 'e' ? atoi(p + 1) : 0;   /* v = d.ddd... * 10^exp */
	/* digit i weighs 10^(exp - i); keep those weighing at least 10^-dec */
	int keep = exp + dec + 1;
	size_t n = 0, ud = (size_t)dec;
	if (keep > 0 && keep <= 330) {
		for (int i = 0; i < keep; i++)
			dig[n++] = i < nd ? d15[i] : '0';
		if (keep < nd && d15[keep] >= '5') {
			size_t i = n;
			while (i > 0 && dig[i - 1] == '9')
				dig[--i] = '0';
			if (i > 0) {
				dig[i - 1]++;
			} else {
				memmove(dig + 1, dig, n);
				dig[0] = '1';
				n++;
			}
		}
	} else if (keep == 0 && d15[0] >= '5') {
		dig[n++] = '1';
	}
	/* dig[0..n) is |v| * 10^dec as an integer */
	bool zero = true;
	for (size_t i = 0; i < n; i++)
		zero = zero && dig[i] == '0';
	if (n < ud + 1) {
		memmove(dig + (ud + 1 - n), dig, n);
		memset(dig, '0', ud + 1 - n);
		n = ud + 1;
	}
	size_t o = 0;
	if (neg && !zero)
		buf[o++] = '-';
	for (size_t i = 0; i < n && o + 3 < size; i++) {
		if (i == n - ud && ud > 0)
			buf[o++] = ',';
		buf[o++] = dig[i];
	}
	buf[o] = '\0';
}

/* The decimal digits of v, as "%lld" writes them, into buf (at least 21
 * bytes); returns their number. */
static size_t int_text(int64_t v, char *buf)
{
	char rev[20];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t n = 0, k = 0;
	do {
		rev[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[k++] = '-';
	while (n)
		buf[k++] = rev[--n];
	buf[k] = '\0';
	return k;
}

/* Excel's serial day number; before 1900-03-01 (serial 61) one less,
 * because Excel counts a 29 February 1900 that never was. */
static double excel_serial(evb_date d)
{
	double serial = (double)d + EXCEL_EPOCH;
	return serial < 61 ? serial - 1 : serial;
}

/* ---- CSV ---------------------------------------------------------------- */

/* One field: quoted when it holds ; " CR or LF, a text that a spreadsheet
 * would take for a formula (= + - @ tab CR first) prefixed with '. */
static int csv_field(FILE *f, const char *s, bool text)
{
	bool guard = text && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
			      s[0] == '\t' || s[0] == '\r');
	bool quote = strpbrk(s, ";\"\r\n") != NULL;
	if (quote && putc('"', f) == EOF)
		return EOF;
	if (guard && putc('\'', f) == EOF)
		return EOF;
	if (!quote)
		return fputs(s, f) == EOF ? EOF : 0;
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		size_t n = (size_t)(q - s) + 1;
		if (fwrite(s, 1, n, f) != n || putc('"', f) == EOF)
			return EOF;
	}
	if (fputs(s, f) == EOF || putc('"', f) == EOF)
		return EOF;
	return 0;
}

/* ---- books -------------------------------------------------------------- */

static bool valid_book_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > MAX_NAME || name[0] == '.' || strchr(name, '/') || !utf8_valid(name))
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return false;
	return true;
}

/* Frees b; unless keep, its files are removed. */
static void free_book(struct book *b, bool keep)
{
	for (int i = 0; i < b->nsheets; i++) {
		struct sheet *s = b->sheets[i];
		if (s->csv)
			fclose(s->csv);
		if (s->csv_name && !keep)
			unlinkat(b->dirfd, s->csv_name, 0);
		free(s->name);
		for (int c = 0; s->headers && c < s->ncols; c++)
			free(s->headers[c]);
		free(s->headers);
		free(s->csv_tmp);
		free(s->csv_name);
		free(s);
	}
	if (b->created && !keep)
		unlinkat(b->dirfd, b->file, 0);
	if (b->dirfd >= 0)
		close(b->dirfd);
	free(b->dir);
	free(b->name);
	free(b->file);
	free(b->final);
	free(b->xbuf);
	free(b->cbuf);
	free(b->page_head);
	free(b->page_foot);
	free(b);
}

static struct book *open_book(const char *dir, const char *name, const char *title,
			      evb_date eval_date, bool csv, bool streaming,
			      struct evb_error *err)
{
	int ret = 0;
	struct book *b = NULL;
	if (!valid_book_name(name)) {
		ret = evb_error_set(err, EVB_EINVAL, NULL, 0, NULL, "invalid workbook name '%s'",
				    name);
		goto out;
	}
	if (title && !utf8_valid(title)) {
		ret = evb_error_set(err, EVB_EINVAL, NULL, 0, NULL, "workbook title is not UTF-8");
		goto out;
	}
	if (eval_date < EXCEL_FIRST_DAY || eval_date > EXCEL_LAST_DAY) {
		ret = evb_error_set(err, EVB_EINVAL, NULL, 0, NULL,
				    "evaluation date out of range for a workbook");
		goto out;
	}
	if (!(b = calloc(1, sizeof(*b)))) {
		ret = oom(err);
		goto out;
	}
	b->dirfd = -1;
	b->csv = csv;
	b->streaming = streaming;
	b->row_limit = LXW_ROW_MAX;
	b->dir = strdup(dir);
	b->name = strdup(name);
	b->final = path_join(dir, "", name, ".xlsx");
	size_t fl = strlen(name) + sizeof(".xlsx");
	if ((b->file = malloc(fl)))
		snprintf(b->file, fl, "%s.xlsx", name);
	b->xbuf = malloc(TEXT_BUF);
	b->cbuf = malloc(TEXT_BUF);
	if (!b->dir || !b->name || !b->final || !b->file || !b->xbuf || !b->cbuf) {
		ret = oom(err);
		goto out;
	}
	if ((b->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		ret = evb_error_set(err, EVB_EIO, dir, 0, NULL, "cannot open the folder: %s",
				    strerror(errno));
		goto out;
	}
	int fd = create_private(b->dirfd, b->file, b->final, err);
	if (fd < 0 || close(fd) != 0) {
		ret = fd < 0 ? EVB_EIO : evb_error_set(err, EVB_EIO, b->final, 0, NULL,
						       "cannot create: %s", strerror(errno));
		b->created = fd >= 0;
		goto out;
	}
	b->created = true;   /* from here on removed by book_abort */
	lxw_workbook_options opt = { .constant_memory = streaming ? LXW_TRUE : LXW_FALSE,
				     .tmpdir = b->dir, .use_zip64 = LXW_TRUE };
	if (!(b->wb = workbook_new_opt(b->final, &opt))) {
		ret = oom(err);
		goto out;
	}
	/* metadata dated noon UTC of the evaluation date, never the clock
	 * (0 would mean now); noon keeps the date in every time zone */
	lxw_doc_properties props = {
		.title = (char *)title, .author = (char *)"evb",
		.created = (time_t)eval_date * 86400 + 12 * 3600,
	};
	lxw_error e = workbook_set_properties(b->wb, &props);
	if (e) {
		ret = evb_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? EVB_ENOMEM : EVB_EINVAL,
				    b->final, 0, NULL, "cannot set document properties: %s",
				    lxw_strerror(e));
		goto out;
	}
	static const char *const numfmt[5] = { "0", "0.0", "0.00", "0.000", "0.0000" };
	b->bold = workbook_add_format(b->wb);
	b->date = workbook_add_format(b->wb);
	b->datetime = workbook_add_format(b->wb);
	b->marked = workbook_add_format(b->wb);
	b->integer = workbook_add_format(b->wb);
	for (int i = 0; i < 5; i++)
		b->number[i] = workbook_add_format(b->wb);
	b->text = workbook_add_format(b->wb);
	b->wrap = workbook_add_format(b->wb);
	b->money = workbook_add_format(b->wb);
	if (!b->bold || !b->date || !b->datetime || !b->marked || !b->integer ||
	    !b->number[0] || !b->number[1] || !b->number[2] || !b->number[3] ||
	    !b->number[4] || !b->text || !b->wrap || !b->money) {
		ret = oom(err);
		goto out;
	}
	format_set_bold(b->bold);
	format_set_text_wrap(b->bold);
	format_set_num_format(b->date, "yyyy-mm-dd");
	format_set_num_format(b->datetime, "yyyy-mm-dd hh:mm");
	format_set_bg_color(b->marked, 0xFFC7CE);
	format_set_font_color(b->marked, 0x9C0006);
	format_set_num_format(b->integer, "0");
	for (int i = 0; i < 5; i++)
		format_set_num_format(b->number[i], numfmt[i]);
	format_set_text_wrap(b->wrap);
	/* the spreadsheet program localises the separators: 14 875,00 kr */
	format_set_num_format(b->money, "#,##0.00\\ \"kr\"");
	lxw_format *all[] = { b->bold, b->date, b->datetime, b->integer, b->number[0], b->number[1],
			      b->number[2], b->number[3], b->number[4], b->text, b->wrap,
			      b->money };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		format_set_align(all[i], LXW_ALIGN_VERTICAL_TOP);
	/* a date does not touch the text of the next column */
	format_set_align(b->date, LXW_ALIGN_CENTER);
	format_set_align(b->datetime, LXW_ALIGN_CENTER);
out:
	if (ret) {
		book_abort(b);
		return NULL;
	}
	return b;
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

/* Appends at most `chars` characters of t to buf (size bytes, NUL-ended)
 * with '&' doubled, as libxlsxwriter's header codes need. */
static void page_text_put(char *buf, size_t size, const char *t, size_t chars)
{
	size_t o = strlen(buf), n = 0;
	for (const char *p = t; p && *p && n < chars && o + 6 < size; n++) {
		size_t len = utf8_char((const unsigned char *)p);
		if (!len || (unsigned char)*p < 0x20)   /* no control characters */
			break;
		if (*p == '&')
			buf[o++] = '&';
		memcpy(buf + o, p, len);
		o += len;
		p += len;
	}
	buf[o] = '\0';
}

int book_set_page_texts(struct book *b, const struct page_texts *t, struct evb_error *err)
{
	/* four texts of at most 60 characters (each '&' doubled, at most 4
	 * bytes a character) and the codes stay within HEADER_MAX characters */
	char head[4 * HEADER_MAX + 1] = "", foot[4 * HEADER_MAX + 1] = "";
	strcpy(head, "&L");
	page_text_put(head, sizeof(head), t->head_left, 60);
	strcat(head, "&C");
	page_text_put(head, sizeof(head), t->head_center, 60);
	strcat(head, "&R&A");   /* the sheet's name */
	strcpy(foot, "&L");
	page_text_put(foot, sizeof(foot), t->foot_left, 60);
	strcat(foot, "&R");
	page_text_put(foot, sizeof(foot), t->page, 20);
	strcat(foot, " &P ");
	page_text_put(foot, sizeof(foot), t->of, 20);
	strcat(foot, " &N");
	free(b->page_head);
	free(b->page_foot);
	b->page_head = strdup(head);
	b->page_foot = strdup(foot);
	return b->page_head && b->page_foot ? 0 : oom(err);
}

/* ---- sheets ------------------------------------------------------------- */

/* Next character of a name folded to lower case: ASCII and Latin-1
 * letters (A-Z, À-Þ but ×), which covers Swedish. Advances *p. */
static unsigned fold_next(const unsigned char **p)
{
	const unsigned char *q = *p;
	if (q[0] >= 'A' && q[0] <= 'Z') {
		(*p)++;
		return q[0] + 32u;
	}
	if (q[0] == 0xC3 && q[1] >= 0x80 && q[1] <= 0x9E && q[1] != 0x97) {
		*p += 2;
		return 0xC300u | (q[1] + 0x20u);
	}
	if (q[0] == 0xC3 && q[1]) {
		*p += 2;
		return 0xC300u | q[1];
	}
	(*p)++;
	return q[0];
}

/* Sheet names are the same for Excel when they differ only in case. */
static bool same_name(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	while (*p && *q)
		if (fold_next(&p) != fold_next(&q))
			return false;
	return !*p && !*q;
}

/* Excel's rules: 1-31 characters, none of []:*?/\ , no apostrophe first or
 * last, not "History"; we also refuse control characters and bad UTF-8. */
static bool valid_sheet_name(const char *name)
{
	size_t n = utf8_count(name);
	if (n == 0 || n > 31 || !utf8_valid(name) || strpbrk(name, "[]:*?/\\") ||
	    name[0] == '\'' || name[strlen(name) - 1] == '\'' || same_name(name, "History"))
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return false;
	return true;
}

/* The sheet part of a csv twin's file name: the sheet name with the
 * characters that Windows file systems refuse (besides those that sheet
 * names cannot hold) replaced by '_'. */
static char *csv_part(const char *name)
{
	char *p = strdup(name);
	if (p)
		for (char *q = p; *q; q++)
			if (*q == '"' || *q == '<' || *q == '>' || *q == '|')
				*q = '_';
	return p;
}

static int sheet_csv_open(struct book *b, struct sheet *s, struct evb_error *err)
{
	int ret = 0;
	char *part = csv_part(s->name), *base = NULL;
	if (!part) {
		ret = oom(err);
		goto out;
	}
	for (int i = 0; i < b->nsheets; i++) {
		char *other = b->sheets[i] == s ? NULL : csv_part(b->sheets[i]->name);
		bool clash = other && same_name(other, part);
		free(other);
		if (clash) {
			ret = evb_error_set(err, EVB_ETEMPLATE, NULL, 0, NULL,
					    "sheets '%s' and '%s' would share a csv file name",
					    b->sheets[i]->name, s->name);
			goto out;
		}
	}
	size_t n = strlen(b->name) + strlen(part) + sizeof(".csv") + 1;
	if (!(base = malloc(n))) {
		ret = oom(err);
		goto out;
	}
	snprintf(base, n, "%s.%s.csv", b->name, part);
	if (!(s->csv_tmp = path_join(b->dir, "", base, ""))) {
		ret = oom(err);
		goto out;
	}
	int fd = create_private(b->dirfd, base, s->csv_tmp, err);
	if (fd < 0) {
		ret = EVB_EIO;
		goto out;
	}
	s->csv_name = base;   /* from here on removed by book_abort */
	base = NULL;
	if (!(s->csv = fdopen(fd, "wb"))) {
		close(fd);
		ret = evb_error_set(err, EVB_EIO, s->csv_tmp, 0, NULL, "cannot write: %s",
				    strerror(errno));
		goto out;
	}
	if (setvbuf(s->csv, NULL, _IOFBF, CSV_BUFSIZE) != 0 ||
	    fputs("\xEF\xBB\xBF", s->csv) == EOF) {
		ret = evb_error_set(err, EVB_EIO, s->csv_tmp, 0, NULL, "cannot write: %s",
				    strerror(errno));
		goto out;
	}
out:
	free(part);
	free(base);
	return ret;
}

static int write_header(struct sheet *s, bool to_csv, struct evb_error *err);

/* Columns frozen on screen: up to the last identifying one. */
static int frozen_cols(const struct sheet *s)
{
	return s->look.nid ? s->look.id_first + s->look.nid : 0;
}

/* Lines of text t wrapped at width characters, words kept whole where
 * they fit (as a spreadsheet program wraps them). */
static unsigned wrap_lines(const char *t, unsigned width)
{
	unsigned lines = 1, col = 0;
	const unsigned char *p = (const unsigned char *)t;
	while (*p) {
		if (*p == '\n') {
			lines++;
			col = 0;
			p++;
			continue;
		}
		if (*p == ' ') {
			p++;
			if (col > 0 && col < width)
				col++;
			continue;
		}
		unsigned word = 0;
		while (*p && *p != ' ' && *p != '\n') {
			word += (*p & 0xC0) != 0x80;
			p++;
		}
		if (col > 0 && col + word > width) {
			lines++;
			col = 0;
		}
		while (word > width) {   /* a word longer than the line is broken */
			lines++;
			word -= width;
		}
		col += word;
	}
	return lines;
}

/* Width of the longest word of t in characters. */
static unsigned longest_word(const char *t)
{
	unsigned best = 0, n = 0;
	for (const unsigned char *p = (const unsigned char *)t;; p++) {
		if (!*p || *p == ' ' || *p == '\n') {
			best = n > best ? n : best;
			n = 0;
			if (!*p)
				break;
		} else {
			n += (*p & 0xC0) != 0x80;
		}
	}
	return best;
}

/* The narrowest width at which a header takes at most two lines (one line
 * for a short one); capped at MAX_WIDTH. */
static unsigned head_width(const char *h)
{
	unsigned len = (unsigned)utf8_count(h);
	if (len <= HEAD_ONE_LINE)
		return len;
	unsigned w = longest_word(h);
	while (w < len && w < MAX_WIDTH && wrap_lines(h, w) > 2)
		w++;
	return w > MAX_WIDTH ? MAX_WIDTH : w;
}

struct sheet *book_add_sheet(struct book *b, const char *name,
			     const char *const *headers, int ncols,
			     struct evb_error *err)
{
	return book_add_sheet_look(b, name, headers, ncols, NULL, err);
}

struct sheet *book_add_sheet_look(struct book *b, const char *name,
				  const char *const *headers, int ncols,
				  const struct sheet_look *look, struct evb_error *err)
{
	if (b->failed) {
		evb_error_set(err, EVB_EIO, b->final, 0, NULL, "an earlier write failed");
		return NULL;
	}
	if (!valid_sheet_name(name)) {
		evb_error_set(err, EVB_ETEMPLATE, NULL, 0, NULL, "invalid sheet name '%s'", name);
		return NULL;
	}
	if (ncols < 1 || ncols > MAX_COLS) {
		evb_error_set(err, EVB_EINVAL, NULL, 0, NULL,
			      "sheet '%s' has %d columns (1 to %d allowed)", name, ncols, MAX_COLS);
		return NULL;
	}
	if (b->nsheets >= MAX_SHEETS || b->norder >= MAX_SHEETS * 2) {
		evb_error_set(err, EVB_ETOOBIG, NULL, 0, NULL,
			      "more than %d sheets in one workbook", MAX_SHEETS);
		return NULL;
	}
	if (look && (look->nid < 0 || look->id_first < 0 ||
		     look->id_first + look->nid >= ncols)) {
		evb_error_set(err, EVB_ETEMPLATE, NULL, 0, NULL,
			      "sheet '%s': identifying columns %d to %d of %d", name,
			      look->id_first + 1, look->id_first + look->nid, ncols);
		return NULL;
	}
	for (int i = 0; look && i < ncols; i++)
		if (look->wrap[i] && (look->wrap[i] < SHEET_WRAP_MIN || look->wrap[i] > SHEET_WRAP_MAX)) {
			evb_error_set(err, EVB_ETEMPLATE, NULL, 0, NULL,
				      "sheet '%s': column %d wraps at %d characters", name, i + 1,
				      look->wrap[i]);
			return NULL;
		}
	for (int i = 0; i < b->nsheets; i++)
		if (same_name(b->sheets[i]->name, name)) {
			evb_error_set(err, EVB_ETEMPLATE, NULL, 0, NULL,
				      "sheet name '%s' used twice", name);
			return NULL;
		}
	for (int i = 0; i < ncols; i++)
		if (headers[i] && !utf8_valid(headers[i])) {
			evb_error_set(err, EVB_ETEMPLATE, NULL, 0, NULL,
				      "header of column %d of sheet '%s' is not UTF-8", i + 1, name);
			return NULL;
		}
	struct sheet *s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(name))) {
		free(s);
		oom(err);
		return NULL;
	}
	s->b = b;
	s->ncols = ncols;
	if (look)
		s->look = *look;
	if (!(s->headers = calloc((size_t)ncols, sizeof(*s->headers)))) {
		free(s->name);
		free(s);
		oom(err);
		return NULL;
	}
	for (int i = 0; i < ncols; i++)
		if (!(s->headers[i] = strdup(headers[i] ? headers[i] : ""))) {
			for (int k = 0; k < i; k++)
				free(s->headers[k]);
			free(s->headers);
			free(s->name);
			free(s);
			oom(err);
			return NULL;
		}
	if (!(s->ws = workbook_add_worksheet(b->wb, name))) {
		for (int i = 0; i < ncols; i++)
			free(s->headers[i]);
		free(s->headers);
		free(s->name);
		free(s);
		evb_error_set(err, EVB_EINVAL, NULL, 0, NULL, "cannot add sheet '%s'", name);
		return NULL;
	}
	/* the workbook now holds the sheet: a failure from here on spoils it */
	b->sheets[b->nsheets++] = s;
	b->order_sheet[b->norder] = s;
	b->order_part[b->norder++] = s->nparts;
	s->parts[s->nparts++] = s->ws;
	worksheet_freeze_panes(s->ws, 1, (lxw_col_t)frozen_cols(s));
	for (int i = 0; i < ncols; i++) {
		unsigned w = head_width(s->headers[i]);
		s->head[i] = (unsigned char)w;
		s->head_wraps = s->head_wraps || wrap_lines(s->headers[i], w) > 1;
	}
	if (b->csv && sheet_csv_open(b, s, err)) {
		b->failed = true;
		return NULL;
	}
	if (write_header(s, true, err))
		return NULL;
	return s;
}

static int lxw_fail(struct book *b, lxw_error e, const char *what, struct evb_error *err)
{
	b->failed = true;
	return evb_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? EVB_ENOMEM : EVB_EIO,
			     b->final, 0, NULL, "%s: %s", what, lxw_strerror(e));
}

static void widen(struct sheet *s, int col, size_t chars)
{
	if (s->row == 0)   /* the header wraps: its width is s->head */
		return;
	size_t max = s->look.wrap[col] > MAX_WIDTH ? s->look.wrap[col] : MAX_WIDTH;
	if (chars > max)
		chars = max;
	if (chars > s->width[col])
		s->width[col] = (unsigned char)chars;
}

/* One row into the current part, and into the csv twin when to_csv. */
static int write_row(struct sheet *s, const struct cell *cells, bool to_csv,
		     struct evb_error *err)
{
	struct book *b = s->b;
	unsigned lines = 1;
	bool any = false;   /* a cell written: the row is in the sheet's XML */
	for (int c = 0; c < s->ncols; c++) {
		const struct cell *cl = &cells[c];
		lxw_col_t col = (lxw_col_t)c;
		char buf[340];
		const char *csvtext = "";
		bool text = false;
		size_t chars = 0;
		lxw_error e = LXW_NO_ERROR;
		switch (cl->kind) {
		case CELL_TEXT:
			if (!cl->text || !*cl->text)
				break;
		{
			const char *x = text_clean(cl->text, true, b->xbuf, &chars);
			unsigned w = s->look.wrap[c];
			lxw_format *f = s->row == 0 ? b->bold : w ? b->wrap : b->text;
			e = worksheet_write_string(s->ws, s->row, col, x, f);
			if (s->row > 0 && w) {
				unsigned n = wrap_lines(x, w);
				lines = n > lines ? n : lines;
			}
			/* the csv text differs only where the workbook's does */
			csvtext = x == cl->text ? x : text_clean(cl->text, false, b->cbuf, &chars);
			text = true;
			break;
		}
		case CELL_INT:
			chars = int_text(cl->i, buf);
			if (cl->i >= -MAX_EXACT_INT && cl->i <= MAX_EXACT_INT)
				e = worksheet_write_number(s->ws, s->row, col, (double)cl->i,
							   b->integer);
			else
				e = worksheet_write_string(s->ws, s->row, col, buf, b->text);
			csvtext = buf;
			break;
		case CELL_NUMBER: {
			int dec = cl->decimals < 0 ? 0 : cl->decimals > 4 ? 4 : cl->decimals;
			if (!isfinite(cl->num))
				break;   /* NaN and Inf would make a corrupt file */
			e = worksheet_write_number(s->ws, s->row, col, cl->num,
						   cl->money ? b->money : b->number[dec]);
			number_text(cl->num, dec, buf, sizeof(buf));
			csvtext = buf;
			/* shown with thousands separators and " kr" */
			chars = strlen(buf) + (cl->money ? strlen(buf) / 3 + 3 : 0);
			break;
		}
		case CELL_DATE:
			if (cl->date == DATE_NONE || cl->date < FIRST_DAY_0001 ||
			    cl->date > EXCEL_LAST_DAY)
				break;
			date_format(cl->date, buf);
			if (cl->date >= EXCEL_FIRST_DAY)
				e = worksheet_write_number(s->ws, s->row, col,
							   excel_serial(cl->date), b->date);
			else   /* before 1900: no Excel date, so the text */
				e = worksheet_write_string(s->ws, s->row, col, buf, b->text);
			csvtext = buf;
			chars = 10;
			break;
		case CELL_DATETIME: {
			evb_date day = (evb_date)(cl->i >= 0 ? cl->i / 1440
						  : -((-cl->i + 1439) / 1440));
			int min = (int)(cl->i - (int64_t)day * 1440);
			if (day < FIRST_DAY_0001 || day > EXCEL_LAST_DAY)
				break;
			date_format(day, buf);
			snprintf(buf + 10, sizeof(buf) - 10, " %02d:%02d", min / 60, min % 60);
			if (day >= EXCEL_FIRST_DAY)
				e = worksheet_write_number(s->ws, s->row, col,
							   excel_serial(day) + min / 1440.0, b->datetime);
			else
				e = worksheet_write_string(s->ws, s->row, col, buf, NULL);
			csvtext = buf;
			chars = 16;
			break;
		}
		case CELL_BLANK:
			break;
		}
		if (e)
			return lxw_fail(b, e, "cannot write a cell", err);
		any |= chars > 0;
		widen(s, c, chars);
		if (s->csv && to_csv && ((c > 0 && putc(';', s->csv) == EOF) ||
			       csv_field(s->csv, csvtext, text) == EOF)) {
			b->failed = true;
			return evb_error_set(err, EVB_EIO, s->csv_tmp, 0, NULL, "cannot write: %s",
					     strerror(errno));
		}
	}
	if (s->csv && to_csv && fputs("\r\n", s->csv) == EOF) {
		b->failed = true;
		return evb_error_set(err, EVB_EIO, s->csv_tmp, 0, NULL, "cannot write: %s",
				     strerror(errno));
	}
	/* spreadsheet programs do not grow the rows libxlsxwriter writes, so
	 * wrapped rows get their height here, while the row is the current
	 * one (all that constant_memory mode allows) */
	if (s->row == 0 && s->head_wraps)
		lines = 2;
	if (lines > 1) {
		double pt = lines * LINE_PT > MAX_ROW_PT ? MAX_ROW_PT : lines * LINE_PT;
		lxw_error e = worksheet_set_row(s->ws, s->row, pt, NULL);
		if (e)
			return lxw_fail(b, e, "cannot set a row height", err);
	}
	/* a row with a cell or a height of its own is in the sheet's XML */
	s->xrows[s->nparts - 1] += any || lines > 1;
	s->xfull[s->nparts - 1] += any;
	s->row++;
	return 0;
}

static int write_header(struct sheet *s, bool to_csv, struct evb_error *err)
{
	struct cell cells[MAX_COLS];
	for (int i = 0; i < s->ncols; i++)
		cells[i] = cell_text(s->headers[i]);
	return write_row(s, cells, to_csv, err);
}

/* Starts the next continuation sheet "<name> (k)": the name cut on a
 * character boundary to fit Excel's 31 characters. */
static int next_part(struct sheet *s, struct evb_error *err)
{
	struct book *b = s->b;
	if (s->nparts >= MAX_PARTS || b->nsheets + s->nparts >= MAX_SHEETS * 2 ||
	    b->norder >= MAX_SHEETS * 2)
		return evb_error_set(err, EVB_ETOOBIG, b->final, 0, NULL,
				     "sheet '%s' would have more than %d x %u rows", s->name,
				     MAX_PARTS, (unsigned)LXW_ROW_MAX);
	char suffix[16], name[160];
	snprintf(suffix, sizeof(suffix), " (%d)", s->nparts + 1);
	size_t keep = 0, chars = 0, limit = 31 - strlen(suffix);
	while (s->name[keep] && chars < limit) {
		keep++;
		while ((s->name[keep] & 0xC0) == 0x80)
			keep++;
		chars++;
	}
	snprintf(name, sizeof(name), "%.*s%s", (int)keep, s->name, suffix);
	for (int i = 0; i < b->nsheets; i++)
		if (same_name(b->sheets[i]->name, name))
			return evb_error_set(err, EVB_ETEMPLATE, b->final, 0, NULL,
					     "continuation sheet '%s' clashes with a sheet", name);
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
	if (!ws) {
		b->failed = true;
		return evb_error_set(err, EVB_EIO, b->final, 0, NULL, "cannot add sheet '%s'", name);
	}
	s->part_rows[s->nparts - 1] = s->row;
	b->order_sheet[b->norder] = s;
	b->order_part[b->norder++] = s->nparts;
	s->parts[s->nparts++] = ws;
	s->ws = ws;
	s->row = 0;
	worksheet_freeze_panes(ws, 1, (lxw_col_t)frozen_cols(s));
	return write_header(s, false, err);
}

int sheet_add_row(struct sheet *s, const struct cell *cells, struct evb_error *err)
{
	struct book *b = s->b;
	if (b->failed)
		return evb_error_set(err, EVB_EIO, b->final, 0, NULL, "an earlier write failed");
	if (s->row >= b->row_limit) {
		int ret = next_part(s, err);
		if (ret)
			return ret;
	}
	if (++b->rows % 4096 == 0)
		progress_at(0, b->rows);
	return write_row(s, cells, true, err);
}

/* Chart texts: libxlsxwriter takes a text starting with '=' for a
 * reference to a cell, so such texts are refused. */
static bool chart_text_ok(const char *t)
{
	return !t || (t[0] != '=' && utf8_valid(t));
}

int sheet_add_chart(struct sheet *s, const struct chart_spec *spec,
		    struct evb_error *err)
{
	struct book *b = s->b;
	if (b->failed)
		return evb_error_set(err, EVB_EIO, b->final, 0, NULL, "an earlier write failed");
	if (b->streaming)
		return evb_error_set(err, EVB_EINVAL, b->final, 0, NULL,
				     "a chart needs a workbook opened with book_open_small");
	if (spec->nrows < 1 || (uint32_t)spec->nrows >= s->row ||
	    spec->category_col < 0 || spec->category_col >= s->ncols ||
	    spec->value_col < 0 || spec->value_col >= s->ncols)
		return evb_error_set(err, EVB_EINVAL, b->final, 0, NULL,
				     "chart over missing cells of sheet '%s'", s->name);
	if (!chart_text_ok(spec->title) || !chart_text_ok(spec->x_title) ||
	    !chart_text_ok(spec->y_title))
		return evb_error_set(err, EVB_ETEMPLATE, b->final, 0, NULL,
				     "invalid chart title on sheet '%s'", s->name);
	lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_COLUMN);
	lxw_chart_series *ser = ch ? chart_add_series(ch, NULL, NULL) : NULL;
	if (!ser)
		return lxw_fail(b, LXW_ERROR_MEMORY_MALLOC_FAILED, "cannot add a chart", err);
	/* numeric ranges: the library quotes the sheet name itself */
	lxw_col_t cc = (lxw_col_t)spec->category_col, vc = (lxw_col_t)spec->value_col;
	chart_series_set_categories(ser, s->name, 1, cc, (lxw_row_t)spec->nrows, cc);
	chart_series_set_values(ser, s->name, 1, vc, (lxw_row_t)spec->nrows, vc);
	if (spec->y_title && *spec->y_title)
		chart_series_set_name(ser, spec->y_title);
	if (spec->title && *spec->title)
		chart_title_set_name(ch, spec->title);
	if (spec->x_title && *spec->x_title)
		chart_axis_set_name(ch->x_axis, spec->x_title);
	if (spec->y_title && *spec->y_title)
		chart_axis_set_name(ch->y_axis, spec->y_title);
	chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
	lxw_error e = worksheet_insert_chart(s->ws, s->row + 1, 0, ch);
	return e ? lxw_fail(b, e, "cannot insert the chart", err) : 0;
}

/* ---- closing ------------------------------------------------------------ */

/* Frees the workbook without writing it. workbook_close() would assemble
 * the whole file (and print its own errors); lxw_workbook_free() does not
 * close a constant_memory sheet's temporary file, so that is done here. */
static void discard_workbook(struct book *b)
{
	if (!b->wb)
		return;
	for (int i = 0; i < b->nsheets; i++) {
		lxw_worksheet *ws = b->sheets[i]->ws;
		if (ws && ws->optimize_tmpfile) {
			fclose(ws->optimize_tmpfile);
			ws->optimize_tmpfile = NULL;
			ws->file = NULL;
		}
	}
	lxw_workbook_free(b->wb);
	b->wb = NULL;
}

int sheet_end_filter(struct sheet *s, struct evb_error *err)
{
	struct book *b = s->b;
	if (b->failed)
		return evb_error_set(err, EVB_EIO, b->final, 0, NULL, "an earlier write failed");
	if (s->filter_rows)
		return evb_error_set(err, EVB_EINVAL, b->final, 0, NULL,
				     "sheet '%s': the filtered rows end twice", s->name);
	s->filter_rows = s->row;
	s->filter_part = s->nparts - 1;
	if (s->look.key_value)
		return 0;
	/* now: constant_memory mode takes no range ending before the row
	 * being written */
	lxw_error e = worksheet_autofilter(s->ws, 0, 0, s->row - 1, (lxw_col_t)(s->ncols - 1));
	return e ? lxw_fail(b, e, "cannot set the autofilter", err) : 0;
}

void book_set_rows_per_sheet(struct book *b, uint32_t rows)
{
	b->row_limit = rows >= 2 && rows <= LXW_ROW_MAX ? rows : LXW_ROW_MAX;
}

void book_abort(struct book *b)
{
	if (!b)
		return;
	discard_workbook(b);
	free_book(b, false);
}

/* Width of column c: the longest value (a wrapped column at most its wrap
 * width) or the header's two-line width, whichever is wider. */
static unsigned column_width(const struct sheet *s, int c)
{
	unsigned data = s->width[c], wrap = s->look.wrap[c];
	if (wrap && data > wrap)
		data = wrap;
	unsigned w = (data > s->head[c] ? data : s->head[c]) + WIDTH_PAD;
	unsigned max = wrap + WIDTH_PAD > MAX_WIDTH ? wrap + WIDTH_PAD : MAX_WIDTH;
	return w < MIN_WIDTH ? MIN_WIDTH : w > max ? max : w;
}

/* Widths, autofilter and print set-up of one part of a sheet. */
static int finish_part(struct sheet *s, int p, struct evb_error *err)
{
	struct book *b = s->b;
	lxw_worksheet *ws = s->parts[p];
	double total = 0;
	for (int c = 0; c < s->ncols; c++) {
		unsigned w = column_width(s, c);
		total += (w + 0.71) * PT_PER_CHAR;
		lxw_error e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)w, NULL);
		if (e)
			return lxw_fail(b, e, "cannot set a column width", err);
	}
	uint32_t rows = s->part_rows[p];
	if (!s->look.key_value && !(s->filter_rows && p == s->filter_part)) {
		lxw_error e = worksheet_autofilter(ws, 0, 0, rows - 1, (lxw_col_t)(s->ncols - 1));
		if (e)
			return lxw_fail(b, e, "cannot set the autofilter", err);
	}
	worksheet_set_paper(ws, PAPER_A4);
	if (total <= PORTRAIT_PT)
		worksheet_set_portrait(ws);
	else
		worksheet_set_landscape(ws);
	if (total <= (total <= PORTRAIT_PT ? PORTRAIT_PT : LANDSCAPE_PT) * 100.0 / READABLE_SCALE) {
		worksheet_fit_to_pages(ws, 1, 0);
	} else {
		worksheet_set_print_scale(ws, READABLE_SCALE);
		if (s->look.nid > 0) {
			lxw_error e = worksheet_repeat_columns(ws, (lxw_col_t)s->look.id_first,
							       (lxw_col_t)(s->look.id_first +
									   s->look.nid - 1));
			if (e)
				return lxw_fail(b, e, "cannot repeat the identifying columns", err);
		}
	}
	worksheet_print_across(ws);
	lxw_error e = worksheet_repeat_rows(ws, 0, 0);
	if (!e && b->page_head)
		e = worksheet_set_header(ws, b->page_head);
	if (!e && b->page_foot)
		e = worksheet_set_footer(ws, b->page_foot);
	return e ? lxw_fail(b, e, "cannot set up printing", err) : 0;
}

/* Widths and autofilter, then the csv files flushed to disk and closed. */
static int finish_sheets(struct book *b, struct evb_error *err)
{
	for (int i = 0; i < b->nsheets; i++) {
		struct sheet *s = b->sheets[i];
		s->part_rows[s->nparts - 1] = s->row;
		for (int p = 0; p < s->nparts; p++) {
			int ret = finish_part(s, p, err);
			if (ret)
				return ret;
		}
		/* the rows streamed to the library's temporary files: it
		 * ignores their write errors, the stream remembers them */
		for (int p = 0; p < s->nparts; p++) {
			FILE *f = s->parts[p]->optimize_tmpfile;
			if (f && (fflush(f) != 0 || ferror(f))) {
				b->failed = true;
				return evb_error_set(err, EVB_EIO, b->final, 0, NULL,
						     "cannot write the rows of sheet '%s': %s",
						     s->name, strerror(errno));
			}
		}
		if (s->csv) {
			FILE *f = s->csv;
			s->csv = NULL;
			int bad = fflush(f) != 0 || fsync_fd(fileno(f)) != 0;
			int saved = errno;
			if (fclose(f) != 0 && !bad) {
				bad = 1;
				saved = errno;
			}
			if (bad) {
				b->failed = true;
				return evb_error_set(err, EVB_EIO, s->csv_tmp, 0, NULL,
						     "cannot write: %s", strerror(saved));
			}
		}
	}
	return 0;
}

/* Reads the closed workbook back (zipcheck.c): rows per worksheet in the
 * order the worksheets were added. */
static int check_written(struct book *b, struct evb_error *err)
{
	uint32_t rows[MAX_SHEETS * 2], full[MAX_SHEETS * 2];
	const char *names[MAX_SHEETS * 2];
	for (int k = 0; k < b->norder; k++) {
		const struct sheet *s = b->order_sheet[k];
		rows[k] = s->xrows[b->order_part[k]];
		full[k] = s->xfull[b->order_part[k]];
		names[k] = s->name;
	}
	return zipcheck_xlsx(b->final, rows, full, names, b->norder, err);
}

int book_close(struct book *b, struct output_list *outs, struct evb_error *err)
{
	int ret = 0, nfiles = 0;
	char *copies[MAX_SHEETS + 1] = { 0 };

	if (b->failed) {
		ret = evb_error_set(err, EVB_EIO, b->final, 0, NULL, "an earlier write failed");
		goto out;
	}
	if ((ret = finish_sheets(b, err)))
		goto out;
	/* everything that can run out of memory happens before writing */
	if (output_reserve(outs, (size_t)b->nsheets + 1)) {
		ret = oom(err);
		goto out;
	}
	if (outs && !(copies[nfiles++] = strdup(b->final))) {
		ret = oom(err);
		goto out;
	}
	for (int i = 0; outs && i < b->nsheets; i++)
		if (b->sheets[i]->csv_tmp && !(copies[nfiles++] = strdup(b->sheets[i]->csv_tmp))) {
			ret = oom(err);
			goto out;
		}
	lxw_workbook *wb = b->wb;
	b->wb = NULL;
	lxw_error e = workbook_close(wb);   /* frees wb in every case */
	if (e) {
		ret = evb_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? EVB_ENOMEM : EVB_EIO,
				    b->final, 0, NULL, "cannot write the workbook: %s",
				    lxw_strerror(e));
		goto out;
	}
	if ((ret = check_written(b, err)) || (ret = sync_file(b->dirfd, b->file, b->final, err)))
		goto out;
	for (int i = 0; outs && i < nfiles; i++) {
		outs->paths[outs->n++] = copies[i];
		copies[i] = NULL;
	}
out:
	for (int i = 0; i <= MAX_SHEETS; i++)
		free(copies[i]);
	discard_workbook(b);
	free_book(b, ret == 0);   /* a failed book leaves none of its files */
	return ret;
}

int sheet_highlight_rows(struct sheet *s, int col, const char *prefix,
			 struct evb_error *err)
{
	/* =LEFT($S2,6)="Saknas": relative to the first data row of the range;
	 * the prefix's quotes doubled (a formula string) */
	char formula[256], quoted[128];
	size_t q = 0;
	for (const char *p = prefix; *p && q + 3 < sizeof(quoted); p++) {
		if (*p == '"')
			quoted[q++] = '"';
		quoted[q++] = *p;
	}
	quoted[q] = '\0';
	char letters[4];
	lxw_col_t c = (lxw_col_t)col;
	int n = 0;
	char rev[4];
	do {
		rev[n++] = (char)('A' + c % 26);
		c = c / 26;
	} while (c-- > 0 && n < 3);
	for (int i = 0; i < n; i++)
		letters[i] = rev[n - 1 - i];
	letters[n] = '\0';
	snprintf(formula, sizeof(formula), "=LEFT($%s2,%zu)=\"%s\"", letters,
		 utf8_count(prefix), quoted);
	for (int i = 0; i < s->nparts; i++) {
		lxw_conditional_format cf = {
			.type = LXW_CONDITIONAL_TYPE_FORMULA,
			.value_string = formula,
			.format = s->b->marked,
		};
		lxw_error e = worksheet_conditional_format_range(
			s->parts[i], 1, 0, LXW_ROW_MAX - 1, (lxw_col_t)(s->ncols - 1), &cf);
		if (e)
			return lxw_fail(s->b, e, "cannot highlight rows", err);
	}
	return 0;
}
