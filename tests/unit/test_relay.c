/* Unit tests: the reader thread and its relay (src/relay.c). */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "threadfail.h"
#include "relay.h"
#include "csv_in.h"

/* A fake reader: sends `nrows` rows, with a reject after every 7th row and
 * a note after every 11th, each value telling its row; one row of `big`
 * bytes (more than a batch) at row 100. */
struct fake {
	int nrows;
	size_t big;
	int fail_at;            /* the reader fails after this row (-1: never) */
	int seen_stop;          /* what a sink callback returned to the reader */
	int rows_sent;
};

static char big_value[3u << 20];

/* An empty row of beslut.csv at the given line. */
static struct row row_at(long line)
{
	struct row r;
	memset(&r, 0, sizeof(r));
	r.kind = K_BESLUT;
	r.file = "beslut.csv";
	r.line = line;
	return r;
}

static int fake_read(void *arg, const struct reader_sink *sink, struct evb_error *err)
{
	struct fake *f = arg;
	char id[32], line_text[32];
	for (int i = 0; i < f->nrows; i++) {
		struct row r = row_at(i + 2);
		snprintf(id, sizeof(id), "B%07d", i);
		snprintf(line_text, sizeof(line_text), "%d", i);
		r.val[0] = id;
		r.vlen[0] = strlen(id);
		r.vline[0] = r.line;
		r.val[3] = "";          /* present and empty */
		r.vlen[3] = 0;
		r.vline[3] = r.line + 1;  /* a value on another line */
		if (i == 100 && f->big) {
			r.val[5] = big_value;
			r.vlen[5] = f->big;
			r.vline[5] = r.line;
		} else {
			r.val[5] = line_text;
			r.vlen[5] = strlen(line_text);
		}
		int ret = sink->row(sink->ctx, &r);
		f->rows_sent++;
		if (ret) {
			f->seen_stop = ret;
			return ret;
		}
		if (i % 7 == 6 &&
		    (ret = sink->reject(sink->ctx, K_BESLUT, "beslut.csv", i + 2,
					i % 2 ? "insats" : NULL, i % 3 ? id : NULL,
					"reject.field_count", "wrong number of fields"))) {
			f->seen_stop = ret;
			return ret;
		}
		if (i % 11 == 10)
			sink->note(sink->ctx, "beslut.csv", i + 2, i % 2 ? "extra" : NULL,
				   i % 2 ? i % 7 + 1 : 0, line_text);
		if (i == f->fail_at)
			return evb_error_set(err, EVB_EPARSE, "beslut.csv", i + 2, NULL,
					     "cannot go on");
	}
	return 0;
}

/* What the sink saw, as text, one event a line. */
struct seen {
	char *text;
	size_t len, cap;
	int rows;
	int stop_after;         /* the row callback fails after this many rows */
	int prefetched;
};

static void add(struct seen *s, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (s->len + (size_t)n + 1 > s->cap) {
		s->cap = (s->len + (size_t)n + 1) * 2;
		s->text = realloc(s->text, s->cap);
		assert_non_null(s->text);
	}
	memcpy(s->text + s->len, buf, (size_t)n + 1);
	s->len += (size_t)n;
}

static int on_row(void *ctx, const struct row *r)
{
	struct seen *s = ctx;
	add(s, "row %d %s %ld", (int)r->kind, r->file, r->line);
	for (int c = 0; c < SCHEMA_MAX_COLUMNS; c++) {
		if (r->val[c]) {
			assert_int_equal(strlen(r->val[c]), r->vlen[c]);
			if (r->vlen[c] > 100)
				add(s, " [%d]=%zu bytes", c, r->vlen[c]);
			else
				add(s, " [%d]=%s", c, r->val[c]);
		}
		if (r->vline[c])
			add(s, " @%d:%ld", c, r->vline[c]);
	}
	add(s, "\n");
	if (++s->rows == s->stop_after)
		return EVB_ENOMEM;
	return 0;
}

static int on_reject(void *ctx, int kind, const char *file, long line, const char *column,
		     const char *value, const char *key, const char *reason)
{
	struct seen *s = ctx;
	add(s, "reject %d %s %ld %s %s %s %s\n", kind, file, line, column ? column : "-",
	    value ? value : "-", key, reason);
	return 0;
}

