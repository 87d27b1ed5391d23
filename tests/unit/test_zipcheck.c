#define _GNU_SOURCE   /* memmem */
/* Unit tests: reading a workbook back (src/zipcheck.c, SPEC 5). The zip
 * files are made here with minizip's writer, entries stored (not
 * compressed) so that a byte of an entry can be changed in the file. */
#include <string.h>
#include <sys/stat.h>

#include <minizip/zip.h>

#include "testutil.h"
#include "zipcheck.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, "zipcheck");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static const char *path_of(const char *name)
{
	static char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

struct entry {
	const char *name;
	const char *data;
	size_t len;
};

static const char *make_zip(const char *name, const struct entry *e, int n)
{
	const char *p = path_of(name);
	zipFile z = zipOpen(p, APPEND_STATUS_CREATE);
	assert_non_null(z);
	for (int i = 0; i < n; i++) {
		assert_int_equal(zipOpenNewFileInZip(z, e[i].name, NULL, NULL, 0, NULL, 0, NULL,
						     0, 0), ZIP_OK);
		assert_int_equal(zipWriteInFileInZip(z, e[i].data, (unsigned)e[i].len), ZIP_OK);
		assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
	}
	assert_int_equal(zipClose(z, NULL), ZIP_OK);
	return p;
}

static const char sheet3[] =
	"<worksheet><sheetData><row r=\"1\"><c/></row><row r=\"2\"><c/></row>"
	"<row r=\"3\"><c/></row></sheetData></worksheet>\n";

static const char *const names[] = { "Individrapporter", "Sammanfattning" };

static void test_good_and_counts(void **state)
{
	(void)state;
	struct entry e[] = {
		{ "[Content_Types].xml", "<Types></Types>", 15 },
		{ "xl/worksheets/sheet1.xml", sheet3, sizeof(sheet3) - 1 },
	};
	const char *p = make_zip("good.xlsx", e, 2);
	struct evb_error err = { 0 };
	uint32_t rows[] = { 3, 1 };
	assert_int_equal(zipcheck_xlsx(p, rows, rows, names, 1, &err), 0);
	/* 40 rows written, 3 in the file: the observed truncation */
	rows[0] = 40;
	assert_int_equal(zipcheck_xlsx(p, rows, rows, names, 1, &err), EVB_EIO);
	assert_string_equal(err.message, "sheet 'Individrapporter' holds 3 of 40 rows");
	/* a sheet written but not in the file */
	rows[0] = 3;
	assert_int_equal(zipcheck_xlsx(p, rows, rows, names, 2, &err), EVB_EIO);
	assert_string_equal(err.message,
			    "sheet 'Sammanfattning' is missing from the workbook written");
}

/* A sheet cut short (its end lost) with valid checksums: what
 * libxlsxwriter makes of a failed write in its temporary file. */
static void test_cut_short(void **state)
{
	(void)state;
	struct entry e[] = { { "xl/worksheets/sheet1.xml", sheet3, 60 } };
	const char *p = make_zip("cut.xlsx", e, 1);
	struct evb_error err = { 0 };
	/* the first 60 bytes start two rows */
	uint32_t rows[] = { 2 };
	assert_int_equal(zipcheck_xlsx(p, rows, rows, names, 1, &err), EVB_EIO);
	assert_string_equal(err.message, "the workbook written is damaged: "
			    "'xl/worksheets/sheet1.xml' is cut short");
	/* any XML part: it must end with its root element's end tag */
	static const char styles[] = "<?xml version=\"1.0\"?>\n<styleSheet a=\"b\"><x/></styleSheet>\n";
	struct entry e2[] = { { "xl/styles.xml", styles, sizeof(styles) - 1 } };
	p = make_zip("styles.xlsx", e2, 1);
	assert_int_equal(zipcheck_xlsx(p, rows, rows, names, 0, &err), 0);
	e2[0].len -= 3;
	p = make_zip("styles.xlsx", e2, 1);
	assert_int_equal(zipcheck_xlsx(p, rows, rows, names, 0, &err), EVB_EIO);
	assert_non_null(strstr(err.message, "'xl/styles.xml' is cut short"));
	/* shared strings: as many as the part says (a hole in the middle) */
	static const char sst[] = "<sst count=\"3\" uniqueCount=\"3\"><si><t>a</t></si>"
				  "<si><t>b</t></si><si><t>c</t></si></sst>";
	struct entry e3[] = { { "xl/sharedStrings.xml", sst, sizeof(sst) - 1 } };
	p = make_zip("sst.xlsx", e3, 1);
	assert_int_equal(zipcheck_xlsx(p, rows, rows, names, 0, &err), 0);
	static const char sst_hole[] = "<sst count=\"3\" uniqueCount=\"3\"><si><t>a</t></si>"
				       "<si><t>c</t></si></sst>";
	e3[0] = (struct entry){ "xl/sharedStrings.xml", sst_hole, sizeof(sst_hole) - 1 };
	p = make_zip("sst.xlsx", e3, 1);
	assert_int_equal(zipcheck_xlsx(p, rows, rows, names, 0, &err), EVB_EIO);
	assert_non_null(strstr(err.message, "2 of 3 shared strings"));
}

/* libxlsxwriter splices a sheet's rows in from a temporary file and takes
 * a failed read of it for its end: the last row is cut inside, the rest
 * dropped, and the sheet still ends with its end tag and holds as many
 * row starts as written (found by fault injection on evb ivo). A row with
 * a height alone is <row/>, whole without an end tag. */
static void test_row_cut_inside(void **state)
{
	(void)state;
	static const char cut[] =
		"<worksheet><sheetData><row r=\"1\"><c/></row><row r=\"2\" ht=\"30\"/>"
		"<row r=\"3\"><c r=\"C3\"</sheetData><pageMargins/></worksheet>\n";
	struct entry e[] = { { "xl/worksheets/sheet1.xml", cut, sizeof(cut) - 1 } };
	const char *p = make_zip("rowcut.xlsx", e, 1);
	struct evb_error err = { 0 };
	uint32_t rows[] = { 3 }, full[] = { 2 };
	assert_int_equal(zipcheck_xlsx(p, rows, full, names, 1, &err), EVB_EIO);
	assert_string_equal(err.message, "the workbook written is damaged: sheet "
			    "'Individrapporter' holds 1 of 2 whole rows");
	static const char whole[] =
		"<worksheet><sheetData><row r=\"1\"><c/></row><row r=\"2\" ht=\"30\"/>"
		"<row r=\"3\"><c r=\"C3\"/></row></sheetData><pageMargins/></worksheet>\n";
	e[0] = (struct entry){ "xl/worksheets/sheet1.xml", whole, sizeof(whole) - 1 };
	p = make_zip("rowcut.xlsx", e, 1);
	assert_int_equal(zipcheck_xlsx(p, rows, full, names, 1, &err), 0);
}

/* One byte of an entry changed in the file: its CRC fails. */
static void test_crc(void **state)
{
	(void)state;
	struct entry e[] = { { "xl/worksheets/sheet1.xml", sheet3, sizeof(sheet3) - 1 } };
	const char *p = make_zip("crc.xlsx", e, 1);
	FILE *f = fopen(p, "r+b");
	assert_non_null(f);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), f);
	char *at = memmem(buf, n, "r=\"2\"", 5);
	assert_non_null(at);
	assert_int_equal(fseek(f, at - buf + 3, SEEK_SET), 0);
	assert_int_equal(fputc('7', f), '7');
	assert_int_equal(fclose(f), 0);
	struct evb_error err = { 0 };
	uint32_t rows[] = { 3 };
	assert_int_equal(zipcheck_xlsx(p, rows, rows, names, 1, &err), EVB_EIO);
	assert_non_null(strstr(err.message, "'xl/worksheets/sheet1.xml' fails its CRC check"));
}

