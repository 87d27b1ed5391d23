/* Unit tests: templates (src/templates.c) and the real files in templates/. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "allocfail.h"
#include "calendar.h"
#include "model.h"
#include "sheet.h"
#include "templates.h"
#include "template_keys.h"

#define REAL_DIR "../templates"
#define FIXTURES "fixtures/templates"

static const char *const template_files[] = {
	"insatser.csv", "skal.csv", "texts.csv", "layouts.csv", "looks.csv", "taxor.csv",
	"maxtaxa.csv", "meddelande.csv",
};

/* ---- helpers --------------------------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void write_all(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = read_all(from, &len);
	write_all(to, data, len);
	free(data);
}

struct tdir {
	char path[64];
};

/* A copy of the real templates/ in a fresh temp folder, with a dummy XSD. */
static void tdir_make(struct tdir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/evb-test-tpl-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	char from[256], to[256];
	for (size_t i = 0; i < sizeof(template_files) / sizeof(template_files[0]); i++) {
		snprintf(from, sizeof(from), REAL_DIR "/%s", template_files[i]);
		snprintf(to, sizeof(to), "%s/%s", d->path, template_files[i]);
		copy_file(from, to);
	}
	snprintf(to, sizeof(to), "%s/evb-export.xsd", d->path);
	static const char xsd[] = "<?xml version=\"1.0\"?>\n<xs:schema "
		"xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"/>\n";
	write_all(to, xsd, sizeof(xsd) - 1);
}

static void tdir_file(const struct tdir *d, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", d->path, name);
}

static void tdir_remove(struct tdir *d)
{
	char p[256];
	for (size_t i = 0; i < sizeof(template_files) / sizeof(template_files[0]); i++) {
		tdir_file(d, template_files[i], p, sizeof(p));
		chmod(p, 0600);
		if (unlink(p) != 0)
			rmdir(p);   /* a test may have replaced it with a folder */
	}
	tdir_file(d, "evb-export.xsd", p, sizeof(p));
	unlink(p);
	assert_int_equal(rmdir(d->path), 0);
}

/* Replaces template `name` with a fixture file. */
static void tdir_use_fixture(const struct tdir *d, const char *name, const char *fixture)
{
	char to[256];
	tdir_file(d, name, to, sizeof(to));
	copy_file(fixture, to);
}

/* Edits the line of template `name` that starts with `prefix`: replaced by
 * `with` (NULL removes it). Returns that line's number (1-based). */
static long tdir_edit_line(const struct tdir *d, const char *name, const char *prefix,
			   const char *with)
{
	char p[256];
	tdir_file(d, name, p, sizeof(p));
	size_t len;
	char *data = read_all(p, &len);
	char *out = malloc(len + (with ? strlen(with) : 0) + 2);
	assert_non_null(out);
	size_t o = 0;
	long line = 0, found = 0;
	for (char *s = data; *s;) {
		char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);
		line++;
		if (!found && strncmp(s, prefix, strlen(prefix)) == 0) {
			found = line;
			if (with) {
				memcpy(out + o, with, strlen(with));
				o += strlen(with);
				out[o++] = '\n';
			}
		} else {
			memcpy(out + o, s, n);
			o += n;
		}
		s += n;
	}
	assert_true(found > 0);
	write_all(p, out, o);
	free(out);
	free(data);
	return found;
}

/* Appends a line to template `name`; returns its line number. */
static long tdir_append_line(const struct tdir *d, const char *name, const char *text)
{
	char p[256];
	tdir_file(d, name, p, sizeof(p));
	size_t len;
	char *data = read_all(p, &len);
	long lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += data[i] == '\n';
	assert_true(len > 0 && data[len - 1] == '\n');
	FILE *f = fopen(p, "ab");
	assert_non_null(f);
	assert_true(fprintf(f, "%s\n", text) > 0);
	assert_int_equal(fclose(f), 0);
	free(data);
	return lines + 1;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Loads d, expects EVB_ETEMPLATE naming `file` at `line` with `msg` in the
 * message (msg may be NULL). */
static void expect_broken(const struct tdir *d, const char *file, long line,
			  const char *msg)
{
	struct evb_error err = { 0 };
	struct templates *t = templates_load(d->path, &err);
	if (t)
		templates_free(t);
	assert_null(t);
	assert_int_equal(err.code, EVB_ETEMPLATE);
	if (!ends_with(err.file, file) || err.line != line ||
	    (msg && !strstr(err.message, msg)))
		fail_msg("got %s:%ld: %s: %s; expected %s:%ld: %s", err.file, err.line,
			 err.column, err.message, file, line, msg ? msg : "");
	/* the file named is inside the folder given */
	assert_true(strncmp(err.file, d->path, strlen(d->path)) == 0);
}

static struct templates *load_real(void)
{
	struct evb_error err = { 0 };
	struct templates *t = templates_load(REAL_DIR, &err);
	if (!t)
		fail_msg("%s:%ld: %s: %s", err.file, err.line, err.column, err.message);
	return t;
}

/* ---- the real templates --------------------------------------------------------- */

static void test_real_catalogue_has_the_21_codes(void **state)
{
	(void)state;
	static const char *const codes[] = {
		"LSS9_2", "LSS9_3", "LSS9_4", "LSS9_5", "LSS9_6", "LSS9_7", "LSS9_8",
		"LSS9_9", "LSS9_10", "SOL_HEMTJANST", "SOL_DAGVERKSAMHET",
		"SOL_SARSKILT_BOENDE", "SOL_KORTTIDSVISTELSE", "SOL_LEDSAGNING",
		"SOL_AVLOSNING", "SOL_KONTAKTPERSON", "SOL_BOENDESTOD",
		"SOL_TRYGGHETSLARM", "SOL_MATDISTRIBUTION", "SOL_SYSSELSATTNING",
		"SOL_BOSTAD_SARSKILD_SERVICE",
	};
	struct templates *t = load_real();
	assert_int_equal(templates_insats_count(t), 21);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		int idx = templates_insats_find(t, codes[i]);
		assert_true(idx >= 0);
		const struct insats_info *ii = templates_insats(t, idx);
		assert_string_equal(ii->code, codes[i]);
		/* SPEC Appendix A: all are rapporteringspliktiga */
		assert_true(ii->rapporteringspliktig);
		assert_string_equal(ii->lagrum, strncmp(codes[i], "LSS", 3) == 0 ? "LSS" : "SoL");
	}
	templates_free(t);
}

