/* Unit tests: the CSV reader (src/csv_in.c). Files are written to a
 * temporary folder at test time. */
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "csv_in.h"

#define MAXROWS 16

/* What the sink saw. */
struct seen {
	int nrows, nrejects, nnotes;
	long row_line[MAXROWS];
	char id[MAXROWS][64];         /* verkstallighet_id / person_id of each row */
	char start[MAXROWS][64];
	long start_line[MAXROWS];
	long rej_line[MAXROWS];
	const char *rej_key[MAXROWS];
	char rej_column[MAXROWS][32];
};

static int on_row(void *ctx, const struct row *r)
{
	struct seen *s = ctx;
	if (s->nrows < MAXROWS) {
		s->row_line[s->nrows] = r->line;
		snprintf(s->id[s->nrows], 64, "%s", r->val[0] ? r->val[0] : "(null)");
		snprintf(s->start[s->nrows], 64, "%s", r->val[2] ? r->val[2] : "(null)");
		s->start_line[s->nrows] = r->vline[2];
	}
	s->nrows++;
	return 0;
}

static int on_reject(void *ctx, int kind, const char *file, long line,
		     const char *column, const char *value, const char *key,
		     const char *reason)
{
	(void)kind; (void)file; (void)value; (void)reason;
	struct seen *s = ctx;
	if (s->nrejects < MAXROWS) {
		s->rej_line[s->nrejects] = line;
		s->rej_key[s->nrejects] = key;
		snprintf(s->rej_column[s->nrejects], 32, "%s", column ? column : "");
	}
	s->nrejects++;
	return 0;
}

static void on_note(void *ctx, const char *file, long line, const char *message)
{
	(void)file; (void)line; (void)message;
	((struct seen *)ctx)->nnotes++;
}

static char dir[64];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, "csv");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static const char *write_file(const char *name, const void *data, size_t len)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Reads text as verkstalligheter (columns verkstallighet_id, beslut_id,
 * startdatum, ...). Returns the reader's code. */
static int read_text(const char *text, size_t len, bool cp1252, struct seen *s,
		     struct input_info *info, struct evb_error *err)
{
	memset(s, 0, sizeof(*s));
	const char *path = write_file("verkstalligheter.csv", text, len);
	struct reader_sink sink = { s, on_row, on_reject, on_note };
	return csv_in_read(path, "verkstalligheter.csv", K_VERKSTALLIGHET, cp1252, &sink, info, err);
}

#define READ(text, s) read_text((text), sizeof(text) - 1, false, (s), &info, &err)

static void test_basic_crlf_and_trim(void **state)
{
	(void)state;
	struct seen s;
	struct input_info info;
	struct evb_error err = { 0 };
	assert_int_equal(READ("Verkstallighet_ID ; beslut_id;STARTDATUM\r\n"
			      "V1 ;B1;2026-01-05\r\n"
			      "\r\n"
			      "\t\"V2\" ;B2;2026-02-01\r\n", &s), 0);
	assert_int_equal(s.nrows, 2);
	assert_string_equal(s.id[0], "V1");      /* blanks trimmed */
	assert_string_equal(s.id[1], "V2");      /* quoted, blanks outside trimmed */
	assert_int_equal(s.row_line[0], 2);
	assert_int_equal(s.row_line[1], 4);      /* the blank line counts */
	assert_int_equal(info.delimiter, ';');
	assert_int_equal(info.records, 2);
	assert_false(info.bom);
}

static void test_delimiters_and_bom(void **state)
{
	(void)state;
	struct seen s;
	struct input_info info;
	struct evb_error err = { 0 };
	assert_int_equal(READ("\xEF\xBB\xBFverkstallighet_id,beslut_id,startdatum\nV1,B1,2026-01-05\n", &s), 0);
	assert_true(info.bom);
	assert_int_equal(info.delimiter, ',');
	assert_string_equal(s.id[0], "V1");
	assert_int_equal(READ("verkstallighet_id\tbeslut_id\tstartdatum\nV1\tB1\t2026-01-05\n", &s), 0);
	assert_int_equal(info.delimiter, '\t');
	assert_string_equal(s.start[0], "2026-01-05");
	/* a ';' inside a quoted header name does not decide */
	assert_int_equal(READ("verkstallighet_id,beslut_id,startdatum,\"a;b\"\nV1,B1,2026-01-05,x\n", &s), 0);
	assert_int_equal(info.delimiter, ',');
	assert_int_equal(s.nnotes, 1);            /* unknown column "a;b" */
}

