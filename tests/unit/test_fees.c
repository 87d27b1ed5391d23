/*
 * Unit tests: the monthly fee basis (SPEC 5.3, src/fees.c). Every figure is
 * worked out by hand in the comment next to it. Prices are the real
 * templates/taxor.csv (2026: hemtjänst 425,00 kr per hour, trygghetslarm
 * 285,00 kr per month, lunch 68,00 kr) and maxtaxa.csv (2026: 2 660 kr).
 */
#include "testutil.h"
#include "modelutil.h"
#include "fees.h"

static struct meal_report meals;
static struct fee_report rep;

static void build(int year, int month)
{
	mu_finish();
	assert_int_equal(meals_build(&m, tpl, year, month, &meals), 0);
	assert_int_equal(fees_build(&m, tpl, year, month, &meals, &rep), 0);
}

static void done(void)
{
	fees_release(&rep);
	meals_release(&meals);
	model_release(&m);
}

static const struct fee_row *row_of(const char *beslut_id)
{
	for (uint32_t i = 0; i < rep.rows.n; i++)
		if (strcmp(str_get(&m, m.beslut.v[rep.rows.v[i].beslut].id), beslut_id) == 0)
			return &rep.rows.v[i];
	return NULL;
}

static const struct fee_person *person_of(uint32_t person)
{
	for (uint32_t i = 0; i < rep.persons.n; i++)
		if (rep.persons.v[i].person == person)
			return &rep.persons.v[i];
	return NULL;
}

/* ---- arithmetic ---------------------------------------------------------------- */

static void test_units_per_month_and_per_week(void **state)
{
	(void)state;
	/* 30 tim/man, 3 of 30 days: 30 x 3 / 30 = 3,00 */
	assert_int_equal(fee_units(30, ENHET_TIM_MAN, 3, 30), 300);
	/* 30 tim/man, 15 of 31 days: 450 / 31 = 14,516... -> 14,52 */
	assert_int_equal(fee_units(30, ENHET_TIM_MAN, 15, 31), 1452);
	/* 5 tim/vecka, 21 days: 5 x 21 / 7 = 15,00 (whatever the month) */
	assert_int_equal(fee_units(5, ENHET_TIM_VECKA, 21, 31), 1500);
	/* 3 tillf/vecka, 31 days: 93 / 7 = 13,2857 -> 13,29 */
	assert_int_equal(fee_units(3, ENHET_TILLF_VECKA, 31, 31), 1329);
	/* 8 dygn/man, 10 of 30 days: 80 / 30 = 2,666... -> 2,67 */
	assert_int_equal(fee_units(8, ENHET_DYGN_MAN, 10, 30), 267);
	/* 1 st/man, 31 of 31 days: 1,00 */
	assert_int_equal(fee_units(1, ENHET_ST_MAN, 31, 31), 100);
	/* February 2028 (leap year, 29 days), 30 tim/man from the 15th: 15
	 * days, 30 x 15 / 29 = 15,517... -> 15,52 */
	assert_int_equal(fee_units(30, ENHET_TIM_MAN, 15, 29), 1552);
	/* no omfattning or no unit: unknown */
	assert_true(fee_units(NAN, ENHET_TIM_MAN, 3, 30) == AMOUNT_UNKNOWN);
	assert_true(fee_units(3, ENHET_NONE, 3, 30) == AMOUNT_UNKNOWN);
}

static void test_rounding_half_away_from_zero_is_exact(void **state)
{
	(void)state;
	/* 0,15 tim/man, 1 of 30 days: 0,005 exactly -> 0,01 (in binary
	 * floating point 0.15 / 30 is just below 0.005 and would give 0,00) */
	assert_int_equal(fee_units(0.15, ENHET_TIM_MAN, 1, 30), 1);
	/* 0,35 tim/vecka, 1 day: 0,05 exactly stays 0,05 */
	assert_int_equal(fee_units(0.35, ENHET_TIM_VECKA, 1, 31), 5);
	/* 0,01 h x 0,50 kr = 0,005 kr -> 0,01 kr */
	assert_int_equal(fee_amount(1, 50), 1);
	/* 14,52 h x 425,00 kr = 6 171,00 kr */
	assert_int_equal(fee_amount(1452, 42500), 617100);
	/* 13,29 x 65,00 = 863,85 kr */
	assert_int_equal(fee_amount(1329, 6500), 86385);
	assert_true(fee_amount(AMOUNT_UNKNOWN, 100) == AMOUNT_UNKNOWN);
	assert_true(fee_amount(INT64_MAX / 2, INT64_MAX / 2) == AMOUNT_UNKNOWN);
}