static void test_insats_find_is_exact(void **state)
{
	(void)state;
	struct templates *t = load_real();
	assert_int_equal(templates_insats_find(t, "LSS9_1"), -1);
	assert_int_equal(templates_insats_find(t, "lss9_2"), -1);
	assert_int_equal(templates_insats_find(t, "LSS9_2 "), -1);
	assert_int_equal(templates_insats_find(t, ""), -1);
	assert_null(templates_insats(t, -1));
	assert_null(templates_insats(t, 21));
	/* file order is kept: the first row is LSS9_2 */
	assert_string_equal(templates_insats(t, 0)->code, "LSS9_2");
	templates_free(t);
}

static void test_insats_routing(void **state)
{
	(void)state;
	struct templates *t = load_real();
	const struct insats_info *ii = templates_insats(t, templates_insats_find(t, "LSS9_8"));
	/* 9 § 8 in own regi -> LSS-handläggare; executed externally -> Boendeteamet */
	assert_string_equal(ii->ansvarig, "LSS-handläggare");
	assert_string_equal(ii->ansvarig_externt, "Boendeteamet");
	assert_string_equal(ii->short_name, "9§8");
	ii = templates_insats(t, templates_insats_find(t, "LSS9_6"));
	/* 9 § 6-7 stay with LSS-handläggare also when executed externally */
	assert_string_equal(ii->ansvarig_externt, "LSS-handläggare");
	ii = templates_insats(t, templates_insats_find(t, "LSS9_9"));
	assert_string_equal(ii->ansvarig, "Boendeteamet");
	ii = templates_insats(t, templates_insats_find(t, "LSS9_10"));
	assert_string_equal(ii->ansvarig, "Centralen för sysselsättning");
	assert_string_equal(ii->name, "Daglig verksamhet");
	assert_string_equal(ii->short_name, "9§10");
	assert_string_equal(ii->paragraph, "9 § 10");
	ii = templates_insats(t, templates_insats_find(t, "SOL_SARSKILT_BOENDE"));
	assert_string_equal(ii->ansvarig, "Boendeförmedlingen");
	assert_string_equal(ii->ansvarig_externt, "Boendeförmedlingen");
	assert_string_equal(ii->name, "Särskilt boende (vårdboende)");
	assert_string_equal(ii->short_name, "Särskilt boende");
	assert_string_equal(ii->paragraph, "");
	ii = templates_insats(t, templates_insats_find(t, "SOL_HEMTJANST"));
	assert_string_equal(ii->ansvarig, "Biståndshandläggare");
	assert_string_equal(ii->short_name, "Hemtjänst");
	templates_free(t);
}

static void test_skal_catalogue(void **state)
{
	(void)state;
	struct templates *t = load_real();
	const struct skal_info *s = templates_skal_find(t, "den_enskilde", "nej_annat");
	assert_non_null(s);
	assert_string_equal(s->text, "Den enskilde har tackat nej - Annat");
	assert_string_equal(s->kategori, "den_enskilde");
	assert_string_equal(s->kategori_text, "Hos den enskilde");
	s = templates_skal_find(t, "kommunen", "saknar_plats");
	assert_non_null(s);
	assert_string_equal(s->kategori_text, "Hos kommunen");
	/* "annat" exists in every kategori, each its own row */
	const struct skal_info *a1 = templates_skal_find(t, "kommunen", "annat");
	const struct skal_info *a2 = templates_skal_find(t, "utanfor_kommunen", "annat");
	const struct skal_info *a3 = templates_skal_find(t, "den_enskilde", "annat");
	assert_non_null(a1);
	assert_non_null(a2);
	assert_non_null(a3);
	assert_ptr_not_equal(a1, a2);
	assert_ptr_not_equal(a2, a3);
	assert_string_equal(a2->kategori_text, "Utanför kommunen");
	/* a code of another kategori is not found */
	assert_null(templates_skal_find(t, "kommunen", "nej_annat"));
	assert_null(templates_skal_find(t, "hos_kommunen", "annat"));
	assert_string_equal(templates_kategori_text(t, "utanfor_kommunen"), "Utanför kommunen");
	assert_string_equal(templates_kategori_text(t, "den_enskilde"), "Hos den enskilde");
	assert_null(templates_kategori_text(t, "Hos kommunen"));
	/* a pair's row gives the pair back (records keep the row) */
	int row = templates_skal_index(t, "utanfor_kommunen", "annat");
	assert_true(row >= 0);
	assert_ptr_equal(templates_skal(t, row), a2);
	assert_int_equal(templates_skal_index(t, "kommunen", "nej_annat"), -1);
	assert_null(templates_skal(t, -1));
	assert_null(templates_skal(t, 100000));
	templates_free(t);
}

static void test_texts(void **state)
{
	(void)state;
	struct templates *t = load_real();
	assert_string_equal(templates_text(t, "avslutsorsak.avliden"), "Den enskilde har avlidit");
	assert_string_equal(templates_text(t, "avslutsorsak.lopt_ut"),
			    "Beslutet har upphört att gälla");
	assert_string_equal(templates_text(t, "maltidstyp.mellanmal"), "Mellanmål");
	assert_string_equal(templates_text(t, "omfattning_enhet.tim/man"), "timmar per månad");
	/* an enhet by its code; none (and out of range) is no text */
	assert_string_equal(templates_enhet(t, ENHET_TIM_MAN), "timmar per månad");
	assert_string_equal(templates_enhet(t, ENHET_ST_MAN),
			    templates_text(t, "omfattning_enhet.st/man"));
	assert_string_equal(templates_enhet(t, ENHET_NONE), "");
	assert_string_equal(templates_enhet(t, ENHET__N), "");
	assert_string_equal(templates_text(t, "kon.K"), "Kvinna");
	assert_string_equal(templates_text(t, "kon.M"), "Man");
	assert_string_equal(templates_text(t, "rapporttyp.slut_verkstallt"),
			    "Slutrapportering, verkställt");
	assert_string_equal(templates_text(t, "reject.invalid_date"), "Ogiltigt datum");
	/* the message title prefix keeps its trailing blank: "IVO - Nyrapportering" */
	assert_string_equal(templates_text(t, "titel.prefix"), "IVO - ");
	/* an unknown key comes back as itself */
	assert_string_equal(templates_text(t, "no.such.key"), "no.such.key");
	assert_string_equal(templates_text(t, "KON.K"), "KON.K");
	templates_free(t);
}