static void test_quoted_newline_line_numbers(void **state)
{
	(void)state;
	struct seen s;
	struct input_info info;
	struct evb_error err = { 0 };
	/* record 1 spans lines 2-4; record 2 starts on line 5 */
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum;utforare\n"
			      "V1;B1;2026-01-05;\"Omsorg \"\"Norr\"\"\nrad 2\nrad 3\"\n"
			      "V2;B2;2026-02-01;x\n", &s), 0);
	assert_int_equal(s.nrows, 2);
	assert_int_equal(s.row_line[0], 2);
	assert_int_equal(s.row_line[1], 5);
	assert_int_equal(s.start_line[1], 5);
}

static void test_field_count_and_bad_quote_resync(void **state)
{
	(void)state;
	struct seen s;
	struct input_info info;
	struct evb_error err = { 0 };
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum\n"
			      "V1;B1\n"                     /* too few fields */
			      "V2;B\"2;2026-01-05\n"        /* stray quote */
			      "V3;\"B3\"x;2026-01-05\n"     /* junk after a closing quote */
			      "V4;B4;2026-01-05\n", &s), 0);
	assert_int_equal(s.nrows, 1);
	assert_string_equal(s.id[0], "V4");
	assert_int_equal(s.row_line[0], 5);
	assert_int_equal(s.nrejects, 3);
	assert_string_equal(s.rej_key[0], "reject.field_count");
	assert_int_equal(s.rej_line[0], 2);
	assert_string_equal(s.rej_key[1], "reject.bad_quote");
	assert_int_equal(s.rej_line[1], 3);
	assert_string_equal(s.rej_key[2], "reject.bad_quote");
	assert_int_equal(s.rej_line[2], 4);
	assert_int_equal(info.records, 4);   /* 1 row + 3 rejects */
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	struct seen s;
	struct input_info info;
	struct evb_error err = { 0 };
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum\n"
			      "V1;B1;2026-01-05\n"
			      "V2;\"B2;2026-01-05\n"
			      "V3;B3;2026-01-05\n", &s), 0);
	assert_int_equal(s.nrows, 1);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.unterminated_quote");
	assert_int_equal(s.rej_line[0], 3);
}

static void test_nul_byte(void **state)
{
	(void)state;
	struct seen s;
	struct input_info info;
	struct evb_error err = { 0 };
	static const char text[] = "verkstallighet_id;beslut_id;startdatum\nV1;B\0001;2026-01-05\nV2;B2;2026-01-05\n";
	assert_int_equal(read_text(text, sizeof(text) - 1, false, &s, &info, &err), 0);
	assert_int_equal(s.nrows, 1);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.nul_byte");
	assert_string_equal(s.rej_column[0], "beslut_id");
}

static void test_long_field_bounded(void **state)
{
	(void)state;
	struct seen s;
	struct input_info info;
	struct evb_error err = { 0 };
	/* a quoted 3 MiB field with newlines inside, then a good record */
	size_t big = 3u << 20;
	const char head[] = "verkstallighet_id;beslut_id;startdatum\nV1;\"";
	const char tail[] = "\";2026-01-05\nV2;B2;2026-01-05\n";
	size_t len = sizeof(head) - 1 + big + sizeof(tail) - 1;
	char *text = malloc(len);
	assert_non_null(text);
	memcpy(text, head, sizeof(head) - 1);
	memset(text + sizeof(head) - 1, 'x', big);
	for (size_t i = 1000; i < big; i += 100000)
		text[sizeof(head) - 1 + i] = '\n';
	memcpy(text + sizeof(head) - 1 + big, tail, sizeof(tail) - 1);
	assert_int_equal(read_text(text, len, false, &s, &info, &err), 0);
	free(text);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.field_too_long");
	assert_int_equal(s.rej_line[0], 2);
	assert_int_equal(s.nrows, 1);
	assert_string_equal(s.id[0], "V2");
}

