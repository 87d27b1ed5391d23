/*
 * The reader thread and its relay (see relay.h). The reader's sink calls
 * are written one after the other into batches of BATCH_BYTES (a call
 * larger than that gets a batch of its own size); nbatch batches go round
 * between the two threads, so at most nbatch batches are held. A sink
 * callback that fails here stops the reader: its next callback returns the
 * same code.
 */
#include "relay.h"

#include "phase.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_BYTES (256u * 1024u)

enum { EV_ROW = 1, EV_FIELDS, EV_REJECT, EV_NOTE };

struct batch {
	char *p;
	size_t len, cap;
	bool ready;             /* handed to the replaying thread */
};

struct relay {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch b[RELAY_BATCHES_MAX];
	int nbatch;             /* of b, those that go round */
	int w, r;               /* the batch being written, being replayed */
	int stop;               /* a sink callback failed: its code */
	int seen_stop;          /* the reader thread's copy of stop */
	bool done;              /* the reader returned */
	int reader_ret;
	double reader_cpu;      /* seconds the reader thread ran */
	relay_reader_fn read;
	void *arg;
	struct evb_error err;   /* the reader's */
};

/* A default mutex fails only on a programming error: stop there. */
static void must(int rc)
{
	if (rc != 0)
		abort();
}

/* ---- the reader's side ------------------------------------------------- */

/* Hands the batch being written over (when it holds anything) and waits
 * for the next one to be free. */
static void publish(struct relay *rl)
{
	must(pthread_mutex_lock(&rl->mu));
	struct batch *b = &rl->b[rl->w];
	if (b->len) {
		b->ready = true;
		must(pthread_cond_broadcast(&rl->cv));
		rl->w = (rl->w + 1) % rl->nbatch;
		while (rl->b[rl->w].ready)
			must(pthread_cond_wait(&rl->cv, &rl->mu));
	}
	rl->seen_stop = rl->stop;
	must(pthread_mutex_unlock(&rl->mu));
}

/* Room for an event of `need` bytes in the batch being written. */
static char *reserve(struct relay *rl, size_t need)
{
	struct batch *b = &rl->b[rl->w];
	if (b->len + need > b->cap && b->len) {
		publish(rl);
		b = &rl->b[rl->w];
	}
	if (b->len + need > b->cap) {
		size_t cap = need > BATCH_BYTES ? need : BATCH_BYTES;
		char *p = realloc(b->p, cap);
		if (!p)
			return NULL;
		b->p = p;
		b->cap = cap;
	}
	char *at = b->p + b->len;
	b->len += need;
	return at;
}

static char *put(char *at, const void *v, size_t n)
{
	memcpy(at, v, n);
	return at + n;
}

/* A string: length (SIZE_MAX for NULL), bytes, NUL. */
static size_t str_size(const char *s)
{
	return sizeof(size_t) + (s ? strlen(s) + 1 : 0);
}

static char *put_str(char *at, const char *s)
{
	size_t n = s ? strlen(s) : SIZE_MAX;
	at = put(at, &n, sizeof(n));
	return s ? put(at, s, n + 1) : at;
}

/* Room for a row event whose part after its start is `rest` bytes, with
 * its start written (tag, kind, file, line: what decode_start reads);
 * returns where the rest goes, or NULL on ENOMEM. */
static char *start_row(struct relay *rl, size_t rest, char tag, enum kind kind,
		       const char *file, long line)
{
	int k = (int)kind;
	char *at = reserve(rl, 1 + sizeof(k) + sizeof(file) + sizeof(line) + rest);
	if (!at)
		return NULL;
	*at++ = tag;
	at = put(at, &k, sizeof(k));
	at = put(at, &file, sizeof(file));
	return put(at, &line, sizeof(line));
}

/*
 * A row: kind, file, line, the mask of present values, the mask of values
 * starting on the row's line, the mask of other lines given, the size of
 * the row's text; then per present value its offset in the text and its
 * length, per other line the line; then the text, which holds every value
 * with its NUL. The values of a row that gives the buffer they lie in
 * (row.text: the CSV reader's record) are copied in one piece, what lies
 * between them included; other values are copied one after the other.
 */
struct span {
	uint32_t off, len;
};

/* Values this far apart in all, or closer, are copied as one piece. */
static bool one_piece(size_t extent, size_t bytes)
{
	return extent <= bytes + bytes / 2 + 64;
}

