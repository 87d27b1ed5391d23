/* Unit tests: import profiles (src/profile.c, SPEC 4.2). */
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "profile.h"

static char path[64];

static const char *write_profile(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/evb-test-profile-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Loads text, which must fail on `line` with a message holding `words`. */
static void load_fails(const char *text, long line, const char *words)
{
	struct evb_error err = { 0 };
	assert_null(profile_load(write_profile(text), &err));
	assert_int_equal(err.code, EVB_ECONFIG);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, line);
	if (!strstr(err.message, words))
		fail_msg("message '%s' lacks '%s'", err.message, words);
	unlink(path);
}

static struct profile *load_ok(const char *text)
{
	struct evb_error err = { 0 };
	struct profile *p = profile_load(write_profile(text), &err);
	if (!p)
		fail_msg("%s:%ld: %s", err.file, err.line, err.message);
	unlink(path);
	return p;
}

static const char sample[] =
	"# a vendor export\n"
	"\n"
	"file.beslut = Beslut_*.csv | BESLUT-*.txt\n"
	"beslut.person_id = Personnummer\n"
	"beslut.beslutsdatum = Beslutsdatum\n"
	"beslut.utfall = Beslut\n"
	"code.beslut.utfall.bifall = Beviljat | Bifall\n"
	"code.beslut.utfall.avslag = Avslaget\n"
	"code.beslut.insats.SOL_HEMTJANST = Hemtjänst SoL\n"
	"format.beslut.beslutsdatum = DD.MM.YYYY\n"
	"format.beslut.giltig_tom = DD/MM/YY\n"
	"format.bestallningar.skickad = DD.MM.YYYY HH:MM\n";

static void test_unknown_key_names_its_line(void **state)
{
	(void)state;
	load_fails("file.beslut = B*.csv\n\n# comment\nbeslut.person_id = Pnr\nbeslutsdag = X\n",
		   5, "unknown key");
	load_fails("file.beslutt = B*.csv\n", 1, "unknown key");
	load_fails("code.beslut.utfall = Beviljat\n", 1, "unknown key");
	load_fails("format.beslut = DD.MM.YYYY\n", 1, "unknown key");
}

static void test_missing_column_of_kind_names_its_line(void **state)
{
	(void)state;
	load_fails("beslut.person_id = Pnr\nbeslut.personnummer = Pnr2\n", 2,
		   "'beslut' has no column 'personnummer'");
	load_fails("\ncode.beslut.utfal.bifall = Beviljat\n", 2, "has no column 'utfal'");
	load_fails("format.avbrott.datum = DD.MM.YYYY\n", 1, "has no column 'datum'");
	/* names are exact: the kind's column list is lowercase */
	load_fails("beslut.Person_id = Pnr\n", 1, "has no column");
}

static void test_two_columns_on_one_export_column_is_fatal(void **state)
{
	(void)state;
	/* case and Å/Ä/Ö case do not make two columns */
	load_fails("beslut.giltig_from = Giltigt från\nbeslut.giltig_tom = GILTIGT FRÅN\n", 2,
		   "already mapped to 'giltig_from' on line 1");
	/* the same export column for two kinds is fine */
	profile_free(load_ok("beslut.beslut_id = Nr\navbrott.beslut_id = Nr\n"));
}

static void test_repeats_formats_and_values(void **state)
{
	(void)state;
	load_fails("file.beslut = A*.csv\nfile.beslut = B*.csv\n", 2, "key given twice");
	load_fails("beslut.utfall = U\nbeslut.utfall = U2\n", 2, "key given twice (first on line 1)");
	load_fails("code.beslut.utfall.bifall = Ja\ncode.beslut.utfall.bifall = Jo\n", 2,
		   "key given twice");
	load_fails("code.beslut.utfall.bifall = Ja\ncode.beslut.utfall.avslag = JA\n", 2,
		   "already maps to code 'bifall' on line 1");
	load_fails("code.beslut.utfall.bifall = Ja ||Jo\n", 1, "empty value");
	load_fails("beslut.utfall =\n", 1, "empty value");
	load_fails("format.beslut.giltig_tom = DD.MM.YYYY\n\nformat.beslut.giltig_tom = YYYYMMDD\n",
		   3, "key given twice");
	load_fails("format.beslut.giltig_tom = DD.MM\n", 1, "one year");
	load_fails("format.beslut.giltig_tom = DD.MM.YYYY.YY\n", 1, "one year");
	load_fails("format.beslut.giltig_tom = D.M.YYYY\n", 1, "unknown element");
	load_fails("beslut.utfall Beslut\n", 1, "expected 'key = value'");
	load_fails("# ok\nbeslut.utfall = Beslut\xE4t\n", 2, "not valid UTF-8");
}

