/* Unit tests: the CSV reader (src/csv_in.c). Files are written to a
 * temporary folder at test time (big ones too). */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "allocfail.h"
#include "tracesink.h"
#include "csv_in.h"

#define MAXROWS 16
#define BLOCK (64 * 1024)   /* the reader's block size */

/* What the sink saw. */
struct seen {
	int nrows, nrejects, nnotes;
	int stop_at;                  /* row callback returns EVB_EINVAL at this row (1-based) */
	long last_line;               /* line of the last row */
	char last_id[64];
	long row_line[MAXROWS];
	char id[MAXROWS][64];         /* column 0 of each row */
	char col1[MAXROWS][64];       /* column 1 */
	char start[MAXROWS][64];      /* column 2 */
	long col1_line[MAXROWS];
	long start_line[MAXROWS];
	bool utforare_null[MAXROWS];  /* verkstalligheter: column utforare absent */
	long rej_line[MAXROWS];
	const char *rej_key[MAXROWS];
	char rej_column[MAXROWS][32];
	char rej_value[MAXROWS][128];
	bool rej_value_null[MAXROWS];
	int rej_kind[MAXROWS];
	char note[MAXROWS][160];
	char note_column[MAXROWS][80];  /* the column named, "-" for none */
	long note_line[MAXROWS];
	int note_position[MAXROWS];     /* the column's place, 0 for none */
};

static int on_row(void *ctx, const struct row *r)
{
	struct seen *s = ctx;
	if (s->nrows < MAXROWS) {
		s->row_line[s->nrows] = r->line;
		snprintf(s->id[s->nrows], 64, "%s", r->val[0] ? r->val[0] : "(null)");
		snprintf(s->col1[s->nrows], 64, "%s", r->val[1] ? r->val[1] : "(null)");
		snprintf(s->start[s->nrows], 64, "%s", r->val[2] ? r->val[2] : "(null)");
		s->col1_line[s->nrows] = r->vline[1];
		s->start_line[s->nrows] = r->vline[2];
		s->utforare_null[s->nrows] = r->val[V_UTFORARE] == NULL;
	}
	s->last_line = r->line;
	snprintf(s->last_id, 64, "%s", r->val[0] ? r->val[0] : "(null)");
	s->nrows++;
	if (s->stop_at && s->nrows == s->stop_at)
		return EVB_EINVAL;
	return 0;
}

static int on_reject(void *ctx, int kind, const char *file, long line,
		     const char *column, const char *value, const char *key,
		     const char *reason)
{
	struct seen *s = ctx;
	assert_non_null(file);
	assert_non_null(reason);
	assert_non_null(key);
	if (s->nrejects < MAXROWS) {
		s->rej_line[s->nrejects] = line;
		s->rej_key[s->nrejects] = key;
		s->rej_kind[s->nrejects] = kind;
		snprintf(s->rej_column[s->nrejects], 32, "%s", column ? column : "");
		s->rej_value_null[s->nrejects] = value == NULL;
		snprintf(s->rej_value[s->nrejects], 128, "%s", value ? value : "");
	}
	s->nrejects++;
	return 0;
}

static void on_note(void *ctx, const char *file, long line, const char *column,
		    int position, const char *message)
{
	struct seen *s = ctx;
	(void)file;
	if (s->nnotes < MAXROWS) {
		snprintf(s->note[s->nnotes], 160, "%s", message);
		snprintf(s->note_column[s->nnotes], 80, "%s", column ? column : "-");
		s->note_position[s->nnotes] = position;
		s->note_line[s->nnotes] = line;
	}
	s->nnotes++;
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

/* Reads text as `kind`. Returns the reader's code. */
static int read_kind(enum kind kind, const char *text, size_t len, bool cp1252,
		     struct seen *s, struct input_info *info, struct evb_error *err)
{
	int stop_at = s->stop_at;
	memset(s, 0, sizeof(*s));
	s->stop_at = stop_at;
	memset(err, 0, sizeof(*err));
	const char *path = write_file("in.csv", text, len);
	struct reader_sink sink = { s, on_row, on_reject, on_note, NULL };
	return csv_in_read(path, "in.csv", kind, NULL, cp1252, &sink, info, err);
}

/* verkstalligheter: columns verkstallighet_id, beslut_id, startdatum, ... */
#define READ(text) read_kind(K_VERKSTALLIGHET, (text), sizeof(text) - 1, false, &s, &info, &err)
#define READ_BIN(text) read_kind(K_VERKSTALLIGHET, (text), sizeof(text) - 1, false, &s, &info, &err)
#define HEAD "verkstallighet_id;beslut_id;startdatum\n"

#define DECL struct seen s = { 0 }; struct input_info info; struct evb_error err; (void)state

/* ---- dialect ---- */

static void test_crlf(void **state)
{
	DECL;
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum\r\n"
			      "V1;B1;2026-01-05\r\n"
			      "V2;B2;2026-02-01\r\n"), 0);
	assert_int_equal(s.nrows, 2);
	assert_string_equal(s.start[0], "2026-01-05");   /* no CR left in the value */
	assert_string_equal(s.start[1], "2026-02-01");
	assert_int_equal(s.row_line[1], 3);
}

static void test_values_trimmed_quoted_too(void **state)
{
	DECL;
	assert_int_equal(READ(HEAD "V1 ;\t B1\t;2026-01-05 \n"
			      "\" V2 \" ;B2;2026-02-01\n"), 0);
	assert_string_equal(s.id[0], "V1");      /* `B17 ` and `B17` are the same id */
	assert_string_equal(s.col1[0], "B1");
	assert_string_equal(s.id[1], "V2");      /* quoted blanks trimmed too (SPEC 4) */
}

