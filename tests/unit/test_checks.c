/* Unit tests: the data-quality checks of SPEC 5.5 (src/checks.c), each
 * with a record that must fire it and one that must not. */
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "checks.h"
#include "export.h"
#include "fees.h"
#include "meals.h"
#include "templates.h"

static struct templates *tpl;
static char dir[64];
static struct model m;

static void put(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	if (tmpdir_make(dir, "checks") || !(tpl = templates_load("../templates", &err)))
		return -1;
	/* person 19121212-1212 is listed; 19811218-9876 is not */
	put("personer.csv", "person_id;fornamn\n19121212-1212;Åsa\n");
	put("beslut.csv",
	    "beslut_id;person_id;lagrum;insats;beslutsdatum;utfall;giltig_tom;avslutad_datum;ersatter_beslut_id\n"
	    /* B1 2026-01-05.. and B2 2026-03-01.. overlap (same person, insats) */
	    "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;\n"
	    "B2;19121212-1212;SoL;SOL_HEMTJANST;2026-03-01;bifall;;;\n"
	    /* B3 ends 2026-02-28 and B4 replaces it from 2026-03-01: no overlap */
	    "B3;19121212-1212;SoL;SOL_BOENDESTOD;2026-01-05;bifall;2026-02-28;;\n"
	    "B4;19121212-1212;SoL;SOL_BOENDESTOD;2026-03-01;bifall;;;B3\n"
	    /* B5 ended 2026-04-20 before it was made 2026-05-01 */
	    "B5;19811218-9876;SoL;SOL_LEDSAGNING;2026-05-01;bifall;;2026-04-20;\n"
	    /* B6 replaces a decision missing from the export */
	    "B6;19811218-9876;SoL;SOL_TRYGGHETSLARM;2026-05-01;bifall;;;B99\n"
	    /* ten dagverksamhet decisions of 19121212-1212, the 1st to the 15th
	     * of each month from January to October, listed October first (a
	     * person with more than eight decisions), and B20 2026-05-10 to
	     * 2026-05-20, which overlaps B14 (2026-05-01 to 2026-05-15) */
	    "B19;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-10-01;bifall;2026-10-15;;\n"
	    "B18;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-09-01;bifall;2026-09-15;;\n"
	    "B17;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-08-01;bifall;2026-08-15;;\n"
	    "B16;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-07-01;bifall;2026-07-15;;\n"
	    "B15;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-06-01;bifall;2026-06-15;;\n"
	    "B14;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-05-01;bifall;2026-05-15;;\n"
	    "B13;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-04-01;bifall;2026-04-15;;\n"
	    "B12;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-03-01;bifall;2026-03-15;;\n"
	    "B11;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-02-01;bifall;2026-02-15;;\n"
	    "B10;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-01-01;bifall;2026-01-15;;\n"
	    "B20;19121212-1212;SoL;SOL_DAGVERKSAMHET;2026-05-10;bifall;2026-05-20;;\n"
	    /* B31 2026-01-02 to 2026-06-10, listed after B30 2026-06-01 to
	     * 2026-06-30: B30 overlaps it */
	    "B30;19811218-9876;SoL;SOL_HEMTJANST;2026-06-01;bifall;2026-06-30;;\n"
	    "B31;19811218-9876;SoL;SOL_HEMTJANST;2026-01-02;bifall;2026-06-10;;\n");
	put("bestallningar.csv", "bestallning_id;beslut_id;utforare;skickad\n"
	    "O1;B1;Hemtjänst Norr;2026-01-06 10:00\n");
	put("verkstalligheter.csv", "verkstallighet_id;beslut_id;startdatum;bestallning_id;slutdatum\n"
	    "V1;B1;2026-01-20;O1;2026-06-30\n"          /* fine */
	    "V2;B5;2026-04-25;;\n");                     /* before D, no order */
	put("avbrott.csv", "avbrott_id;beslut_id;fran_datum;till_datum\n"
	    "A1;B1;2026-02-01;2026-02-10\n"              /* inside V1: fine */
	    "A2;B1;2026-08-01;2026-08-10\n");            /* after V1 ended */
	/* H1: 4001 characters; H3: 4000; H4: 4000 characters in 4001 bytes
	 * (3999 x and an Å); H5: 4001 characters (4000 x and an Å) */
	char x4001[4002], x4000[4001], x3999[4000];
	memset(x4001, 'x', 4001);
	x4001[4001] = '\0';
	memcpy(x4000, x4001, 4000);
	x4000[4000] = '\0';
	memcpy(x3999, x4001, 3999);
	x3999[3999] = '\0';
	char h[20600];
	snprintf(h, sizeof(h), "handelse_id;beslut_id;datum;typ;text\n"
		 "H1;B1;2026-02-01;sammanfattning;%s\nH2;B1;2026-02-02;kontakt;kort\n"
		 "H3;B1;2026-02-03;kontakt;%s\nH4;B1;2026-02-04;kontakt;%sÅ\n"
		 "H5;B1;2026-02-05;kontakt;%sÅ\n", x4001, x4000, x3999, x4000);
	put("handelser.csv", h);
	const char *inputs[] = { dir };
	model_init(&m, D("2026-11-22"));
	if (export_read(&m, tpl, NULL, inputs, 1, &err) || checks_run(&m))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	model_release(&m);
	templates_free(tpl);
	return tmpdir_remove(dir);
}

