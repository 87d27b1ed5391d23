/*
 * Unit tests: the monthly meal report (SPEC 5.2, src/meals.c). Prices from
 * the real templates/taxor.csv: 2026 lunch 68,00 kr, mellanmål 20,00 kr;
 * 2025 lunch 65,00 kr.
 */
#include "testutil.h"
#include "modelutil.h"
#include "meals.h"

static struct meal_report rep;

static void build(int year, int month)
{
	mu_finish();
	assert_int_equal(meals_build(&m, tpl, year, month, &rep), 0);
}

static void done(void)
{
	meals_release(&rep);
	model_release(&m);
}

/* A person with dagverksamhet delivered from `from` (ongoing). */
static uint32_t day_guest(const char *pnr, const char *beslut_id, evb_date from)
{
	uint32_t p = mu_person(pnr, 'K', DATE_NONE);
	uint32_t b = mu_beslut_of(p, beslut_id, "SOL_DAGVERKSAMHET", from - 10);
	mu_omfattning(b, 3, ENHET_TILLF_VECKA);
	mu_exec(b, from, DATE_NONE);
	return p;
}

static const struct finding *finding_of(const char *key, int nth)
{
	for (uint32_t i = 0; i < m.findings.n; i++)
		if (strcmp(finding_check(&m, &m.findings.v[i]), key) == 0 && nth-- == 0)
			return &m.findings.v[i];
	return NULL;
}

static void test_per_date_and_monthly_are_summed_and_priced(void **state)
{
	(void)state;
	mu_start();
	uint32_t a = day_guest("194501129876", "B1", D("2026-09-01"));
	uint32_t b = day_guest("193802024321", "B2", D("2026-09-01"));
	/* a at Solrosen per date: lunch on 10-05, 10-07, 10-09, mellanmål on
	 * 10-07; b at Ängen as a monthly count: 12 lunches; a September row
	 * and a November row do not belong to October */
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-05"), 0, 0, MT_LUNCH, 1);
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-07"), 0, 0, MT_LUNCH, 1);
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-07"), 0, 0, MT_MELLANMAL, 1);
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-09"), 0, 0, MT_LUNCH, 1);
	mu_meal(b, "Träffpunkt Ängen", DATE_NONE, 2026, 10, MT_LUNCH, 12);
	mu_meal(a, "Dagcentralen Solrosen", D("2026-09-30"), 0, 0, MT_LUNCH, 1);
	mu_meal(b, "Träffpunkt Ängen", DATE_NONE, 2026, 11, MT_LUNCH, 9);
	build(2026, 10);
	/* rows by enhet (Dagcentralen before Träffpunkt), then måltidstyp text
	 * (Lunch before Mellanmål) */
	assert_int_equal(rep.rows.n, 3);
	const struct meal_row *r = rep.rows.v;
	assert_string_equal(str_get(&m, r[0].enhet), "Dagcentralen Solrosen");
	assert_int_equal(r[0].typ, MT_LUNCH);
	assert_int_equal(r[0].antal, 3);
	assert_int_equal(r[0].pris, 6800);
	assert_int_equal(r[0].belopp, 20400);          /* 3 x 68,00 = 204,00 */
	assert_int_equal(r[1].typ, MT_MELLANMAL);
	assert_int_equal(r[1].belopp, 2000);           /* 1 x 20,00 */
	assert_string_equal(str_get(&m, r[2].enhet), "Träffpunkt Ängen");
	assert_int_equal(r[2].antal, 12);
	assert_int_equal(r[2].belopp, 81600);          /* 12 x 68,00 = 816,00 */
	/* totals per enhet: Solrosen 4 meals 224,00; Ängen 12 meals 816,00 */
	assert_int_equal(rep.units.n, 2);
	assert_int_equal(rep.units.v[0].antal, 4);
	assert_int_equal(rep.units.v[0].belopp, 22400);
	assert_int_equal(rep.units.v[1].belopp, 81600);
	assert_int_equal(rep.antal, 16);
	assert_int_equal(rep.belopp, 104000);
	assert_int_equal(rep.persons, 2);
	/* everybody had an active dagverksamhet: no finding */
	assert_int_equal(m.findings.n, 0);
	int64_t *per = meals_per_person(&rep, m.persons.n);
	assert_non_null(per);
	assert_int_equal(per[a], 22400);
	assert_int_equal(per[b], 81600);
	free(per);
	done();
}