static int relay_row(void *ctx, const struct row *r)
{
	struct relay *rl = ctx;
	if (rl->seen_stop)
		return rl->seen_stop;
	uint32_t present = 0, same = 0, lines = 0, nvals = 0, nlines = 0;
	size_t bytes = 0;
	size_t lo = SIZE_MAX, hi = 0;   /* the values' extent in r->text */
	/* a kind's values are in its columns only */
	const struct kind_info *ki = schema_kind(r->kind);
	int ncolumns = ki ? ki->ncolumns : SCHEMA_MAX_COLUMNS;
	for (int c = 0; c < ncolumns; c++) {
		const char *v = r->val[c];
		if (v) {
			if (r->vlen[c] > UINT32_MAX / 4)
				return EVB_ETOOBIG;     /* readers keep values to 1 MiB */
			present |= 1u << c;
			nvals++;
			bytes += r->vlen[c] + 1;
			if (r->text) {
				size_t o = (size_t)(v - r->text);
				if (o < lo)
					lo = o;
				if (o + r->vlen[c] + 1 > hi)
					hi = o + r->vlen[c] + 1;
			}
		}
		if (r->vline[c] == r->line) {
			same |= 1u << c;
		} else if (r->vline[c]) {
			lines |= 1u << c;
			nlines++;
		}
	}
	bool piece = r->text && nvals && hi <= r->text_len && one_piece(hi - lo, bytes);
	size_t text = piece ? hi - lo : bytes;
	if (text > UINT32_MAX)
		return EVB_ETOOBIG;
	uint32_t text32 = (uint32_t)text;
	char *at = start_row(rl, 4 * sizeof(uint32_t) + nvals * sizeof(struct span) +
				 nlines * sizeof(long) + text, EV_ROW, r->kind, r->file, r->line);
	if (!at)
		return EVB_ENOMEM;
	at = put(at, &present, sizeof(present));
	at = put(at, &same, sizeof(same));
	at = put(at, &lines, sizeof(lines));
	at = put(at, &text32, sizeof(text32));
	char *spans = at, *to = at + nvals * sizeof(struct span) + nlines * sizeof(long);
	uint32_t off = 0;
	for (uint32_t m = present; m; m &= m - 1) {
		int c = __builtin_ctz(m);
		struct span sp = { 0, (uint32_t)r->vlen[c] };
		if (piece) {
			sp.off = (uint32_t)((size_t)(r->val[c] - r->text) - lo);
		} else {
			sp.off = off;
			memcpy(to + off, r->val[c], r->vlen[c]);
			to[off + r->vlen[c]] = '\0';
			off += sp.len + 1;
		}
		spans = put(spans, &sp, sizeof(sp));
	}
	for (uint32_t m = lines; m; m &= m - 1)
		spans = put(spans, &r->vline[__builtin_ctz(m)], sizeof(long));
	if (piece)
		memcpy(to, r->text + lo, text);
	return 0;
}

/*
 * A record as fields: kind, file, line, the number of fields, whether any
 * field starts on another line than the record, the size of the text; then
 * per field its column (one byte) and its offset in the text, per field its
 * line when one starts on another line; then the text, copied whole.
 */
static int relay_fields(void *ctx, const struct fields *f)
{
	struct relay *rl = ctx;
	if (rl->seen_stop)
		return rl->seen_stop;
	if (f->n < 0 || f->n > SCHEMA_MAX_COLUMNS || f->text_len > UINT32_MAX / 4)
		return EVB_ETOOBIG;     /* readers keep records to 4 MiB */
	uint32_t n = (uint32_t)f->n, text = (uint32_t)f->text_len;
	uint32_t multi = n && f->fline[n - 1] != f->line;       /* lines go up */
	char *at = start_row(rl, 3 * sizeof(uint32_t) + n * (1 + sizeof(uint32_t)) +
				 (multi ? n * sizeof(long) : 0) + text, EV_FIELDS, f->kind,
			     f->file, f->line);
	if (!at)
		return EVB_ENOMEM;
	at = put(at, &n, sizeof(n));
	at = put(at, &multi, sizeof(multi));
	at = put(at, &text, sizeof(text));
	at = put(at, f->col, n);
	at = put(at, f->off, n * sizeof(uint32_t));
	if (multi)
		at = put(at, f->fline, n * sizeof(long));
	memcpy(at, f->text, text);
	return 0;
}

static int relay_reject(void *ctx, int kind, const char *file, long line,
			const char *column, const char *value,
			const char *reason_key, const char *reason)
{
	struct relay *rl = ctx;
	if (rl->seen_stop)
		return rl->seen_stop;
	size_t need = 1 + sizeof(kind) + sizeof(file) + sizeof(line) + sizeof(reason_key) +
		      str_size(column) + str_size(value) + str_size(reason);
	char *at = reserve(rl, need);
	if (!at)
		return EVB_ENOMEM;
	*at++ = EV_REJECT;
	at = put(at, &kind, sizeof(kind));
	at = put(at, &file, sizeof(file));
	at = put(at, &line, sizeof(line));
	at = put(at, &reason_key, sizeof(reason_key));   /* a static string */
	at = put_str(at, column);
	at = put_str(at, value);
	put_str(at, reason);
	return 0;
}