static void test_files_and_headers(void **state)
{
	(void)state;
	struct profile *p = load_ok(sample);
	struct evb_error err = { 0 };
	assert_int_equal(profile_file_kind(p, "Beslut_2026.csv", &err), K_BESLUT);
	assert_int_equal(profile_file_kind(p, "beslut_2026.CSV", &err), K_BESLUT);
	assert_int_equal(profile_file_kind(p, "Beslut-1.txt", &err), K_BESLUT);
	assert_int_equal(profile_file_kind(p, "Beslut.csv", &err), -1);
	assert_int_equal(profile_file_kind(p, "avbrott.csv", &err), -1);

	/* mapped columns by the export's name, case ignored */
	assert_int_equal(profile_column(p, K_BESLUT, "PERSONNUMMER"), B_PERSON_ID);
	assert_int_equal(profile_column(p, K_BESLUT, "Beslut"), B_UTFALL);
	/* a mapped evb column no longer answers to its own name */
	assert_int_equal(profile_column(p, K_BESLUT, "person_id"), -1);
	/* unmapped ones do */
	assert_int_equal(profile_column(p, K_BESLUT, "Lagrum"), B_LAGRUM);
	assert_int_equal(profile_column(p, K_BESLUT, "Okänd"), -1);

	bool seen[SCHEMA_MAX_COLUMNS] = { false };
	seen[B_PERSON_ID] = seen[B_UTFALL] = true;
	assert_int_equal(profile_check_header(p, K_BESLUT, seen, "Beslut_2026.csv", &err),
			 EVB_ECONFIG);
	assert_int_equal(err.line, 5);      /* beslut.beslutsdatum = Beslutsdatum */
	assert_string_equal(err.column, "beslut.beslutsdatum");
	assert_non_null(strstr(err.message, "'Beslutsdatum' is not in the header of Beslut_2026.csv"));
	seen[B_BESLUTSDATUM] = true;
	assert_int_equal(profile_check_header(p, K_BESLUT, seen, "B.csv", &err), 0);
	assert_int_equal(strlen(profile_sha256(p)), 64);
	profile_free(p);

	p = load_ok("file.beslut = *.csv\nfile.avbrott = A*.csv\n");
	assert_int_equal(profile_file_kind(p, "Avbrott.csv", &err), -2);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.message, "matches the patterns of 'beslut' (line 1) and 'avbrott'"));
	profile_free(p);
}

static const char *apply(const struct profile *p, enum kind k, int col, const char *value,
			 evb_date asof)
{
	static struct profile_row out;
	static char keep[64];
	struct row in;
	memset(&in, 0, sizeof(in));
	in.kind = k;
	in.val[col] = value;
	const struct row *r = profile_apply(p, &in, &out, asof);
	snprintf(keep, sizeof(keep), "%s", r->val[col]);
	return keep;
}