static void test_every_required_key_resolves(void **state)
{
	(void)state;
	struct templates *t = load_real();
	int n = 0;
	for (const char *const *k = template_required_texts; *k; k++, n++)
		if (templates_text(t, *k) == *k || strcmp(templates_text(t, *k), *k) == 0)
			fail_msg("text '%s' does not resolve", *k);
	assert_true(n > 100);
	for (const char *const *k = template_required_layouts; *k; k++) {
		char book[64], sheet[64], column[64] = "";
		const char *col = column;
		int f = sscanf(*k, "%63[^/]/%63[^/]/%63s", book, sheet, column);
		assert_true(f >= 2);
		const char *name, *header;
		struct evb_error err = { 0 };
		if (templates_layout(t, book, sheet, f == 3 ? &col : NULL, f == 3 ? 1 : 0,
				     &name, &header, &err) != 0)
			fail_msg("layout '%s': %s", *k, err.message);
		assert_true(name[0] != '\0');
	}
	templates_free(t);
}

static void test_ivo_layout_is_spec_5_1(void **state)
{
	(void)state;
	static const char *const keys[] = {
		"rapporttyp", "meddelanderubrik", "ansvarig", "ivo_id", "personnummer",
		"namn", "kon", "lagrum", "insats", "beslut_id", "beslutsdatum",
		"forhandsbesked", "avbrottsdatum", "tremanadersdatum", "meddelande_senast",
		"verkstallt_datum", "avslutat_datum", "avslutsorsak", "vantetid_dagar",
		"huvudsakligt_skal", "orsak", "senaste_erbjudande", "tackat_nej",
		"tidigare_beslut", "forsta_beslutsdatum", "utforare",
		"skyddade_personuppgifter", "sammanfattning",
	};
	/* SPEC 5.1, in this order */
	static const char *const spec[] = {
		"Rapporttyp", "Meddelanderubrik", "Ansvarig rapportör", "IVO-id",
		"Personnummer", "Namn", "Kön", "Lagrum", "Insats", "Beslut-id",
		"Beslutsdatum", "Förhandsbesked", "Avbrottsdatum", "Tremånadersdatum",
		"Meddelande senast", "Verkställt datum", "Avslutat datum", "Avslutsorsak",
		"Väntetid (dagar)", "Huvudsakligt skäl", "Orsak", "Senaste erbjudande",
		"Tackat nej", "Tidigare beslut", "Första beslutsdatum i kedjan", "Utförare",
		"Skyddade personuppgifter", "Sammanfattning",
	};
	assert_int_equal(sizeof(keys) / sizeof(keys[0]), 28);
	assert_int_equal(sizeof(spec) / sizeof(spec[0]), 28);
	struct templates *t = load_real();
	const char *name, *headers[28];
	struct evb_error err = { 0 };
	assert_int_equal(templates_layout(t, "ivo", "individrapporter", keys, 28, &name,
					  headers, &err), 0);
	assert_string_equal(name, "Individrapporter");
	for (int i = 0; i < 28; i++)
		assert_string_equal(headers[i], spec[i]);
	templates_free(t);
}

static void test_common_sheet_names(void **state)
{
	(void)state;
	static const char *const books[] = {
		"kontroll", "ivo", "statistik", "maltider", "avgift", "bevakning",
	};
	struct templates *t = load_real();
	for (size_t i = 0; i < sizeof(books) / sizeof(books[0]); i++) {
		const char *name;
		struct evb_error err = { 0 };
		/* SPEC 5: every workbook has "Sammanfattning" and "Avvisade rader" */
		assert_int_equal(templates_layout(t, books[i], "sammanfattning", NULL, 0,
						  &name, NULL, &err), 0);
		assert_string_equal(name, "Sammanfattning");
		assert_int_equal(templates_layout(t, books[i], "avvisade", NULL, 0,
						  &name, NULL, &err), 0);
		assert_string_equal(name, "Avvisade rader");
	}
	const char *name, *h[3];
	static const char *const cols[] = { "fil", "rad", "orsak" };
	struct evb_error err = { 0 };
	assert_int_equal(templates_layout(t, "kontroll", "avvisade", cols, 3, &name, h, &err), 0);
	assert_string_equal(h[0], "Fil");
	assert_string_equal(h[1], "Rad");
	assert_string_equal(h[2], "Orsak");
	assert_int_equal(templates_layout(t, "avgift", "per_person", NULL, 0, &name, NULL, &err), 0);
	assert_string_equal(name, "Per person");
	assert_int_equal(templates_layout(t, "maltider", "maltider", NULL, 0, &name, NULL, &err), 0);
	assert_string_equal(name, "Måltider");
	templates_free(t);
}