static void on_note(void *ctx, const char *file, long line, const char *column,
		    int position, const char *message)
{
	struct seen *s = ctx;
	add(s, "note %s %ld %s %d %s\n", file, line, column ? column : "-", position, message);
}

static void on_prefetch(void *ctx, const struct row *r)
{
	struct seen *s = ctx;
	assert_non_null(r->val[0]);
	s->prefetched++;
}

static struct reader_sink sink_of(struct seen *s)
{
	return (struct reader_sink){ s, on_row, on_reject, on_note, NULL };
}

/* Runs read on a1 into a sink directly and on a2 through the relay: both
 * succeed with the same events in the same order. Returns what the relayed
 * sink saw (the caller frees its text). */
static struct seen direct_and_relayed(relay_reader_fn read, void *a1, void *a2,
				      relay_prefetch_fn prefetch, int batches)
{
	struct seen direct = { 0 }, relayed = { 0 };
	struct reader_sink s1 = sink_of(&direct), s2 = sink_of(&relayed);
	struct evb_error e1 = { 0 }, e2 = { 0 };
	assert_int_equal(read(a1, &s1, &e1), 0);
	assert_int_equal(relay_run(read, a2, &s2, prefetch, batches, &e2), 0);
	assert_int_equal(direct.rows, relayed.rows);
	assert_string_equal(direct.text, relayed.text);
	free(direct.text);
	return relayed;
}

/* The same reader through the relay and called directly gives the same
 * events in the same order, also with a row bigger than a batch, with
 * any number of batches going round (fewer than two are taken as two,
 * more than the most as the most). */
static void test_same_as_direct(void **state)
{
	(void)state;
	memset(big_value, 'x', sizeof(big_value) - 1);
	static const int batches[] = { 0, 2, 3, RELAY_BATCHES, RELAY_BATCHES_MAX, 1000 };
	for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
		for (int pass = 0; pass < 2; pass++) {
			struct fake f1 = { 50000, pass ? sizeof(big_value) - 1 : 0, -1, 0, 0 };
			struct fake f2 = f1;
			struct seen relayed = direct_and_relayed(fake_read, &f1, &f2, on_prefetch,
								 batches[b]);
			assert_int_equal(relayed.rows, 50000);
			/* a row that follows a row in its batch is announced first
			 * (rows followed by a reject or a note are not: about 1 in
			 * 4) */
			assert_true(relayed.prefetched > 30000 && relayed.prefetched < 45000);
			free(relayed.text);
		}
	}
}

/* A reader that counts the rows it has sent, for a sink on the other
 * thread to watch. */
static atomic_int ahead_sent;

static int counting_read(void *arg, const struct reader_sink *sink, struct evb_error *err)
{
	(void)err;
	const int *nrows = arg;
	for (int i = 0; i < *nrows; i++) {
		struct row r = row_at(i + 2);
		r.val[0] = "B1";
		r.vlen[0] = 2;
		r.vline[0] = r.line;
		int ret = sink->row(sink->ctx, &r);
		if (ret)
			return ret;
		atomic_fetch_add(&ahead_sent, 1);
	}
	return 0;
}

/* The sink: at the first row, waits until the reader has sent `expect`
 * rows (at most 10 s, so that a slow machine does not stop it short) and
 * then until its count has stayed the same for 200 ms, and keeps how far
 * it got. */
struct watch {
	int rows, expect, ahead;
};

static int watching_row(void *ctx, const struct row *r)
{
	(void)r;
	struct watch *w = ctx;
	if (w->rows++ == 0) {
		struct timespec tick = { 0, 10 * 1000 * 1000 };
		int same = 0, last = -1;
		for (int t = 0; t < 1000 && (last < w->expect || same < 20); t++) {
			int now = atomic_load(&ahead_sent);
			same = now == last ? same + 1 : 0;
			last = now;
			nanosleep(&tick, NULL);
		}
		w->ahead = last;
	}
	return 0;
}