static void test_price_of_the_month(void **state)
{
	(void)state;
	mu_start();
	uint32_t a = day_guest("194501129876", "B1", D("2025-11-01"));
	mu_meal(a, "Dagcentralen Solrosen", D("2025-12-03"), 0, 0, MT_LUNCH, 2);
	build(2025, 12);
	/* December 2025 is priced by the 2025 row: 2 x 65,00 = 130,00 */
	assert_int_equal(rep.rows.v[0].pris, 6500);
	assert_int_equal(rep.rows.v[0].belopp, 13000);
	done();
}

static void test_meal_without_dagverksamhet(void **state)
{
	(void)state;
	mu_start();
	/* a has dagverksamhet from 2026-10-10 and a pause 10-20..10-22; c has
	 * none at all */
	uint32_t a = day_guest("194501129876", "B1", D("2026-10-10"));
	mu_paus(0, D("2026-10-20"), D("2026-10-22"));
	uint32_t c = mu_person("195212121212", 'K', DATE_NONE);
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-09"), 0, 0, MT_LUNCH, 1); /* before */
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-10"), 0, 0, MT_LUNCH, 1); /* first day */
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-21"), 0, 0, MT_LUNCH, 1); /* paused */
	mu_meal(c, "Träffpunkt Ängen", DATE_NONE, 2026, 10, MT_LUNCH, 5);      /* none in month */
	/* a monthly count for a, whose dagverksamhet is active in the month */
	mu_meal(a, "Träffpunkt Ängen", DATE_NONE, 2026, 10, MT_LUNCH, 2);
	build(2026, 10);
	assert_int_equal(mu_count_findings("check.maltid_utan_dagverksamhet"), 3);
	assert_int_equal(finding_of("check.maltid_utan_dagverksamhet", 0)->datum, D("2026-10-09"));
	assert_int_equal(finding_of("check.maltid_utan_dagverksamhet", 1)->datum, D("2026-10-21"));
	const struct finding *f = finding_of("check.maltid_utan_dagverksamhet", 2);
	assert_int_equal(f->person, c);
	assert_int_equal(f->datum, DATE_NONE);
	/* flagged meals are still counted: 3 + 2 at their units, 5 for c */
	assert_int_equal(rep.antal, 10);
	done();
}

/* The day a dagverksamhet decision ends (SPEC 3.2) ends its active days:
 * a meal on the end day is fine, a meal the day after is flagged. */
static void test_decision_end_ends_dagverksamhet(void **state)
{
	(void)state;
	mu_start();
	/* a: B1 replaced by B4, which takes effect 2026-10-15, so B1 ends
	 *    2026-10-14 (the day before);
	 * e: B2 avslutad 2026-10-20;
	 * g: B3 giltig_tom 2026-10-25;
	 * f: died 2026-10-08 (B5 ends with the person) */
	uint32_t a = day_guest("194501129876", "B1", D("2026-09-01"));
	uint32_t b4 = mu_beslut_of(a, "B4", "SOL_HEMTJANST", D("2026-10-01"));
	m.beslut.v[b4].giltig_from = D("2026-10-15");
	m.beslut.v[b4].replaces = 0;
	uint32_t e = day_guest("193802024321", "B2", D("2026-09-01"));
	m.beslut.v[m.beslut.n - 1].avslutad_datum = D("2026-10-20");
	uint32_t g = day_guest("195212121212", "B3", D("2026-09-01"));
	m.beslut.v[m.beslut.n - 1].giltig_tom = D("2026-10-25");
	uint32_t f = mu_person("194112129875", 'M', D("2026-10-08"));
	uint32_t b5 = mu_beslut_of(f, "B5", "SOL_DAGVERKSAMHET", D("2026-08-20"));
	mu_exec(b5, D("2026-09-01"), DATE_NONE);
	const struct { uint32_t person; const char *ok, *late; } guests[] = {
		{ a, "2026-10-14", "2026-10-15" }, { e, "2026-10-20", "2026-10-21" },
		{ g, "2026-10-25", "2026-10-26" }, { f, "2026-10-08", "2026-10-09" },
	};
	for (int i = 0; i < 4; i++) {
		mu_meal(guests[i].person, "Dagcentralen Solrosen", D(guests[i].ok), 0, 0,
			MT_LUNCH, 1);
		mu_meal(guests[i].person, "Dagcentralen Solrosen", D(guests[i].late), 0, 0,
			MT_LUNCH, 1);
	}
	build(2026, 10);
	assert_int_equal(mu_count_findings("check.maltid_utan_dagverksamhet"), 4);
	for (int i = 0; i < 4; i++) {
		const struct finding *x = finding_of("check.maltid_utan_dagverksamhet", i);
		bool found = false;
		for (int k = 0; k < 4; k++)
			if (x->person == guests[k].person) {
				assert_int_equal(x->datum, D(guests[k].late));
				found = true;
			}
		assert_true(found);
	}
	done();
}

