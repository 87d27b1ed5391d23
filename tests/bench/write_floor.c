/*
 * The write floor of `make bench`: what libxlsxwriter needs to write the
 * workbooks a command wrote, with no computation.
 *
 *   write_floor [--keep] OUTDIR BOOK.xlsx...
 *
 * Each workbook evb wrote is read first (minizip; not timed): its sheets
 * in order, and in each every cell with its value, its type (a shared or
 * an inline string, a number, a date by its style) and its style. Then,
 * timed, each is written again into OUTDIR with libxlsxwriter in the mode
 * evb used (constant memory when the workbook has inline strings and no
 * shared-string table), the same cells with the same values and formats,
 * one after the other as evb writes them; each file is fsynced and read
 * back (every part decompressed and its CRC checked, the rows of each
 * sheet counted), as evb's run folder does. Prints the shape of each
 * workbook and, last, "write floor: S s". The files are removed after
 * they are read back, unless --keep (OUTDIR/floor-N.xlsx, N from 0 in
 * the order given: tests/bench/floor_test.sh compares them with evb's).
 */
#define _GNU_SOURCE             /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <minizip/unzip.h>
#include <xlsxwriter.h>

enum { T_NUMBER, T_SHARED, T_INLINE, T_BOOL, T_BLANK };

struct cell {
	uint32_t row;
	uint16_t col;
	uint8_t type;
	uint16_t style;
	double num;             /* a number, or a string's offset in the arena */
	uint32_t len;
};

struct sheet {
	char name[64];
	struct cell *cells;
	size_t n, cap;
	uint32_t rows;
	size_t strings, numbers, dates, blanks;
};

/* What the floor reproduces of a cell format: its number format, bold
 * and alignment (evb's formats differ in no other way). */
struct xf {
	int numfmt;
	bool bold;
	bool wrap;
	uint8_t halign, valign;   /* LXW_ALIGN_*; 0 for none */
};

struct book {
	const char *path;
	struct sheet *sheets;
	int nsheets;
	char *arena;            /* string values, back to back */
	size_t alen, acap;
	char **sst;             /* the shared strings */
	size_t nsst;
	struct xf *xfs;
	int nxfs;
	struct { int id; char code[64]; } numfmts[64];
	int nnumfmts;
	bool constant_memory;
};

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "write_floor: %s: %s\n", what, detail ? detail : strerror(errno));
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("out of memory", "");
	return q;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The whole of one part of the zip, NUL-terminated; NULL when absent. */
