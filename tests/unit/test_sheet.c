/* Unit tests: the output module (src/sheet.c). */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
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

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 20];
	*len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static int count_files(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

/* Writes book "b" with every kind of cell. */
static void write_book(const char *name, struct output_list *outs)
{
	struct evb_error err = { 0 };
	struct book *b = book_open(dir, name, "Test", D("2026-09-30"), true, &err);
	assert_non_null(b);
	static const char *const h[] = { "Text", "Heltal", "Tal", "Datum", "Tom" };
	struct sheet *s = book_add_sheet(b, "Blad ett", h, 5, &err);
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
	char path[128];
	snprintf(path, sizeof(path), "%s/b.Blad ett.csv", dir);
	size_t len;
	const char *csv = slurp(path, &len);
	assert_non_null(csv);
	/* BOM, ';', CRLF, quoting, ' before = + - @, decimal comma, dates */
	assert_string_equal(csv,
		"\xEF\xBB\xBFText;Heltal;Tal;Datum;Tom\r\n"
		"'=SUM(A1);-42;1234,50;2026-02-28;\r\n"
		"\"a;b \"\"c\"\"\nd\";7;0,1;;'-5\r\n"
		"'@x;0;-0;1970-01-01;'+1\r\n");
	struct stat st;
	for (size_t i = 0; i < outs.n; i++) {
		assert_int_equal(stat(outs.paths[i], &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
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
	memcpy(a, x, l1);
	const char *y = slurp(o2.paths[0], &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, y, l1);
	free(a);
	output_list_release(&o1);
	output_list_release(&o2);
}

static void test_abort_leaves_nothing(void **state)
{
	(void)state;
	int before = count_files();
	struct evb_error err = { 0 };
	struct book *b = book_open(dir, "gone", "Test", D("2026-09-30"), true, &err);
	assert_non_null(b);
	static const char *const h[] = { "A" };
	assert_non_null(book_add_sheet(b, "S", h, 1, &err));
	book_abort(b);
	assert_int_equal(count_files(), before);
}

static void test_bad_sheet_names(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct book *b = book_open(dir, "names", "Test", D("2026-09-30"), false, &err);
	assert_non_null(b);
	static const char *const h[] = { "A" };
	assert_null(book_add_sheet(b, "a/b", h, 1, &err));
	assert_null(book_add_sheet(b, "", h, 1, &err));
	assert_null(book_add_sheet(b, "1234567890123456789012345678901X", h, 1, &err));
	assert_non_null(book_add_sheet(b, "Åtta tecken", h, 1, &err));
	/* Excel compares sheet names without case */
	assert_non_null(book_add_sheet(b, "Blad", h, 1, &err));
	assert_null(book_add_sheet(b, "BLAD", h, 1, &err));
	book_abort(b);
}

static void test_real_client_reads_it(void **state)
{
	(void)state;
	if (access("/usr/bin/python3", X_OK) != 0 ||
	    system("/usr/bin/python3 -c 'import openpyxl' 2>/dev/null") != 0) {
		fprintf(stderr, "python3-openpyxl missing: run make deps\n");
		fail();
	}
	struct output_list outs = { 0 };
	write_book("client", &outs);
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 -c \"import openpyxl,datetime as d;"
		 "ws=openpyxl.load_workbook('%s')['Blad ett'];"
		 "assert ws.freeze_panes=='A2';assert ws.auto_filter.ref=='A1:E4';"
		 "assert ws['A1'].font.b;assert ws['A2'].value=='=SUM(A1)' and ws['A2'].data_type=='s';"
		 "assert ws['B2'].value==-42;assert ws['D2'].value==d.datetime(2026,2,28);"
		 "assert ws['D2'].number_format=='yyyy-mm-dd';assert ws['C2'].value==1234.5\"",
		 outs.paths[0]);
	assert_int_equal(system(cmd), 0);
	output_list_release(&outs);
}

static void test_atomic_file(void **state)
{
	(void)state;
	struct output_list outs = { 0 };
	struct evb_error err = { 0 };
	assert_int_equal(write_file_atomic(dir, "m.json", "{}\n", 3, &outs, &err), 0);
	size_t len;
	assert_string_equal(slurp(outs.paths[0], &len), "{}\n");
	struct stat st;
	assert_int_equal(stat(outs.paths[0], &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	output_list_release(&outs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_twin_and_modes),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_abort_leaves_nothing),
		cmocka_unit_test(test_bad_sheet_names),
		cmocka_unit_test(test_real_client_reads_it),
		cmocka_unit_test(test_atomic_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