static void test_duplicate_counted_once(void **state)
{
	(void)state;
	mu_start();
	uint32_t a = day_guest("194501129876", "B1", D("2026-09-01"));
	/* lunch on 10-05 registered three times (antal 1, 2, 1): flagged
	 * twice, counted once with the larger antal 2; a mellanmål the same
	 * day is no duplicate */
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-05"), 0, 0, MT_LUNCH, 1);
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-05"), 0, 0, MT_LUNCH, 2);
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-05"), 0, 0, MT_LUNCH, 1);
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-05"), 0, 0, MT_MELLANMAL, 1);
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-06"), 0, 0, MT_LUNCH, 1);
	build(2026, 10);
	assert_int_equal(mu_count_findings("check.maltid_dubblett"), 2);
	/* listed at the second and third registration (lines 3 and 4) */
	assert_int_equal(finding_of("check.maltid_dubblett", 0)->src.line, 3);
	assert_int_equal(finding_of("check.maltid_dubblett", 1)->src.line, 4);
	/* lunch: 2 (10-05) + 1 (10-06) = 3 */
	assert_int_equal(rep.rows.v[0].typ, MT_LUNCH);
	assert_int_equal(rep.rows.v[0].antal, 3);
	assert_int_equal(rep.rows.v[1].antal, 1);
	/* two monthly counts are two counts, not a duplicate */
	done();
	mu_start();
	a = day_guest("194501129876", "B1", D("2026-09-01"));
	mu_meal(a, "Träffpunkt Ängen", DATE_NONE, 2026, 10, MT_LUNCH, 4);
	mu_meal(a, "Träffpunkt Ängen", DATE_NONE, 2026, 10, MT_LUNCH, 4);
	build(2026, 10);
	assert_int_equal(mu_count_findings("check.maltid_dubblett"), 0);
	assert_int_equal(rep.rows.v[0].antal, 8);
	done();
}

static void test_month_both_ways(void **state)
{
	(void)state;
	mu_start();
	uint32_t a = day_guest("194501129876", "B1", D("2026-09-01"));
	/* per date and as a monthly count at the same unit: flagged once at
	 * the monthly row, both summed (1 + 1 + 10 = 12); the same person at
	 * another unit per date only is fine */
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-05"), 0, 0, MT_LUNCH, 1);
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-06"), 0, 0, MT_LUNCH, 1);
	mu_meal(a, "Dagcentralen Solrosen", DATE_NONE, 2026, 10, MT_MELLANMAL, 10);
	mu_meal(a, "Träffpunkt Ängen", D("2026-10-07"), 0, 0, MT_LUNCH, 1);
	build(2026, 10);
	assert_int_equal(mu_count_findings("check.maltid_dag_och_manad"), 1);
	assert_int_equal(finding_of("check.maltid_dag_och_manad", 0)->src.line, 4);
	assert_int_equal(rep.units.v[0].antal, 12);
	done();
}

static void test_dagverksamhet_without_meals(void **state)
{
	(void)state;
	mu_start();
	/* a eats, b is active from 2026-10-12 and has no meal: information,
	 * dated on b's first active day in the month; d's dagverksamhet ended
	 * in September: not listed */
	uint32_t a = day_guest("194501129876", "B1", D("2026-09-01"));
	uint32_t b = day_guest("193802024321", "B2", D("2026-10-12"));
	uint32_t d = mu_person("195212121212", 'K', DATE_NONE);
	uint32_t bd = mu_beslut_of(d, "B3", "SOL_DAGVERKSAMHET", D("2026-05-01"));
	mu_exec(bd, D("2026-05-10"), D("2026-09-30"));
	mu_meal(a, "Dagcentralen Solrosen", D("2026-10-05"), 0, 0, MT_LUNCH, 1);
	build(2026, 10);
	assert_int_equal(mu_count_findings("check.dagverksamhet_utan_maltider"), 1);
	const struct finding *f = finding_of("check.dagverksamhet_utan_maltider", 0);
	assert_int_equal(f->person, b);
	assert_int_equal(f->datum, D("2026-10-12"));
	assert_string_equal(str_get(&m, f->id), "B2");
	done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_date_and_monthly_are_summed_and_priced),
		cmocka_unit_test(test_price_of_the_month),
		cmocka_unit_test(test_meal_without_dagverksamhet),
		cmocka_unit_test(test_decision_end_ends_dagverksamhet),
		cmocka_unit_test(test_duplicate_counted_once),
		cmocka_unit_test(test_month_both_ways),
		cmocka_unit_test(test_dagverksamhet_without_meals),
	};
	return cmocka_run_group_tests(tests, mu_setup, mu_teardown);
}