static void test_codes_and_dates(void **state)
{
	(void)state;
	struct profile *p = load_ok(sample);
	evb_date asof = D("2026-11-22");
	assert_string_equal(apply(p, K_BESLUT, B_UTFALL, "Beviljat", asof), "bifall");
	assert_string_equal(apply(p, K_BESLUT, B_UTFALL, "BIFALL", asof), "bifall");
	assert_string_equal(apply(p, K_BESLUT, B_UTFALL, "avslaget", asof), "avslag");
	/* evb's own codes and unknown texts pass unchanged: the usual parsing
	 * accepts the first and rejects the second */
	assert_string_equal(apply(p, K_BESLUT, B_UTFALL, "delvis_bifall", asof), "delvis_bifall");
	assert_string_equal(apply(p, K_BESLUT, B_UTFALL, "Beviljas", asof), "Beviljas");
	/* Å/Ä/Ö case ignored too */
	assert_string_equal(apply(p, K_BESLUT, B_INSATS, "HEMTJÄNST SOL", asof), "SOL_HEMTJANST");
	/* codes of one column only */
	assert_string_equal(apply(p, K_BESLUT, B_LAGRUM, "Beviljat", asof), "Beviljat");

	assert_string_equal(apply(p, K_BESLUT, B_BESLUTSDATUM, "15.07.2026", asof), "2026-07-15");
	assert_string_equal(apply(p, K_BESLUT, B_BESLUTSDATUM, "5.7.2026", asof), "2026-07-05");
	/* ISO is left for the usual parsing; an impossible date is converted
	 * and then rejected there (2026-02-30) */
	assert_string_equal(apply(p, K_BESLUT, B_BESLUTSDATUM, "2026-07-15", asof), "2026-07-15");
	assert_string_equal(apply(p, K_BESLUT, B_BESLUTSDATUM, "30.02.2026", asof), "2026-02-30");
	assert_string_equal(apply(p, K_BESLUT, B_BESLUTSDATUM, "15-07-2026", asof), "15-07-2026");
	assert_string_equal(apply(p, K_BESLUT, B_BESLUTSDATUM, "15.07.2026x", asof), "15.07.2026x");
	assert_string_equal(apply(p, K_BESTALLNING, O_SKICKAD, "15.07.2026 12:52", asof),
			    "2026-07-15 12:52");
	/* YY: the century that puts the date in the hundred years up to the
	 * as-of date 2026-11-22: 22/11/26 is that very day (2026); 23/11/26
	 * would be after it, so 1926; 01/02/30 is 1930 (2030 is to come) */
	assert_string_equal(apply(p, K_BESLUT, B_GILTIG_TOM, "22/11/26", asof), "2026-11-22");
	assert_string_equal(apply(p, K_BESLUT, B_GILTIG_TOM, "23/11/26", asof), "1926-11-23");
	assert_string_equal(apply(p, K_BESLUT, B_GILTIG_TOM, "01/02/30", asof), "1930-02-01");
	assert_string_equal(apply(p, K_BESLUT, B_GILTIG_TOM, "31/12/00", asof), "2000-12-31");
	assert_string_equal(apply(p, K_BESLUT, B_GILTIG_TOM, "1/2/2030", asof), "1/2/2030");

	/* a kind the profile does not translate comes back as it was */
	struct row in;
	struct profile_row out;
	memset(&in, 0, sizeof(in));
	in.kind = K_AVBROTT;
	assert_ptr_equal(profile_apply(p, &in, &out, asof), &in);
	profile_free(p);
}

static void test_codes_must_be_evb_codes(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct templates *t = templates_load("../templates", &err);
	assert_non_null(t);
	struct profile *p = load_ok(sample);
	assert_int_equal(profile_check_codes(p, t, &err), 0);
	profile_free(p);
	/* a misspelt code names its line; case is ignored as in the export */
	p = load_ok("code.beslut.utfall.BIFALL = Beviljat\n"
		    "code.handelser.typ.tackat_ja = Ja tack\n"
		    "code.beslut.insats.SOL_HEMTJANS = Hemtjänst\n");
	assert_int_equal(profile_check_codes(p, t, &err), EVB_ECONFIG);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.column, "beslut.insats");
	assert_non_null(strstr(err.message, "'SOL_HEMTJANS' is not one of evb's codes"));
	profile_free(p);
	p = load_ok("code.personer.kon.X = Annat\n");
	assert_int_equal(profile_check_codes(p, t, &err), EVB_ECONFIG);
	assert_int_equal(err.line, 1);
	profile_free(p);
	/* columns without a fixed list take any code (a unit's name) */
	p = load_ok("code.beslut.enhet.Norr = Område Norr\n");
	assert_int_equal(profile_check_codes(p, t, &err), 0);
	profile_free(p);
	templates_free(t);
}

static void test_fold_name(void **state)
{
	(void)state;
	char buf[64];
	profile_fold_name("Handläggare", buf, sizeof(buf));
	assert_string_equal(buf, "handlaggare");
	profile_fold_name(" Giltigt FRÅN_", buf, sizeof(buf));
	assert_string_equal(buf, "giltigtfran");
	profile_fold_name("Födelse-datum", buf, sizeof(buf));
	assert_string_equal(buf, "fodelsedatum");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_key_names_its_line),
		cmocka_unit_test(test_missing_column_of_kind_names_its_line),
		cmocka_unit_test(test_two_columns_on_one_export_column_is_fatal),
		cmocka_unit_test(test_repeats_formats_and_values),
		cmocka_unit_test(test_files_and_headers),
		cmocka_unit_test(test_codes_and_dates),
		cmocka_unit_test(test_codes_must_be_evb_codes),
		cmocka_unit_test(test_fold_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