static void test_header_names_case_and_blanks(void **state)
{
	DECL;
	assert_int_equal(READ(" Verkstallighet_ID ;BESLUT_ID\t;\"StartDatum\"\nV1;B1;2026-01-05\n"), 0);
	assert_int_equal(s.nrows, 1);
	assert_string_equal(s.id[0], "V1");
	assert_string_equal(s.start[0], "2026-01-05");
	assert_int_equal(s.nnotes, 0);
}

static void test_columns_in_any_order_absent_is_null(void **state)
{
	DECL;
	assert_int_equal(READ("startdatum;beslut_id;verkstallighet_id\n2026-01-05;B1;V1\n"), 0);
	assert_string_equal(s.id[0], "V1");
	assert_string_equal(s.col1[0], "B1");
	assert_string_equal(s.start[0], "2026-01-05");
	assert_true(s.utforare_null[0]);         /* optional column not in the file */
}

static void test_empty_lines_skipped_but_counted(void **state)
{
	DECL;
	assert_int_equal(READ("\n" HEAD "V1;B1;2026-01-05\n\n  \t\n\r\nV2;B2;2026-02-01\n\n"), 0);
	assert_int_equal(s.nrows, 2);
	assert_int_equal(s.nrejects, 0);
	assert_int_equal(s.row_line[0], 3);
	assert_int_equal(s.row_line[1], 7);
	assert_int_equal(info.records, 2);
}

static void test_last_line_without_newline(void **state)
{
	DECL;
	assert_int_equal(READ(HEAD "V1;B1;2026-01-05\nV2;B2;2026-02-01"), 0);
	assert_int_equal(s.nrows, 2);
	assert_string_equal(s.start[1], "2026-02-01");
	assert_int_equal(s.row_line[1], 3);
}

static void test_delimiter_semicolon(void **state)
{
	DECL;
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum\n\"V1,x\";B1;2026-01-05\n"), 0);
	assert_int_equal(info.delimiter, ';');
	assert_string_equal(s.id[0], "V1,x");
}

static void test_delimiter_comma(void **state)
{
	DECL;
	assert_int_equal(READ("verkstallighet_id,beslut_id,startdatum\n\"V1;x\",B1,2026-01-05\n"), 0);
	assert_int_equal(info.delimiter, ',');
	assert_string_equal(s.id[0], "V1;x");
	assert_string_equal(s.start[0], "2026-01-05");
}

static void test_delimiter_tab(void **state)
{
	DECL;
	assert_int_equal(READ("verkstallighet_id\tbeslut_id\tstartdatum\nV1\tB1\t2026-01-05\n"), 0);
	assert_int_equal(info.delimiter, '\t');
	assert_string_equal(s.col1[0], "B1");
	assert_string_equal(s.start[0], "2026-01-05");
}

static void test_delimiter_quoted_names_do_not_count(void **state)
{
	DECL;
	/* two ';' inside a quoted header name against three ',' outside */
	assert_int_equal(READ("verkstallighet_id,beslut_id,startdatum,\"a;b;c\"\nV1,B1,2026-01-05,x\n"), 0);
	assert_int_equal(info.delimiter, ',');
	assert_int_equal(s.nrows, 1);
	assert_int_equal(s.nnotes, 1);            /* unknown column "a;b;c" */
	assert_string_equal(s.note_column[0], "a;b;c");
}

/* A header column without a name is ignored, and the note names it as ""
 * and gives its place (its values are not read); a named unknown one by
 * its name and place. */
static void test_unknown_and_unnamed_columns_noted(void **state)
{
	DECL;
	assert_int_equal(READ("verkstallighet_id;;beslut_id;extra;startdatum\n"
			      "V1;x;B1;y;2026-01-05\n"), 0);
	assert_int_equal(s.nrows, 1);
	assert_int_equal(s.nnotes, 2);
	assert_string_equal(s.note_column[0], "");
	assert_int_equal(s.note_position[0], 2);
	assert_non_null(strstr(s.note[0], "column 2 has no name"));
	assert_string_equal(s.note_column[1], "extra");
	assert_int_equal(s.note_position[1], 4);
	assert_int_equal(s.note_line[1], 1);
}

static void test_delimiter_from_header_only(void **state)
{
	DECL;
	/* the data line has more commas than the header has semicolons */
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum;utforare\n"
			      "V1;B1;2026-01-05;\"a,b,c,d,e\"\n"), 0);
	assert_int_equal(info.delimiter, ';');
	assert_int_equal(s.nrows, 1);
}

static void test_bom(void **state)
{
	DECL;
	assert_int_equal(READ("\xEF\xBB\xBF\"verkstallighet_id\";beslut_id;startdatum\nV1;B1;2026-01-05\n"), 0);
	assert_true(info.bom);
	assert_int_equal(s.nrows, 1);            /* the quoted first name matched */
	assert_string_equal(s.id[0], "V1");
	assert_int_equal(s.row_line[0], 2);
	assert_int_equal(READ(HEAD "V1;B1;2026-01-05\n"), 0);
	assert_false(info.bom);
}

static void test_quoted_newline_line_numbers(void **state)
{
	DECL;
	/* record 1 spans lines 2-4 and its beslut_id starts on line 3; record
	 * 2 starts on line 5 */
	assert_int_equal(READ("verkstallighet_id;utforare;beslut_id;startdatum\n"
			      "V1;\"Omsorg \"\"Norr\"\"\nrad 2\";\"B1\nx\";2026-01-05\n"
			      "V2;x;B2;2026-02-01\n"), 0);
	assert_int_equal(s.nrows, 2);
	assert_int_equal(s.row_line[0], 2);
	assert_int_equal(s.col1_line[0], 3);     /* "B1\nx" starts on line 3 */
	assert_int_equal(s.start_line[0], 4);    /* startdatum after it: line 4 */
	assert_string_equal(s.col1[0], "B1\nx");
	assert_int_equal(s.row_line[1], 5);
	assert_int_equal(s.start_line[1], 5);
}