static int watch_ahead(int batches, int expect)
{
	int nrows = 400000;
	struct watch w = { 0, expect, 0 };
	struct reader_sink sink = { &w, watching_row, on_reject, on_note, NULL };
	struct evb_error err = { 0 };
	atomic_store(&ahead_sent, 0);
	assert_int_equal(relay_run(counting_read, &nrows, &sink, NULL, batches, &err), 0);
	assert_int_equal(w.rows, nrows);
	return w.ahead;
}

/* While the replay is held up at the first row, the reader goes on until
 * every batch that goes round is full. A row here takes 48 bytes of a
 * batch: its tag (1), kind (4), file (8) and line (8), the masks and the
 * text's size (4 x 4), one value's offset and length (8) and the text,
 * "B1" and its NUL (3); 262 144 / 48 = 5 461 rows fill a batch of 256
 * KiB. The replay holds the first batch, so the reader stops with every
 * batch full: 4 x 5 461 = 21 844 rows, 16 x 5 461 = 87 376. */
static void test_reader_runs_ahead(void **state)
{
	(void)state;
	assert_int_equal(watch_ahead(4, 21844), 21844);
	assert_int_equal(watch_ahead(RELAY_BATCHES_MAX, 87376), 87376);
	assert_int_equal(watch_ahead(2, 10922), 10922);        /* 2 x 5 461 */
}

/* A reader that keeps a record's values back to back and says so
 * (row.text), as the CSV reader does: in another order than the columns',
 * with a column that is not the kind's between them, and with columns
 * present on some rows only. The relay copies such a record in one piece,
 * and each row still gets its own values and no value of the row before. */
static int packed_read(void *arg, const struct reader_sink *sink, struct evb_error *err)
{
	(void)err;
	const int *nrows = arg;
	char buf[256];
	for (int i = 0; i < *nrows; i++) {
		struct row r = row_at(i + 2);
		size_t len = 0;
		/* file order: column 4, an ignored field, column 1, then column
		 * 9 on every third row (a value on the next line) */
		static const int cols[] = { 4, -1, 1, 9 };
		for (int k = 0; k < (i % 3 ? 3 : 4); k++) {
			int n = snprintf(buf + len, sizeof(buf) - len, "%c%d", "abcd"[k], i);
			if (cols[k] >= 0) {
				r.val[cols[k]] = buf + len;
				r.vlen[cols[k]] = (size_t)n;
				r.vline[cols[k]] = k == 3 ? r.line + 1 : r.line;
			}
			len += (size_t)n + 1;
		}
		r.text = buf;
		r.text_len = len;
		int ret = sink->row(sink->ctx, &r);
		if (ret)
			return ret;
	}
	return 0;
}

static void test_packed_values(void **state)
{
	(void)state;
	int n = 3000;
	struct seen relayed = direct_and_relayed(packed_read, &n, &n, NULL, RELAY_BATCHES);
	assert_int_equal(relayed.rows, 3000);
	/* row 2 (i = 0) has column 9; row 3 has not */
	assert_non_null(strstr(relayed.text, "row 1 beslut.csv 2 [1]=c0 @1:2 [4]=a0 @4:2 [9]=d0 @9:3\n"
					     "row 1 beslut.csv 3 [1]=c1 @1:3 [4]=a1 @4:3\n"));
	free(relayed.text);
}

/* The CSV reader hands a record whose every field is a column over as
 * fields (reader.h), which the relay takes; a file with a column that is
 * not the kind's goes as rows. Either way the sink must see what the
 * reader gives a sink without the fields callback: the same values, empty
 * ones and values on later lines (a quoted line break) included, and the
 * rejects in their place. The counting sink in between tells which way
 * each record went. */
struct via {
	const char *path;
	int fields, rows;
	const struct reader_sink *inner;
};

static int via_row(void *ctx, const struct row *r)
{
	struct via *v = ctx;
	v->rows++;
	return v->inner->row(v->inner->ctx, r);
}

static int via_reject(void *ctx, int kind, const char *file, long line, const char *column,
		      const char *value, const char *key, const char *reason)
{
	struct via *v = ctx;
	return v->inner->reject(v->inner->ctx, kind, file, line, column, value, key, reason);
}