static char *read_part(unzFile z, const char *name, size_t *len)
{
	if (unzLocateFile(z, name, 1) != UNZ_OK)
		return NULL;
	unz_file_info64 info;
	if (unzGetCurrentFileInfo64(z, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK ||
	    unzOpenCurrentFile(z) != UNZ_OK)
		die(name, "cannot open the part");
	size_t n = (size_t)info.uncompressed_size;
	char *p = xrealloc(NULL, n + 1);
	size_t got = 0;
	while (got < n) {
		int k = unzReadCurrentFile(z, p + got, (unsigned)(n - got > (1u << 30) ? 1u << 30 : n - got));
		if (k <= 0)
			die(name, "cannot read the part");
		got += (size_t)k;
	}
	if (unzCloseCurrentFile(z) != UNZ_OK)
		die(name, "CRC error");
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

/* The value of attribute name in the tag starting at tag (up to '>'). */
static bool attr(const char *tag, const char *name, char *out, size_t size)
{
	const char *end = strchr(tag, '>');
	size_t k = strlen(name);
	for (const char *p = tag; p && p < end; p++) {
		if (p[-1] == ' ' && strncmp(p, name, k) == 0 && p[k] == '=' && p[k + 1] == '"') {
			const char *v = p + k + 2, *q = strchr(v, '"');
			size_t n = (size_t)(q - v) < size - 1 ? (size_t)(q - v) : size - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

/* Decodes the XML text s[0..n) (the five entities) into o, which may be
 * s itself; returns the length written, without a NUL. */
static size_t decode(const char *s, size_t n, char *o)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '&') {
			o[k++] = s[i];
			continue;
		}
		static const struct { const char *e; char c; } ents[] = {
			{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
			{ "&apos;", '\'' },
		};
		size_t j;
		for (j = 0; j < 5; j++) {
			size_t el = strlen(ents[j].e);
			if (i + el <= n && strncmp(s + i, ents[j].e, el) == 0) {
				o[k++] = ents[j].c;
				i += el - 1;
				break;
			}
		}
		if (j == 5)
			o[k++] = s[i];
	}
	return k;
}

/* Decodes the XML text s[0..n) onto the arena. */
static uint32_t add_text(struct book *b, const char *s, size_t n, size_t *off)
{
	if (b->alen + n + 1 > b->acap) {
		b->acap = (b->alen + n + 1) * 2;
		b->arena = xrealloc(b->arena, b->acap);
	}
	*off = b->alen;
	char *o = b->arena + b->alen;
	size_t k = decode(s, n, o);
	o[k] = '\0';
	b->alen += k + 1;
	return (uint32_t)k;
}

/* The text of the first <t ...>...</t> at or after p, before limit. */
static const char *text_of(const char *p, const char *limit, size_t *n)
{
	const char *t = strstr(p, "<t");
	if (!t || t >= limit)
		return NULL;
	if (t[2] == '/') {      /* <t/> */
		*n = 0;
		return t;
	}
	const char *v = strchr(t, '>') + 1, *e = strstr(v, "</t>");
	*n = (size_t)(e - v);
	return v;
}

struct align_name {
	const char *name;
	uint8_t align;
};

static const struct align_name horizontal[] = {
	{ "left", LXW_ALIGN_LEFT }, { "center", LXW_ALIGN_CENTER },
	{ "right", LXW_ALIGN_RIGHT }, { "fill", LXW_ALIGN_FILL },
	{ "justify", LXW_ALIGN_JUSTIFY }, { "centerContinuous", LXW_ALIGN_CENTER_ACROSS },
	{ "distributed", LXW_ALIGN_DISTRIBUTED }, { NULL, 0 },
};

static const struct align_name vertical[] = {
	{ "top", LXW_ALIGN_VERTICAL_TOP }, { "bottom", LXW_ALIGN_VERTICAL_BOTTOM },
	{ "center", LXW_ALIGN_VERTICAL_CENTER }, { "justify", LXW_ALIGN_VERTICAL_JUSTIFY },
	{ "distributed", LXW_ALIGN_VERTICAL_DISTRIBUTED }, { NULL, 0 },
};

static uint8_t align_of(const char *v, const struct align_name *names)
{
	for (const struct align_name *a = names; a->name; a++)
		if (strcmp(v, a->name) == 0)
			return a->align;
	return 0;
}

static void read_styles(struct book *b, const char *x)
{
	for (const char *p = x; (p = strstr(p, "<numFmt ")); p++) {
		char id[16], code[64];
		if (b->nnumfmts < 64 && attr(p, "numFmtId", id, sizeof(id)) &&
		    attr(p, "formatCode", code, sizeof(code))) {
			code[decode(code, strlen(code), code)] = '\0';
			b->numfmts[b->nnumfmts].id = atoi(id);
			strcpy(b->numfmts[b->nnumfmts++].code, code);
		}
	}
	bool bold[64] = { false };
	int nfonts = 0;
	const char *fonts = strstr(x, "<fonts"), *fonts_end = fonts ? strstr(fonts, "</fonts>") : NULL;
	for (const char *p = fonts; p && (p = strstr(p + 1, "<font>")) && p < fonts_end; ) {
		const char *e = strstr(p, "</font>");
		const char *bb = strstr(p, "<b/>");
		if (nfonts < 64)
			bold[nfonts++] = bb && bb < e;
	}
	const char *xfs = strstr(x, "<cellXfs"), *xfs_end = xfs ? strstr(xfs, "</cellXfs>") : NULL;
	for (const char *p = xfs; p && (p = strstr(p + 1, "<xf ")) && p < xfs_end; ) {
		char v[16];
		b->xfs = xrealloc(b->xfs, (size_t)(b->nxfs + 1) * sizeof(*b->xfs));
		struct xf *f = &b->xfs[b->nxfs++];
		f->numfmt = attr(p, "numFmtId", v, sizeof(v)) ? atoi(v) : 0;
		int font = attr(p, "fontId", v, sizeof(v)) ? atoi(v) : 0;
		f->bold = font >= 0 && font < nfonts && bold[font];
		f->wrap = false;
		f->halign = f->valign = 0;
		/* <xf .../> has no alignment; <xf ...>...</xf> may have one */
		const char *gt = strchr(p, '>');
		if (!gt || gt[-1] == '/')
			continue;
		const char *al = strstr(gt, "<alignment "), *end = strstr(gt, "</xf>");
		if (!al || !end || al > end)
			continue;
		f->wrap = attr(al, "wrapText", v, sizeof(v)) && strcmp(v, "1") == 0;
		f->halign = attr(al, "horizontal", v, sizeof(v)) ? align_of(v, horizontal) : 0;
		f->valign = attr(al, "vertical", v, sizeof(v)) ? align_of(v, vertical) : 0;
	}
}

static const char *numfmt_code(const struct book *b, int id)
{
	for (int i = 0; i < b->nnumfmts; i++)
		if (b->numfmts[i].id == id)
			return b->numfmts[i].code;
	return NULL;
}

static bool is_date_style(const struct book *b, int style)
{
	if (style < 0 || style >= b->nxfs)
		return false;
	int id = b->xfs[style].numfmt;
	if (id >= 14 && id <= 22)
		return true;
	const char *code = numfmt_code(b, id);
	return code && (strchr(code, 'y') || strchr(code, 'd'));
}

static void read_sst(struct book *b, const char *x)
{
	for (const char *p = x; (p = strstr(p, "<si>")); p++) {
		const char *e = strstr(p, "</si>");
		size_t n, off;
		const char *t = text_of(p, e, &n);
		b->sst = xrealloc(b->sst, (b->nsst + 1) * sizeof(*b->sst));
		add_text(b, t ? t : "", t ? n : 0, &off);
		b->sst[b->nsst++] = (char *)(uintptr_t)off;  /* an offset until the arena is done */
	}
}

static void add_cell(struct sheet *s, struct cell c)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->cells = xrealloc(s->cells, s->cap * sizeof(*s->cells));
	}
	s->cells[s->n++] = c;
}

static void read_sheet(struct book *b, struct sheet *s, const char *x)
{
	const char *data = strstr(x, "<sheetData");
	if (!data)
		return;
	for (const char *p = data; (p = strstr(p, "<c ")); ) {
		const char *gt = strchr(p, '>');
		char ref[16], t[16] = "", st[16] = "0";
		attr(p, "r", ref, sizeof(ref));
		attr(p, "t", t, sizeof(t));
		attr(p, "s", st, sizeof(st));
		struct cell c = { 0 };
		int i = 0, col = 0;
		while (ref[i] >= 'A' && ref[i] <= 'Z')
			col = col * 26 + (ref[i++] - 'A' + 1);
		c.col = (uint16_t)(col - 1);
		c.row = (uint32_t)(atol(ref + i) - 1);
		c.style = (uint16_t)atoi(st);
		if (c.row + 1 > s->rows)
			s->rows = c.row + 1;
		if (gt[-1] == '/') {
			c.type = T_BLANK;
			s->blanks++;
			add_cell(s, c);
			p = gt;
			continue;
		}
		const char *end = strstr(gt, "</c>");
		size_t n, off;
		if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
			const char *v = text_of(gt, end, &n);
			c.type = T_INLINE;
			c.len = add_text(b, v ? v : "", v ? n : 0, &off);
			c.num = (double)off;
			s->strings++;
		} else {
			const char *v = strstr(gt, "<v>");
			double num = v && v < end ? strtod(v + 3, NULL) : 0;
			if (strcmp(t, "s") == 0) {
				c.type = T_SHARED;
				c.num = num;
				s->strings++;
			} else if (strcmp(t, "b") == 0) {
				c.type = T_BOOL;
				c.num = num;
				s->numbers++;
			} else {
				c.type = T_NUMBER;
				c.num = num;
				if (is_date_style(b, c.style))
					s->dates++;
				else
					s->numbers++;
			}
		}
		add_cell(s, c);
		p = end;
	}
}

