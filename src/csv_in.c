/*
 * CSV reader on libcsv (strict mode). The file is read in 64 KiB blocks
 * and fed to the parser one physical line at a time (a long line in
 * pieces), so every record knows its first line and memory stays bounded:
 * a field that grows past EVB_MAX_FIELD stops the parser, and the rest of
 * its record is skipped by tracking quotes until the record ends.
 */
#include "csv_in.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "hash.h"

#define BLOCK (64u * 1024u)
#define VALUE_SHOWN 80

/* One record's fields, back to back in buf; off[i] is where field i starts. */
struct record {
	char *buf;
	size_t len, cap;
	size_t off[EVB_MAX_COLUMNS + 1];
	long line[EVB_MAX_COLUMNS + 1];
	int n;                  /* fields stored (at most EVB_MAX_COLUMNS) */
	int total;              /* fields seen */
	long start;             /* first physical line */
	const char *problem;    /* reason key when the record is lost */
	int problem_field;      /* field index of the problem, -1 if none */
};

struct engine {
	struct csv_parser p;
	bool parser_ready;
	const char *display;
	bool cp1252, trim_all, table;
	long line;              /* current physical line */
	bool between;           /* no record is open */
	bool in_quote;          /* quote parity of the open record */
	bool skipping;          /* dropping the rest of an over-long record */
	bool skip_line;         /* dropping the rest of a line after a bad quote */
	struct record rec;
	char *conv;             /* cp1252 conversion buffer */
	size_t conv_cap;
	int stop;               /* non-zero: a callback asked to stop */
	/* what to do with a complete record */
	int (*on_record)(struct engine *e);
	/* what to do with a lost record */
	int (*on_lost)(struct engine *e, const char *key, const char *reason);
	void *ctx;
};

/* ---- Windows-1252 ------------------------------------------------------ */

/* 0x80-0x9F; 0 marks the five bytes Windows-1252 leaves undefined, which
 * become U+FFFD. */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

size_t cp1252_to_utf8(const char *in, size_t len, char *out, size_t out_size)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 4 <= out_size; i++) {
		unsigned c = (unsigned char)in[i];
		if (c >= 0x80 && c < 0xA0)
			c = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : 0xFFFD;
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xC0 | (c >> 6));
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[o++] = (char)(0xE0 | (c >> 12));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	if (o < out_size)
		out[o] = '\0';
	return o;
}

/* ---- the record buffer -------------------------------------------------- */

static int rec_append(struct record *r, const char *s, size_t len)
{
	if (r->len + len + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		while (cap < r->len + len + 1)
			cap *= 2;
		char *nb = realloc(r->buf, cap);
		if (!nb)
			return EVB_ENOMEM;
		r->buf = nb;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, s, len);
	r->len += len;
	r->buf[r->len++] = '\0';
	return 0;
}

static void rec_reset(struct record *r)
{
	r->len = 0;
	r->n = r->total = 0;
	r->problem = NULL;
	r->problem_field = -1;
}