static void via_note(void *ctx, const char *file, long line, const char *column,
		     int position, const char *message)
{
	struct via *v = ctx;
	v->inner->note(v->inner->ctx, file, line, column, position, message);
}

static int via_fields(void *ctx, const struct fields *f)
{
	struct via *v = ctx;
	v->fields++;
	return v->inner->fields(v->inner->ctx, f);
}

static int csv_read(void *arg, const struct reader_sink *sink, struct evb_error *err)
{
	struct via *v = arg;
	struct reader_sink mid = { v, via_row, via_reject, via_note,
				   sink->fields ? via_fields : NULL };
	struct input_info info;
	v->inner = sink;
	return csv_in_read(v->path, "verkstalligheter.csv", K_VERKSTALLIGHET, NULL, false, &mid,
			   &info, err);
}

static void test_csv_fields_as_rows(void **state)
{
	(void)state;
	char dir[64], path[128];
	assert_int_equal(tmpdir_make(dir, "relay"), 0);
	snprintf(path, sizeof(path), "%s/v.csv", dir);
	for (int extra = 0; extra < 2; extra++) {
		/* columns 0, 1, 2 of verkstalligheter in another order, one
		 * optional column, and (second pass) one that is not the kind's */
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "startdatum;beslut_id;verkstallighet_id;utforare%s\n",
			extra ? ";annat" : "");
		for (int i = 0; i < 4000; i++) {
			const char *x = extra ? ";z" : "";
			if (i % 97 == 5)        /* a value over two lines */
				fprintf(f, "2026-01-%02d;B%d;\"V%d\nrad 2\";%s\n", i % 28 + 1, i, i, x);
			else if (i % 89 == 7)   /* a record with a field too many */
				fprintf(f, "2026-01-01;B%d;V%d;u;u;u%s\n", i, i, x);
			else
				fprintf(f, "2026-01-%02d;B%d;V%d;%s%s\n", i % 28 + 1, i, i,
					i % 3 ? "Hemtjänst Norr" : "", x);
		}
		assert_int_equal(fclose(f), 0);
		struct via v1 = { path, 0, 0, NULL }, v2 = v1;
		struct seen relayed = direct_and_relayed(csv_read, &v1, &v2, on_prefetch, RELAY_BATCHES_MAX);
		assert_int_equal(relayed.rows, 4000 - 4000 / 89 - (4000 % 89 > 7));
		assert_int_equal(v1.fields, 0);
		assert_int_equal(v2.fields, extra ? 0 : relayed.rows);
		assert_int_equal(v2.rows, extra ? relayed.rows : 0);
		/* line 7 (i = 5): verkstallighet_id V5 runs on to line 8, where
		 * utforare (column 4, empty) starts */
		assert_non_null(strstr(relayed.text, "[0]=V5\nrad 2 @0:7 [1]=B5 @1:7 "
					"[2]=2026-01-06 @2:7 [4]= @4:8\n"));
		free(relayed.text);
	}
	assert_int_equal(tmpdir_remove(dir), 0);
}

/* A reader that sends a value longer than any reader keeps (the relay
 * counts value lengths in 32 bits): the relay refuses the row before it
 * reads the value, and the reader stops with EVB_ETOOBIG. */
static int oversized_read(void *arg, const struct reader_sink *sink, struct evb_error *err)
{
	(void)arg;
	(void)err;
	struct row r = row_at(2);
	r.val[0] = "B1";                        /* never read that far */
	r.vlen[0] = (size_t)UINT32_MAX / 4 + 1;
	return sink->row(sink->ctx, &r);
}

/* The relay refuses what `read` hands over as too big, and the sink sees
 * no row. */
static void assert_refused(relay_reader_fn read)
{
	struct seen s = { 0 };
	struct reader_sink sink = sink_of(&s);
	struct evb_error err = { 0 };
	assert_int_equal(relay_run(read, NULL, &sink, NULL, RELAY_BATCHES, &err), EVB_ETOOBIG);
	assert_int_equal(s.rows, 0);
	free(s.text);
}

static void test_oversized_value_refused(void **state)
{
	(void)state;
	assert_refused(oversized_read);
}

/* The same for a record handed over as fields: a text longer than a
 * reader keeps is refused before it is copied. */