/* The ids (joined by ',') of the findings of a check, in order. */
static const char *ids_of(const char *key)
{
	static char buf[256];
	buf[0] = '\0';
	for (uint32_t i = 0; i < m.findings.n; i++) {
		const struct finding *f = &m.findings.v[i];
		if (strcmp(finding_check(&m, f), key) != 0)
			continue;
		if (buf[0])
			strcat(buf, ",");
		strncat(buf, f->id ? str_get(&m, f->id) : "-", 40);
	}
	return buf;
}

static void test_overlapping_decisions(void **state)
{
	(void)state;
	/* B1/B2 overlap (listed on the later one, B2); B3/B4 do not: B4
	 * replaces B3 the day after its end; of the dagverksamhet decisions
	 * only B20 overlaps (B14); B30 overlaps B31. By person, then insats. */
	bool hem_first = templates_insats_find(tpl, "SOL_HEMTJANST") <
			 templates_insats_find(tpl, "SOL_DAGVERKSAMHET");
	assert_string_equal(ids_of("check.dubbla_beslut"),
			    hem_first ? "B2,B20,B30" : "B20,B2,B30");
}

/* SPEC 5.5: a finding names the decision it concerns (its Beslut-id), the
 * overlap names the other decision and its period, and Post-id is never a
 * personnummer. */
static void test_findings_name_their_decision(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < m.findings.n; i++) {
		const struct finding *f = &m.findings.v[i];
		if (strcmp(finding_check(&m, f), "check.person_saknas") == 0) {
			assert_int_equal(f->beslut, IDX_NONE);
			assert_int_equal(f->id, STR_NONE);   /* the person is in Personnummer */
			assert_int_not_equal(f->person, IDX_NONE);
			continue;
		}
		if (strncmp(finding_check(&m, f), "check.", 6) != 0 ||
		    strcmp(finding_check(&m, f), "check.teckenkodning") == 0)
			continue;
		assert_int_not_equal(f->beslut, IDX_NONE);
		assert_int_equal(f->person, m.beslut.v[f->beslut].person);
		if (strcmp(finding_check(&m, f), "check.dubbla_beslut") == 0) {
			/* B2 overlaps B1 (2026-01-05, open-ended), B20 overlaps
			 * B14 (2026-05-01 to 2026-05-15), B30 overlaps B31
			 * (2026-01-02 to 2026-06-10) */
			const char *id = str_get(&m, m.beslut.v[f->beslut].id);
			const char *other = strcmp(id, "B2") == 0 ? "B1"
					    : strcmp(id, "B20") == 0 ? "B14" : "B31";
			const char *from = strcmp(id, "B2") == 0 ? "2026-01-05"
					   : strcmp(id, "B20") == 0 ? "2026-05-01" : "2026-01-02";
			assert_string_equal(str_get(&m, f->other), other);
			assert_string_equal(S(f->from), from);
			if (strcmp(id, "B2") == 0)
				assert_int_equal(f->to, DATE_NONE);
			else
				assert_string_equal(S(f->to),
						    strcmp(id, "B20") == 0 ? "2026-05-15" : "2026-06-10");
		}
		if (strcmp(finding_check(&m, f), "check.okant_ersatt_beslut") == 0)
			assert_string_equal(str_get(&m, f->other), "B99");
	}
	assert_true(checks_information("check.text_avkortad"));
	assert_false(checks_information("check.dubbla_beslut"));
}

