/* Unit tests: the output module (src/sheet.c). The workbooks are read back
 * with openpyxl by unit/sheet_check.py (tests run from tests/). */
#include <dirent.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "sheet.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, "sheet");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* The whole file in a static buffer (one at a time). */
static char *slurp(const char *path, size_t *len)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	*len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static const char *in_dir(const char *name)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static bool exists(const char *name)
{
	struct stat st;
	return lstat(in_dir(name), &st) == 0;
}

/* Entries in the test folder, hidden (temporary) files included. */
static int count_files(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* Runs one check of sheet_check.py on an xlsx; skips the test when
 * python3-openpyxl is not installed. */
static void client_check(const char *xlsx, const char *check)
{
	if (access("/usr/bin/python3", X_OK) != 0) {
		fprintf(stderr, "skipped: /usr/bin/python3 missing (apt-get install python3-openpyxl)\n");
		skip();
	}
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 unit/sheet_check.py '%s' %s", xlsx, check);
	int st = system(cmd);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77) {
		fprintf(stderr, "skipped: python3-openpyxl missing (apt-get install python3-openpyxl)\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(st), 0);
}

static const char *const h5[] = { "Text", "Heltal", "Tal", "Datum", "Tom" };

/* Writes book `name` with every kind of cell. */
static void write_book(const char *name, struct output_list *outs)
{
	struct evb_error err = { 0 };
	struct book *b = book_open(dir, name, "Test", D("2026-09-30"), true, &err);
	assert_non_null(b);
	struct sheet *s = book_add_sheet(b, "Blad ett", h5, 5, &err);
	assert_non_null(s);
	struct cell r1[5] = { cell_text("=SUM(A1)"), cell_int(-42), cell_num(1234.5, 2),
			      cell_date(D("2026-02-28")), cell_blank() };
	struct cell r2[5] = { cell_text("a;b \"c\"\nd"), cell_int(7), cell_num(0.125, 1),
			      cell_date(DATE_NONE), cell_text("-5") };
	struct cell r3[5] = { cell_text("@x"), cell_int(0), cell_num(-0.5, 0),
			      cell_date(D("1970-01-01")), cell_text("+1") };
	assert_int_equal(sheet_add_row(s, r1, &err), 0);
	assert_int_equal(sheet_add_row(s, r2, &err), 0);
	assert_int_equal(sheet_add_row(s, r3, &err), 0);
	assert_int_equal(book_close(b, outs, &err), 0);
}

static void test_csv_twin_and_modes(void **state)
{
	(void)state;
	struct output_list outs = { 0 };
	write_book("b", &outs);
	assert_int_equal(outs.n, 2);
	assert_string_equal(outs.paths[0], in_dir("b.xlsx"));
	assert_string_equal(outs.paths[1], in_dir("b.Blad ett.csv"));
	size_t len;
	const char *csv = slurp(outs.paths[1], &len);
	assert_non_null(csv);
	/* BOM, ';', CRLF, quoting of ; " LF, ' before = + - @ in text only
	 * (-42 is a number), decimal comma, dates YYYY-MM-DD, blanks empty;
	 * -0.5 with no decimals shows as -1 (Excel rounds half away from 0) */
	assert_string_equal(csv,
		"\xEF\xBB\xBFText;Heltal;Tal;Datum;Tom\r\n"
		"'=SUM(A1);-42;1234,50;2026-02-28;\r\n"
		"\"a;b \"\"c\"\"\nd\";7;0,1;;'-5\r\n"
		"'@x;0;-1;1970-01-01;'+1\r\n");
	struct stat st;
	for (size_t i = 0; i < outs.n; i++) {
		assert_int_equal(stat(outs.paths[i], &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	output_list_release(&outs);
}

static void test_mode_0600_despite_umask(void **state)
{
	(void)state;
	mode_t old = umask(0);
	struct output_list outs = { 0 };
	write_book("umask", &outs);
	umask(old);
	struct stat st;
	for (size_t i = 0; i < outs.n; i++) {
		assert_int_equal(stat(outs.paths[i], &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	output_list_release(&outs);
}

/* Numbers in the csv twin are shown as Excel shows them with the format
 * 0.00: taken to 15 significant digits, rounded half away from zero. */
static void test_csv_numbers_like_excel(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct output_list outs = { 0 };
	struct book *b = book_open(dir, "num", "T", D("2026-09-30"), true, &err);
	assert_non_null(b);
	static const char *const h[] = { "A" };
	struct sheet *s = book_add_sheet(b, "N", h, 1, &err);
	assert_non_null(s);
	const struct cell cs[] = {
		cell_num(2.675, 2),     /* binary 2.67499999..., 15 digits 2.675 -> 2,68 */
		cell_num(1.005, 2),     /* 1.00499999... -> 1,01 */
		cell_num(9.995, 2),     /* carry into the integer part -> 10,00 */
		cell_num(-0.0001, 2),   /* rounds to zero: no "-0,00" */
		cell_num(0.5, 0),       /* half away from zero -> 1 */
		cell_num(-2.5, 0),      /* -> -3 */
		cell_num(1e20, 0),      /* all digits, no exponent */
		cell_num(0.004, 2),     /* -> 0,00 */
		cell_num(123.456, 9),   /* decimals above 4 are taken as 4 -> 123,4560 */
		cell_num(NAN, 2),       /* not a number: blank */
		cell_int(INT64_MIN),
		/* the nearest doubles to r / 10^dec, written from r */
		cell_num(-1234.5, 1),   /* -> -1234,5 */
		cell_num(1234567.89, 2),   /* -> 1234567,89 */
		cell_num(-0.0, 2),      /* -> 0,00 */
		cell_num(0.07, 4),      /* -> 0,0700 */
		cell_num(999999999999999.0, 0),   /* 15 digits -> 999999999999999 */
		/* 0.30000000000000004: not the nearest double to 0.30, and 15
		 * digits give 0.300000000000000 -> 0,30 */
		cell_num(0.1 + 0.2, 2),
	};
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++)
		assert_int_equal(sheet_add_row(s, &cs[i], &err), 0);
	assert_int_equal(book_close(b, &outs, &err), 0);
	size_t len;
	assert_string_equal(slurp(outs.paths[1], &len),
		"\xEF\xBB\xBF" "A\r\n2,68\r\n1,01\r\n10,00\r\n0,00\r\n1\r\n-3\r\n"
		"100000000000000000000\r\n0,00\r\n123,4560\r\n\r\n-9223372036854775808\r\n"
		"-1234,5\r\n1234567,89\r\n0,00\r\n0,0700\r\n999999999999999\r\n0,30\r\n");
	output_list_release(&outs);
}

static void test_deterministic(void **state)
{
	(void)state;
	struct output_list o1 = { 0 }, o2 = { 0 };
	write_book("d1", &o1);
	sleep(1);   /* a clock in the metadata would now differ */
	write_book("d2", &o2);
	size_t l1, l2;
	char *a = malloc(1 << 20);
	assert_non_null(a);
	const char *x = slurp(o1.paths[0], &l1);
	assert_non_null(x);
	memcpy(a, x, l1);
	const char *y = slurp(o2.paths[0], &l2);
	assert_non_null(y);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, y, l1);
	free(a);
	output_list_release(&o1);
	output_list_release(&o2);
}

static void test_real_client_reads_it(void **state)
{
	(void)state;
	struct output_list outs = { 0 };
	write_book("client", &outs);
	/* bold frozen header, autofilter A1:E4, widths, text never a formula,
	 * numbers, dates with yyyy-mm-dd, created = eval date 12:00 UTC */
	client_check(outs.paths[0], "main");
	output_list_release(&outs);
}

static void test_long_and_bad_text(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct output_list outs = { 0 };
	/* 40000 x "å" (2 bytes each): cut to 32767 characters */
	size_t n = 40000;
	char *big = malloc(2 * n + 1);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		memcpy(big + 2 * i, "\xC3\xA5", 2);
	big[2 * n] = '\0';
	struct book *b = book_open(dir, "long", "T", D("2026-09-30"), true, &err);
	assert_non_null(b);
	static const char *const h[] = { "A", "B", "C" };
	struct sheet *s = book_add_sheet(b, "L", h, 3, &err);
	assert_non_null(s);
	struct cell r[3] = { cell_text(big), cell_text("a\xFF" "b"), cell_text("_x0041_") };
	assert_int_equal(sheet_add_row(s, r, &err), 0);
	assert_int_equal(book_close(b, &outs, &err), 0);
	client_check(outs.paths[0], "long");
	size_t len;
	const char *csv = slurp(outs.paths[1], &len);
	/* BOM + "A;B;C\r\n" + 32767 * 2 bytes + ";a\uFFFDb;_x0041_\r\n" */
	assert_int_equal(len, 3 + 7 + 2 * 32767 + strlen(";a\xEF\xBF\xBD" "b;_x0041_\r\n"));
	assert_memory_equal(csv + 10, big, 2 * 32767);
	assert_string_equal(csv + 10 + 2 * 32767, ";a\xEF\xBF\xBD" "b;_x0041_\r\n");
	free(big);
	output_list_release(&outs);
}

/* Text is cleaned eight ASCII bytes at a time until a byte that is not
 * ASCII or a '_' turns up: what it must still find inside such a block,
 * and whole integers as "%lld" writes them. */
static void test_text_in_plain_blocks(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct output_list outs = { 0 };
	/* 40000 x "a": cut to 32767 characters, counted in blocks */
	size_t n = 40000;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = '\0';
	struct book *b = book_open(dir, "blocks", "T", D("2026-09-30"), true, &err);
	assert_non_null(b);
	static const char *const h[] = { "A", "B", "C", "D", "E", "F" };
	struct sheet *s = book_add_sheet(b, "P", h, 6, &err);
	assert_non_null(s);
	/* B: an escape inside the first block of eight and one across the
	 * second and third; C: a bad byte inside the second block */
	struct cell r[6] = {
		cell_text(big), cell_text("abc_x0041_defghijkl_x0042_mnop"),
		cell_text("abcdefghij\xFFklmnopqr"), cell_text("abcdefgh\xC3\xA5\xC3\xA4_x0043_"),
		cell_int(INT64_MIN), cell_int(-7),
	};
	assert_int_equal(sheet_add_row(s, r, &err), 0);
	assert_int_equal(book_close(b, &outs, &err), 0);
	client_check(outs.paths[0], "blocks");
	size_t len;
	const char *csv = slurp(outs.paths[1], &len);
	/* BOM + "A;B;C;D;E;F\r\n" + 32767 x "a" + the rest; the csv keeps
	 * escapes as written */
	static const char rest[] = ";abc_x0041_defghijkl_x0042_mnop;abcdefghij\xEF\xBF\xBD"
				   "klmnopqr;abcdefgh\xC3\xA5\xC3\xA4_x0043_;-9223372036854775808;-7\r\n";
	assert_int_equal(len, 3 + 13 + 32767 + strlen(rest));
	assert_memory_equal(csv + 16, big, 32767);
	assert_string_equal(csv + 16 + 32767, rest);
	free(big);
	output_list_release(&outs);
}

static void test_dates_and_limits(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct output_list outs = { 0 };
	struct book *b = book_open(dir, "dates", "T", D("2026-09-30"), true, &err);
	assert_non_null(b);
	static const char *const h[] = { "Datum", "Heltal", "Tal" };
	struct sheet *s = book_add_sheet(b, "D", h, 3, &err);
	assert_non_null(s);
	/* Excel serials: 1900-01-01 = 1, 1900-02-28 = 59, (Excel's phantom
	 * 1900-02-29 = 60), 1900-03-01 = 61 = -25508 + 25569 */
	struct cell rows[5][3] = {
		{ cell_date(D("1900-01-01")), cell_int(9007199254740993LL), cell_num(NAN, 1) },
		{ cell_date(D("1900-02-28")), cell_int(9007199254740992LL), cell_num(INFINITY, 1) },
		{ cell_date(D("1900-03-01")), cell_blank(), cell_blank() },
		{ cell_date(D("9999-12-31")), cell_blank(), cell_blank() },
		/* before 1900 there is no Excel date: written as text */
		{ cell_date(D("1899-12-31")), cell_blank(), cell_blank() },
	};
	for (int i = 0; i < 5; i++)
		assert_int_equal(sheet_add_row(s, rows[i], &err), 0);
	assert_int_equal(book_close(b, &outs, &err), 0);
	client_check(outs.paths[0], "dates");
	size_t len;
	assert_string_equal(slurp(outs.paths[1], &len),
		"\xEF\xBB\xBF" "Datum;Heltal;Tal\r\n"
		"1900-01-01;9007199254740993;\r\n1900-02-28;9007199254740992;\r\n"
		"1900-03-01;;\r\n9999-12-31;;\r\n1899-12-31;;\r\n");
	output_list_release(&outs);
}

/* constant_memory: rows in order per sheet, sheets filled interleaved */
static void test_interleaved_sheets(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct output_list outs = { 0 };
	struct book *b = book_open(dir, "inter", "T", D("2026-09-30"), true, &err);
	assert_non_null(b);
	static const char *const h[] = { "H" };
	struct sheet *s1 = book_add_sheet(b, "Ett", h, 1, &err);
	struct sheet *s2 = book_add_sheet(b, "Två", h, 1, &err);
	assert_non_null(s1);
	assert_non_null(s2);
	static const char *const v1[] = { "a1", "a2", "a3" }, *const v2[] = { "b1", "b2", "b3" };
	for (int i = 0; i < 3; i++) {
		struct cell c1 = cell_text(v1[i]), c2 = cell_text(v2[i]);
		assert_int_equal(sheet_add_row(s1, &c1, &err), 0);
		assert_int_equal(sheet_add_row(s2, &c2, &err), 0);
	}
	assert_int_equal(book_close(b, &outs, &err), 0);
	assert_int_equal(outs.n, 3);
	client_check(outs.paths[0], "interleaved");
	size_t len;
	assert_string_equal(slurp(in_dir("inter.Två.csv"), &len),
			    "\xEF\xBB\xBFH\r\nb1\r\nb2\r\nb3\r\n");
	output_list_release(&outs);
}

static void test_chart(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct output_list outs = { 0 };
	struct book *b = book_open_small(dir, "chart", "T", D("2026-09-30"), false, &err);
	assert_non_null(b);
	static const char *const h[] = { "Kvartal", "Antal" };
	struct sheet *s = book_add_sheet(b, "O'Brien", h, 2, &err);
	assert_non_null(s);
	static const char *const q[] = { "2026Q1", "2026Q2", "2026Q3" };
	for (int i = 0; i < 3; i++) {
		struct cell r[2] = { cell_text(q[i]), cell_int(10 * (i + 1)) };
		assert_int_equal(sheet_add_row(s, r, &err), 0);
	}
	struct chart_spec bad = { .title = "=A1", .category_col = 0, .value_col = 1, .nrows = 3 };
	assert_int_not_equal(sheet_add_chart(s, &bad, &err), 0);
	bad.title = "T";
	bad.nrows = 4;   /* only 3 data rows */
	assert_int_not_equal(sheet_add_chart(s, &bad, &err), 0);
	bad.nrows = 3;
	bad.value_col = 2;   /* no such column */
	assert_int_not_equal(sheet_add_chart(s, &bad, &err), 0);
	struct chart_spec ok = { .title = "Öppna", .x_title = "Kvartal", .y_title = "Antal",
				 .category_col = 0, .value_col = 1, .nrows = 3 };
	assert_int_equal(sheet_add_chart(s, &ok, &err), 0);
	assert_int_equal(book_close(b, &outs, &err), 0);
	client_check(outs.paths[0], "chart");
	output_list_release(&outs);

	/* a streamed sheet cannot have cached chart values */
	b = book_open(dir, "nochart", "T", D("2026-09-30"), false, &err);
	assert_non_null(b);
	s = book_add_sheet(b, "S", h, 2, &err);
	struct cell r[2] = { cell_text("x"), cell_int(1) };
	assert_int_equal(sheet_add_row(s, r, &err), 0);
	ok.nrows = 1;
	assert_int_equal(sheet_add_chart(s, &ok, &err), EVB_EINVAL);
	book_abort(b);
}

static void test_abort_leaves_nothing(void **state)
{
	(void)state;
	int files = count_files(), fds = count_fds();
	struct evb_error err = { 0 };
	static const char *const h[] = { "A", "B" };
	struct cell r[2] = { cell_text("x"), cell_int(1) };
	/* streamed, with csv twins and rows in two sheets */
	struct book *b = book_open(dir, "gone", "Test", D("2026-09-30"), true, &err);
	assert_non_null(b);
	struct sheet *s1 = book_add_sheet(b, "S", h, 2, &err);
	struct sheet *s2 = book_add_sheet(b, "T", h, 2, &err);
	assert_non_null(s1);
	assert_non_null(s2);
	assert_int_equal(sheet_add_row(s1, r, &err), 0);
	assert_int_equal(sheet_add_row(s2, r, &err), 0);
	assert_true(count_files() > files);
	book_abort(b);
	assert_int_equal(count_files(), files);
	assert_int_equal(count_fds(), fds);
	/* in memory, with a chart */
	b = book_open_small(dir, "gone2", "Test", D("2026-09-30"), true, &err);
	assert_non_null(b);
	s1 = book_add_sheet(b, "S", h, 2, &err);
	assert_int_equal(sheet_add_row(s1, r, &err), 0);
	struct chart_spec c = { .title = "T", .category_col = 0, .value_col = 1, .nrows = 1 };
	assert_int_equal(sheet_add_chart(s1, &c, &err), 0);
	book_abort(b);
	assert_int_equal(count_files(), files);
	assert_int_equal(count_fds(), fds);
	book_abort(NULL);
}

static void test_bad_sheet_names(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct book *b = book_open(dir, "names", "Test", D("2026-09-30"), false, &err);
	assert_non_null(b);
	static const char *const h[] = { "A" };
	assert_null(book_add_sheet(b, "a/b", h, 1, &err));
	assert_int_equal(err.code, EVB_ETEMPLATE);
	assert_null(book_add_sheet(b, "", h, 1, &err));
	assert_null(book_add_sheet(b, "a[1]", h, 1, &err));
	assert_null(book_add_sheet(b, "a:b", h, 1, &err));
	assert_null(book_add_sheet(b, "a*", h, 1, &err));
	assert_null(book_add_sheet(b, "a?", h, 1, &err));
	assert_null(book_add_sheet(b, "a\\b", h, 1, &err));
	assert_null(book_add_sheet(b, "'a", h, 1, &err));
	assert_null(book_add_sheet(b, "a'", h, 1, &err));
	assert_null(book_add_sheet(b, "history", h, 1, &err));   /* reserved by Excel */
	assert_null(book_add_sheet(b, "a\tb", h, 1, &err));
	assert_null(book_add_sheet(b, "a\xFF", h, 1, &err));
	assert_null(book_add_sheet(b, "1234567890123456789012345678901X", h, 1, &err));
	/* 31 characters of two bytes each are fine: characters are counted */
	assert_non_null(book_add_sheet(b, "ööööööööööööööööööööööööööööööö", h, 1, &err));
	assert_non_null(book_add_sheet(b, "Åtta tecken", h, 1, &err));
	/* Excel compares sheet names without case, Swedish letters too */
	assert_null(book_add_sheet(b, "åtta TECKEN", h, 1, &err));
	assert_non_null(book_add_sheet(b, "Blad", h, 1, &err));
	assert_null(book_add_sheet(b, "BLAD", h, 1, &err));
	assert_null(book_add_sheet(b, "Blad2", h, 0, &err));
	/* the failures did not spoil the book */
	struct output_list outs = { 0 };
	assert_int_equal(book_close(b, &outs, &err), 0);
	assert_int_equal(outs.n, 1);
	output_list_release(&outs);
}

static void test_bad_book_names(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	static const char *const bad[] = { "", "a/b", ".hidden", "a\nb", "a\xFF" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(book_open(dir, bad[i], "T", D("2026-09-30"), false, &err));
		assert_int_equal(err.code, EVB_EINVAL);
	}
	assert_null(book_open(dir, "x", "T", DATE_NONE, false, &err));
	assert_null(book_open("/nonexistent-evb-dir", "x", "T", D("2026-09-30"), false, &err));
	assert_int_equal(err.code, EVB_EIO);
}

/* Sheet names may hold " < > |; their csv twins get '_' instead, and two
 * sheets that would share a file name spoil the book. */
static void test_csv_file_names(void **state)
{
	(void)state;
	int files = count_files();
	struct evb_error err = { 0 };
	struct output_list outs = { 0 };
	static const char *const h[] = { "A" };
	struct book *b = book_open(dir, "fn", "T", D("2026-09-30"), true, &err);
	assert_non_null(b);
	assert_non_null(book_add_sheet(b, "a<b", h, 1, &err));
	assert_null(book_add_sheet(b, "a>b", h, 1, &err));
	assert_int_not_equal(book_close(b, &outs, &err), 0);
	assert_int_equal(outs.n, 0);
	assert_int_equal(count_files(), files);

	b = book_open(dir, "fn", "T", D("2026-09-30"), true, &err);
	assert_non_null(b);
	assert_non_null(book_add_sheet(b, "a<b>\"c\"|", h, 1, &err));
	assert_int_equal(book_close(b, &outs, &err), 0);
	assert_true(exists("fn.a_b__c__.csv"));
	output_list_release(&outs);
}

/* A file of the book that cannot be created (a folder of its name is in
 * the way) spoils the book: the close fails and takes the workbook away. */
static void test_failed_close_leaves_nothing(void **state)
{
	(void)state;
	assert_int_equal(mkdir(in_dir("bad.S.csv"), 0700), 0);   /* creating it fails */
	int files = count_files();
	struct evb_error err = { 0 };
	struct output_list outs = { 0 };
	static const char *const h[] = { "A" };
	struct book *b = book_open(dir, "bad", "T", D("2026-09-30"), true, &err);
	assert_non_null(b);
	assert_true(exists("bad.xlsx"));
	assert_null(book_add_sheet(b, "S", h, 1, &err));
	assert_int_equal(book_close(b, &outs, &err), EVB_EIO);
	assert_int_equal(outs.n, 0);
	assert_false(exists("bad.xlsx"));
	assert_int_equal(count_files(), files);
	assert_int_equal(rmdir(in_dir("bad.S.csv")), 0);
	output_list_release(&outs);
}

/* A sheet over the row limit goes on in "<name> (2)", "(3)": each part
 * with the header, the name cut to 31 characters; one csv twin. */
static void test_continuation_sheets(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct output_list outs = { 0 };
	static const char *const h[] = { "Nr" };
	struct book *b = book_open(dir, "parts", "Test", D("2026-09-30"), true, &err);
	assert_non_null(b);
	book_set_rows_per_sheet(b, 3);
	struct sheet *s = book_add_sheet(b, "Ett mycket långt namn på bladet", h, 1, &err);
	assert_non_null(s);
	for (int i = 1; i <= 5; i++) {
		struct cell c[1] = { cell_int(i) };
		assert_int_equal(sheet_add_row(s, c, &err), 0);
	}
	assert_int_equal(book_close(b, &outs, &err), 0);
	assert_int_equal(outs.n, 2);
	size_t len;
	const char *csv = slurp(outs.paths[1], &len);
	assert_non_null(csv);
	assert_string_equal(csv, "\xEF\xBB\xBFNr\r\n1\r\n2\r\n3\r\n4\r\n5\r\n");
	client_check(outs.paths[0], "parts");
	output_list_release(&outs);
}

/* The look of a sheet (templates/looks.csv, SPEC 5): identifying columns
 * frozen and repeated on printed pages, wrapped texts with row heights set
 * by evb, no autofilter on key/value sheets, a totals row outside the
 * filter, money as kronor, print set-up and page texts. Read back by
 * sheet_check.py "look". */
static void test_look(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct output_list outs = { 0 };
	struct book *b = book_open(dir, "look", "T", D("2026-09-30"), false, &err);
	assert_non_null(b);
	struct page_texts pt = { .head_left = "Ö & Co kommun", .head_center = "Rapport 2026Q3",
				 .foot_left = "Utvärderingsdatum 2026-09-30", .page = "Sida",
				 .of = "av" };
	assert_int_equal(book_set_page_texts(b, &pt, &err), 0);
	/* wide: 3 + 20 columns of 40 characters, too wide for a landscape
	 * page at 70 %; column B identifies, column C wraps at 10 */
	static const char *const hw[23] = {
		"Rapporttyp", "Personnummer", "Text", "Dagar sedan beslut eller avbrott",
		"E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S",
		"T", "U", "V", "Belopp (kr)",
	};
	struct sheet_look look = { .id_first = 1, .nid = 1 };
	look.wrap[2] = 10;
	struct sheet *s = book_add_sheet_look(b, "Bred", hw, 23, &look, &err);
	assert_non_null(s);
	static char word64[65], long_text[2001];
	memset(word64, 'x', 64);
	memset(long_text, 'y', 2000);
	for (size_t i = 9; i < 2000; i += 10)
		long_text[i] = ' ';
	const char *texts[4] = { "kort", "aaaa bbbb cccc dddd", word64, long_text };
	for (int r = 0; r < 4; r++) {
		struct cell row[23];
		row[0] = cell_text("Nyrapportering");
		row[1] = cell_text("19500101-1234");
		row[2] = cell_text(texts[r]);
		for (int c = 3; c < 22; c++)
			row[c] = cell_text("fyrtio tecken fyrtio tecken fyrtio tecke");
		row[22] = cell_money(1487500);
		assert_int_equal(sheet_add_row(s, row, &err), 0);
	}
	assert_int_equal(sheet_end_filter(s, &err), 0);
	assert_int_not_equal(sheet_end_filter(s, &err), 0);   /* once */
	struct cell total[23];
	for (int c = 0; c < 23; c++)
		total[c] = cell_blank();
	total[0] = cell_text("Totalt");
	total[22] = cell_money(AMOUNT_UNKNOWN);
	assert_int_equal(sheet_add_row(s, total, &err), 0);
	/* narrow key/value sheet */
	static const char *const hk[2] = { "Uppgift", "Värde" };
	struct sheet_look kv = { .key_value = true };
	s = book_add_sheet_look(b, "Nyckel", hk, 2, &kv, &err);
	assert_non_null(s);
	struct cell row[2] = { cell_text("Prisbasbelopp (kr)"), cell_money(5920000) };
	assert_int_equal(sheet_add_row(s, row, &err), 0);
	/* identifying columns must leave a column to scroll */
	struct sheet_look bad = { .id_first = 1, .nid = 1 };
	assert_null(book_add_sheet_look(b, "Fel", hk, 2, &bad, &err));
	int ret = book_close(b, &outs, &err);
	if (ret)
		fprintf(stderr, "%s\n", err.message);
	assert_int_equal(ret, 0);
	client_check(outs.paths[0], "look");
	output_list_release(&outs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_continuation_sheets),
		cmocka_unit_test(test_csv_twin_and_modes),
		cmocka_unit_test(test_mode_0600_despite_umask),
		cmocka_unit_test(test_csv_numbers_like_excel),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_real_client_reads_it),
		cmocka_unit_test(test_long_and_bad_text),
		cmocka_unit_test(test_text_in_plain_blocks),
		cmocka_unit_test(test_dates_and_limits),
		cmocka_unit_test(test_interleaved_sheets),
		cmocka_unit_test(test_chart),
		cmocka_unit_test(test_abort_leaves_nothing),
		cmocka_unit_test(test_bad_sheet_names),
		cmocka_unit_test(test_bad_book_names),
		cmocka_unit_test(test_csv_file_names),
		cmocka_unit_test(test_failed_close_leaves_nothing),
		cmocka_unit_test(test_look),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