static void load(struct book *b, const char *path)
{
	b->path = path;
	unzFile z = unzOpen64(path);
	if (!z)
		die(path, "not a zip file");
	char *styles = read_part(z, "xl/styles.xml", NULL);
	if (!styles)
		die(path, "no xl/styles.xml");
	read_styles(b, styles);
	free(styles);
	char *sst = read_part(z, "xl/sharedStrings.xml", NULL);
	b->constant_memory = !sst;
	if (sst)
		read_sst(b, sst);
	free(sst);
	char *wb = read_part(z, "xl/workbook.xml", NULL);
	if (!wb)
		die(path, "no xl/workbook.xml");
	for (const char *p = wb; (p = strstr(p, "<sheet ")); p++) {
		b->sheets = xrealloc(b->sheets, (size_t)(b->nsheets + 1) * sizeof(*b->sheets));
		struct sheet *s = &b->sheets[b->nsheets++];
		memset(s, 0, sizeof(*s));
		attr(p, "name", s->name, sizeof(s->name));
		char part[64];
		snprintf(part, sizeof(part), "xl/worksheets/sheet%d.xml", b->nsheets);
		char *x = read_part(z, part, NULL);
		if (!x)
			die(part, "missing");
		read_sheet(b, s, x);
		free(x);
	}
	free(wb);
	unzClose(z);
	for (size_t i = 0; i < b->nsst; i++)
		b->sst[i] = b->arena + (uintptr_t)b->sst[i];
}