static void test_cap(void **state)
{
	(void)state;
	/* 12 750,00 kr of care under maxtaxa 2 660: 2 660,00 */
	assert_int_equal(fee_cap(1275000, 266000, AMOUNT_UNKNOWN), 266000);
	/* below the maxtaxa: the amount itself */
	assert_int_equal(fee_cap(127500, 266000, AMOUNT_UNKNOWN), 127500);
	/* avgiftsutrymme 900,00 below both */
	assert_int_equal(fee_cap(1275000, 266000, 90000), 90000);
	/* avgiftsutrymme larger than the amount: the amount */
	assert_int_equal(fee_cap(127500, 266000, 240050), 127500);
	/* zero or negative avgiftsutrymme: no fee */
	assert_int_equal(fee_cap(1275000, 266000, 0), 0);
	assert_int_equal(fee_cap(1275000, 266000, -15000), 0);
}

/* ---- the month's rows -------------------------------------------------------------- */

static void test_start_28_september_three_days_of_thirty(void **state)
{
	(void)state;
	mu_start();
	/* hemtjänst 30 tim/man from 2026-09-28: 28, 29, 30 September = 3 of 30
	 * days; 30 x 3 / 30 = 3,00 h x 425,00 = 1 275,00 kr; first start in
	 * the month: Ny */
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-09-20"));
	mu_omfattning(b, 30, ENHET_TIM_MAN);
	mu_exec(b, D("2026-09-28"), DATE_NONE)->utforare = mu_str("Hemtjänst Norr");
	build(2026, 9);
	const struct fee_row *r = row_of("B1");
	assert_non_null(r);
	assert_int_equal(r->days, 3);
	assert_int_equal(r->pause_days, 0);
	assert_int_equal(r->units, 300);
	assert_int_equal(r->pris, 42500);
	assert_int_equal(r->belopp, 127500);
	assert_int_equal(r->events, FEE_NY);
	assert_int_equal(r->verkstalld_fran, D("2026-09-28"));
	assert_int_equal(r->avslutad, DATE_NONE);
	assert_string_equal(str_get(&m, r->utforare), "Hemtjänst Norr");
	assert_int_equal(rep.new_or_ended, 1);
	/* below the maxtaxa: the fee is the amount */
	assert_int_equal(person_of(0)->omsorgsavgift, 127500);
	done();
}

static void test_interruption_of_ten_days(void **state)
{
	(void)state;
	mu_start();
	/* hemtjänst 5 tim/vecka since 2026-09-01, avbrott 2026-10-05..10-14
	 * (10 days): October 31 - 10 = 21 billable days; 5 x 21 / 7 = 15,00 h
	 * x 425,00 = 6 375,00 kr; Händelse "Avbrott" only (started before) */
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-08-20"));
	mu_omfattning(b, 5, ENHET_TIM_VECKA);
	mu_exec(b, D("2026-09-01"), DATE_NONE);
	mu_paus(b, D("2026-10-05"), D("2026-10-14"));
	build(2026, 10);
	const struct fee_row *r = row_of("B1");
	assert_non_null(r);
	assert_int_equal(r->days, 21);
	assert_int_equal(r->pause_days, 10);
	assert_int_equal(r->units, 1500);
	assert_int_equal(r->belopp, 637500);
	assert_int_equal(r->events, FEE_AVBROTT);
	assert_int_equal(rep.new_or_ended, 0);
	/* 6 375,00 kr is capped by the maxtaxa 2 660,00 */
	assert_int_equal(person_of(0)->omsorgsbelopp, 637500);
	assert_int_equal(person_of(0)->omsorgsavgift, 266000);
	done();
}