static void relay_note(void *ctx, const char *file, long line, const char *column,
		       int position, const char *message)
{
	struct relay *rl = ctx;
	char *at = reserve(rl, 1 + sizeof(file) + sizeof(line) + sizeof(position) +
				   str_size(column) + str_size(message));
	if (!at) {
		rl->seen_stop = EVB_ENOMEM;  /* the reader stops at its next row */
		return;
	}
	*at++ = EV_NOTE;
	at = put(at, &file, sizeof(file));
	at = put(at, &line, sizeof(line));
	at = put(at, &position, sizeof(position));
	at = put_str(at, column);
	put_str(at, message);
}

static void *reader_thread(void *arg)
{
	struct relay *rl = arg;
	double t0 = phase_thread_cpu();
	struct reader_sink sink = { rl, relay_row, relay_reject, relay_note, relay_fields };
	int ret = rl->read(rl->arg, &sink, &rl->err);
	if (!ret && rl->seen_stop)
		ret = rl->seen_stop;
	publish(rl);
	rl->reader_cpu = phase_thread_cpu() - t0;
	must(pthread_mutex_lock(&rl->mu));
	rl->done = true;
	rl->reader_ret = ret;
	must(pthread_cond_broadcast(&rl->cv));
	must(pthread_mutex_unlock(&rl->mu));
	return NULL;
}

/* ---- this side: the replay ------------------------------------------------ */

static const char *get(const char **at, void *v, size_t n)
{
	memcpy(v, *at, n);
	*at += n;
	return *at;
}

static const char *get_str(const char **at)
{
	size_t n;
	get(at, &n, sizeof(n));
	if (n == SIZE_MAX)
		return NULL;
	const char *s = *at;
	*at += n + 1;
	return s;
}

/* Clears the values of the row row held before (the columns in held) and
 * reads what every row event starts with: kind, file and line. */
static void decode_start(const char **at, struct row *row, uint32_t held)
{
	int kind;
	for (uint32_t m = held; m; m &= m - 1) {
		int c = __builtin_ctz(m);
		row->val[c] = NULL;
		row->vlen[c] = 0;
		row->vline[c] = 0;
	}
	get(at, &kind, sizeof(kind));
	get(at, &row->file, sizeof(row->file));
	get(at, &row->line, sizeof(row->line));
	row->kind = (enum kind)kind;
}

/* Decodes a row event (after its tag) into row, whose values of the row it
 * held before are given by *held (cleared here, set to this row's);
 * returns the next event. */
static const char *decode_row(const char *at, struct row *row, uint32_t *held)
{
	uint32_t present, same, lines, text;
	decode_start(&at, row, *held);
	get(&at, &present, sizeof(present));
	get(&at, &same, sizeof(same));
	get(&at, &lines, sizeof(lines));
	get(&at, &text, sizeof(text));
	struct span spans[SCHEMA_MAX_COLUMNS];
	int n = 0;
	for (uint32_t m = present; m; m &= m - 1)
		get(&at, &spans[n++], sizeof(struct span));
	for (uint32_t m = lines; m; m &= m - 1)
		get(&at, &row->vline[__builtin_ctz(m)], sizeof(long));
	const char *base = at;  /* the text */
	n = 0;
	for (uint32_t m = present; m; m &= m - 1, n++) {
		int c = __builtin_ctz(m);
		row->val[c] = base + spans[n].off;
		row->vlen[c] = spans[n].len;
	}
	for (; same; same &= same - 1)
		row->vline[__builtin_ctz(same)] = row->line;
	*held = present | lines | same;
	return base + text;
}

/* Decodes a fields event (after its tag) into row, as decode_row does:
 * the row the reader would have made of the fields (csv_in.c). */
static const char *decode_fields(const char *at, struct row *row, uint32_t *held)
{
	uint32_t n, multi, text, present = 0;
	decode_start(&at, row, *held);
	get(&at, &n, sizeof(n));
	get(&at, &multi, sizeof(multi));
	get(&at, &text, sizeof(text));
	const signed char *col = (const signed char *)at;
	const char *offs = at + n, *lines = offs + n * sizeof(uint32_t);
	const char *base = lines + (multi ? n * sizeof(long) : 0);
	uint32_t off, next = text;
	if (n)
		memcpy(&next, offs, sizeof(next));
	for (uint32_t i = 0; i < n; i++) {
		int c = col[i];
		off = next;
		if (i + 1 < n)
			memcpy(&next, offs + (i + 1) * sizeof(uint32_t), sizeof(next));
		else
			next = text;
		row->val[c] = base + off;
		row->vlen[c] = next - off - 1;
		if (multi)
			memcpy(&row->vline[c], lines + i * sizeof(long), sizeof(long));
		else
			row->vline[c] = row->line;
		present |= 1u << c;
	}
	*held = present;
	return base + text;
}