static void test_execution_before_decision(void **state)
{
	(void)state;
	assert_string_equal(ids_of("check.verkstallighet_fore_beslut"), "V2");
}

static void test_execution_without_order(void **state)
{
	(void)state;
	assert_string_equal(ids_of("check.verkstallighet_utan_bestallning"), "V2");
}

static void test_avbrott_outside_execution(void **state)
{
	(void)state;
	assert_string_equal(ids_of("check.avbrott_utan_verkstallighet"), "A2");
}

static void test_ended_before_made(void **state)
{
	(void)state;
	assert_string_equal(ids_of("check.avslutat_fore_beslut"), "B5");
}

static void test_person_missing(void **state)
{
	(void)state;
	/* one finding per person, not per decision */
	const char *ids = ids_of("check.person_saknas");
	assert_true(strlen(ids) > 0 && strchr(ids, ',') == NULL);
}

static void test_text_cut(void **state)
{
	(void)state;
	/* 4001 characters: cut (H1, H5); "kort", 4000 characters: not (H2,
	 * H3, H4) */
	assert_string_equal(ids_of("check.text_avkortad"), "H1,H5");
	assert_int_equal(utf8_chars("Åsa"), 3);
}

static void test_unknown_replaced(void **state)
{
	(void)state;
	assert_string_equal(ids_of("check.okant_ersatt_beslut"), "B6");
}

/* Which commands run the case checks follows from what their workbooks
 * list (SPEC 5.2, 5.3, 5.5): `check` lists every check (NULL), `ivo` and
 * `due` the case checks; the meal report and the fee basis only their
 * own, so their runs skip checks_run. A list with one case check among
 * others needs them; an empty list does not. */
static void test_case_checks_run_for_the_workbooks_that_list_them(void **state)
{
	(void)state;
	assert_true(checks_case_listed(NULL));
	assert_true(checks_case_listed(checks_case_keys));
	assert_false(checks_case_listed(fees_check_keys));
	assert_false(checks_case_listed(meals_check_keys));
	const char *const one[] = { "check.taxa_saknas", "check.dokumentation_saknas", NULL };
	assert_true(checks_case_listed(one));
	const char *const none[] = { NULL };
	assert_false(checks_case_listed(none));
	assert_true(checks_key_listed(NULL, "check.taxa_saknas"));
	assert_true(checks_key_listed(fees_check_keys, "check.taxa_saknas"));
	assert_false(checks_key_listed(fees_check_keys, "check.dubbla_beslut"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_checks_run_for_the_workbooks_that_list_them),
		cmocka_unit_test(test_overlapping_decisions),
		cmocka_unit_test(test_findings_name_their_decision),
		cmocka_unit_test(test_execution_before_decision),
		cmocka_unit_test(test_execution_without_order),
		cmocka_unit_test(test_avbrott_outside_execution),
		cmocka_unit_test(test_ended_before_made),
		cmocka_unit_test(test_person_missing),
		cmocka_unit_test(test_text_cut),
		cmocka_unit_test(test_unknown_replaced),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