/* Reads the file back: every part decompressed (minizip checks its CRC on
 * closing it), the rows of each sheet counted. Returns the rows. */
static size_t read_back(const char *path)
{
	unzFile z = unzOpen64(path);
	if (!z)
		die(path, "cannot read back");
	size_t rows = 0;
	static char buf[3 + (1 << 16)];
	for (int r = unzGoToFirstFile(z); r == UNZ_OK; r = unzGoToNextFile(z)) {
		char name[256];
		if (unzGetCurrentFileInfo64(z, NULL, name, sizeof(name), NULL, 0, NULL, 0) != UNZ_OK ||
		    unzOpenCurrentFile(z) != UNZ_OK)
			die(path, "cannot read back a part");
		bool sheet = strncmp(name, "xl/worksheets/sheet", 19) == 0;
		size_t carry = 0;       /* the last 3 bytes, where "<row" may begin */
		int k;
		while ((k = unzReadCurrentFile(z, buf + carry, 1 << 16)) > 0) {
			if (!sheet)
				continue;
			size_t n = carry + (size_t)k;
			for (const char *p = buf; (p = memmem(p, (size_t)(buf + n - p), "<row", 4)); p += 4)
				rows++;
			carry = n < 3 ? n : 3;
			memmove(buf, buf + n - carry, carry);
		}
		if (k < 0 || unzCloseCurrentFile(z) != UNZ_OK)
			die(path, "CRC error on reading back");
	}
	unzClose(z);
	return rows;
}

static bool same_xf(const struct xf *a, const struct xf *b)
{
	return a->numfmt == b->numfmt && a->bold == b->bold && a->wrap == b->wrap &&
	       a->halign == b->halign && a->valign == b->valign;
}

/* One format per distinct xf, NULL for the default one. libxlsxwriter
 * gives a format its index on first use, unless it equals one it has
 * already indexed: then it looks the format up again at every cell (a
 * hash over the whole struct, a fifth of the floor's time when evb's
 * text formats, which differ only in alignment, were all made default
 * ones). So no two formats here may be equal, nor equal the default. */
static lxw_format **make_formats(lxw_workbook *wb, const struct book *b)
{
	static const struct xf plain = { 0 };
	lxw_format **f = xrealloc(NULL, (size_t)(b->nxfs ? b->nxfs : 1) * sizeof(*f));
	for (int i = 0; i < b->nxfs; i++) {
		const struct xf *x = &b->xfs[i];
		f[i] = NULL;
		if (same_xf(x, &plain))
			continue;
		for (int j = 0; j < i && !f[i]; j++)
			if (same_xf(x, &b->xfs[j]))
				f[i] = f[j];
		if (f[i])
			continue;
		f[i] = workbook_add_format(wb);
		if (x->bold)
			format_set_bold(f[i]);
		const char *code = numfmt_code(b, x->numfmt);
		if (code)
			format_set_num_format(f[i], code);
		else if (x->numfmt)
			format_set_num_format_index(f[i], (uint8_t)x->numfmt);
		if (x->halign)
			format_set_align(f[i], x->halign);
		if (x->valign)
			format_set_align(f[i], x->valign);
		if (x->wrap)
			format_set_text_wrap(f[i]);
	}
	return f;
}