static void test_not_a_zip(void **state)
{
	(void)state;
	FILE *f = fopen(path_of("empty.xlsx"), "w");
	assert_non_null(f);
	assert_int_equal(fclose(f), 0);
	struct evb_error err = { 0 };
	uint32_t rows[] = { 3 };
	assert_int_equal(zipcheck_xlsx(path_of("empty.xlsx"), rows, rows, names, 1, &err), EVB_EIO);
	assert_non_null(strstr(err.message, "not a readable zip file"));
}

/* Row tags split across the 64 KiB chunks of reading are counted once:
 * row starts and ends fall at every offset around the boundary 65536. */
static void test_chunk_boundary(void **state)
{
	(void)state;
	size_t cap = 70000;
	char *x = malloc(cap);
	assert_non_null(x);
	for (int shift = 0; shift < 24; shift++) {
		size_t n = 0;
		uint32_t rows = 0;
		n += (size_t)snprintf(x + n, cap - n, "<worksheet><sheetData>");
		memset(x + n, ' ', 65536 - 3 - (size_t)shift - n);
		n = 65536 - 3 - (size_t)shift;
		for (int i = 0; i < 3; i++, rows++)
			n += (size_t)snprintf(x + n, cap - n, "<row r=\"%u\"><c/></row>", rows + 1);
		n += (size_t)snprintf(x + n, cap - n, "</sheetData></worksheet>");
		struct entry e[] = { { "xl/worksheets/sheet1.xml", x, n } };
		const char *p = make_zip("big.xlsx", e, 1);
		struct evb_error err = { 0 };
		assert_int_equal(zipcheck_xlsx(p, &rows, &rows, names, 1, &err), 0);
	}
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_and_counts),
		cmocka_unit_test(test_cut_short),
		cmocka_unit_test(test_row_cut_inside),
		cmocka_unit_test(test_crc),
		cmocka_unit_test(test_not_a_zip),
		cmocka_unit_test(test_chunk_boundary),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