static void set_problem(struct record *r, const char *key, int field)
{
	if (!r->problem) {
		r->problem = key;
		r->problem_field = field;
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- libcsv callbacks --------------------------------------------------- */

static void cb_field(void *field, size_t len, void *data)
{
	struct engine *e = data;
	struct record *r = &e->rec;
	const char *s = field ? field : "";
	if (e->stop)
		return;
	int idx = r->total++;
	if (idx == 0)
		r->line[0] = r->start;
	if (r->n >= EVB_MAX_COLUMNS) {
		set_problem(r, "reject.field_count", -1);
		return;
	}
	if (len > EVB_MAX_FIELD) {
		set_problem(r, "reject.field_too_long", idx);
		len = 0;
	} else if (memchr(s, '\0', len)) {
		set_problem(r, "reject.nul_byte", idx);
	}
	if (e->trim_all) {
		while (len && is_blank(*s)) {
			s++;
			len--;
		}
		while (len && is_blank(s[len - 1]))
			len--;
	}
	if (e->cp1252) {
		if (e->conv_cap < 3 * len + 1) {
			size_t cap = 3 * len + 1 > 4096 ? 3 * len + 1 : 4096;
			char *nb = realloc(e->conv, cap);
			if (!nb) {
				e->stop = EVB_ENOMEM;
				return;
			}
			e->conv = nb;
			e->conv_cap = cap;
		}
		len = cp1252_to_utf8(s, len, e->conv, e->conv_cap);
		s = e->conv;
	}
	r->off[r->n] = r->len;
	if (rec_append(r, s, len)) {
		e->stop = EVB_ENOMEM;
		return;
	}
	r->n++;
	/* the next field starts on this line */
	r->line[r->n < EVB_MAX_COLUMNS ? r->n : EVB_MAX_COLUMNS] = e->line;
}

static void cb_record(int term, void *data)
{
	(void)term;
	struct engine *e = data;
	if (e->stop)
		return;
	int ret = e->rec.problem ? e->on_lost(e, e->rec.problem, NULL) : e->on_record(e);
	if (ret)
		e->stop = ret;
	rec_reset(&e->rec);
	e->between = true;
	e->in_quote = false;
}

/* ---- feeding ------------------------------------------------------------ */

static int parser_start(struct engine *e, unsigned char delim)
{
	if (e->parser_ready)
		csv_free(&e->p);
	e->parser_ready = false;
	if (csv_init(&e->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return EVB_ENOMEM;
	csv_set_delim(&e->p, delim);
	csv_set_blk_size(&e->p, 16 * 1024);
	e->parser_ready = true;
	return 0;
}

/* Feeds one piece of one physical line (ending with '\n' or not). */
static int feed(struct engine *e, const char *s, size_t len, unsigned char delim)
{
	bool line_ended = len && s[len - 1] == '\n';
	if (e->skip_line) {
		e->skip_line = !line_ended;
		return 0;
	}
	if (e->skipping) {
		/* drop bytes until the over-long record ends */
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '"')
				e->in_quote = !e->in_quote;
			else if (s[i] == '\n' && !e->in_quote) {
				e->skipping = false;
				e->between = true;
				return 0;
			}
		}
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		if (s[i] == '"')
			e->in_quote = !e->in_quote;
	size_t done = csv_parse(&e->p, s, len, cb_field, cb_record, e);
	if (e->stop)
		return e->stop;
	if (done < len) {
		int err = csv_error(&e->p);
		if (err == CSV_ENOMEM)
			return EVB_ENOMEM;
		/* a quote where none may be: the record is lost, reading goes on
		 * at the next line */
		set_problem(&e->rec, "reject.bad_quote", e->rec.total);
		int ret = e->on_lost(e, "reject.bad_quote", NULL);
		rec_reset(&e->rec);
		e->between = true;
		e->in_quote = false;
		e->skip_line = !line_ended;
		if (ret)
			return ret;
		return parser_start(e, delim);
	}
	if (!e->between && csv_get_buffer_size(&e->p) > EVB_MAX_FIELD + BLOCK) {
		/* a field longer than the limit: lose the record, skip its rest */
		set_problem(&e->rec, "reject.field_too_long", e->rec.total);
		int ret = e->on_lost(e, "reject.field_too_long", NULL);
		rec_reset(&e->rec);
		if (ret)
			return ret;
		e->skipping = true;
		if (line_ended && !e->in_quote) {
			e->skipping = false;
			e->between = true;
		}
		return parser_start(e, delim);
	}
	return 0;
}

static bool blank_line(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* Reads the whole file through the engine. A '#' line between records is
 * a comment in table mode. */
static int run_file(struct engine *e, FILE *f, unsigned char delim, const char *path,
		    struct evb_error *err)
{
	char *block = malloc(BLOCK);
	int ret = 0;
	bool line_start = true, comment = false;
	size_t n;
	if (!block)
		return EVB_ENOMEM;
	e->line = 0;
	e->between = true;
	bool first = true;
	while (!ret && (n = fread(block, 1, BLOCK, f)) > 0) {
		size_t pos = 0;
		if (first) {
			first = false;
			if (n >= 3 && memcmp(block, "\xEF\xBB\xBF", 3) == 0)
				pos = 3;
		}
		while (!ret && pos < n) {
			const char *nl = memchr(block + pos, '\n', n - pos);
			size_t len = nl ? (size_t)(nl - (block + pos)) + 1 : n - pos;
			const char *s = block + pos;
			if (line_start) {
				e->line++;
				if (e->between && !e->skipping) {
					comment = e->table && len && s[0] == '#';
					if (!comment && !blank_line(s, len)) {
						e->rec.start = e->line;
						e->between = false;
					}
				}
			}
			if (!comment)
				ret = feed(e, s, len, delim);
			line_start = nl != NULL;
			if (line_start)
				comment = false;
			pos += len;
		}
	}
	if (!ret && ferror(f))
		ret = evb_error_set(err, EVB_EIO, path, e->line, NULL, "cannot read: %s",
				    strerror(errno));
	if (!ret && !e->skipping) {
		if (csv_fini(&e->p, cb_field, cb_record, e) != 0) {
			/* an opening quote never closed: everything after it is this
			 * one record */
			char reason[160];
			snprintf(reason, sizeof(reason),
				 "quoted field opened on line %ld is never closed (lines %ld-%ld unread)",
				 e->rec.start, e->rec.start, e->line);
			set_problem(&e->rec, "reject.unterminated_quote", e->rec.total);
			ret = e->on_lost(e, "reject.unterminated_quote", reason);
			rec_reset(&e->rec);
		} else if (e->stop) {
			ret = e->stop;
		}
	}
	free(block);
	return ret;
}

static void engine_release(struct engine *e)
{
	if (e->parser_ready)
		csv_free(&e->p);
	free(e->rec.buf);
	free(e->conv);
}

/* ---- export files ------------------------------------------------------- */

struct export_ctx {
	enum kind kind;
	const struct reader_sink *sink;
	struct input_info *info;
	int ncols;                      /* header fields */
	int map[EVB_MAX_COLUMNS];       /* header field -> schema column, -1 */
	bool header_done;
	struct evb_error *err;
	const char *path;
	int fatal;
};

/* A value shortened to VALUE_SHOWN bytes on a character boundary. */
static const char *shown(const char *s, char *buf, size_t size)
{
	size_t len = strlen(s);
	if (len < size)
		return s;
	size_t k = size - 1 < VALUE_SHOWN ? size - 1 : VALUE_SHOWN;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	memcpy(buf, s, k);
	buf[k] = '\0';
	return buf;
}

static const char *default_reason(const char *key)
{
	if (strcmp(key, "reject.field_count") == 0)
		return "wrong number of fields compared with the header";
	if (strcmp(key, "reject.field_too_long") == 0)
		return "field longer than 1 MiB";
	if (strcmp(key, "reject.nul_byte") == 0)
		return "NUL byte in field";
	if (strcmp(key, "reject.bad_quote") == 0)
		return "misplaced quote character";
	if (strcmp(key, "reject.unterminated_quote") == 0)
		return "quoted field never closed";
	return "record cannot be read";
}

static int export_lost(struct engine *e, const char *key, const char *reason)
{
	struct export_ctx *x = e->ctx;
	const struct record *r = &e->rec;
	if (!x->header_done)
		return evb_error_set(x->err, EVB_EPARSE, e->display, r->start, NULL,
				     "the header row cannot be read: %s", default_reason(key));
	const char *column = NULL;
	char buf[VALUE_SHOWN + 1];
	const char *value = NULL;
	long line = r->start;
	int fi = r->problem_field;
	if (fi >= 0 && fi < x->ncols && x->map[fi] >= 0)
		column = schema_kind(x->kind)->columns[x->map[fi]].name;
	if (fi >= 0 && fi < r->n) {
		value = shown(r->buf + r->off[fi], buf, sizeof(buf));
		line = r->line[fi];
	}
	char msg[200];
	if (!reason && strcmp(key, "reject.field_count") == 0) {
		snprintf(msg, sizeof(msg), "%d fields where the header has %d", r->total, x->ncols);
		reason = msg;
	}
	x->info->records++;
	return x->sink->reject(x->sink->ctx, (int)x->kind, e->display, line, column, value,
			       key, reason ? reason : default_reason(key));
}

static int export_header(struct engine *e)
{
	struct export_ctx *x = e->ctx;
	const struct record *r = &e->rec;
	const struct kind_info *ki = schema_kind(x->kind);
	bool seen[SCHEMA_MAX_COLUMNS] = { false };
	if (r->total > EVB_MAX_COLUMNS)
		return evb_error_set(x->err, EVB_EPARSE, e->display, r->start, NULL,
				     "header has %d columns (at most %d)", r->total, EVB_MAX_COLUMNS);
	x->ncols = r->n;
	for (int i = 0; i < r->n; i++) {
		const char *name = r->buf + r->off[i];
		int c = schema_column(x->kind, name, strlen(name));
		x->map[i] = c;
		if (c < 0) {
			char msg[160];
			snprintf(msg, sizeof(msg), "unknown column '%.64s' ignored", name);
			x->sink->note(x->sink->ctx, e->display, r->start, msg);
			continue;
		}
		if (seen[c])
			return evb_error_set(x->err, EVB_EPARSE, e->display, r->start,
					     ki->columns[c].name, "column appears twice in the header");
		seen[c] = true;
	}
	for (int c = 0; c < ki->ncolumns; c++)
		if (ki->columns[c].required && !seen[c])
			return evb_error_set(x->err, EVB_EPARSE, e->display, r->start,
					     ki->columns[c].name,
					     "required column missing from the header");
	if (x->kind == K_MALTID && !seen[M_DATUM] && !seen[M_MANAD])
		return evb_error_set(x->err, EVB_EPARSE, e->display, r->start, "datum",
				     "the header needs a column 'datum' or 'manad'");
	x->header_done = true;
	return 0;
}

static int export_record(struct engine *e)
{
	struct export_ctx *x = e->ctx;
	const struct record *r = &e->rec;
	if (!x->header_done)
		return export_header(e);
	if (r->total != x->ncols) {
		set_problem(&e->rec, "reject.field_count", -1);
		return export_lost(e, "reject.field_count", NULL);
	}
	struct row row;
	memset(&row, 0, sizeof(row));
	row.kind = x->kind;
	row.file = e->display;
	row.line = r->start;
	for (int i = 0; i < r->n; i++) {
		int c = x->map[i];
		if (c < 0)
			continue;
		row.val[c] = r->buf + r->off[i];
		row.vline[c] = r->line[i];
	}
	x->info->records++;
	return x->sink->row(x->sink->ctx, &row);
}

/* The delimiter that occurs most often outside quotes in the first line;
 * ';' on a tie or when none occurs. */
static unsigned char detect_delimiter(FILE *f)
{
	char buf[BLOCK];
	size_t n = fread(buf, 1, sizeof(buf), f);
	size_t counts[3] = { 0, 0, 0 };
	static const char cands[3] = { ';', ',', '\t' };
	bool quoted = false;
	for (size_t i = 0; i < n && (quoted || buf[i] != '\n'); i++) {
		if (buf[i] == '"')
			quoted = !quoted;
		for (int k = 0; k < 3 && !quoted; k++)
			counts[k] += buf[i] == cands[k];
	}
	int best = 0;
	for (int k = 1; k < 3; k++)
		if (counts[k] > counts[best])
			best = k;
	rewind(f);
	return (unsigned char)cands[best];
}

int csv_in_read(const char *path, const char *display, enum kind kind,
		bool cp1252, const struct reader_sink *sink,
		struct input_info *info, struct evb_error *err)
{
	struct engine e;
	struct export_ctx x;
	int ret;
	memset(&e, 0, sizeof(e));
	memset(&x, 0, sizeof(x));
	memset(info, 0, sizeof(*info));
	FILE *f = fopen(path, "rb");
	if (!f)
		return evb_error_set(err, EVB_EIO, display, 0, NULL, "cannot open: %s",
				     strerror(errno));
	unsigned char bom[3];
	info->bom = fread(bom, 1, 3, f) == 3 && memcmp(bom, "\xEF\xBB\xBF", 3) == 0;
	rewind(f);
	info->delimiter = (char)detect_delimiter(f);
	info->cp1252 = cp1252;
	x.kind = kind;
	x.sink = sink;
	x.info = info;
	x.err = err;
	x.path = path;
	e.display = display;
	e.cp1252 = cp1252;
	e.trim_all = true;
	e.on_record = export_record;
	e.on_lost = export_lost;
	e.ctx = &x;
	rec_reset(&e.rec);
	if ((ret = parser_start(&e, (unsigned char)info->delimiter)))
		goto out;
	ret = run_file(&e, f, (unsigned char)info->delimiter, display, err);
	if (!ret && !x.header_done)
		ret = evb_error_set(err, EVB_EPARSE, display, e.line ? e.line : 1, NULL,
				    "no header row: the file is empty");
out:
	if (ret == EVB_ENOMEM && err && !err->code)
		evb_error_set(err, ret, display, 0, NULL, "out of memory");
	engine_release(&e);
	fclose(f);
	return ret;
}

/* ---- the program's own tables ------------------------------------------- */

struct table_ctx {
	csv_table_fn fn;
	void *ctx;
	struct evb_error *err;
	const char *path;
};

static int table_record(struct engine *e)
{
	struct table_ctx *t = e->ctx;
	const struct record *r = &e->rec;
	const char *fields[EVB_MAX_COLUMNS];
	for (int i = 0; i < r->n; i++) {
		fields[i] = r->buf + r->off[i];
		if (!utf8_valid(fields[i], strlen(fields[i])))
			return evb_error_set(t->err, EVB_EPARSE, t->path, r->line[i], NULL,
					     "invalid UTF-8");
	}
	if (r->total > r->n)
		return evb_error_set(t->err, EVB_EPARSE, t->path, r->start, NULL,
				     "more than %d fields", EVB_MAX_COLUMNS);
	return t->fn(t->ctx, r->start, r->n, fields);
}

static int table_lost(struct engine *e, const char *key, const char *reason)
{
	struct table_ctx *t = e->ctx;
	return evb_error_set(t->err, EVB_EPARSE, t->path, e->rec.start, NULL, "%s",
			     reason ? reason : default_reason(key));
}

int csv_in_read_table(const char *path, csv_table_fn fn, void *ctx,
		      struct evb_error *err)
{
	struct engine e;
	struct table_ctx t = { fn, ctx, err, path };
	int ret;
	memset(&e, 0, sizeof(e));
	FILE *f = fopen(path, "rb");
	if (!f)
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot open: %s",
				     strerror(errno));
	e.display = path;
	e.table = true;
	e.on_record = table_record;
	e.on_lost = table_lost;
	e.ctx = &t;
	rec_reset(&e.rec);
	if (!(ret = parser_start(&e, ';')))
		ret = run_file(&e, f, ';', path, err);
	if (ret == EVB_ENOMEM && err && !err->code)
		evb_error_set(err, ret, path, 0, NULL, "out of memory");
	engine_release(&e);
	fclose(f);
	return ret;
}