static void test_decision_ending_mid_month(void **state)
{
	(void)state;
	mu_start();
	/* avslutad 2026-10-15: 1..15 October = 15 of 31 days; 30 x 15 / 31 =
	 * 14,516 -> 14,52 h x 425,00 = 6 171,00 kr; Avslut - slutfaktura. The
	 * execution has no slutdatum: it goes on after the end (flagged). */
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-06-01"));
	mu_omfattning(b, 30, ENHET_TIM_MAN);
	m.beslut.v[b].avslutad_datum = D("2026-10-15");
	m.beslut.v[b].avslutsorsak = ORSAK_BEHOV_UPPHORT;
	mu_exec(b, D("2026-06-10"), DATE_NONE);
	build(2026, 10);
	const struct fee_row *r = row_of("B1");
	assert_non_null(r);
	assert_int_equal(r->days, 15);
	assert_int_equal(r->units, 1452);
	assert_int_equal(r->belopp, 617100);
	assert_int_equal(r->avslutad, D("2026-10-15"));
	assert_int_equal(r->events, FEE_AVSLUT);
	assert_int_equal(mu_count_findings("check.verkstallighet_efter_avslut"), 1);
	done();
}

static void test_leap_february(void **state)
{
	(void)state;
	mu_start();
	/* February 2024 has 29 days; from 2024-02-15: 15 days, 30 x 15 / 29 =
	 * 15,517 -> 15,52. taxor.csv has no hemtjänst price before 2025: the
	 * amount is unknown and "Taxa saknas" is listed. */
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2024-02-01"));
	mu_omfattning(b, 30, ENHET_TIM_MAN);
	mu_exec(b, D("2024-02-15"), DATE_NONE);
	build(2024, 2);
	const struct fee_row *r = row_of("B1");
	assert_non_null(r);
	assert_int_equal(r->days, 15);
	assert_int_equal(r->units, 1552);
	assert_true(r->belopp == AMOUNT_UNKNOWN);
	assert_int_equal(mu_count_findings("check.taxa_saknas"), 1);
	/* maxtaxa 2024: 0,5392 x 57 300 / 12 = 2 574,68 -> 2 575 kr */
	assert_int_equal(rep.maxtaxa, 257500);
	/* SPEC 5.3: the person's basis is incomplete: no Omsorgsbelopp,
	 * Omsorgsavgift or Summa (never 0 kr), one decision named in Status,
	 * counted in Sammanfattning and left out of its sums */
	assert_int_equal(person_of(0)->missing, 1);
	assert_true(person_of(0)->omsorgsbelopp == AMOUNT_UNKNOWN);
	assert_true(person_of(0)->omsorgsavgift == AMOUNT_UNKNOWN);
	assert_true(person_of(0)->summa == AMOUNT_UNKNOWN);
	assert_int_equal(rep.incomplete, 1);
	assert_int_equal(rep.sum_avgift, 0);
	assert_int_equal(rep.sum_total, 0);
	done();
}

static void test_overlapping_executions_billed_once(void **state)
{
	(void)state;
	mu_start();
	/* trygghetslarm 1 st/man: V1 2026-10-01..10-20 and V2 from 10-10
	 * overlap on 10..20 October; the union is all 31 days, billed once:
	 * 1 x 31 / 31 = 1,00 x 285,00 = 285,00 kr. The utförare is V2's (active
	 * on the last day). */
	uint32_t b = mu_beslut("B1", "SOL_TRYGGHETSLARM", D("2026-09-15"));
	mu_omfattning(b, 1, ENHET_ST_MAN);
	mu_exec(b, D("2026-10-01"), D("2026-10-20"))->utforare = mu_str("Larmbolaget");
	mu_exec(b, D("2026-10-10"), DATE_NONE)->utforare = mu_str("Trygghetscentralen");
	build(2026, 10);
	const struct fee_row *r = row_of("B1");
	assert_int_equal(r->days, 31);
	assert_int_equal(r->units, 100);
	assert_int_equal(r->belopp, 28500);
	assert_int_equal(r->events, FEE_NY);
	assert_string_equal(str_get(&m, r->utforare), "Trygghetscentralen");
	assert_int_equal(mu_count_findings("check.overlappande_verkstalligheter"), 1);
	done();
}