/* Fields of every length around the ones copied inline (words of 4, 8 and
 * 16 bytes, up to 32 bytes) and past them, each on the second line of a
 * record whose utforare spans two lines: each keeps its text and the line
 * it starts on. */
static void test_field_lengths_and_lines(void **state)
{
	DECL;
	static const int lens[] = { 0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40 };
	enum { N = sizeof(lens) / sizeof(lens[0]) };
	char text[2048], value[N][48];
	size_t len = (size_t)snprintf(text, sizeof(text),
				      "verkstallighet_id;utforare;beslut_id;startdatum\n");
	for (int i = 0; i < N; i++) {
		for (int k = 0; k < lens[i]; k++)
			value[i][k] = (char)('a' + (i + k) % 26);
		value[i][lens[i]] = '\0';
		/* record i starts on line 2 + 2i, its beslut_id on the next */
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"V%d;\"x\ny\";%s;2026-01-05\n", i, value[i]);
	}
	assert_true(len < sizeof(text));
	assert_int_equal(read_kind(K_VERKSTALLIGHET, text, len, false, &s, &info, &err), 0);
	assert_int_equal(s.nrows, N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(s.row_line[i], 2 + 2 * i);
		assert_string_equal(s.col1[i], value[i]);
		assert_int_equal(s.col1_line[i], 3 + 2 * i);
		assert_int_equal(s.start_line[i], 3 + 2 * i);
	}
}

/* A record's fields fill its buffer (4096 bytes at first) up to the last
 * byte and past it: a file for each L from 15 (256 fields, the most a
 * record keeps, reach 4096 bytes) to 32 and each P from 0 to L, whose
 * record has a first field of P bytes and then 299 of L bytes, so that a
 * field of every length ends at every place near the buffer's end. The
 * record is rejected for its field count (the header has four) without a
 * byte written outside the buffer (AddressSanitizer), and the record
 * after it is read. */
static void test_fields_up_to_the_buffer_end(void **state)
{
	DECL;
	enum { FIELDS = 300, LMIN = 15, LMAX = 32 };
	static char text[FIELDS * (LMAX + 1) + 256];
	for (int l = LMIN; l <= LMAX; l++) {
		for (int p = 0; p <= l; p++) {
			size_t len = (size_t)snprintf(text, sizeof(text),
						      "verkstallighet_id;beslut_id;startdatum;utforare\n");
			for (int f = 0; f < FIELDS; f++) {
				size_t n = (size_t)(f ? l : p);
				memset(text + len, 'a' + f % 26, n);
				len += n;
				text[len++] = f + 1 < FIELDS ? ';' : '\n';
			}
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"V1;B1;2026-01-05;U\n");
			assert_true(len < sizeof(text));
			assert_int_equal(read_kind(K_VERKSTALLIGHET, text, len, false, &s, &info,
						   &err), 0);
			assert_int_equal(s.nrejects, 1);
			assert_string_equal(s.rej_key[0], "reject.field_count");
			assert_int_equal(s.rej_line[0], 2);
			assert_int_equal(s.nrows, 1);
			assert_string_equal(s.id[0], "V1");
			assert_int_equal(s.row_line[0], 3);
		}
	}
}

/* A lone CR ends a record (libcsv) and so ends a piece, wherever it
 * stands among the block's lines: here after the second and the fourth
 * record, with CR LF and LF lines around them. The line count goes by LF. */
static void test_lone_cr_ends_records(void **state)
{
	DECL;
	assert_int_equal(READ(HEAD "V1;B1;2026-01-05\r\n"
			      "V2;B2;2026-02-01\rV3;B3;2026-03-01\n"
			      "V4;B4;2026-04-01\rV5;B5;2026-05-01\n"
			      "V6;B6;2026-06-01\n"), 0);
	assert_int_equal(s.nrows, 6);
	static const char *ids[] = { "V1", "V2", "V3", "V4", "V5", "V6" };
	static const long lines[] = { 2, 3, 3, 4, 4, 5 };
	for (int i = 0; i < 6; i++) {
		assert_string_equal(s.id[i], ids[i]);
		assert_int_equal(s.row_line[i], lines[i]);
	}
	assert_int_equal(s.nrejects, 0);
}

static void test_quoted_crlf_newline(void **state)
{
	DECL;
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum;utforare\r\n"
			      "V1;B1;2026-01-05;\"a\r\nb\"\r\n"
			      "V2;B2;2026-02-01;c\r\n"), 0);
	assert_int_equal(s.nrows, 2);
	assert_int_equal(s.row_line[1], 4);
}

/* ---- Windows-1252 ---- */

static void test_cp1252_values_and_header(void **state)
{
	DECL;
	/* "Åsa Öberg" and the euro sign in Windows-1252; the header name has
	 * an unknown column "Förnamn" */
	static const char text[] = "verkstallighet_id;beslut_id;startdatum;F\xF6rnamn\n"
				   "\xC5sa \xD6" "berg \x80;B1;2026-01-05;x\n";
	assert_int_equal(read_kind(K_VERKSTALLIGHET, text, sizeof(text) - 1, true, &s, &info, &err), 0);
	assert_true(info.cp1252);
	assert_string_equal(s.id[0], "Åsa Öberg €");
	assert_int_equal(s.nnotes, 1);
	assert_non_null(strstr(s.note[0], "Förnamn"));
	assert_string_equal(s.note_column[0], "Förnamn");
}

static void test_cp1252_not_applied_without_flag(void **state)
{
	DECL;
	assert_int_equal(READ(HEAD "Åsa;B1;2026-01-05\n"), 0);
	assert_false(info.cp1252);
	assert_string_equal(s.id[0], "Åsa");     /* UTF-8 kept as is */
}

