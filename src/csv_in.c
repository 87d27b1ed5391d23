/*
 * CSV reader on libcsv (strict mode). The file is read in 64 KiB blocks
 * and fed to the parser one physical line at a time (a long line in
 * pieces, and a lone CR, where libcsv also ends a record, ends a piece),
 * so every record knows its first line and every value the line it
 * starts on. Memory stays bounded: a field that grows past
 * EVB_MAX_FIELD stops the parser, and the rest of its record is skipped by
 * tracking quotes until the record ends. A misplaced quote (libcsv's
 * strict error) loses its record; reading resumes at the next line (or
 * after a lone CR).
 */
#include "csv_in.h"
#include "progress.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "hash.h"
#include "profile.h"

#define BLOCK (64u * 1024u)
#define VALUE_SHOWN 80
/* an over-long field keeps this much of its start, to show in the reject */
#define FIELD_KEPT 256
/* all the fields of one record together (after Windows-1252 conversion) */
#define RECORD_MAX (4u * EVB_MAX_FIELD)
/* a parser whose buffer grew past this is renewed between records, so its
 * size always measures the record being read */
#define PARSER_RENEW (256u * 1024u)
/* the longest field cb_field_plain stores */
#define PLAIN_MAX 32u

/* One record's fields, back to back in buf; off[i] is where field i starts. */
struct record {
	char *buf;
	size_t len, cap;
	uint32_t off[EVB_MAX_COLUMNS];  /* a record is at most RECORD_MAX */
	long line[EVB_MAX_COLUMNS + 1];
	int n;                  /* fields stored (at most EVB_MAX_COLUMNS) */
	int total;              /* fields seen */
	/* cb_field_plain stores a field only while len (the record so far)
	 * is below this, where one of PLAIN_MAX bytes and its NUL fit; 0
	 * while every field needs cb_field (see plain_update) */
	size_t plain_end;
	long start;             /* first physical line */
	const char *problem;    /* reason key when the record is lost */
	int problem_field;      /* field index of the problem, -1 if none */
	const char *reason;     /* English reason when not the key's default */
};

struct engine {
	struct csv_parser p;
	bool parser_ready;
	unsigned char delim;
	const char *display;
	bool cp1252;            /* convert values from Windows-1252 */
	bool trim_all;          /* trim quoted values too (export files) */
	bool table;             /* '#' lines are comments, UTF-8 is checked */
	struct utf8_check utf8; /* table mode */
	long line;              /* current physical line */
	bool between;           /* no record is open */
	bool in_quote;          /* quote parity of the open record */
	bool skipping;          /* dropping the rest of an over-long record */
	bool skip_line;         /* dropping the rest of a line after a bad quote */
	bool nul_seen;          /* a line of the open record holds a NUL byte:
				 * only then are its fields searched for one */
	/* the block being fed: its end, and the next '"', NUL and CR in it at
	 * or after the piece being fed (odd_quotes, has_nul, piece_len) */
	const char *block_end, *quote, *nul, *cr;
	struct record rec;
	int stop;               /* non-zero: a callback asked to stop */
	/* what to do with a complete record */
	int (*on_record)(struct engine *e);
	/* what to do with a lost record (problem set in e->rec) */
	int (*on_lost)(struct engine *e);
	void *ctx;
	struct evb_error *err;
};

/* ---- Windows-1252 ------------------------------------------------------ */

/* 0x80-0x9F; 0 marks the five bytes Windows-1252 leaves undefined (81, 8D,
 * 8F, 90, 9D), which become U+FFFD REPLACEMENT CHARACTER. */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