static void test_layout_unknown_keys(void **state)
{
	(void)state;
	struct templates *t = load_real();
	const char *name, *h[2];
	static const char *const cols[] = { "fil", "nope" };
	struct evb_error err = { 0 };
	assert_int_equal(templates_layout(t, "kontroll", "avvisade", cols, 2, &name, h, &err),
			 EVB_ETEMPLATE);
	assert_string_equal(err.column, "nope");
	assert_true(ends_with(err.file, "layouts.csv"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(templates_layout(t, "kontroll", "nosheet", NULL, 0, &name, NULL, &err),
			 EVB_ETEMPLATE);
	assert_non_null(strstr(err.message, "kontroll/nosheet"));
	/* a sheet key of another book is not found */
	assert_int_equal(templates_layout(t, "kontroll", "individrapporter", NULL, 0, &name,
					  NULL, &err), EVB_ETEMPLATE);
	templates_free(t);
}

static void test_xsd_path(void **state)
{
	(void)state;
	struct templates *t = load_real();
	assert_string_equal(templates_xsd_path(t), REAL_DIR "/evb-export.xsd");
	templates_free(t);
	/* a trailing slash does not double */
	struct evb_error err = { 0 };
	t = templates_load(REAL_DIR "/", &err);
	assert_non_null(t);
	assert_string_equal(templates_xsd_path(t), REAL_DIR "/evb-export.xsd");
	templates_free(t);
}

/* ---- broken templates: insatser.csv ------------------------------------------------ */

static void test_copy_loads(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	struct evb_error err = { 0 };
	struct templates *t = templates_load(d.path, &err);
	assert_non_null(t);
	templates_free(t);
	tdir_remove(&d);
}

static void test_duplicate_insats_code(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_use_fixture(&d, "insatser.csv", FIXTURES "/insatser-duplicate-code.csv");
	expect_broken(&d, "insatser.csv", 6, "duplicate insats code 'LSS9_2' (first on line 3)");
	tdir_remove(&d);
}

static void test_missing_insats_code(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_use_fixture(&d, "insatser.csv", FIXTURES "/insatser-missing-code.csv");
	expect_broken(&d, "insatser.csv", 0, "missing insats code 'SOL_SYSSELSATTNING'");
	tdir_remove(&d);
}

static void test_bad_lagrum(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_use_fixture(&d, "insatser.csv", FIXTURES "/insatser-bad-lagrum.csv");
	expect_broken(&d, "insatser.csv", 4, "'SFB'");
	tdir_remove(&d);
}

static void test_lagrum_must_match_code(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_edit_line(&d, "insatser.csv", "SOL_HEMTJANST;",
				   "SOL_HEMTJANST;LSS;;Hemtjänst;Hemtjänst;B;B;1");
	expect_broken(&d, "insatser.csv", line, "belongs to SoL");
	tdir_remove(&d);
}

static void test_unknown_insats_code(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_append_line(&d, "insatser.csv", "SOL_BADRUM;SoL;;Badrum;Badrum;B;B;1");
	expect_broken(&d, "insatser.csv", line, "unknown insats code 'SOL_BADRUM'");
	tdir_remove(&d);
}

static void test_rapporteringspliktig_is_0_or_1(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_edit_line(&d, "insatser.csv", "SOL_LEDSAGNING;",
				   "SOL_LEDSAGNING;SoL;;Ledsagning;Ledsagning;B;B;ja");
	expect_broken(&d, "insatser.csv", line, "rapporteringspliktig 'ja'");
	tdir_remove(&d);
}

static void test_rapporteringspliktig_0_is_kept(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_edit_line(&d, "insatser.csv", "SOL_TRYGGHETSLARM;",
		       "SOL_TRYGGHETSLARM;SoL;;Trygghetslarm;Larm;B;B;0");
	struct evb_error err = { 0 };
	struct templates *t = templates_load(d.path, &err);
	assert_non_null(t);
	const struct insats_info *ii =
		templates_insats(t, templates_insats_find(t, "SOL_TRYGGHETSLARM"));
	assert_false(ii->rapporteringspliktig);
	assert_string_equal(ii->short_name, "Larm");
	assert_true(templates_insats(t, templates_insats_find(t, "SOL_HEMTJANST"))
		    ->rapporteringspliktig);
	templates_free(t);
	tdir_remove(&d);
}

static void test_insats_empty_name(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_edit_line(&d, "insatser.csv", "LSS9_5;",
				   "LSS9_5;LSS;9 § 5;;9§5;LSS-handläggare;LSS-handläggare;1");
	expect_broken(&d, "insatser.csv", line, "empty value");
	struct evb_error err = { 0 };
	assert_null(templates_load(d.path, &err));
	assert_string_equal(err.column, "namn");
	tdir_remove(&d);
}

static void test_insats_wrong_field_count(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_edit_line(&d, "insatser.csv", "LSS9_5;",
				   "LSS9_5;LSS;9 § 5;Avlösarservice;9§5;LSS-handläggare;1");
	expect_broken(&d, "insatser.csv", line, "expected 8 fields, found 7");
	tdir_remove(&d);
}

static void test_wrong_header(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_use_fixture(&d, "insatser.csv", FIXTURES "/insatser-wrong-header.csv");
	expect_broken(&d, "insatser.csv", 2, "expected 'code' in column 1, found 'kod'");
	tdir_remove(&d);
}

static void test_header_with_extra_column(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_edit_line(&d, "texts.csv", "key;", "key;text;comment");
	expect_broken(&d, "texts.csv", line, "unexpected column 3");
	tdir_remove(&d);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	/* fixture line 12 holds "Hemtj\xe4nst" (Windows-1252) */
	tdir_use_fixture(&d, "insatser.csv", FIXTURES "/insatser-latin1.csv");
	expect_broken(&d, "insatser.csv", 12, NULL);
	tdir_remove(&d);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	char p[256];
	tdir_file(&d, "skal.csv", p, sizeof(p));
	assert_int_equal(unlink(p), 0);
	expect_broken(&d, "skal.csv", 0, NULL);
	tdir_remove(&d);
}

static void test_unreadable_file(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	char p[256];
	tdir_file(&d, "texts.csv", p, sizeof(p));
	if (geteuid() != 0) {
		/* root reads anything: then only the folder case below runs */
		assert_int_equal(chmod(p, 0), 0);
		expect_broken(&d, "texts.csv", 0, NULL);
		assert_int_equal(chmod(p, 0600), 0);
	}
	/* a folder where the file should be */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	expect_broken(&d, "texts.csv", 0, NULL);
	tdir_remove(&d);
}

static void test_empty_file(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	char p[256];
	tdir_file(&d, "layouts.csv", p, sizeof(p));
	write_all(p, "# only a comment\n", 17);
	expect_broken(&d, "layouts.csv", 0, "no header row");
	tdir_remove(&d);
}

static void test_missing_xsd(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	char p[256];
	tdir_file(&d, "evb-export.xsd", p, sizeof(p));
	assert_int_equal(unlink(p), 0);
	expect_broken(&d, "evb-export.xsd", 0, NULL);
	write_all(p, "", 0);
	expect_broken(&d, "evb-export.xsd", 0, "empty template");
	tdir_remove(&d);
}

/* ---- broken templates: skal.csv ---------------------------------------------------- */

static void test_skal_unknown_kategori(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_append_line(&d, "skal.csv", "regionen;Hos regionen;annat;Annat");
	expect_broken(&d, "skal.csv", line, "unknown kategori 'regionen'");
	tdir_remove(&d);
}

static void test_skal_duplicate_pair(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long first = tdir_edit_line(&d, "skal.csv", "kommunen;Hos kommunen;smitta;",
				    "kommunen;Hos kommunen;smitta;Smitta");
	long line = tdir_append_line(&d, "skal.csv", "kommunen;Hos kommunen;smitta;Igen");
	char msg[80];
	snprintf(msg, sizeof(msg), "duplicate skal 'kommunen/smitta' (first on line %ld)", first);
	expect_broken(&d, "skal.csv", line, msg);
	tdir_remove(&d);
}

static void test_skal_same_code_in_two_kategorier_is_fine(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_append_line(&d, "skal.csv", "utanfor_kommunen;Utanför kommunen;smitta;Smitta");
	struct evb_error err = { 0 };
	struct templates *t = templates_load(d.path, &err);
	assert_non_null(t);
	assert_string_equal(templates_skal_find(t, "utanfor_kommunen", "smitta")->text, "Smitta");
	templates_free(t);
	tdir_remove(&d);
}

static void test_skal_kategori_text_must_agree(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_append_line(&d, "skal.csv", "kommunen;Kommunen;ny_kod;Ny kod");
	expect_broken(&d, "skal.csv", line, "kategori 'kommunen' has two texts");
	tdir_remove(&d);
}

static void test_skal_kategori_missing(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_edit_line(&d, "skal.csv", "utanfor_kommunen;", NULL);
	tdir_edit_line(&d, "skal.csv", "utanfor_kommunen;", NULL);
	tdir_edit_line(&d, "skal.csv", "utanfor_kommunen;", NULL);
	expect_broken(&d, "skal.csv", 0, "no skal for kategori 'utanfor_kommunen'");
	tdir_remove(&d);
}

/* ---- broken templates: texts.csv --------------------------------------------------- */

static void test_missing_required_text(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_edit_line(&d, "texts.csv", "reject.invalid_date;", NULL);
	expect_broken(&d, "texts.csv", 0, "missing required text 'reject.invalid_date'");
	tdir_remove(&d);
}

static void test_duplicate_text_key(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long first = tdir_edit_line(&d, "texts.csv", "kon.K;", "kon.K;Kvinna");
	long line = tdir_append_line(&d, "texts.csv", "kon.K;Flicka");
	char msg[80];
	snprintf(msg, sizeof(msg), "duplicate text key 'kon.K' (first on line %ld)", first);
	expect_broken(&d, "texts.csv", line, msg);
	tdir_remove(&d);
}

static void test_empty_text(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_edit_line(&d, "texts.csv", "nej;", "nej;");
	expect_broken(&d, "texts.csv", line, "empty text for key 'nej'");
	tdir_remove(&d);
}

static void test_control_character_in_text(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_edit_line(&d, "texts.csv", "ja;", "ja;J\ta");
	expect_broken(&d, "texts.csv", line, "control character");
	tdir_remove(&d);
}

static void test_text_key_with_blank(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_append_line(&d, "texts.csv", "extra key;Text");
	expect_broken(&d, "texts.csv", line, "must be ASCII");
	tdir_remove(&d);
}

static void test_extra_text_key_is_fine(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_append_line(&d, "texts.csv", "local.note;Lokal anteckning");
	struct evb_error err = { 0 };
	struct templates *t = templates_load(d.path, &err);
	assert_non_null(t);
	assert_string_equal(templates_text(t, "local.note"), "Lokal anteckning");
	templates_free(t);
	tdir_remove(&d);
}

/* ---- looks.csv ---------------------------------------------------------------------- */

/* The real looks: Individrapporter is identified by Personnummer and Namn
 * (columns 5-6, frozen with the four left of them), its long texts wrap;
 * Sammanfattning is a key/value sheet; a sheet not listed is a plain
 * table. */
static void test_looks_of_real_templates(void **state)
{
	(void)state;
	struct templates *t = load_real();
	static const char *const keys[] = { "rapporttyp", "meddelanderubrik", "ansvarig",
					    "ivo_id", "personnummer", "namn", "kon",
					    "sammanfattning" };
	struct sheet_look look;
	struct evb_error err = { 0 };
	assert_int_equal(templates_look(t, "ivo", "individrapporter", keys, 8, &look, &err), 0);
	assert_int_equal(look.id_first, 4);
	assert_int_equal(look.nid, 2);
	assert_false(look.key_value);
	assert_int_equal(look.wrap[7], 90);
	assert_int_equal(look.wrap[6], 0);
	static const char *const kv[] = { "uppgift", "varde" };
	assert_int_equal(templates_look(t, "avgift", "sammanfattning", kv, 2, &look, &err), 0);
	assert_true(look.key_value);
	assert_int_equal(look.nid, 0);
	/* identifying columns apart from each other: a template error */
	static const char *const apart[] = { "personnummer", "kon", "namn", "lagrum" };
	assert_int_equal(templates_look(t, "ivo", "individrapporter", apart, 4, &look, &err),
			 EVB_ETEMPLATE);
	assert_non_null(strstr(err.message, "not next to"));
	/* the last column identifying: nothing left to scroll */
	static const char *const last[] = { "kon", "personnummer" };
	assert_int_equal(templates_look(t, "ivo", "individrapporter", last, 2, &look, &err),
			 EVB_ETEMPLATE);
	templates_free(t);
}

static void test_broken_looks(void **state)
{
	(void)state;
	static const struct {
		const char *line, *msg;
	} cases[] = {
		{ "ivo;individrapporter;namn;id;7", "wrap width (8 to 120)" },
		{ "ivo;individrapporter;namn;id;121", "wrap width (8 to 120)" },
		{ "ivo;individrapporter;namn;id;x", "wrap width" },
		{ "ivo;sammanfattning;;tabell;20", "wrap width" },
		{ "ivo;individrapporter;namn;fet;", "unknown look 'fet' for a column" },
		{ "ivo;individrapporter;;id;", "unknown look 'id' for a sheet" },
		{ "ivo;individrapporter;finns_inte;text;", "is not in layouts.csv" },
		{ "ivo;inget_blad;;tabell;", "is not in layouts.csv" },
		{ "ivo;individrapporter;Namn;text;", "may only hold" },
		{ "ivo;individrapporter;sammanfattning;text;40", "twice (first on line" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tdir d;
		tdir_make(&d);
		long line = tdir_append_line(&d, "looks.csv", cases[i].line);
		expect_broken(&d, "looks.csv", line, cases[i].msg);
		tdir_remove(&d);
	}
}

/* ---- broken templates: layouts.csv -------------------------------------------------- */

static void test_missing_required_column(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_edit_line(&d, "layouts.csv", "ivo;individrapporter;ivo_id;", NULL);
	expect_broken(&d, "layouts.csv", 0,
		      "missing required column header 'ivo/individrapporter/ivo_id'");
	tdir_remove(&d);
}

static void test_missing_sheet_name_row(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_edit_line(&d, "layouts.csv", "avgift;per_person;;", NULL);
	/* the first remaining row of the sheet is reported */
	long line = tdir_edit_line(&d, "layouts.csv", "avgift;per_person;personnummer;",
				   "avgift;per_person;personnummer;Personnummer");
	expect_broken(&d, "layouts.csv", line, "sheet 'avgift/per_person' has no name row");
	tdir_remove(&d);
}

static void test_duplicate_layout_entry(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_append_line(&d, "layouts.csv", "kontroll;avvisade;rad;Radnummer");
	expect_broken(&d, "layouts.csv", line, "duplicate layout entry 'kontroll/avvisade/rad'");
	tdir_remove(&d);
}

static void test_duplicate_header_in_sheet(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_append_line(&d, "layouts.csv", "kontroll;avvisade;extra;Orsak");
	expect_broken(&d, "layouts.csv", line, "header 'Orsak' used twice");
	tdir_remove(&d);
}

static void test_duplicate_sheet_name_in_book(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	/* Excel compares sheet names without case */
	long line = tdir_append_line(&d, "layouts.csv", "ivo;extra;;kontroller");
	expect_broken(&d, "layouts.csv", line, "sheet name 'kontroller' used twice in book 'ivo'");
	tdir_remove(&d);
}

static void test_sheet_name_rules(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	/* 32 characters: one over Excel's limit */
	long line = tdir_edit_line(&d, "layouts.csv", "kontroll;inlasning;;",
				   "kontroll;inlasning;;Inläsning av filer och poster nu");
	expect_broken(&d, "layouts.csv", line, "longer than 31 characters");
	tdir_remove(&d);

	tdir_make(&d);
	line = tdir_edit_line(&d, "layouts.csv", "kontroll;inlasning;;",
			      "kontroll;inlasning;;Inläsning/filer");
	expect_broken(&d, "layouts.csv", line, "holds one of");
	tdir_remove(&d);

	/* 31 characters with two non-ASCII letters is fine */
	tdir_make(&d);
	tdir_edit_line(&d, "layouts.csv", "kontroll;inlasning;;",
		       "kontroll;inlasning;;Inläsning av filer och poster ä");
	struct evb_error err = { 0 };
	struct templates *t = templates_load(d.path, &err);
	assert_non_null(t);
	templates_free(t);
	tdir_remove(&d);
}

static void test_layout_key_charset(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_append_line(&d, "layouts.csv", "kontroll;avvisade;Extra;Extra");
	expect_broken(&d, "layouts.csv", line, "may only hold a-z");
	tdir_remove(&d);
}

/* ---- taxor.csv and maxtaxa.csv ------------------------------------------------------- */

static void test_real_prices(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct templates *t = templates_load(REAL_DIR, &err);
	assert_non_null(t);
	int hemtjanst = templates_insats_find(t, "SOL_HEMTJANST");
	int lss = templates_insats_find(t, "LSS9_10");
	/* 2025-12-01 is priced by the 2025 row, 2026-01-01 by the 2026 row */
	assert_int_equal(templates_price_insats(t, hemtjanst, ENHET_TIM_MAN, D("2025-12-01")), 41200);
	assert_int_equal(templates_price_insats(t, hemtjanst, ENHET_TIM_MAN, D("2026-01-01")), 42500);
	/* before the first row there is no price */
	assert_int_equal(templates_price_insats(t, hemtjanst, ENHET_TIM_MAN, D("2024-12-31")), -1);
	/* hemtjänst has no per-day price and no row for every unit */
	assert_int_equal(templates_price_insats(t, hemtjanst, ENHET_DYGN_MAN, D("2026-01-01")), -1);
	/* LSS is free of charge for every unit, also with no unit */
	assert_int_equal(templates_price_insats(t, lss, ENHET_TIM_VECKA, D("2026-10-01")), 0);
	assert_int_equal(templates_price_insats(t, lss, ENHET_NONE, D("2026-10-01")), 0);
	assert_int_equal(templates_price_maltid(t, MT_LUNCH, D("2026-10-01")), 6800);
	assert_int_equal(templates_price_maltid(t, MT_LUNCH, D("2025-10-01")), 6500);
	int64_t pbb = 0;
	/* 0.5392 x 58 800 / 12 = 2 642.08 -> 2 642; 0.5392 x 59 200 / 12 = 2 660.05 -> 2 660 */
	assert_int_equal(templates_maxtaxa(t, 2025, &pbb), 2642);
	assert_int_equal(pbb, 58800);
	assert_int_equal(templates_maxtaxa(t, 2026, NULL), 2660);
	assert_int_equal(templates_maxtaxa(t, 2199, NULL), -1);
	templates_free(t);
}

static void test_price_for_every_unit_and_exact_unit(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	/* a row for every unit from 2026-03-01 and an exact one from 2026-06-01 */
	tdir_append_line(&d, "taxor.csv", "insats;SOL_HEMTJANST;;100;2026-03-01");
	tdir_append_line(&d, "taxor.csv", "insats;SOL_HEMTJANST;dygn/man;7,5;2026-06-01");
	struct evb_error err = { 0 };
	struct templates *t = templates_load(d.path, &err);
	assert_non_null(t);
	int h = templates_insats_find(t, "SOL_HEMTJANST");
	assert_int_equal(templates_price_insats(t, h, ENHET_DYGN_MAN, D("2026-02-28")), -1);
	assert_int_equal(templates_price_insats(t, h, ENHET_DYGN_MAN, D("2026-03-01")), 10000);
	/* "7,5" is 7.50 kr = 750 öre */
	assert_int_equal(templates_price_insats(t, h, ENHET_DYGN_MAN, D("2026-06-01")), 750);
	/* the exact unit wins over the row for every unit */
	assert_int_equal(templates_price_insats(t, h, ENHET_TIM_MAN, D("2026-06-01")), 42500);
	templates_free(t);
	tdir_remove(&d);
}

static void test_taxa_rows_checked(void **state)
{
	(void)state;
	static const struct {
		const char *row, *column, *msg;
	} bad[] = {
		{ "insats;SOL_OKAND;tim/man;1;2026-01-01", "kod", "unknown insats code" },
		{ "insats;SOL_HEMTJANST;tim/dag;1;2026-01-01", "enhet", "unknown omfattning_enhet" },
		{ "maltid;brunch;;1;2026-01-01", "kod", "unknown maltidstyp" },
		{ "maltid;lunch;st/man;1;2026-01-01", "enhet", "a meal price has no enhet" },
		{ "avgift;lunch;;1;2026-01-01", "typ", "neither 'insats' nor 'maltid'" },
		{ "maltid;lunch;;1,005;2026-01-01", "pris", "at most two decimals" },
		{ "maltid;lunch;;-1;2026-01-01", "pris", "at most two decimals" },
		{ "maltid;lunch;;;2026-01-01", "pris", "at most two decimals" },
		{ "maltid;lunch;;1 000;2026-01-01", "pris", "at most two decimals" },
		{ "maltid;lunch;;1;2026-02-30", "giltig_from", "not YYYY-MM-DD" },
		{ "maltid;lunch;;1;20260101", "giltig_from", "not YYYY-MM-DD" },
		{ "maltid;lunch;;70;2026-01-01", "giltig_from", "two prices for maltid lunch" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tdir d;
		tdir_make(&d);
		long line = tdir_append_line(&d, "taxor.csv", bad[i].row);
		expect_broken(&d, "taxor.csv", line, bad[i].msg);
		struct evb_error err = { 0 };
		assert_null(templates_load(d.path, &err));
		assert_string_equal(err.column, bad[i].column);
		tdir_remove(&d);
	}
}

static void test_maxtaxa_checked_against_formula(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	/* 0.5392 x 60 000 / 12 = 2 696.00: 2 697 is wrong */
	long line = tdir_append_line(&d, "maxtaxa.csv", "2027;60000;2697");
	expect_broken(&d, "maxtaxa.csv", line, "does not match 0.5392 x 60000 / 12 = 2696 kr");
	tdir_edit_line(&d, "maxtaxa.csv", "2027;", "2027;60000;2696");
	struct evb_error err = { 0 };
	struct templates *t = templates_load(d.path, &err);
	assert_non_null(t);
	assert_int_equal(templates_maxtaxa(t, 2027, NULL), 2696);
	templates_free(t);
	/* rounding to nearest: 0.5392 x 57 300 / 12 = 2 574.68 -> 2 575, not 2 574 */
	line = tdir_edit_line(&d, "maxtaxa.csv", "2024;", "2024;57300;2574");
	expect_broken(&d, "maxtaxa.csv", line, "= 2575 kr");
	tdir_remove(&d);
}

static void test_maxtaxa_year_twice_and_bad_numbers(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_append_line(&d, "maxtaxa.csv", "2026;59200;2660");
	expect_broken(&d, "maxtaxa.csv", line, "year 2026 twice");
	line = tdir_edit_line(&d, "maxtaxa.csv", "2026;59200;2660", "2026;59 200;2660");
	expect_broken(&d, "maxtaxa.csv", line, "'59 200' is not a whole number");
	tdir_remove(&d);
}

/* ---- meddelande.csv ---------------------------------------------------------------- */

/* The real body: the journal note's heading first; a line whose fields
 * are all empty is left out; a protected person gets the IVO-id and the
 * pointer to the journal, never name and personnummer. */
static void test_message_body_layout(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	struct templates *t = templates_load(REAL_DIR, &err);
	assert_non_null(t);
	const char *v[MF__N] = { 0 };
	v[MF_NAMN] = "Holm, Greta";
	v[MF_PERSONNUMMER] = "19410602-2207";
	v[MF_IVO_ID] = "19410602-T586";
	v[MF_INSATS] = "Hemtjänst";
	v[MF_LAGRUM] = "SoL";
	v[MF_BESLUTSDATUM] = "2026-05-10";
	v[MF_KONTAKT] = "2026-06-01: Samtal med dottern";
	char buf[1024];
	assert_int_equal(templates_message(t, false, v, buf, sizeof(buf)), 0);
	static const char head[] = "Ej verkställda beslut\nGäller: Holm, Greta, 19410602-2207\n";
	assert_true(strncmp(buf, head, strlen(head)) == 0);
	assert_non_null(strstr(buf, "\nInsats: Hemtjänst (SoL)\n"));
	assert_non_null(strstr(buf, "\nSenaste kontakt: 2026-06-01: Samtal med dottern"));
	/* no value: no line */
	assert_null(strstr(buf, "Avbrottsdatum"));
	assert_null(strstr(buf, "Skyddade personuppgifter"));
	assert_null(strstr(buf, "IVO-id"));
	assert_int_equal(buf[strlen(buf) - 1] != '\n', 1);

	assert_int_equal(templates_message(t, true, v, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "Gäller: Skyddad identitet, IVO-id 19410602-T586\n"
				    "Skyddade personuppgifter: Ja\n"));
	assert_null(strstr(buf, "Holm"));
	assert_null(strstr(buf, "19410602-2207"));
	assert_non_null(strstr(buf, "se journalen"));

	/* too small a buffer is said, not overrun */
	assert_int_equal(templates_message(t, false, v, buf, 20), EVB_ETOOBIG);
	assert_int_equal(strlen(buf), 19);
	templates_free(t);
}

/* Each {field} of a line takes its own value, whatever the order of the
 * fields in the line against their order in the list; a line is kept when
 * any one of its fields has a value, the last as well as the first. */
static void test_message_fields_in_line_order(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	tdir_append_line(&d, "meddelande.csv", ";Omvänd: {sammanfattning}/{lagrum}/{namn}");
	tdir_append_line(&d, "meddelande.csv", ";Först: {ivo_id}{namn} {avslutat}");
	tdir_append_line(&d, "meddelande.csv", ";Sist: {avslutat} {avslutsorsak}");
	tdir_append_line(&d, "meddelande.csv", ";Ingen: {verkstallt} {avslutat}");
	struct evb_error err = { 0 };
	struct templates *t = templates_load(d.path, &err);
	assert_non_null(t);
	const char *v[MF__N] = { 0 };
	v[MF_NAMN] = "Holm, Greta";
	v[MF_LAGRUM] = "LSS";
	v[MF_SAMMANFATTNING] = "Väntar";
	v[MF_AVSLUTSORSAK] = "Avliden";
	v[MF_VERKSTALLT] = "";
	char buf[2048];
	assert_int_equal(templates_message(t, false, v, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "\nOmvänd: Väntar/LSS/Holm, Greta\n"));
	assert_non_null(strstr(buf, "\nFörst: Holm, Greta \n"));
	/* the last line: no final newline */
	assert_non_null(strstr(buf, "\nSist:  Avliden"));
	assert_int_equal(strcmp(buf + strlen(buf) - strlen("Sist:  Avliden"), "Sist:  Avliden"), 0);
	assert_null(strstr(buf, "Ingen:"));
	templates_free(t);
	tdir_remove(&d);
}

static void test_message_template_checked(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	long line = tdir_append_line(&d, "meddelande.csv", ";Okänt: {okand}");
	expect_broken(&d, "meddelande.csv", line, "unknown field '{okand}'");
	/* a field's name is whole: not the start of one ("rubrik"), nor one
	 * and more ("namn") */
	line = tdir_edit_line(&d, "meddelande.csv", ";Okänt", ";Kort: {rubr}");
	expect_broken(&d, "meddelande.csv", line, "unknown field '{rubr}'");
	line = tdir_edit_line(&d, "meddelande.csv", ";Kort", ";Lång: {namnet}");
	expect_broken(&d, "meddelande.csv", line, "unknown field '{namnet}'");
	line = tdir_edit_line(&d, "meddelande.csv", ";Lång", ";Trasig: {namn");
	expect_broken(&d, "meddelande.csv", line, "'{' without '}'");
	line = tdir_edit_line(&d, "meddelande.csv", ";Trasig", "hemlig;Text");
	expect_broken(&d, "meddelande.csv", line, "unknown villkor 'hemlig'");
	tdir_remove(&d);
}

/* Memory runs out at each allocation of the load in turn (allocfail.h),
 * for good (once, fail_once false) or for that allocation alone: the load
 * fails and says it is out of memory (in which file, and at which line
 * where it has one), and leaves nothing allocated (the sanitizers' leak
 * check), until there are enough and it loads. The message body here has
 * a line longer than an arena block, whose text gets a block of its own
 * and fills it, so the list of fields of the line after it (line `after`)
 * needs a new block: the only allocation made for that line, which must
 * fail at that line too, also when the allocation after it, for the
 * line's text, would succeed. */
static void sweep_out_of_memory(const struct tdir *d, long after, bool fail_once)
{
	int failed_after = 0;
	unsigned long k = 1;
	for (;; k++) {
		struct evb_error err = { 0 };
		if (fail_once)
			alloc_fail_once(k);
		else
			alloc_fail_arm(k);
		struct templates *t = templates_load(d->path, &err);
		alloc_fail_arm(0);
		if (t) {
			templates_free(t);
			break;
		}
		/* EVB_ETEMPLATE where the failure has a template line to name */
		assert_true(err.code == EVB_ENOMEM || err.code == EVB_ETEMPLATE);
		assert_non_null(strstr(err.message, "out of memory"));
		if (strstr(err.file, "meddelande.csv") && err.line == after)
			failed_after++;
	}
	assert_true(k > 1);
	assert_int_equal(failed_after, 1);
}

static void test_out_of_memory_while_loading(void **state)
{
	(void)state;
	struct tdir d;
	tdir_make(&d);
	static char long_line[20 << 10];
	int n = snprintf(long_line, sizeof(long_line), ";Lång: {namn} ");
	memset(long_line + n, 'x', sizeof(long_line) - 1 - (size_t)n);
	tdir_append_line(&d, "meddelande.csv", long_line);
	long after = tdir_append_line(&d, "meddelande.csv", ";Efter: {lagrum}");
	sweep_out_of_memory(&d, after, false);
	sweep_out_of_memory(&d, after, true);
	tdir_remove(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_catalogue_has_the_21_codes),
		cmocka_unit_test(test_insats_find_is_exact),
		cmocka_unit_test(test_insats_routing),
		cmocka_unit_test(test_skal_catalogue),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_every_required_key_resolves),
		cmocka_unit_test(test_ivo_layout_is_spec_5_1),
		cmocka_unit_test(test_common_sheet_names),
		cmocka_unit_test(test_layout_unknown_keys),
		cmocka_unit_test(test_xsd_path),
		cmocka_unit_test(test_copy_loads),
		cmocka_unit_test(test_duplicate_insats_code),
		cmocka_unit_test(test_missing_insats_code),
		cmocka_unit_test(test_bad_lagrum),
		cmocka_unit_test(test_lagrum_must_match_code),
		cmocka_unit_test(test_unknown_insats_code),
		cmocka_unit_test(test_rapporteringspliktig_is_0_or_1),
		cmocka_unit_test(test_rapporteringspliktig_0_is_kept),
		cmocka_unit_test(test_insats_empty_name),
		cmocka_unit_test(test_insats_wrong_field_count),
		cmocka_unit_test(test_wrong_header),
		cmocka_unit_test(test_header_with_extra_column),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_missing_xsd),
		cmocka_unit_test(test_skal_unknown_kategori),
		cmocka_unit_test(test_skal_duplicate_pair),
		cmocka_unit_test(test_skal_same_code_in_two_kategorier_is_fine),
		cmocka_unit_test(test_skal_kategori_text_must_agree),
		cmocka_unit_test(test_skal_kategori_missing),
		cmocka_unit_test(test_missing_required_text),
		cmocka_unit_test(test_duplicate_text_key),
		cmocka_unit_test(test_empty_text),
		cmocka_unit_test(test_control_character_in_text),
		cmocka_unit_test(test_text_key_with_blank),
		cmocka_unit_test(test_extra_text_key_is_fine),
		cmocka_unit_test(test_missing_required_column),
		cmocka_unit_test(test_missing_sheet_name_row),
		cmocka_unit_test(test_duplicate_layout_entry),
		cmocka_unit_test(test_looks_of_real_templates),
		cmocka_unit_test(test_broken_looks),
		cmocka_unit_test(test_duplicate_header_in_sheet),
		cmocka_unit_test(test_duplicate_sheet_name_in_book),
		cmocka_unit_test(test_sheet_name_rules),
		cmocka_unit_test(test_layout_key_charset),
		cmocka_unit_test(test_real_prices),
		cmocka_unit_test(test_price_for_every_unit_and_exact_unit),
		cmocka_unit_test(test_taxa_rows_checked),
		cmocka_unit_test(test_maxtaxa_checked_against_formula),
		cmocka_unit_test(test_maxtaxa_year_twice_and_bad_numbers),
		cmocka_unit_test(test_message_body_layout),
		cmocka_unit_test(test_message_fields_in_line_order),
		cmocka_unit_test(test_message_template_checked),
		cmocka_unit_test(test_out_of_memory_while_loading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