/* Decodes the row event at `at` (EV_ROW or EV_FIELDS) into row; returns
 * the next event. */
static const char *decode(const char *at, struct row *row, uint32_t *held)
{
	return *at == EV_ROW ? decode_row(at + 1, row, held) : decode_fields(at + 1, row, held);
}

static bool is_row(char tag)
{
	return tag == EV_ROW || tag == EV_FIELDS;
}

/* Calls sink with every event of b; the first failing callback's code. A
 * row that follows a row is decoded before the first is handed on, and
 * given to prefetch. */
static int replay(const struct batch *b, const struct reader_sink *sink,
		  relay_prefetch_fn prefetch)
{
	const char *at = b->p, *end = b->p + b->len;
	struct row rows[2];
	uint32_t held[2] = { 0, 0 };    /* the columns each of rows holds */
	int k = 0;
	memset(rows, 0, sizeof(rows));
	bool ahead = false;     /* rows[k] holds the next event, a row */
	while (ahead || at < end) {
		int ret = 0;
		const char *file;
		long line;
		int kind;
		if (ahead || is_row(*at)) {
			struct row *row = &rows[k];
			if (!ahead)
				at = decode(at, row, &held[k]);
			k ^= 1;
			ahead = at < end && is_row(*at);
			if (ahead) {
				at = decode(at, &rows[k], &held[k]);
				if (prefetch)
					prefetch(sink->ctx, &rows[k]);
			}
			ret = sink->row(sink->ctx, row);
		} else if (*at++ == EV_REJECT) {
			const char *key;
			get(&at, &kind, sizeof(kind));
			get(&at, &file, sizeof(file));
			get(&at, &line, sizeof(line));
			get(&at, &key, sizeof(key));
			const char *column = get_str(&at);
			const char *value = get_str(&at);
			const char *reason = get_str(&at);
			ret = sink->reject(sink->ctx, kind, file, line, column, value, key, reason);
		} else {
			int position;
			get(&at, &file, sizeof(file));
			get(&at, &line, sizeof(line));
			get(&at, &position, sizeof(position));
			const char *column = get_str(&at);
			sink->note(sink->ctx, file, line, column, position, get_str(&at));
		}
		if (ret)
			return ret;
	}
	return 0;
}

int relay_run(relay_reader_fn read, void *arg, const struct reader_sink *sink,
	      relay_prefetch_fn prefetch, int batches, struct evb_error *err)
{
	struct relay *rl = calloc(1, sizeof(*rl));
	pthread_t thread;
	if (!rl)
		return read(arg, sink, err);
	rl->nbatch = batches < 2 ? 2 : batches > RELAY_BATCHES_MAX ? RELAY_BATCHES_MAX : batches;
	rl->read = read;
	rl->arg = arg;
	if (pthread_mutex_init(&rl->mu, NULL) != 0) {
		free(rl);
		return read(arg, sink, err);
	}
	if (pthread_cond_init(&rl->cv, NULL) != 0) {
		must(pthread_mutex_destroy(&rl->mu));
		free(rl);
		return read(arg, sink, err);
	}
	int ret;
	if (pthread_create(&thread, NULL, reader_thread, rl) != 0) {
		ret = read(arg, sink, err);
		goto out;
	}
	int stop = 0;
	double t0 = phase_thread_cpu();
	must(pthread_mutex_lock(&rl->mu));
	for (;;) {
		struct batch *b = &rl->b[rl->r];
		while (!b->ready && !rl->done)
			must(pthread_cond_wait(&rl->cv, &rl->mu));
		if (!b->ready)
			break;          /* done, and every batch replayed */
		must(pthread_mutex_unlock(&rl->mu));
		if (!stop)
			stop = replay(b, sink, prefetch);
		must(pthread_mutex_lock(&rl->mu));
		b->len = 0;
		b->ready = false;
		rl->r = (rl->r + 1) % rl->nbatch;
		if (stop)
			rl->stop = stop;
		must(pthread_cond_broadcast(&rl->cv));
	}
	must(pthread_mutex_unlock(&rl->mu));
	must(pthread_join(thread, NULL));
	phase_count(PHASE_CPU_RECORDS, phase_thread_cpu() - t0);
	phase_count(PHASE_CPU_SPLIT, rl->reader_cpu);
	ret = stop ? stop : rl->reader_ret;
	if (err && rl->err.code)
		*err = rl->err;
out:
	for (int i = 0; i < RELAY_BATCHES_MAX; i++)
		free(rl->b[i].p);
	must(pthread_cond_destroy(&rl->cv));
	must(pthread_mutex_destroy(&rl->mu));
	free(rl);
	return ret;
}