static void test_cp1252_to_utf8_table(void **state)
{
	(void)state;
	char out[64];
	/* 0x80 euro, 0x8A Š, 0x96 en dash, 0x9F Ÿ, 0xA0 nbsp, 0xFF ÿ */
	assert_int_equal(cp1252_to_utf8("\x80\x8A\x96\x9F\xA0\xFF", 6, out, sizeof(out)),
			 3 + 2 + 3 + 2 + 2 + 2);
	assert_string_equal(out, "€Š–Ÿ\xC2\xA0ÿ");
	/* the five undefined bytes become U+FFFD */
	assert_int_equal(cp1252_to_utf8("\x81\x8D\x8F\x90\x9D", 5, out, sizeof(out)), 15);
	assert_string_equal(out, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* ASCII unchanged */
	assert_int_equal(cp1252_to_utf8("abc", 3, out, sizeof(out)), 3);
	assert_string_equal(out, "abc");
}

static void test_cp1252_to_utf8_small_buffer(void **state)
{
	(void)state;
	char out[4];
	/* "aÅb" needs 4 bytes + NUL: cut before the character that does not
	 * fit, never inside it */
	assert_int_equal(cp1252_to_utf8("a\xC5" "b", 3, out, sizeof(out)), 3);
	assert_string_equal(out, "aÅ");
	assert_int_equal(cp1252_to_utf8("\x80", 1, out, 3), 0);  /* 3 bytes + NUL > 3 */
	assert_string_equal(out, "");
}

/* ---- rejects ---- */

static void test_field_count_too_few_and_too_many(void **state)
{
	DECL;
	assert_int_equal(READ(HEAD "V1;B1\nV2;B2;2026-01-05;extra\nV3;B3;2026-01-05\n"), 0);
	assert_int_equal(s.nrows, 1);
	assert_string_equal(s.id[0], "V3");
	assert_int_equal(s.nrejects, 2);
	assert_string_equal(s.rej_key[0], "reject.field_count");
	assert_int_equal(s.rej_line[0], 2);
	assert_int_equal(s.rej_kind[0], K_VERKSTALLIGHET);
	assert_string_equal(s.rej_key[1], "reject.field_count");
	assert_int_equal(s.rej_line[1], 3);
	assert_int_equal(info.records, 3);       /* 1 row + 2 rejects */
}

static void test_bad_quote_in_unquoted_field_resyncs(void **state)
{
	DECL;
	assert_int_equal(READ(HEAD "V1;B\"1;2026-01-05\nV2;B2;2026-01-05\n"), 0);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.bad_quote");
	assert_int_equal(s.rej_line[0], 2);
	assert_string_equal(s.rej_column[0], "beslut_id");
	assert_int_equal(s.nrows, 1);
	assert_string_equal(s.id[0], "V2");
	assert_int_equal(s.row_line[0], 3);
	assert_int_equal(info.records, 2);
}

static void test_junk_after_closing_quote_resyncs(void **state)
{
	DECL;
	/* the rest of line 2 (with a quote that would open a field) is skipped */
	assert_int_equal(READ(HEAD "V1;\"B1\"x;\"2026-01-05\nV2;B2;2026-01-05\nV3;B3;2026-01-05\n"), 0);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.bad_quote");
	assert_int_equal(s.rej_line[0], 2);
	assert_int_equal(s.nrows, 2);
	assert_string_equal(s.id[0], "V2");
	assert_string_equal(s.id[1], "V3");
}

static void test_bad_quote_on_line_longer_than_block(void **state)
{
	DECL;
	/* the rest of the bad line arrives in the next block and holds a quote
	 * that would swallow V2 if it were parsed */
	const char head[] = HEAD "V1;B\"1;";
	const char tail[] = ";\"x\nV2;B2;2026-01-05\n";
	size_t fill = 2 * BLOCK, len = sizeof(head) - 1 + fill + sizeof(tail) - 1;
	char *text = malloc(len);
	assert_non_null(text);
	memcpy(text, head, sizeof(head) - 1);
	memset(text + sizeof(head) - 1, 'z', fill);
	memcpy(text + sizeof(head) - 1 + fill, tail, sizeof(tail) - 1);
	int ret = read_kind(K_VERKSTALLIGHET, text, len, false, &s, &info, &err);
	free(text);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.bad_quote");
	assert_int_equal(s.nrows, 1);
	assert_string_equal(s.id[0], "V2");
	assert_int_equal(s.row_line[0], 3);
}

static void test_bad_quote_in_multiline_record(void **state)
{
	DECL;
	/* the record starts on line 2, the error is on line 3: reported at
	 * line 2, reading resumes on line 4 */
	assert_int_equal(READ("verkstallighet_id;utforare;beslut_id;startdatum\n"
			      "V1;\"a\nb\"c;B1;2026-01-05\n"
			      "V2;x;B2;2026-01-05\n"), 0);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.bad_quote");
	assert_int_equal(s.rej_line[0], 2);
	assert_int_equal(s.nrows, 1);
	assert_int_equal(s.row_line[0], 4);
}

static void test_unterminated_quote(void **state)
{
	DECL;
	assert_int_equal(READ(HEAD "V1;B1;2026-01-05\nV2;\"B2;2026-01-05\nV3;B3;2026-01-05\n"), 0);
	assert_int_equal(s.nrows, 1);
	assert_int_equal(s.nrejects, 1);         /* one reject: V3 is inside the quote */
	assert_string_equal(s.rej_key[0], "reject.unterminated_quote");
	assert_int_equal(s.rej_line[0], 3);
	assert_string_equal(s.rej_column[0], "beslut_id");
	assert_int_equal(info.records, 2);
}

static void test_unterminated_quote_over_big_rest(void **state)
{
	DECL;
	/* an opening quote followed by 2 MiB of records: still one
	 * unterminated-quote reject at the record's first line, not a
	 * too-long field */
	const char head[] = HEAD "V1;B1;2026-01-05\nV2;\"B2;2026-01-05\n";
	size_t nrec = (2u << 20) / 20, len = sizeof(head) - 1 + nrec * 20;
	char *text = malloc(len);
	assert_non_null(text);
	memcpy(text, head, sizeof(head) - 1);
	for (size_t i = 0; i < nrec; i++)
		memcpy(text + sizeof(head) - 1 + i * 20, "V9;B9;2026-01-05xxx\n", 20);
	int ret = read_kind(K_VERKSTALLIGHET, text, len, false, &s, &info, &err);
	free(text);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nrows, 1);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.unterminated_quote");
	assert_int_equal(s.rej_line[0], 3);
}