static void test_start_before_decision_and_before_order(void **state)
{
	(void)state;
	mu_start();
	/* D 2026-10-05, execution from 2026-10-01: billed from D, 5..31 =
	 * 27 days; 1 st/man x 27 / 31 = 0,8709 -> 0,87 x 285,00 = 247,95 kr */
	uint32_t b1 = mu_beslut("B1", "SOL_TRYGGHETSLARM", D("2026-10-05"));
	mu_omfattning(b1, 1, ENHET_ST_MAN);
	mu_exec(b1, D("2026-10-01"), DATE_NONE);
	/* order sent 2026-10-08 14:00, execution from 2026-10-06 */
	uint32_t b2 = mu_beslut("B2", "SOL_TRYGGHETSLARM", D("2026-10-02"));
	mu_omfattning(b2, 1, ENHET_ST_MAN);
	mu_order(b2, "O2", D("2026-10-08"), 14, 0);
	mu_exec(b2, D("2026-10-06"), DATE_NONE)->bestallning_ref = mu_str("O2");
	build(2026, 10);
	assert_int_equal(row_of("B1")->days, 27);
	assert_int_equal(row_of("B1")->units, 87);
	assert_int_equal(row_of("B1")->belopp, 24795);
	/* Verkställd från is the execution's own start */
	assert_int_equal(row_of("B1")->verkstalld_fran, D("2026-10-01"));
	assert_int_equal(mu_count_findings("check.avgift_fore_beslut"), 1);
	assert_int_equal(mu_count_findings("check.verkstallighet_fore_bestallning"), 1);
	/* 6..31 October = 26 days */
	assert_int_equal(row_of("B2")->days, 26);
	done();
}

static void test_hemtjanst_ended_with_larm_kept(void **state)
{
	(void)state;
	mu_start();
	/* person 1: hemtjänst H1 executed to 2026-10-12 (Avslutad 2026-10-12);
	 * larm L1 without slutdatum is delivered on 2026-10-13: the larm is
	 * kept, "Avslut - trygghetslarm kvar", no slutfaktura */
	uint32_t p1 = mu_person("194501121232", 'K', DATE_NONE);
	uint32_t h1 = mu_beslut_of(p1, "H1", "SOL_HEMTJANST", D("2026-01-10"));
	uint32_t l1 = mu_beslut_of(p1, "L1", "SOL_TRYGGHETSLARM", D("2026-01-10"));
	mu_exec(h1, D("2026-01-15"), D("2026-10-12"));
	mu_exec(l1, D("2026-01-15"), DATE_NONE);
	/* person 2: hemtjänst and larm both ended 2026-10-20: no larm on
	 * 2026-10-21, slutfaktura */
	uint32_t p2 = mu_person("193802024327", 'M', DATE_NONE);
	uint32_t h2 = mu_beslut_of(p2, "H2", "SOL_HEMTJANST", D("2026-01-10"));
	uint32_t l2 = mu_beslut_of(p2, "L2", "SOL_TRYGGHETSLARM", D("2026-01-10"));
	m.beslut.v[h2].avslutad_datum = m.beslut.v[l2].avslutad_datum = D("2026-10-20");
	mu_exec(h2, D("2026-01-15"), DATE_NONE);
	mu_exec(l2, D("2026-01-15"), DATE_NONE);
	/* person 3: the larm ends 2026-10-31, after the hemtjänst (2026-10-05),
	 * but is paused on 2026-10-06, the day after: not delivered, slutfaktura */
	uint32_t p3 = mu_person("195212121213", 'K', DATE_NONE);
	uint32_t h3 = mu_beslut_of(p3, "H3", "SOL_HEMTJANST", D("2026-01-10"));
	uint32_t l3 = mu_beslut_of(p3, "L3", "SOL_TRYGGHETSLARM", D("2026-01-10"));
	mu_exec(h3, D("2026-01-15"), D("2026-10-05"));
	mu_exec(l3, D("2026-01-15"), D("2026-10-31"));
	mu_paus(l3, D("2026-10-06"), D("2026-10-08"));
	build(2026, 10);
	assert_int_equal(row_of("H1")->events, FEE_AVSLUT_LARM);
	assert_int_equal(row_of("L1")->events, 0);
	assert_int_equal(row_of("H2")->events, FEE_AVSLUT);
	assert_int_equal(row_of("L2")->events, FEE_AVSLUT);
	assert_int_equal(row_of("H3")->events, FEE_AVSLUT);
	done();
}