size_t cp1252_to_utf8(const char *in, size_t len, char *out, size_t out_size)
{
	size_t o = 0;
	if (out_size == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned c = (unsigned char)in[i];
		if (c >= 0x80 && c < 0xA0)
			c = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : 0xFFFD;
		size_t need = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
		if (o + need >= out_size)
			break;          /* never a partial character */
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
	out[o] = '\0';
	return o;
}

/* Bytes cp1252_to_utf8 makes of in[0..len), without the NUL. */
static size_t cp1252_size(const char *in, size_t len)
{
	size_t n = len;
	for (size_t i = 0; i < len; i++) {
		unsigned c = (unsigned char)in[i];
		if (c >= 0x80)
			n += c < 0xA0 ? 2 : 1;  /* at most 3 bytes below 0xA0, else 2 */
	}
	return n;
}

/* ---- the record buffer -------------------------------------------------- */

/* Room for `more` bytes after what the record holds; EVB_ETOOBIG past
 * RECORD_MAX. The capacity never passes RECORD_MAX (it doubles from 4096
 * up to what is needed), so what fits in it needs no call here. */
static int rec_reserve(struct record *r, size_t more)
{
	if (more > RECORD_MAX || r->len + more > RECORD_MAX)
		return EVB_ETOOBIG;
	if (r->len + more <= r->cap)
		return 0;
	size_t cap = r->cap ? r->cap : 4096;
	while (cap < r->len + more)
		cap *= 2;
	char *nb = realloc(r->buf, cap);
	if (!nb)
		return EVB_ENOMEM;
	r->buf = nb;
	r->cap = cap;
	return 0;
}

static void rec_reset(struct record *r)
{
	r->len = 0;
	r->n = r->total = 0;
	r->problem = NULL;
	r->problem_field = -1;
	r->reason = NULL;
}

/* Sets the record's plain_end: 0 while the record's lines hold a NUL
 * (cb_field then looks for it in every field), else room for one more
 * field of PLAIN_MAX bytes. It is set where the buffer grows (cb_field,
 * which sets it after every field it stores) and where a NUL is found;
 * the NUL flag is cleared between records without it, so the bound is
 * then too low until the next field cb_field stores, never too high. */
static void plain_update(struct engine *e)
{
	struct record *r = &e->rec;
	r->plain_end = e->nul_seen || r->cap <= PLAIN_MAX ? 0 : r->cap - PLAIN_MAX;
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

/* memcpy for a field, most of which are a few bytes: up to 32 bytes in
 * two overlapping words (of 4, 8 or 16 bytes), inline, instead of a
 * library call per field. */
static inline void copy_value(char *to, const char *from, size_t len)
{
	uint64_t a, b;
	uint32_t c, d;
	char w[16], x[16];
	if (len > 16 && len <= 32) {
		memcpy(w, from, 16);
		memcpy(x, from + len - 16, 16);
		memcpy(to, w, 16);
		memcpy(to + len - 16, x, 16);
	} else if (len >= 8 && len <= 16) {
		memcpy(&a, from, 8);
		memcpy(&b, from + len - 8, 8);
		memcpy(to, &a, 8);
		memcpy(to + len - 8, &b, 8);
	} else if (len >= 4 && len < 8) {
		memcpy(&c, from, 4);
		memcpy(&d, from + len - 4, 4);
		memcpy(to, &c, 4);
		memcpy(to + len - 4, &d, 4);
	} else if (len < 4) {
		for (size_t i = 0; i < len; i++)
			to[i] = from[i];
	} else {
		memcpy(to, from, len);
	}
}

static void cb_field(void *field, size_t len, void *data)
{
	struct engine *e = data;
	struct record *r = &e->rec;
	const char *s = field ? field : "";
	if (e->stop)
		return;
	/* the record's counters are kept in locals: the copy below writes
	 * through a char pointer, after which the compiler would load them
	 * again */
	int idx = r->total++, n = r->n;
	long line = e->line;
	if (idx == 0)
		r->line[0] = r->start;
	if (n >= EVB_MAX_COLUMNS) {
		set_problem(r, "reject.field_count", -1);
		return;
	}
	if (len > EVB_MAX_FIELD) {
		set_problem(r, "reject.field_too_long", idx);
		len = FIELD_KEPT;       /* the start, to show */
	} else if (e->nul_seen && memchr(s, '\0', len)) {
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
	bool cp1252 = e->cp1252;
	size_t room = (cp1252 ? cp1252_size(s, len) : len) + 1;
	size_t at = r->len;
	int ret = at + room <= r->cap ? 0 : rec_reserve(r, room);
	if (ret == EVB_ETOOBIG) {
		if (!r->problem)
			r->reason = "record longer than 4 MiB";
		set_problem(r, "reject.field_too_long", idx);
		len = 0;
		room = 1;
		ret = rec_reserve(r, room);
	}
	if (ret) {
		e->stop = ret;
		return;
	}
	plain_update(e);        /* the buffer may have grown */
	char *buf = r->buf;
	r->off[n] = (uint32_t)at;
	/* the next field starts on the line where this one ended */
	r->line[n + 1] = line;
	r->n = n + 1;
	if (cp1252) {
		at += cp1252_to_utf8(s, len, buf + at, room);
	} else {
		copy_value(buf + at, s, len);
		at += len;
	}
	buf[at++] = '\0';
	r->len = at;
}

/*
 * Most fields are a few bytes of UTF-8 with nothing to trim, in a record
 * with room for them and nothing wrong so far: those are stored here, in
 * a function small enough to need no registers saved, and every other
 * field goes through cb_field, which does the same and more. Room and a
 * NUL in the record's lines are one test (plain_end). The fields seen
 * (total) and stored (n) differ only once n has reached EVB_MAX_COLUMNS,
 * or after the reader stopped, when what is stored is never used (the
 * record is not handed on and the file's read ends with the piece).
 */
static void cb_field_plain(void *field, size_t len, void *data)
{
	struct engine *e = data;
	struct record *r = &e->rec;
	const char *s = field;
	int n = r->n;
	size_t at = r->len;
	if (len > PLAIN_MAX || at >= r->plain_end || n >= EVB_MAX_COLUMNS ||
	    (len && (is_blank(s[0]) || is_blank(s[len - 1])))) {
		cb_field(field, len, data);
		return;
	}
	char *buf = r->buf;
	if (n == 0)
		r->line[0] = r->start;
	r->off[n] = (uint32_t)at;
	r->line[n + 1] = e->line;
	r->n = r->total = n + 1;
	copy_value(buf + at, s, len);
	buf[at + len] = '\0';
	r->len = at + len + 1;
}

static void cb_record(int term, void *data)
{
	(void)term;
	struct engine *e = data;
	if (e->stop)
		return;
	int ret = e->rec.problem ? e->on_lost(e) : e->on_record(e);
	if (ret)
		e->stop = ret;
	rec_reset(&e->rec);
	e->between = true;
	e->in_quote = false;
	e->nul_seen = false;
}

/* ---- feeding ------------------------------------------------------------ */

static int parser_start(struct engine *e)
{
	if (e->parser_ready)
		csv_free(&e->p);
	e->parser_ready = false;
	if (csv_init(&e->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return EVB_ENOMEM;
	csv_set_delim(&e->p, e->delim);
	csv_set_blk_size(&e->p, 16 * 1024);
	e->parser_ready = true;
	return 0;
}

/* Reports the open record as lost and forgets it. */
static int lose_record(struct engine *e)
{
	int ret = e->on_lost(e);
	rec_reset(&e->rec);
	e->between = true;
	e->in_quote = false;
	e->nul_seen = false;
	return ret;
}

/* The first byte c at or after from in the block, or the block's end. */
static const char *next_byte(const struct engine *e, const char *from, int c)
{
	const char *p = memchr(from, c, (size_t)(e->block_end - from));
	return p ? p : e->block_end;
}

/*
 * Whether the piece s[0..len) of the block holds an odd number of '"'.
 * The block's next quote is kept from piece to piece, so the many lines
 * without one are not searched again.
 */
static bool odd_quotes(struct engine *e, const char *s, size_t len)
{
	bool odd = false;
	if (e->quote < s)
		e->quote = next_byte(e, s, '"');
	while (e->quote < s + len) {
		odd = !odd;
		e->quote = next_byte(e, e->quote + 1, '"');
	}
	return odd;
}

/* Whether the piece s[0..len) of the block holds a NUL byte (kept as the
 * quotes are). */
static bool has_nul(struct engine *e, const char *s, size_t len)
{
	if (e->nul < s)
		e->nul = next_byte(e, s, '\0');
	return e->nul < s + len;
}

/* Feeds one piece of one physical line (see piece_len). */
static int feed(struct engine *e, const char *s, size_t len)
{
	/* a record can end here (libcsv ends one at '\n' and at '\r') */
	bool line_ended = len && (s[len - 1] == '\n' || s[len - 1] == '\r');
	if (e->skip_line) {
		e->skip_line = !line_ended;
		return 0;
	}
	if (e->skipping) {
		/* drop bytes until the over-long record ends: at a newline
		 * outside quotes (pieces end at newlines) */
		e->in_quote ^= odd_quotes(e, s, len);
		if (line_ended && !e->in_quote) {
			e->skipping = false;
			return lose_record(e);
		}
		return 0;
	}
	e->in_quote ^= odd_quotes(e, s, len);
	if (!e->nul_seen && has_nul(e, s, len)) {
		e->nul_seen = true;
		plain_update(e);
	}
	size_t done = csv_parse(&e->p, s, len, e->cp1252 ? cb_field : cb_field_plain,
			       cb_record, e);
	if (e->stop)
		return e->stop;
	if (done < len) {
		if (csv_error(&e->p) != CSV_EPARSE)
			return EVB_ENOMEM;
		/* a quote where none may be: the record is lost, reading goes on
		 * at the next line */
		set_problem(&e->rec, "reject.bad_quote", e->rec.total);
		int ret = lose_record(e);
		e->skip_line = !line_ended;
		return ret ? ret : parser_start(e);
	}
	if (!e->between && csv_get_buffer_size(&e->p) > EVB_MAX_FIELD + BLOCK) {
		/* a field longer than the limit: skip the rest of the record and
		 * report it when it ends (or as unterminated at the end of the
		 * file) */
		set_problem(&e->rec, "reject.field_too_long", e->rec.total);
		if (line_ended && !e->in_quote) {
			int ret = lose_record(e);
			return ret ? ret : parser_start(e);
		}
		e->skipping = true;
		return parser_start(e);
	}
	if (e->between && line_ended && csv_get_buffer_size(&e->p) > PARSER_RENEW)
		return parser_start(e);
	return 0;
}

static bool blank_piece(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

static bool comment_line(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && is_blank(s[i]))
		i++;
	return i < len && s[i] == '#';
}

/*
 * Length of the next piece of s[0..n): up to and including its first
 * '\n', or a '\r' not followed by '\n', where libcsv ends a record too, or
 * all of s. So a record can only end at the end of a piece, where feed()
 * and run_file() see it: a record starting after a lone CR in the middle
 * of a piece was taken for no record, and its fields escaped the size
 * limit (memory grew with the field).
 */
static size_t piece_len(struct engine *e, const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);
	size_t len = nl ? (size_t)(nl - s) + 1 : n;
	/* the block's next CR is kept from piece to piece, as its next quote
	 * is, so that a line is not searched for one again */
	if (e->cr < s)
		e->cr = next_byte(e, s, '\r');
	const char *cr = e->cr < s + len ? e->cr : NULL;
	if (cr && !(cr + 1 < s + n && cr[1] == '\n'))
		return (size_t)(cr - s) + 1;
	return len;
}

/* End of the file: flush the last record. */
static int finish(struct engine *e)
{
	if (e->skipping) {
		e->skipping = false;
		if (e->in_quote) {
			e->rec.problem = "reject.unterminated_quote";
			e->rec.problem_field = e->rec.total;
		}
		return lose_record(e);
	}
	if (csv_fini(&e->p, cb_field, cb_record, e) != 0) {
		if (e->stop)
			return e->stop;
		/* an opening quote never closed: everything after it is this
		 * one record. csv_fini left the parser unusable: renew it. */
		e->rec.problem = "reject.unterminated_quote";
		e->rec.problem_field = e->rec.total;
		int ret = lose_record(e);
		return ret ? ret : parser_start(e);
	}
	return e->stop;
}

/* Reads the whole file through the engine. */
static int run_file(struct engine *e, FILE *f)
{
	char *block = malloc(BLOCK);
	int ret = 0;
	bool line_start = true, comment = false, first = true;
	size_t n;
	if (!block)
		return EVB_ENOMEM;
	e->line = 0;
	e->between = true;
	uint64_t done = 0;
	while (!ret && (n = fread(block, 1, BLOCK, f)) > 0) {
		size_t pos = 0;
		progress_at(done += n, 0);
		e->block_end = block + n;
		e->quote = next_byte(e, block, '"');
		e->nul = next_byte(e, block, '\0');
		e->cr = next_byte(e, block, '\r');
		if (first) {
			first = false;
			if (n >= 3 && memcmp(block, "\xEF\xBB\xBF", 3) == 0)
				pos = 3;
		}
		while (!ret && pos < n) {
			const char *s = block + pos;
			size_t len = piece_len(e, s, n - pos);
			if (line_start) {
				e->line++;
				comment = e->table && e->between && !e->skipping &&
					  comment_line(s, len);
			}
			if (e->table && !utf8_check_feed(&e->utf8, s, len)) {
				ret = evb_error_set(e->err, EVB_EPARSE, e->display, e->line,
						    NULL, "not valid UTF-8");
				break;
			}
			if (!comment && e->between && !e->skipping && !e->skip_line &&
			    !blank_piece(s, len)) {
				e->rec.start = e->line;
				e->between = false;
			}
			if (!comment)
				ret = feed(e, s, len);
			line_start = s[len - 1] == '\n';
			pos += len;
		}
	}
	if (!ret && ferror(f))
		ret = evb_error_set(e->err, EVB_EIO, e->display, e->line, NULL,
				    "cannot read: %s", strerror(errno));
	if (!ret && e->table && !utf8_check_done(&e->utf8))
		ret = evb_error_set(e->err, EVB_EPARSE, e->display, e->line, NULL,
				    "not valid UTF-8");
	if (!ret)
		ret = finish(e);
	free(block);
	return ret;
}

static void engine_release(struct engine *e)
{
	if (e->parser_ready)
		csv_free(&e->p);
	free(e->rec.buf);
}

/* s shortened to at most max bytes on a character boundary, into buf
 * (max + 1 bytes). */
static const char *shorten(const char *s, char *buf, size_t max)
{
	size_t len = strlen(s), k = utf8_cut(s, len, max);
	if (k == len)
		return s;
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

/* ---- export files ------------------------------------------------------- */

struct export_ctx {
	enum kind kind;
	const struct profile *profile;  /* NULL: evb's own column names */
	const struct reader_sink *sink;
	struct input_info *info;
	/* records delivered, copied to info at the end: info is the caller's,
	 * and may share a cache line with what the records thread reads for
	 * every row, so a count written there per record bounces that line
	 * between the cores */
	long records;
	int ncols;                      /* header fields */
	/* header field -> schema column, -1 (a column index fits a byte:
	 * SCHEMA_MAX_COLUMNS) */
	signed char col[EVB_MAX_COLUMNS];
	bool all_mapped;                /* no field maps to -1 */
	bool header_done;
	/* the row handed on: every record has the header's columns, so each
	 * sets the same values, and the rest stay cleared from the start */
	struct row row;
};

static int export_lost(struct engine *e)
{
	struct export_ctx *x = e->ctx;
	const struct record *r = &e->rec;
	const char *key = r->problem;
	const char *reason = r->reason;
	char msg[200];
	if (strcmp(key, "reject.unterminated_quote") == 0 && !reason) {
		snprintf(msg, sizeof(msg),
			 "quoted field opened on line %ld is never closed (lines %ld-%ld unread)",
			 r->start, r->start, e->line);
		reason = msg;
	}
	if (!x->header_done) {
		if (strcmp(key, "reject.field_count") == 0)
			return evb_error_set(e->err, EVB_EPARSE, e->display, r->start, NULL,
					     "the header has more than %d columns",
					     EVB_MAX_COLUMNS);
		return evb_error_set(e->err, EVB_EPARSE, e->display, r->start, NULL,
				     "the header row cannot be read: %s",
				     reason ? reason : default_reason(key));
	}
	const char *column = NULL;
	char buf[VALUE_SHOWN + 1];
	const char *value = NULL;
	long line = r->start;
	int fi = r->problem_field;
	if (fi >= 0 && fi < x->ncols && x->col[fi] >= 0)
		column = schema_kind(x->kind)->columns[x->col[fi]].name;
	if (fi >= 0 && fi < r->n) {
		value = shorten(r->buf + r->off[fi], buf, VALUE_SHOWN);
		line = r->line[fi];
	}
	if (!reason && strcmp(key, "reject.field_count") == 0) {
		snprintf(msg, sizeof(msg), "%d fields where the header has %d", r->total,
			 x->ncols);
		reason = msg;
	}
	x->records++;
	return x->sink->reject(x->sink->ctx, (int)x->kind, e->display, line, column, value,
			       key, reason ? reason : default_reason(key));
}

static int export_header(struct engine *e)
{
	struct export_ctx *x = e->ctx;
	const struct record *r = &e->rec;
	const struct kind_info *ki = schema_kind(x->kind);
	bool seen[SCHEMA_MAX_COLUMNS] = { false };
	char buf[65];
	char msg[160];
	x->ncols = r->n;
	x->all_mapped = true;
	for (int i = 0; i < r->n; i++) {
		const char *name = r->buf + r->off[i];
		int c = x->profile ? profile_column(x->profile, x->kind, name)
				   : schema_column(x->kind, name, strlen(name));
		x->col[i] = (signed char)c;
		if (c < 0) {
			x->all_mapped = false;
			const char *shown = shorten(name, buf, sizeof(buf) - 1);
			if (*name)
				snprintf(msg, sizeof(msg), "unknown column '%s' ignored", shown);
			else
				snprintf(msg, sizeof(msg), "column %d has no name: ignored", i + 1);
			x->sink->note(x->sink->ctx, e->display, r->start, shown, i + 1, msg);
			continue;
		}
		if (seen[c])
			return evb_error_set(e->err, EVB_EPARSE, e->display, r->start,
					     ki->columns[c].name,
					     "column appears twice in the header");
		seen[c] = true;
	}
	if (x->profile) {
		int ret = profile_check_header(x->profile, x->kind, seen, e->display, e->err);
		if (ret)
			return ret;
	}
	for (int c = 0; c < ki->ncolumns; c++)
		if (ki->columns[c].required && !seen[c])
			return evb_error_set(e->err, EVB_EPARSE, e->display, r->start,
					     ki->columns[c].name,
					     "required column missing from the header");
	/* schema.h: maltider need a column datum or manad (export.c checks
	 * the values) */
	if (x->kind == K_MALTID && !seen[M_DATUM] && !seen[M_MANAD])
		return evb_error_set(e->err, EVB_EPARSE, e->display, r->start, "datum",
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
		e->rec.problem = "reject.field_count";
		e->rec.problem_field = -1;
		return export_lost(e);
	}
	if (x->all_mapped && x->sink->fields) {
		/* as the record is: the sink maps the fields */
		const struct fields f = {
			x->kind, e->display, r->start, r->n, x->col, r->off, r->line,
			r->buf, r->len,
		};
		x->records++;
		return x->sink->fields(x->sink->ctx, &f);
	}
	struct row *row = &x->row;
	row->kind = x->kind;
	row->file = e->display;
	row->line = r->start;
	row->text = r->buf;
	row->text_len = r->len;
	for (int i = 0; i < r->n; i++) {
		int c = x->col[i];
		if (c < 0)
			continue;
		row->val[c] = r->buf + r->off[i];
		row->vlen[c] = (i + 1 < r->n ? r->off[i + 1] : r->len) - r->off[i] - 1;
		row->vline[c] = r->line[i];
	}
	x->records++;
	return x->sink->row(x->sink->ctx, row);
}

/* The delimiter that occurs most often outside quotes in the first line
 * (the header): ';' on a tie or when none occurs. A header longer than
 * one block is decided on its first block. */
static int detect_delimiter(FILE *f, const char *display, char *delim,
			    struct evb_error *err)
{
	static const char cands[3] = { ';', ',', '\t' };
	size_t counts[3] = { 0, 0, 0 };
	bool quoted = false;
	int best = 0;
	char *buf = malloc(BLOCK);
	if (!buf)
		return evb_error_set(err, EVB_ENOMEM, display, 0, NULL, EVB_NOMEM_TEXT);
	size_t n = fread(buf, 1, BLOCK, f);
	if (ferror(f)) {
		free(buf);
		return evb_error_set(err, EVB_EIO, display, 0, NULL, "cannot read: %s",
				     strerror(errno));
	}
	bool blank = true;              /* only blank lines so far */
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '"')
			quoted = !quoted;
		else if (!quoted && buf[i] == '\n' && !blank)
			break;
		blank = blank && blank_piece(buf + i, 1);
		for (int k = 0; k < 3 && !quoted; k++)
			counts[k] += buf[i] == cands[k];
	}
	free(buf);
	for (int k = 1; k < 3; k++)
		if (counts[k] > counts[best])
			best = k;
	*delim = cands[best];
	if (fseek(f, 0, SEEK_SET) != 0)
		return evb_error_set(err, EVB_EIO, display, 0, NULL, "cannot seek: %s",
				     strerror(errno));
	return 0;
}

int csv_in_read(const char *path, const char *display, enum kind kind,
		const struct profile *profile, bool cp1252, const struct reader_sink *sink,
		struct input_info *info, struct evb_error *err)
{
	struct engine e;
	struct export_ctx x;
	unsigned char bom[3];
	int ret;
	memset(&e, 0, sizeof(e));
	memset(&x, 0, sizeof(x));
	memset(info, 0, sizeof(*info));
	if (!schema_kind(kind))
		return evb_error_set(err, EVB_EINVAL, display, 0, NULL, "unknown kind");
	FILE *f = fopen(path, "rb");
	if (!f)
		return evb_error_set(err, EVB_EIO, display, 0, NULL, "cannot open: %s",
				     strerror(errno));
	info->bom = fread(bom, 1, 3, f) == 3 && memcmp(bom, "\xEF\xBB\xBF", 3) == 0;
	info->cp1252 = cp1252;
	if (fseek(f, 0, SEEK_SET) != 0) {
		ret = evb_error_set(err, EVB_EIO, display, 0, NULL, "cannot seek: %s",
				    strerror(errno));
		goto out;
	}
	if ((ret = detect_delimiter(f, display, &info->delimiter, err)))
		goto out;
	x.kind = kind;
	x.profile = profile;
	x.sink = sink;
	x.info = info;
	e.delim = (unsigned char)info->delimiter;
	e.display = display;
	e.cp1252 = cp1252;
	e.trim_all = true;
	e.on_record = export_record;
	e.on_lost = export_lost;
	e.ctx = &x;
	e.err = err;
	rec_reset(&e.rec);
	if ((ret = parser_start(&e)))
		goto out;
	ret = run_file(&e, f);
	if (!ret && !x.header_done)
		ret = evb_error_set(err, EVB_EPARSE, display, e.line ? e.line : 1, NULL,
				    "no header row: the file is empty");
out:
	if (ret == EVB_ENOMEM && err && !err->code)
		evb_error_set(err, ret, display, e.line, NULL, EVB_NOMEM_TEXT);
	engine_release(&e);
	fclose(f);
	info->records = x.records;
	return ret;
}

/* ---- the program's own tables ------------------------------------------- */

struct table_ctx {
	csv_table_fn fn;
	void *ctx;
};

static int table_record(struct engine *e)
{
	struct table_ctx *t = e->ctx;
	const struct record *r = &e->rec;
	const char *fields[EVB_MAX_COLUMNS];
	for (int i = 0; i < r->n; i++)
		fields[i] = r->buf + r->off[i];
	return t->fn(t->ctx, r->start, r->n, fields);
}

static int table_lost(struct engine *e)
{
	const struct record *r = &e->rec;
	if (strcmp(r->problem, "reject.field_count") == 0)
		return evb_error_set(e->err, EVB_EPARSE, e->display, r->start, NULL,
				     "more than %d fields", EVB_MAX_COLUMNS);
	return evb_error_set(e->err, EVB_EPARSE, e->display, r->start, NULL, "%s",
			     r->reason ? r->reason : default_reason(r->problem));
}

/* Runs the engine e, set up by the caller, over the open file f as a table
 * handed row by row to t; closes f. */
static int run_table(struct engine *e, FILE *f, const char *path, struct table_ctx *t,
		     struct evb_error *err)
{
	e->display = path;
	e->on_record = table_record;
	e->ctx = t;
	e->err = err;
	rec_reset(&e->rec);
	int ret = parser_start(e);
	if (!ret)
		ret = run_file(e, f);
	if (ret == EVB_ENOMEM && err && !err->code)
		evb_error_set(err, ret, path, e->line, NULL, EVB_NOMEM_TEXT);
	engine_release(e);
	fclose(f);
	return ret;
}

int csv_in_read_table(const char *path, csv_table_fn fn, void *ctx,
		      struct evb_error *err)
{
	struct engine e;
	struct table_ctx t = { fn, ctx };
	memset(&e, 0, sizeof(e));
	FILE *f = fopen(path, "rb");
	if (!f)
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot open: %s",
				     strerror(errno));
	e.delim = ';';
	e.table = true;
	utf8_check_init(&e.utf8);
	e.on_lost = table_lost;
	return run_table(&e, f, path, &t, err);
}

/* ---- any CSV file ---------------------------------------------------------- */

static int raw_lost(struct engine *e)
{
	(void)e;
	return 0;
}

int csv_in_read_raw(const char *path, bool cp1252, csv_table_fn fn, void *ctx,
		    struct evb_error *err)
{
	struct engine e;
	struct table_ctx t = { fn, ctx };
	char delim;
	memset(&e, 0, sizeof(e));
	FILE *f = fopen(path, "rb");
	if (!f)
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot open: %s",
				     strerror(errno));
	int ret = detect_delimiter(f, path, &delim, err);
	if (ret) {
		fclose(f);
		return ret;
	}
	e.delim = (unsigned char)delim;
	e.cp1252 = cp1252;
	e.trim_all = true;
	e.on_lost = raw_lost;
	return run_table(&e, f, path, &t, err);
}