static void test_nul_byte(void **state)
{
	DECL;
	static const char text[] = HEAD "V1;B\0001;2026-01-05\nV2;B2;2026-01-05\n";
	assert_int_equal(READ_BIN(text), 0);
	assert_int_equal(s.nrows, 1);
	assert_string_equal(s.id[0], "V2");
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.nul_byte");
	assert_string_equal(s.rej_column[0], "beslut_id");
	assert_string_equal(s.rej_value[0], "B");   /* shown up to the NUL */
}

static void test_reject_value_shortened(void **state)
{
	DECL;
	/* a 100-byte value of 'å' (2 bytes each) with a NUL at the end:
	 * shown as at most 80 bytes, cut on a character boundary */
	char text[256];
	size_t n = 0;
	memcpy(text, HEAD "V1;", sizeof(HEAD "V1;") - 1);
	n = sizeof(HEAD "V1;") - 1;
	text[n++] = 'x';                         /* odd start: 1 + 2k bytes */
	for (int i = 0; i < 50; i++) {
		memcpy(text + n, "å", 2);
		n += 2;
	}
	text[n++] = '\0';
	memcpy(text + n, ";2026-01-05\n", 12);
	n += 12;
	assert_int_equal(read_kind(K_VERKSTALLIGHET, text, n, false, &s, &info, &err), 0);
	assert_int_equal(s.nrejects, 1);
	assert_int_equal(strlen(s.rej_value[0]), 79);  /* 1 + 39 * 2: 81 would cut an 'å' */
	assert_true(s.rej_value[0][78] != '\xC3');
}

/* Builds HEAD + "V1;<field>;2026-01-05\nV2;B2;2026-01-05\n" with the field
 * `big` bytes of 'x', quoted or not, with a newline every `nl_every` bytes
 * (0: none). */
static char *big_record(size_t big, bool quoted, size_t nl_every, size_t *len)
{
	const char *head = quoted ? HEAD "V1;\"" : HEAD "V1;";
	const char *tail = quoted ? "\";2026-01-05\nV2;B2;2026-01-05\n" : ";2026-01-05\nV2;B2;2026-01-05\n";
	size_t h = strlen(head), t = strlen(tail);
	*len = h + big + t;
	char *text = malloc(*len);
	assert_non_null(text);
	memcpy(text, head, h);
	memset(text + h, 'x', big);
	if (nl_every)
		for (size_t i = nl_every; i < big; i += nl_every)
			text[h + i] = '\n';
	memcpy(text + h + big, tail, t);
	return text;
}

static void test_long_quoted_multiline_field(void **state)
{
	DECL;
	/* 3 MiB quoted field with a newline every 100000 bytes: lines 2..33 */
	size_t len;
	char *text = big_record(3u << 20, true, 100000, &len);
	int ret = read_kind(K_VERKSTALLIGHET, text, len, false, &s, &info, &err);
	free(text);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.field_too_long");
	assert_int_equal(s.rej_line[0], 2);
	assert_string_equal(s.rej_column[0], "beslut_id");
	assert_int_equal(s.nrows, 1);
	assert_string_equal(s.id[0], "V2");
	/* 3145728 / 100000 -> 31 newlines inside: V2 is on line 2 + 31 + 1 */
	assert_int_equal(s.row_line[0], 34);
	assert_int_equal(info.records, 2);
}

static void test_long_unquoted_field(void **state)
{
	DECL;
	size_t len;
	char *text = big_record((3u << 20) / 2, false, 0, &len);
	int ret = read_kind(K_VERKSTALLIGHET, text, len, false, &s, &info, &err);
	free(text);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.field_too_long");
	assert_int_equal(s.rej_line[0], 2);
	assert_int_equal(s.nrows, 1);
	assert_int_equal(s.row_line[0], 3);
}

static void test_field_at_limit_kept_one_over_rejected(void **state)
{
	DECL;
	size_t len;
	char *text = big_record(EVB_MAX_FIELD, false, 0, &len);
	int ret = read_kind(K_VERKSTALLIGHET, text, len, false, &s, &info, &err);
	free(text);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nrejects, 0);         /* exactly 1 MiB is allowed */
	assert_int_equal(s.nrows, 2);
	text = big_record(EVB_MAX_FIELD + 1, true, 0, &len);
	ret = read_kind(K_VERKSTALLIGHET, text, len, false, &s, &info, &err);
	free(text);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nrejects, 1);
	assert_string_equal(s.rej_key[0], "reject.field_too_long");
	assert_int_equal(strlen(s.rej_value[0]), 80);  /* its start is shown */
	assert_int_equal(s.nrows, 1);
}