static void test_cp1252(void **state)
{
	(void)state;
	struct seen s;
	struct input_info info;
	struct evb_error err = { 0 };
	/* "Åsa Öberg" and the euro sign in Windows-1252 */
	static const char text[] = "verkstallighet_id;beslut_id;startdatum\n"
				   "\xC5sa \xD6" "berg \x80;B1;2026-01-05\n";
	assert_int_equal(read_text(text, sizeof(text) - 1, true, &s, &info, &err), 0);
	assert_true(info.cp1252);
	assert_string_equal(s.id[0], "Åsa Öberg €");
	char out[16];
	assert_int_equal(cp1252_to_utf8("\x81", 1, out, sizeof(out)), 3);
	assert_string_equal(out, "\xEF\xBF\xBD");   /* undefined byte -> U+FFFD */
}

static void test_fatal_errors(void **state)
{
	(void)state;
	struct seen s;
	struct input_info info;
	struct evb_error err = { 0 };
	assert_int_equal(READ("verkstallighet_id;beslut_id\nV1;B1\n", &s), EVB_EPARSE);
	assert_string_equal(err.column, "startdatum");
	assert_int_equal(err.line, 1);
	memset(&err, 0, sizeof(err));
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum;Beslut_ID\n", &s), EVB_EPARSE);
	memset(&err, 0, sizeof(err));
	assert_int_equal(read_text("", 0, false, &s, &info, &err), EVB_EPARSE);
	memset(&err, 0, sizeof(err));
	/* header only: fine, no records */
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum\n", &s), 0);
	assert_int_equal(s.nrows + s.nrejects, 0);
	struct reader_sink sink = { &s, on_row, on_reject, on_note };
	assert_int_equal(csv_in_read("/nonexistent/x.csv", "x.csv", K_BESLUT, false, &sink,
				     &info, &err), EVB_EIO);
}

/* ---- tables ---- */

struct table_seen {
	int n;
	long line[8];
	char first[8][32], second[8][32];
};

static int on_table(void *ctx, long line, int nfields, const char *const *fields)
{
	struct table_seen *t = ctx;
	if (t->n < 8) {
		t->line[t->n] = line;
		snprintf(t->first[t->n], 32, "%s", nfields > 0 ? fields[0] : "");
		snprintf(t->second[t->n], 32, "%s", nfields > 1 ? fields[1] : "");
	}
	t->n++;
	return 0;
}

static void test_table(void **state)
{
	(void)state;
	static const char text[] = "# comment with \"quotes\"; and ;\nkey;text\n"
				   "titel.prefix;\"IVO - \"\n\n# another\nja;Ja\n";
	const char *path = write_file("texts.csv", text, sizeof(text) - 1);
	struct table_seen t = { 0 };
	struct evb_error err = { 0 };
	assert_int_equal(csv_in_read_table(path, on_table, &t, &err), 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.first[0], "key");      /* the header comes first */
	assert_int_equal(t.line[0], 2);
	assert_string_equal(t.second[1], "IVO - ");  /* quoted blanks kept */
	assert_int_equal(t.line[2], 6);
	static const char bad[] = "key;text\nja;J\xE4\n";
	path = write_file("bad.csv", bad, sizeof(bad) - 1);
	memset(&t, 0, sizeof(t));
	assert_int_equal(csv_in_read_table(path, on_table, &t, &err), EVB_EPARSE);
	assert_int_equal(err.line, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_crlf_and_trim),
		cmocka_unit_test(test_delimiters_and_bom),
		cmocka_unit_test(test_quoted_newline_line_numbers),
		cmocka_unit_test(test_field_count_and_bad_quote_resync),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_long_field_bounded),
		cmocka_unit_test(test_cp1252),
		cmocka_unit_test(test_fatal_errors),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