static void test_akut_three_working_days(void **state)
{
	(void)state;
	mu_start();
	/* written decision Mon 2026-10-12. From Tue 2026-10-06: Wed 07, Thu 08,
	 * Fri 09, Mon 12 = 4 working days in (start, D]: akut finding. From
	 * Wed 2026-10-07: Thu, Fri, Mon = 3 (the weekend does not count): the
	 * general finding. A trygghetslarm from 2026-10-06 is no hemtjänst:
	 * the general finding. */
	uint32_t b1 = mu_beslut("B1", "SOL_HEMTJANST", D("2026-10-12"));
	mu_exec(b1, D("2026-10-06"), DATE_NONE);
	uint32_t b2 = mu_beslut("B2", "SOL_HEMTJANST", D("2026-10-12"));
	mu_exec(b2, D("2026-10-07"), DATE_NONE);
	uint32_t b3 = mu_beslut("B3", "SOL_TRYGGHETSLARM", D("2026-10-12"));
	mu_exec(b3, D("2026-10-06"), DATE_NONE);
	build(2026, 10);
	assert_int_equal(mu_count_findings("check.akut_utan_beslut"), 1);
	assert_int_equal(mu_count_findings("check.avgift_fore_beslut"), 2);
	for (uint32_t i = 0; i < m.findings.n; i++)
		if (strcmp(finding_check(&m, &m.findings.v[i]), "check.akut_utan_beslut") == 0)
			assert_int_equal(m.findings.v[i].beslut, b1);
	done();
}

static void test_cap_by_avgiftsutrymme_and_meals_on_top(void **state)
{
	(void)state;
	mu_start();
	/* three persons with hemtjänst 30 tim/man all October: 30,00 h x
	 * 425,00 = 12 750,00 kr each */
	uint32_t p[3] = {
		mu_person("194501129876", 'K', DATE_NONE),
		mu_person("193802024321", 'M', DATE_NONE),
		mu_person("195212121212", 'K', DATE_NONE),
	};
	m.persons.v[p[1]].avgiftsutrymme = 900;     /* 900,00 kr */
	m.persons.v[p[2]].avgiftsutrymme = -150;    /* negative: no fee */
	const char *ids[3] = { "B1", "B2", "B3" };
	for (int i = 0; i < 3; i++) {
		uint32_t b = mu_beslut_of(p[i], ids[i], "SOL_HEMTJANST", D("2026-06-01"));
		mu_omfattning(b, 30, ENHET_TIM_MAN);
		mu_exec(b, D("2026-06-15"), DATE_NONE);
	}
	/* person 0 also eats 10 lunches at Solrosen: 10 x 68,00 = 680,00 kr,
	 * outside the cap (no dagverksamhet: flagged by the meal checks) */
	mu_meal(p[0], "Dagcentralen Solrosen", DATE_NONE, 2026, 10, MT_LUNCH, 10);
	build(2026, 10);
	const struct fee_person *a = person_of(p[0]), *b = person_of(p[1]), *c = person_of(p[2]);
	assert_int_equal(a->omsorgsbelopp, 1275000);
	assert_int_equal(a->omsorgsavgift, 266000);        /* maxtaxa */
	assert_int_equal(a->maltider, 68000);
	assert_int_equal(a->summa, 334000);                /* 2 660 + 680 */
	assert_int_equal(b->utrymme, 90000);
	assert_int_equal(b->omsorgsavgift, 90000);         /* avgiftsutrymme */
	assert_int_equal(b->summa, 90000);
	assert_int_equal(c->omsorgsavgift, 0);             /* -150 -> 0 */
	assert_true(a->utrymme == AMOUNT_UNKNOWN);
	/* 2 660 + 900 + 0 = 3 560 kr of fees, 680 of meals, 4 240 in all */
	assert_int_equal(rep.sum_avgift, 356000);
	assert_int_equal(rep.sum_maltider, 68000);
	assert_int_equal(rep.sum_total, 424000);
	/* rows and persons in personnummer order: 1938..., 1945..., 1952... */
	assert_int_equal(rep.persons.v[0].person, p[1]);
	assert_int_equal(rep.persons.v[1].person, p[0]);
	assert_int_equal(rep.persons.v[2].person, p[2]);
	assert_int_equal(rep.rows.v[0].person, p[1]);
	done();
}