static void test_many_legal_big_fields_then_multiline(void **state)
{
	DECL;
	/* two records with a legal 1 MiB field, then a multi-line record:
	 * the parser's grown buffer must not make the last one "too long" */
	size_t big = EVB_MAX_FIELD;
	const char tail[] = "V3;\"a\nb\";2026-01-05\n";
	size_t h = sizeof(HEAD) - 1, one = 3 + big + 12;
	size_t len = h + 2 * one + sizeof(tail) - 1;
	char *text = malloc(len), *p = text;
	assert_non_null(text);
	memcpy(p, HEAD, h);
	p += h;
	for (int r = 0; r < 2; r++) {
		memcpy(p, "V1;", 3);
		memset(p + 3, 'y', big);
		memcpy(p + 3 + big, ";2026-01-05\n", 12);
		p += one;
	}
	memcpy(p, tail, sizeof(tail) - 1);
	int ret = read_kind(K_VERKSTALLIGHET, text, len, false, &s, &info, &err);
	free(text);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nrejects, 0);
	assert_int_equal(s.nrows, 3);
	assert_string_equal(s.col1[2], "a\nb");
}

/* ---- blocks ---- */

static void test_records_across_block_boundaries(void **state)
{
	DECL;
	/* 10000 records of 26 bytes (260 KB, 4 blocks), CRLF; line k + 1 holds
	 * record k, so the last one (k = 10000) is on line 10001 */
	size_t n = 10000, h = sizeof("verkstallighet_id;beslut_id;startdatum\r\n") - 1;
	size_t len = h + n * 26;
	char *text = malloc(len + 1);
	assert_non_null(text);
	memcpy(text, "verkstallighet_id;beslut_id;startdatum\r\n", h);
	for (size_t k = 1; k <= n; k++)
		snprintf(text + h + (k - 1) * 26, 27, "V%05zu;B%05zu;2026-01-05\r\n", k, k);
	int ret = read_kind(K_VERKSTALLIGHET, text, len, false, &s, &info, &err);
	free(text);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nrows, (int)n);
	assert_int_equal(s.nrejects, 0);
	assert_int_equal(info.records, (long)n);
	assert_int_equal(s.last_line, 10001);
	assert_string_equal(s.last_id, "V10000");
}

static void test_crlf_split_by_block(void **state)
{
	DECL;
	/* the CR of line 2 is the last byte of the first block, its LF the
	 * first of the second; line 3 must still be record 2 on line 3 */
	size_t h = sizeof(HEAD) - 1;
	char *text = malloc(2 * BLOCK);
	assert_non_null(text);
	memcpy(text, HEAD, h);
	size_t pre = sizeof("V1;B1;") - 1, post = sizeof("\r\nV2;B2;2026-01-05\r\n") - 1;
	size_t fill = BLOCK - h - pre - 1;           /* startdatum value before the CR */
	memcpy(text + h, "V1;B1;", pre);
	memset(text + h + pre, 'd', fill);
	memcpy(text + BLOCK - 1, "\r\nV2;B2;2026-01-05\r\n", post);
	int ret = read_kind(K_VERKSTALLIGHET, text, BLOCK - 1 + post, false, &s, &info, &err);
	free(text);
	assert_int_equal(ret, 0);
	assert_int_equal(s.nrows, 2);
	assert_int_equal(strlen(s.start[0]), 63);  /* copied up to 63 bytes by the sink */
	assert_int_equal(s.row_line[1], 3);
	assert_string_equal(s.id[1], "V2");
}

/* ---- header and file errors ---- */

static void test_missing_required_column(void **state)
{
	DECL;
	assert_int_equal(READ("verkstallighet_id;beslut_id\nV1;B1\n"), EVB_EPARSE);
	assert_string_equal(err.column, "startdatum");
	assert_int_equal(err.line, 1);
	assert_string_equal(err.file, "in.csv");
	assert_int_equal(s.nrows + s.nrejects, 0);
}

static void test_duplicate_header_column(void **state)
{
	DECL;
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum; Beslut_ID\nV1;B1;2026-01-05;B1\n"),
			 EVB_EPARSE);
	assert_string_equal(err.column, "beslut_id");
	assert_int_equal(err.line, 1);
	assert_int_equal(s.nrows, 0);
}

static void test_unknown_columns_one_note_each(void **state)
{
	DECL;
	assert_int_equal(READ("verkstallighet_id;extra;beslut_id;startdatum;;annat\n"
			      "V1;x;B1;2026-01-05;y;z\nV2;x;B2;2026-01-05;y;z\n"), 0);
	assert_int_equal(s.nnotes, 3);           /* extra, the nameless column, annat */
	assert_non_null(strstr(s.note[0], "'extra'"));
	assert_non_null(strstr(s.note[1], "column 5"));
	assert_non_null(strstr(s.note[2], "'annat'"));
	assert_int_equal(s.note_line[0], 1);
	assert_int_equal(s.nrows, 2);             /* values of unknown columns ignored */
	assert_string_equal(s.col1[1], "B2");
}

static void test_empty_file_is_fatal(void **state)
{
	DECL;
	assert_int_equal(read_kind(K_VERKSTALLIGHET, "", 0, false, &s, &info, &err), EVB_EPARSE);
	assert_non_null(strstr(err.message, "empty"));
	/* only blank lines, or only a BOM: no header either */
	assert_int_equal(READ("\n \r\n\t\n"), EVB_EPARSE);
	assert_int_equal(READ("\xEF\xBB\xBF"), EVB_EPARSE);
}

static void test_header_only(void **state)
{
	DECL;
	assert_int_equal(READ(HEAD), 0);
	assert_int_equal(s.nrows + s.nrejects, 0);
	assert_int_equal(info.records, 0);
	assert_int_equal(READ("verkstallighet_id;beslut_id;startdatum"), 0);  /* no newline */
	assert_int_equal(s.nrows + s.nrejects, 0);
}

static void test_bad_header_is_fatal(void **state)
{
	DECL;
	assert_int_equal(READ("verkstallighet_id;be\"slut_id;startdatum\nV1;B1;2026-01-05\n"), EVB_EPARSE);
	assert_int_equal(err.line, 1);
	assert_int_equal(s.nrows + s.nrejects, 0);
}