static bool keep;

static void write_book(const struct book *b, const char *outdir, int i)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/floor-%d.xlsx", outdir, i);
	lxw_workbook_options opt = { .constant_memory = b->constant_memory, .tmpdir = (char *)outdir };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		die(path, "workbook_new_opt failed");
	lxw_format **fmt = make_formats(wb, b);
	for (int k = 0; k < b->nsheets; k++) {
		const struct sheet *s = &b->sheets[k];
		lxw_worksheet *ws = workbook_add_worksheet(wb, s->name);
		if (!ws)
			die(s->name, "workbook_add_worksheet failed");
		for (size_t j = 0; j < s->n; j++) {
			const struct cell *c = &s->cells[j];
			lxw_format *f = c->style && c->style < b->nxfs ? fmt[c->style] : NULL;
			lxw_error e = LXW_NO_ERROR;
			switch (c->type) {
			case T_INLINE:
				e = worksheet_write_string(ws, c->row, c->col, b->arena + (size_t)c->num, f);
				break;
			case T_SHARED:
				e = worksheet_write_string(ws, c->row, c->col,
							   (size_t)c->num < b->nsst ? b->sst[(size_t)c->num] : "", f);
				break;
			case T_BOOL:
				e = worksheet_write_boolean(ws, c->row, c->col, c->num != 0, f);
				break;
			case T_BLANK:
				e = worksheet_write_blank(ws, c->row, c->col, f);
				break;
			default:
				e = worksheet_write_number(ws, c->row, c->col, c->num, f);
				break;
			}
			if (e != LXW_NO_ERROR)
				die(s->name, lxw_strerror(e));
		}
	}
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR)
		die(path, lxw_strerror(e));
	free(fmt);
	int fd = open(path, O_RDONLY);
	if (fd < 0 || fsync(fd) != 0 || close(fd) != 0)
		die(path, NULL);
	size_t rows = read_back(path);
	size_t want = 0;
	for (int k = 0; k < b->nsheets; k++)
		want += b->sheets[k].rows;
	if (rows < want)
		die(path, "fewer rows read back than written");
	if (!keep && unlink(path) != 0)
		die(path, NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--keep") == 0) {
		keep = true;
		argc--;
		argv++;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: write_floor [--keep] OUTDIR BOOK.xlsx...\n");
		return 2;
	}
	int n = argc - 2;
	struct book *books = xrealloc(NULL, (size_t)n * sizeof(*books));
	memset(books, 0, (size_t)n * sizeof(*books));
	for (int i = 0; i < n; i++) {
		load(&books[i], argv[i + 2]);
		const struct book *b = &books[i];
		printf("%s (%s):\n", b->path, b->constant_memory ? "constant memory" : "in memory");
		for (int k = 0; k < b->nsheets; k++) {
			const struct sheet *s = &b->sheets[k];
			printf("  %-24s %8u rows %9zu cells: %zu strings, %zu numbers, %zu dates, %zu blank\n",
			       s->name, s->rows, s->n, s->strings, s->numbers, s->dates, s->blanks);
		}
	}
	double t0 = now();
	for (int i = 0; i < n; i++)
		write_book(&books[i], argv[1], i);
	double t = now() - t0;
	/* the folder's fsync, as a run folder's */
	int fd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (fd < 0 || fsync(fd) != 0 || close(fd) != 0)
		die(argv[1], NULL);
	t = now() - t0;
	printf("write floor: %.3f s\n", t);
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < books[i].nsheets; k++)
			free(books[i].sheets[k].cells);
		free(books[i].sheets);
		free(books[i].arena);
		free(books[i].sst);
		free(books[i].xfs);
	}
	free(books);
	return 0;
}