static int oversized_fields_read(void *arg, const struct reader_sink *sink,
				 struct evb_error *err)
{
	(void)arg;
	(void)err;
	static const signed char col[1] = { 0 };
	static const uint32_t off[1] = { 0 };
	static const long fline[1] = { 2 };
	const struct fields f = { K_BESLUT, "beslut.csv", 2, 1, col, off, fline, "B1",
				  (size_t)UINT32_MAX / 4 + 1 };  /* never read that far */
	return sink->fields(sink->ctx, &f);
}

static void test_oversized_fields_refused(void **state)
{
	(void)state;
	assert_refused(oversized_fields_read);
}

/* Without a second thread the relay has the reader call the sink itself:
 * the same events in the same order, nothing prefetched, and a reader's
 * error and a sink's stop come back as with the thread. */
static void test_no_thread_reads_directly(void **state)
{
	(void)state;
	fail_thread_create = true;
	struct fake f1 = { 3000, 0, -1, 0, 0 }, f2 = f1;
	struct seen relayed = direct_and_relayed(fake_read, &f1, &f2, on_prefetch, RELAY_BATCHES);
	assert_int_equal(relayed.rows, 3000);
	assert_int_equal(relayed.prefetched, 0);
	free(relayed.text);

	struct fake f3 = { 1000, 0, 500, 0, 0 };
	struct seen s = { 0 };
	struct reader_sink sink = sink_of(&s);
	struct evb_error err = { 0 };
	assert_int_equal(relay_run(fake_read, &f3, &sink, NULL, RELAY_BATCHES, &err), EVB_EPARSE);
	assert_int_equal(s.rows, 501);
	assert_int_equal(err.line, 502);
	free(s.text);

	struct fake f4 = { 5000, 0, -1, 0, 0 };
	struct seen s4 = { 0 };
	s4.stop_after = 100;
	sink = sink_of(&s4);
	assert_int_equal(relay_run(fake_read, &f4, &sink, NULL, RELAY_BATCHES, &err), EVB_ENOMEM);
	assert_int_equal(s4.rows, 100);
	assert_int_equal(f4.rows_sent, 100);    /* the reader stops at once */
	free(s4.text);
	fail_thread_create = false;
}

/* A failing sink stops the reader with its code; nothing after the
 * failing row reaches the sink. */
static void test_sink_error_stops_reader(void **state)
{
	(void)state;
	struct fake f = { 200000, 0, -1, 0, 0 };
	struct seen s = { 0 };
	s.stop_after = 1000;
	struct reader_sink sink = sink_of(&s);
	struct evb_error err = { 0 };
	assert_int_equal(relay_run(fake_read, &f, &sink, NULL, RELAY_BATCHES, &err), EVB_ENOMEM);
	assert_int_equal(s.rows, 1000);
	assert_int_equal(f.seen_stop, EVB_ENOMEM);
	assert_true(f.rows_sent < 200000);
	free(s.text);
}

/* A reader's own error comes back with its message, after everything it
 * sent before it. */
static void test_reader_error_returned(void **state)
{
	(void)state;
	struct fake f = { 1000, 0, 500, 0, 0 };
	struct seen s = { 0 };
	struct reader_sink sink = sink_of(&s);
	struct evb_error err = { 0 };
	assert_int_equal(relay_run(fake_read, &f, &sink, NULL, RELAY_BATCHES, &err), EVB_EPARSE);
	assert_int_equal(s.rows, 501);
	assert_int_equal(err.code, EVB_EPARSE);
	assert_int_equal(err.line, 502);
	assert_non_null(strstr(s.text, "note beslut.csv 496 - 0 494\n"));
	free(s.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_direct),
		cmocka_unit_test(test_reader_runs_ahead),
		cmocka_unit_test(test_packed_values),
		cmocka_unit_test(test_csv_fields_as_rows),
		cmocka_unit_test(test_oversized_value_refused),
		cmocka_unit_test(test_oversized_fields_refused),
		cmocka_unit_test(test_no_thread_reads_directly),
		cmocka_unit_test(test_sink_error_stops_reader),
		cmocka_unit_test(test_reader_error_returned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