static void test_open_failure(void **state)
{
	DECL;
	struct reader_sink sink = { &s, on_row, on_reject, on_note, NULL };
	memset(&err, 0, sizeof(err));
	assert_int_equal(csv_in_read("/nonexistent/x.csv", "x.csv", K_BESLUT, NULL, false, &sink,
				     &info, &err), EVB_EIO);
	assert_string_equal(err.file, "x.csv");
}

static void test_maltider_need_datum_or_manad(void **state)
{
	DECL;
	static const char none[] = "person_id;enhet;antal\n19121212-1212;Kok;3\n";
	static const char manad[] = "person_id;enhet;manad;antal\n19121212-1212;Kok;2026-10;3\n";
	assert_int_equal(read_kind(K_MALTID, none, sizeof(none) - 1, false, &s, &info, &err),
			 EVB_EPARSE);
	assert_int_equal(read_kind(K_MALTID, manad, sizeof(manad) - 1, false, &s, &info, &err), 0);
	assert_int_equal(s.nrows, 1);
}

static void test_sink_stop(void **state)
{
	DECL;
	s.stop_at = 2;
	assert_int_equal(READ(HEAD "V1;B1;2026-01-05\nV2;B2;2026-01-05\nV3;B3;2026-01-05\n"),
			 EVB_EINVAL);
	assert_int_equal(s.nrows, 2);            /* V3 never delivered */
}

/* ---- tables ---- */

struct table_seen {
	int n, stop_at;
	long line[8];
	int nfields[8];
	char first[8][32], second[8][32];
};

static int on_table(void *ctx, long line, int nfields, const char *const *fields)
{
	struct table_seen *t = ctx;
	if (t->n < 8) {
		t->line[t->n] = line;
		t->nfields[t->n] = nfields;
		snprintf(t->first[t->n], 32, "%s", nfields > 0 ? fields[0] : "");
		snprintf(t->second[t->n], 32, "%s", nfields > 1 ? fields[1] : "");
	}
	t->n++;
	return t->stop_at && t->n == t->stop_at ? 42 : 0;
}

static int read_table(const char *text, size_t len, struct table_seen *t,
		      struct evb_error *err)
{
	memset(t, 0, sizeof(*t));
	memset(err, 0, sizeof(*err));
	return csv_in_read_table(write_file("table.csv", text, len), on_table, t, err);
}

#define TABLE(text) read_table((text), sizeof(text) - 1, &t, &err)

static void test_table_header_comments_quotes(void **state)
{
	(void)state;
	struct table_seen t;
	struct evb_error err;
	assert_int_equal(TABLE("\xEF\xBB\xBF# comment with \"quotes\"; and ;\nkey;text\n"
			       "titel.prefix;\"IVO - \"\n\n  # indented comment\n ja ; Ja \n"
			       "multi;\"a\n# not a comment\"\n"), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.first[0], "key");      /* the header comes first */
	assert_int_equal(t.line[0], 2);
	assert_string_equal(t.second[1], "IVO - ");  /* quoted blanks kept */
	assert_string_equal(t.first[2], "ja");       /* unquoted blanks trimmed */
	assert_string_equal(t.second[2], "Ja");
	assert_int_equal(t.line[2], 6);
	assert_string_equal(t.second[3], "a\n# not a comment");
	assert_int_equal(t.line[3], 7);
}

static void test_table_delimiter_always_semicolon(void **state)
{
	(void)state;
	struct table_seen t;
	struct evb_error err;
	assert_int_equal(TABLE("a,b;c\n1,2;3\n"), 0);
	assert_int_equal(t.nfields[0], 2);
	assert_string_equal(t.first[1], "1,2");
}

static void test_table_invalid_utf8(void **state)
{
	(void)state;
	struct table_seen t;
	struct evb_error err;
	assert_int_equal(TABLE("key;text\nja;J\xE4\n"), EVB_EPARSE);
	assert_int_equal(err.line, 2);
	assert_int_equal(t.n, 1);                    /* only the header was delivered */
	/* in a comment too, and an overlong form */
	assert_int_equal(TABLE("# \xE4\nkey;text\n"), EVB_EPARSE);
	assert_int_equal(err.line, 1);
	assert_int_equal(TABLE("key;text\n\nja;\xC0\xAF\n"), EVB_EPARSE);
	assert_int_equal(err.line, 3);
	/* a sequence cut by the end of the file */
	assert_int_equal(TABLE("key;text\nja;\xC3"), EVB_EPARSE);
}

static void test_table_bad_quote_and_unterminated(void **state)
{
	(void)state;
	struct table_seen t;
	struct evb_error err;
	assert_int_equal(TABLE("key;text\nja;J\"a\n"), EVB_EPARSE);
	assert_int_equal(err.line, 2);
	assert_int_equal(TABLE("key;text\nja;\"Ja\nnej;Nej\n"), EVB_EPARSE);
	assert_int_equal(err.line, 2);
}

static void test_table_callback_stops(void **state)
{
	(void)state;
	struct table_seen t;
	struct evb_error err;
	memset(&t, 0, sizeof(t));
	t.stop_at = 2;
	const char text[] = "key;text\na;1\nb;2\n";
	assert_int_equal(csv_in_read_table(write_file("table.csv", text, sizeof(text) - 1),
					   on_table, &t, &err), 42);
	assert_int_equal(t.n, 2);
}

static void test_table_empty_and_missing(void **state)
{
	(void)state;
	struct table_seen t;
	struct evb_error err;
	assert_int_equal(read_table("", 0, &t, &err), 0);
	assert_int_equal(t.n, 0);                    /* templates.c reports "no header" */
	memset(&err, 0, sizeof(err));
	assert_int_equal(csv_in_read_table("/nonexistent/t.csv", on_table, &t, &err), EVB_EIO);
}