/* The rows go by personnummer, then by beslut-id as text, whatever order
 * the decisions and persons came in: 193802024321 before 194501129876
 * before 195212121212, and "B-100" < "B-20" < "B-3" (byte by byte). */
static void test_rows_by_personnummer_then_beslut_id(void **state)
{
	(void)state;
	mu_start();
	uint32_t p[3] = {
		mu_person("194501129876", 'K', DATE_NONE),
		mu_person("195212121212", 'K', DATE_NONE),
		mu_person("193802024321", 'M', DATE_NONE),
	};
	const struct {
		int person;
		const char *id;
	} dec[] = {
		{ 0, "B-20" }, { 1, "B-7" }, { 0, "B-3" }, { 2, "B-9" },
		{ 0, "B-100" }, { 2, "B-10" }, { 1, "B-70" },
	};
	for (size_t i = 0; i < sizeof(dec) / sizeof(dec[0]); i++) {
		uint32_t b = mu_beslut_of(p[dec[i].person], dec[i].id, "SOL_HEMTJANST",
					  D("2026-06-01"));
		mu_omfattning(b, 10, ENHET_TIM_MAN);
		mu_exec(b, D("2026-06-15"), DATE_NONE);
	}
	build(2026, 10);
	const char *want[] = { "B-10", "B-9", "B-100", "B-20", "B-3", "B-7", "B-70" };
	assert_int_equal(rep.rows.n, sizeof(want) / sizeof(want[0]));
	for (uint32_t i = 0; i < rep.rows.n; i++)
		assert_string_equal(str_get(&m, m.beslut.v[rep.rows.v[i].beslut].id), want[i]);
	done();
}

static void test_replacing_decision_and_last_execution_end(void **state)
{
	(void)state;
	mu_start();
	/* O executed 2026-06-01..2026-09-30, replaced by N (ersatter_beslut_id,
	 * giltig_from 2026-10-01) executed from 2026-10-01. September: O ends
	 * with its last execution on 09-30: Avslut - slutfaktura. October: N
	 * is Ny, Nytt beslut. */
	uint32_t o = mu_beslut("O", "SOL_HEMTJANST", D("2026-05-20"));
	uint32_t n = mu_beslut("N", "SOL_HEMTJANST", D("2026-09-25"));
	mu_omfattning(o, 20, ENHET_TIM_MAN);
	mu_omfattning(n, 30, ENHET_TIM_MAN);
	m.beslut.v[n].replaces = o;
	m.beslut.v[n].giltig_from = D("2026-10-01");
	mu_exec(o, D("2026-06-01"), D("2026-09-30"));
	mu_exec(n, D("2026-10-01"), DATE_NONE);
	build(2026, 9);
	assert_int_equal(row_of("O")->avslutad, D("2026-09-30"));
	assert_int_equal(row_of("O")->events, FEE_AVSLUT);
	assert_null(row_of("N"));
	fees_release(&rep);
	meals_release(&meals);
	assert_int_equal(meals_build(&m, tpl, 2026, 10, &meals), 0);
	assert_int_equal(fees_build(&m, tpl, 2026, 10, &meals, &rep), 0);
	assert_null(row_of("O"));
	assert_int_equal(row_of("N")->events, FEE_NY | FEE_NYTT_BESLUT);
	assert_int_equal(row_of("N")->days, 31);
	done();
}

static void test_change_of_utforare_is_not_an_end(void **state)
{
	(void)state;
	mu_start();
	/* V1 ends 2026-10-15 and V2 starts 2026-11-01 (known from the export,
	 * after the month): no slutfaktura in October; 15 days billed */
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-05-20"));
	mu_omfattning(b, 30, ENHET_TIM_MAN);
	mu_exec(b, D("2026-06-01"), D("2026-10-15"));
	mu_exec(b, D("2026-11-01"), DATE_NONE);
	build(2026, 10);
	assert_int_equal(row_of("B1")->days, 15);
	assert_int_equal(row_of("B1")->avslutad, DATE_NONE);
	assert_int_equal(row_of("B1")->events, 0);
	done();
}