/* Each allocation of the reader's own code fails in turn, alone
 * (allocfail.h), as when memory is short for a moment: the read gives the
 * same rows, rejects and notes as without, or stops with EVB_ENOMEM and
 * says so; never a record rejected for a want of memory. The record's
 * buffer grows (a value of 6 000 bytes), a value over the limit and a
 * record with a field too few are rejected, and an unknown column is
 * noted; read as UTF-8 and as Windows-1252. */
static void test_memory_short_for_a_moment(void **state)
{
	(void)state;
	static char text[EVB_MAX_FIELD + 16384];
	size_t n = (size_t)snprintf(text, sizeof(text),
				    "verkstallighet_id;beslut_id;startdatum;extra\n"
				    "V1;B1;2026-01-05;x\nV2;B2;");
	memset(text + n, 'y', 6000);
	n += 6000;
	n += (size_t)snprintf(text + n, sizeof(text) - n, ";x\nV3;B3\nV4;");
	memset(text + n, 'z', EVB_MAX_FIELD + 1);
	n += EVB_MAX_FIELD + 1;
	n += (size_t)snprintf(text + n, sizeof(text) - n, ";2026-01-07;x\nV5;B5;2026-01-08;\xe5\n");
	const char *path = write_file("short.csv", text, n);
	static struct trace ref, got;
	for (int cp1252 = 0; cp1252 < 2; cp1252++) {
		struct input_info info;
		struct evb_error err = { 0 };
		struct reader_sink sink = trace_sink(&ref);
		alloc_fail_arm(ULONG_MAX);      /* counts, fails none */
		int ref_ret = csv_in_read(path, "short.csv", K_VERKSTALLIGHET, NULL, cp1252, &sink,
					  &info, &err);
		unsigned long total = alloc_calls;
		alloc_fail_arm(0);
		assert_int_equal(ref_ret, 0);
		assert_non_null(strstr(ref.text, "reject.field_too_long"));
		assert_non_null(strstr(ref.text, "reject.field_count"));
		unsigned long stopped = 0;
		for (unsigned long k = 1; k <= total; k++) {
			memset(&err, 0, sizeof(err));
			sink = trace_sink(&got);
			alloc_fail_once(k);
			int ret = csv_in_read(path, "short.csv", K_VERKSTALLIGHET, NULL, cp1252, &sink,
					      &info, &err);
			alloc_fail_arm(0);
			if (ret == 0) {
				assert_string_equal(got.text, ref.text);
				continue;
			}
			assert_int_equal(ret, EVB_ENOMEM);
			assert_non_null(strstr(err.message, "out of memory"));
			/* what was given before the stop is what was given first */
			assert_int_equal(strncmp(got.text, ref.text, got.len), 0);
			stopped++;
		}
		assert_true(stopped > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_values_trimmed_quoted_too),
		cmocka_unit_test(test_header_names_case_and_blanks),
		cmocka_unit_test(test_columns_in_any_order_absent_is_null),
		cmocka_unit_test(test_empty_lines_skipped_but_counted),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_delimiter_semicolon),
		cmocka_unit_test(test_delimiter_comma),
		cmocka_unit_test(test_delimiter_tab),
		cmocka_unit_test(test_delimiter_quoted_names_do_not_count),
		cmocka_unit_test(test_unknown_and_unnamed_columns_noted),
		cmocka_unit_test(test_delimiter_from_header_only),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_quoted_newline_line_numbers),
		cmocka_unit_test(test_field_lengths_and_lines),
		cmocka_unit_test(test_fields_up_to_the_buffer_end),
		cmocka_unit_test(test_lone_cr_ends_records),
		cmocka_unit_test(test_quoted_crlf_newline),
		cmocka_unit_test(test_cp1252_values_and_header),
		cmocka_unit_test(test_cp1252_not_applied_without_flag),
		cmocka_unit_test(test_cp1252_to_utf8_table),
		cmocka_unit_test(test_cp1252_to_utf8_small_buffer),
		cmocka_unit_test(test_field_count_too_few_and_too_many),
		cmocka_unit_test(test_bad_quote_in_unquoted_field_resyncs),
		cmocka_unit_test(test_junk_after_closing_quote_resyncs),
		cmocka_unit_test(test_bad_quote_on_line_longer_than_block),
		cmocka_unit_test(test_bad_quote_in_multiline_record),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_unterminated_quote_over_big_rest),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_reject_value_shortened),
		cmocka_unit_test(test_long_quoted_multiline_field),
		cmocka_unit_test(test_long_unquoted_field),
		cmocka_unit_test(test_field_at_limit_kept_one_over_rejected),
		cmocka_unit_test(test_many_legal_big_fields_then_multiline),
		cmocka_unit_test(test_records_across_block_boundaries),
		cmocka_unit_test(test_crlf_split_by_block),
		cmocka_unit_test(test_missing_required_column),
		cmocka_unit_test(test_duplicate_header_column),
		cmocka_unit_test(test_unknown_columns_one_note_each),
		cmocka_unit_test(test_empty_file_is_fatal),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_bad_header_is_fatal),
		cmocka_unit_test(test_open_failure),
		cmocka_unit_test(test_maltider_need_datum_or_manad),
		cmocka_unit_test(test_sink_stop),
		cmocka_unit_test(test_table_header_comments_quotes),
		cmocka_unit_test(test_table_delimiter_always_semicolon),
		cmocka_unit_test(test_table_invalid_utf8),
		cmocka_unit_test(test_table_bad_quote_and_unterminated),
		cmocka_unit_test(test_table_callback_stops),
		cmocka_unit_test(test_table_empty_and_missing),
		cmocka_unit_test(test_memory_short_for_a_moment),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