static void test_death_ends_billing(void **state)
{
	(void)state;
	mu_start();
	/* the person died 2026-10-20, the execution was never ended: 1..20
	 * October billed, Avslutad 2026-10-20, and the execution going on
	 * after the death is flagged */
	mu_person("193802024321", 'M', D("2026-10-20"));
	uint32_t b = mu_beslut("B1", "SOL_TRYGGHETSLARM", D("2026-01-10"));
	mu_omfattning(b, 1, ENHET_ST_MAN);
	mu_exec(b, D("2026-01-15"), DATE_NONE);
	build(2026, 10);
	assert_int_equal(row_of("B1")->days, 20);
	assert_int_equal(row_of("B1")->avslutad, D("2026-10-20"));
	assert_int_equal(row_of("B1")->events, FEE_AVSLUT);
	assert_int_equal(mu_count_findings("check.verkstallighet_efter_avslut"), 1);
	done();
}

static void test_not_in_scope_and_missing_omfattning(void **state)
{
	(void)state;
	mu_start();
	/* an execution of a declined decision: listed, not billed */
	uint32_t a = mu_beslut("B1", "SOL_HEMTJANST", D("2026-09-01"));
	m.beslut.v[a].utfall = UTFALL_AVSLAG;
	mu_exec(a, D("2026-10-01"), DATE_NONE);
	/* hemtjänst without omfattning: days billed, amount unknown */
	uint32_t b = mu_beslut("B2", "SOL_HEMTJANST", D("2026-09-01"));
	mu_exec(b, D("2026-10-01"), DATE_NONE);
	/* LSS daglig verksamhet without omfattning costs nothing: 0, no check */
	uint32_t c = mu_beslut("B3", "LSS9_10", D("2026-09-01"));
	mu_exec(c, D("2026-10-01"), DATE_NONE);
	/* an execution that ended before the month is not billed */
	uint32_t d = mu_beslut("B4", "SOL_TRYGGHETSLARM", D("2026-01-01"));
	mu_omfattning(d, 1, ENHET_ST_MAN);
	mu_exec(d, D("2026-02-01"), D("2026-09-30"));
	build(2026, 10);
	assert_null(row_of("B1"));
	assert_null(row_of("B4"));
	assert_int_equal(mu_count_findings("check.verkstallighet_utan_beslut"), 1);
	assert_int_equal(row_of("B2")->days, 31);
	assert_true(row_of("B2")->units == AMOUNT_UNKNOWN);
	assert_true(row_of("B2")->belopp == AMOUNT_UNKNOWN);
	assert_int_equal(mu_count_findings("check.omfattning_saknas"), 1);
	assert_int_equal(row_of("B3")->belopp, 0);
	assert_int_equal(rep.rows.n, 2);
	done();
}

static void test_year_without_maxtaxa(void **state)
{
	(void)state;
	mu_start();
	mu_finish();
	assert_int_equal(meals_build(&m, tpl, 2199, 1, &meals), 0);
	assert_int_equal(fees_build(&m, tpl, 2199, 1, &meals, &rep), EVB_EINVAL);
	done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units_per_month_and_per_week),
		cmocka_unit_test(test_rounding_half_away_from_zero_is_exact),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_start_28_september_three_days_of_thirty),
		cmocka_unit_test(test_interruption_of_ten_days),
		cmocka_unit_test(test_decision_ending_mid_month),
		cmocka_unit_test(test_leap_february),
		cmocka_unit_test(test_overlapping_executions_billed_once),
		cmocka_unit_test(test_start_before_decision_and_before_order),
		cmocka_unit_test(test_hemtjanst_ended_with_larm_kept),
		cmocka_unit_test(test_akut_three_working_days),
		cmocka_unit_test(test_cap_by_avgiftsutrymme_and_meals_on_top),
		cmocka_unit_test(test_rows_by_personnummer_then_beslut_id),
		cmocka_unit_test(test_replacing_decision_and_last_execution_end),
		cmocka_unit_test(test_change_of_utforare_is_not_an_end),
		cmocka_unit_test(test_death_ends_billing),
		cmocka_unit_test(test_not_in_scope_and_missing_omfattning),
		cmocka_unit_test(test_year_without_maxtaxa),
	};
	return cmocka_run_group_tests(tests, mu_setup, mu_teardown);
}
