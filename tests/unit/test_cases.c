/*
 * Unit tests: the case computation and quarterly classification of SPEC
 * section 3 (src/cases.c), and the IVO rows built from them (src/ivo.c).
 * Every date is worked out by hand in the comment next to it.
 */
#include <stddef.h>
#include <string.h>

#include "testutil.h"
#include "modelutil.h"
#include "cases.h"
#include "ivo.h"
#include "templates.h"

static struct case_set cs;

/* Computes the cases as of eval; and in every test, cases_ends (what
 * evb meals uses) gives each decision the same end as cases_compute. */
static void compute(evb_date eval)
{
	mu_finish();
	assert_int_equal(cases_compute(&m, tpl, eval, &cs), 0);
	evb_date *ends = NULL;
	assert_int_equal(cases_ends(&m, eval, &ends), 0);
	for (uint32_t i = 0; i < m.beslut.n; i++)
		assert_int_equal(ends[i], cs.facts[i].end);
	free(ends);
}

static void done(void)
{
	cases_release(&cs);
	model_release(&m);
}

/* The only case of the computation. */
static const struct evb_case *only_case(void)
{
	assert_int_equal(cs.cases.n, 1);
	return &cs.cases.v[0];
}

/* Classifies the only case for the quarter ending at cutoff. */
static bool classify(evb_date prev, evb_date cutoff, struct case_row *row)
{
	return case_classify(only_case(), prev, cutoff, row);
}

/* ---- calendar of milestones ---- */

static void test_three_months_clamps_to_month_end(void **state)
{
	(void)state;
	/* 2025-11-30 + 3 months = 2026-02-28 (no 30 February in 2026);
	 * executed 2026-03-01 is one day late: a case with M1 2026-02-28 */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2025-11-30"));
	mu_exec(b, D("2026-03-01"), DATE_NONE);
	compute(D("2026-03-31"));
	const struct evb_case *c = only_case();
	assert_string_equal(S(case_first_milestone(c)), "2026-02-28");
	assert_string_equal(S(c->executed), "2026-03-01");
	struct case_row row;
	/* 2026Q1: P = 2025-12-31, C = 2026-03-31; M1 in (P, C] -> Ny with
	 * the execution date carried */
	assert_true(classify(D("2025-12-31"), D("2026-03-31"), &row));
	assert_int_equal(row.typ, RT_NY);
	assert_string_equal(S(row.title_date), "2026-02-28");
	assert_string_equal(S(row.executed), "2026-03-01");
	assert_int_equal(row.ended, DATE_NONE);
	done();
}

static void test_executed_on_t1_is_in_time(void **state)
{
	(void)state;
	/* 2026-03-31 + 3 months = 2026-06-30; executed that very day: no case */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-03-31"));
	mu_exec(b, D("2026-06-30"), DATE_NONE);
	compute(D("2026-09-30"));
	assert_int_equal(cs.cases.n, 0);
	assert_string_equal(S(cs.facts[0].first_delivered), "2026-06-30");
	done();

	/* one day later, 2026-07-01: a case */
	mu_start();
	b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-03-31"));
	mu_exec(b, D("2026-07-01"), DATE_NONE);
	compute(D("2026-09-30"));
	assert_int_equal(only_case()->kind, CASE_BESLUT);
	assert_string_equal(S(only_case()->executed), "2026-07-01");
	done();
}

static void test_milestones_counted_from_decision_date(void **state)
{
	(void)state;
	/* D = 2025-05-31: T1 = 2025-08-31, T2 = 2025-11-30, T3 = 2026-02-28,
	 * T4 = add_months(D, 12) = 2026-05-31 - not 2026-05-28, which chaining
	 * three months from 2026-02-28 would give. 2026Q2 = (2026-03-31,
	 * 2026-06-30]: Återrapportering with 2026-05-31. */
	mu_start();
	mu_beslut("B1", "LSS9_9", D("2025-05-31"));
	compute(D("2026-06-30"));
	struct case_row row;
	assert_true(classify(D("2026-03-31"), D("2026-06-30"), &row));
	assert_int_equal(row.typ, RT_ATER);
	assert_string_equal(S(row.milestone), "2026-05-31");
	/* and 2026Q1 = (2025-12-31, 2026-03-31] has T3 = 2026-02-28 */
	assert_true(classify(D("2025-12-31"), D("2026-03-31"), &row));
	assert_string_equal(S(row.milestone), "2026-02-28");
	done();
}

/* ---- the table of 3.5 ---- */

static void test_classification_table(void **state)
{
	(void)state;
	/* D = 2026-01-20, T1 = 2026-04-20 (in 2026Q2), open throughout:
	 * Q1 (2025-12-31, 2026-03-31]: M1 later -> no row;
	 * Q2 (2026-03-31, 2026-06-30]: Ny 2026-04-20;
	 * Q3 (2026-06-30, 2026-09-30]: Åter with T2 = 2026-07-20;
	 * Q4 (2026-09-30, 2026-12-31]: Åter with T3 = 2026-10-20. */
	mu_start();
	mu_beslut("B1", "SOL_SARSKILT_BOENDE", D("2026-01-20"));
	compute(D("2026-12-31"));
	struct case_row row;
	assert_false(classify(D("2025-12-31"), D("2026-03-31"), &row));
	assert_true(classify(D("2026-03-31"), D("2026-06-30"), &row));
	assert_int_equal(row.typ, RT_NY);
	assert_string_equal(S(row.title_date), "2026-04-20");
	assert_true(classify(D("2026-06-30"), D("2026-09-30"), &row));
	assert_int_equal(row.typ, RT_ATER);
	assert_string_equal(S(row.milestone), "2026-07-20");
	assert_true(classify(D("2026-09-30"), D("2026-12-31"), &row));
	assert_string_equal(S(row.milestone), "2026-10-20");
	done();
}

static void test_slut_verkstallt_and_nothing_after(void **state)
{
	(void)state;
	/* D = 2026-01-20, T1 = 2026-04-20; executed 2026-08-03.
	 * Q2: Ny 2026-04-20 (open at C = 2026-06-30, nothing carried);
	 * Q3: M1 <= P = 2026-06-30, open at P, executed in (P, C]:
	 * Slutrapportering, verkställt 2026-08-03, Tremånadersdatum = M1;
	 * Q4: closed before P = 2026-09-30 -> no row. */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_SARSKILT_BOENDE", D("2026-01-20"));
	mu_exec(b, D("2026-08-03"), DATE_NONE);
	compute(D("2026-12-31"));
	struct case_row row;
	assert_true(classify(D("2026-03-31"), D("2026-06-30"), &row));
	assert_int_equal(row.typ, RT_NY);
	assert_int_equal(row.executed, DATE_NONE);
	assert_true(classify(D("2026-06-30"), D("2026-09-30"), &row));
	assert_int_equal(row.typ, RT_SLUT_VERKSTALLT);
	assert_string_equal(S(row.title_date), "2026-08-03");
	assert_string_equal(S(row.executed), "2026-08-03");
	assert_string_equal(S(row.milestone), "2026-04-20");
	assert_false(classify(D("2026-09-30"), D("2026-12-31"), &row));
	done();
}

static void test_slut_avslutat_with_orsak(void **state)
{
	(void)state;
	/* D = 2026-01-20, T1 = 2026-04-20; avslutad 2026-09-01 (flyttat):
	 * Q3 -> Slutrapportering, avslutat 2026-09-01 */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_SARSKILT_BOENDE", D("2026-01-20"));
	m.beslut.v[b].avslutad_datum = D("2026-09-01");
	m.beslut.v[b].avslutsorsak = ORSAK_FLYTTAT;
	compute(D("2026-09-30"));
	struct case_row row;
	assert_true(classify(D("2026-06-30"), D("2026-09-30"), &row));
	assert_int_equal(row.typ, RT_SLUT_AVSLUTAT);
	assert_string_equal(S(row.ended), "2026-09-01");
	assert_int_equal(only_case()->orsak, ORSAK_FLYTTAT);
	done();
}

static void test_executed_before_cutoff_is_ny_with_date(void **state)
{
	(void)state;
	/* D = 2026-04-10, T1 = 2026-07-10 (Q3); executed 2026-09-15, before
	 * the cut-off 2026-09-30: still Nyrapportering, carrying 2026-09-15
	 * (the law: "not executed within three months") */
	mu_start();
	uint32_t b = mu_beslut("B1", "LSS9_10", D("2026-04-10"));
	mu_exec(b, D("2026-09-15"), DATE_NONE);
	compute(D("2026-09-30"));
	struct case_row row;
	assert_true(classify(D("2026-06-30"), D("2026-09-30"), &row));
	assert_int_equal(row.typ, RT_NY);
	assert_string_equal(S(row.title_date), "2026-07-10");
	assert_string_equal(S(row.executed), "2026-09-15");
	done();
}

static void test_executed_and_ended_same_quarter_earlier_wins(void **state)
{
	(void)state;
	/* D = 2026-01-20, T1 = 2026-04-20. Executed 2026-08-05 and ended
	 * 2026-08-10 in Q3: the earlier, verkställt 2026-08-05 */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-20"));
	m.beslut.v[b].avslutad_datum = D("2026-08-10");
	mu_exec(b, D("2026-08-05"), DATE_NONE);
	compute(D("2026-09-30"));
	struct case_row row;
	assert_true(classify(D("2026-06-30"), D("2026-09-30"), &row));
	assert_int_equal(row.typ, RT_SLUT_VERKSTALLT);
	assert_string_equal(S(row.executed), "2026-08-05");
	assert_int_equal(row.ended, DATE_NONE);   /* never both */
	done();

	/* ended 2026-08-10 before an execution start 2026-08-20: avslutat */
	mu_start();
	b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-20"));
	m.beslut.v[b].avslutad_datum = D("2026-08-10");
	m.beslut.v[b].avslutsorsak = ORSAK_BEHOV_UPPHORT;
	mu_exec(b, D("2026-08-20"), DATE_NONE);
	compute(D("2026-09-30"));
	assert_true(classify(D("2026-06-30"), D("2026-09-30"), &row));
	assert_int_equal(row.typ, RT_SLUT_AVSLUTAT);
	assert_string_equal(S(row.ended), "2026-08-10");
	done();

	/* same day 2026-08-10: verkställt */
	mu_start();
	b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-20"));
	m.beslut.v[b].avslutad_datum = D("2026-08-10");
	mu_exec(b, D("2026-08-10"), DATE_NONE);
	compute(D("2026-09-30"));
	assert_true(classify(D("2026-06-30"), D("2026-09-30"), &row));
	assert_int_equal(row.typ, RT_SLUT_VERKSTALLT);
	done();
}

static void test_death_ends_decision(void **state)
{
	(void)state;
	/* D = 2026-01-20, T1 = 2026-04-20; the person dies 2026-07-14:
	 * A = 2026-07-14, avslutsorsak avliden -> Q3 Slut avslutat */
	mu_start();
	mu_person("194501129876", 'K', D("2026-07-14"));
	mu_beslut("B1", "SOL_SARSKILT_BOENDE", D("2026-01-20"));
	compute(D("2026-09-30"));
	assert_string_equal(S(only_case()->ended), "2026-07-14");
	assert_int_equal(only_case()->orsak, ORSAK_AVLIDEN);
	struct case_row row;
	assert_true(classify(D("2026-06-30"), D("2026-09-30"), &row));
	assert_int_equal(row.typ, RT_SLUT_AVSLUTAT);
	done();

	/* a death before T1 (2026-03-01) means no case at all */
	mu_start();
	mu_person("194501129876", 'K', D("2026-03-01"));
	mu_beslut("B1", "SOL_SARSKILT_BOENDE", D("2026-01-20"));
	compute(D("2026-09-30"));
	assert_int_equal(cs.cases.n, 0);
	done();
}

static void test_end_reason_order_on_equal_dates(void **state)
{
	(void)state;
	/* avslutad_datum and giltig_tom both 2026-06-30: the first in the
	 * list (avslutad_datum, with its own orsak) gives the avslutsorsak */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-20"));
	m.beslut.v[b].avslutad_datum = D("2026-06-30");
	m.beslut.v[b].avslutsorsak = ORSAK_ATERKALLAD;
	m.beslut.v[b].giltig_tom = D("2026-06-30");
	compute(D("2026-09-30"));
	assert_int_equal(cs.facts[0].orsak, ORSAK_ATERKALLAD);
	done();
	/* giltig_tom alone: lopt_ut */
	mu_start();
	b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-20"));
	m.beslut.v[b].giltig_tom = D("2026-06-30");
	compute(D("2026-09-30"));
	assert_int_equal(cs.facts[0].orsak, ORSAK_LOPT_UT);
	assert_string_equal(S(cs.facts[0].end), "2026-06-30");
	done();
}

static void test_facts_after_evaluation_date_ignored(void **state)
{
	(void)state;
	/* D = 2026-04-10, T1 = 2026-07-10; executed 2026-10-05, after
	 * E = 2026-09-30: open at E, Ny without a date */
	mu_start();
	uint32_t b = mu_beslut("B1", "LSS9_10", D("2026-04-10"));
	mu_exec(b, D("2026-10-05"), DATE_NONE);
	mu_beslut("B2", "LSS9_10", D("2026-10-01"));   /* D > E: does not exist */
	compute(D("2026-09-30"));
	const struct evb_case *c = only_case();
	assert_int_equal(c->executed, DATE_NONE);
	assert_true(case_open_at(c, D("2026-09-30")));
	assert_false(cs.facts[1].in_scope);
	done();

	/* an end after E is not known yet either */
	mu_start();
	b = mu_beslut("B1", "LSS9_10", D("2026-04-10"));
	m.beslut.v[b].avslutad_datum = D("2026-10-02");
	compute(D("2026-09-30"));
	assert_int_equal(only_case()->ended, DATE_NONE);
	done();
}

static void test_out_of_scope_not_a_case(void **state)
{
	(void)state;
	/* avslag is never reported */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-20"));
	m.beslut.v[b].utfall = UTFALL_AVSLAG;
	b = mu_beslut("B2", "SOL_HEMTJANST", D("2026-01-20"));
	m.beslut.v[b].utfall = UTFALL_DELVIS_BIFALL;
	compute(D("2026-09-30"));
	assert_int_equal(cs.cases.n, 1);
	assert_int_equal(cs.cases.v[0].beslut, 1);
	done();
}

/* ---- interruptions (3.3) ---- */

static void test_gap_resumed_on_u1_in_time(void **state)
{
	(void)state;
	/* executed 2026-01-05..2026-02-14, resumed 2026-05-15:
	 * B = 2026-02-15, U1 = 2026-05-15 -> resumed on U1: in time */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-02"));
	mu_exec(b, D("2026-01-05"), D("2026-02-14"));
	mu_exec(b, D("2026-05-15"), DATE_NONE);
	compute(D("2026-09-30"));
	assert_int_equal(cs.cases.n, 0);
	done();

	/* resumed 2026-05-16, one day after U1: an interruption case */
	mu_start();
	b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-02"));
	mu_exec(b, D("2026-01-05"), D("2026-02-14"));
	mu_exec(b, D("2026-05-16"), DATE_NONE);
	compute(D("2026-09-30"));
	const struct evb_case *c = only_case();
	assert_int_equal(c->kind, CASE_AVBROTT);
	assert_string_equal(S(c->start), "2026-02-15");
	assert_string_equal(S(c->executed), "2026-05-16");
	/* Q2 (2026-03-31, 2026-06-30]: U1 = 2026-05-15 -> Ny avbrott, resumed */
	struct case_row row;
	assert_true(classify(D("2026-03-31"), D("2026-06-30"), &row));
	assert_int_equal(row.typ, RT_NY_AVBROTT);
	assert_string_equal(S(row.title_date), "2026-05-15");
	assert_string_equal(S(row.executed), "2026-05-16");
	done();
}

static void test_explicit_avbrott_open(void **state)
{
	(void)state;
	/* execution from 2026-01-05 ongoing, avbrott from 2026-03-10 with no
	 * end: B = 2026-03-10, U1 = 2026-06-10, open at 2026-09-30:
	 * Q2 Ny avbrott 2026-06-10; Q3 Återrapportering U2 = 2026-09-10 */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-02"));
	mu_exec(b, D("2026-01-05"), DATE_NONE);
	mu_paus(b, D("2026-03-10"), DATE_NONE);
	compute(D("2026-09-30"));
	struct case_row row;
	assert_string_equal(S(only_case()->start), "2026-03-10");
	assert_true(classify(D("2026-03-31"), D("2026-06-30"), &row));
	assert_int_equal(row.typ, RT_NY_AVBROTT);
	assert_string_equal(S(row.milestone), "2026-06-10");
	assert_true(classify(D("2026-06-30"), D("2026-09-30"), &row));
	assert_int_equal(row.typ, RT_ATER);
	assert_string_equal(S(row.milestone), "2026-09-10");
	done();
}

static void test_paused_from_first_day_not_executed(void **state)
{
	(void)state;
	/* D = 2025-12-15, T1 = 2026-03-15; execution from 2026-01-01 paused
	 * 2026-01-01..2026-05-01: the first delivered day S = 2026-05-02 >
	 * T1 -> a non-execution case executed 2026-05-02, no interruption */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2025-12-15"));
	mu_exec(b, D("2026-01-01"), DATE_NONE);
	mu_paus(b, D("2026-01-01"), D("2026-05-01"));
	compute(D("2026-06-30"));
	const struct evb_case *c = only_case();
	assert_int_equal(c->kind, CASE_BESLUT);
	assert_string_equal(S(c->executed), "2026-05-02");
	done();
}

static void test_gap_ending_with_decision_end(void **state)
{
	(void)state;
	/* executed 2026-01-05..2026-01-31, giltig_tom 2026-06-30:
	 * B = 2026-02-01, U1 = 2026-05-01, A = 2026-06-30 > U1 -> a case that
	 * ends at A, avslutsorsak lopt_ut */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-02"));
	m.beslut.v[b].giltig_tom = D("2026-06-30");
	mu_exec(b, D("2026-01-05"), D("2026-01-31"));
	compute(D("2026-09-30"));
	const struct evb_case *c = only_case();
	assert_int_equal(c->kind, CASE_AVBROTT);
	assert_string_equal(S(c->start), "2026-02-01");
	assert_string_equal(S(c->ended), "2026-06-30");
	assert_int_equal(c->orsak, ORSAK_LOPT_UT);
	done();

	/* A = 2026-04-30 before U1 = 2026-05-01: no case */
	mu_start();
	b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-02"));
	m.beslut.v[b].giltig_tom = D("2026-04-30");
	mu_exec(b, D("2026-01-05"), D("2026-01-31"));
	compute(D("2026-09-30"));
	assert_int_equal(cs.cases.n, 0);
	done();
}

static void test_non_execution_then_interruption(void **state)
{
	(void)state;
	/* D = 2026-01-02, T1 = 2026-04-02; executed 2026-04-20..2026-04-30
	 * (a case, executed 2026-04-20), then nothing: B = 2026-05-01,
	 * U1 = 2026-08-01 < E 2026-09-30 -> a second, interruption case */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2026-01-02"));
	mu_exec(b, D("2026-04-20"), D("2026-04-30"));
	compute(D("2026-09-30"));
	assert_int_equal(cs.cases.n, 2);
	assert_int_equal(cs.cases.v[0].kind, CASE_BESLUT);
	assert_string_equal(S(cs.cases.v[0].executed), "2026-04-20");
	assert_int_equal(cs.cases.v[1].kind, CASE_AVBROTT);
	assert_string_equal(S(cs.cases.v[1].start), "2026-05-01");
	done();
}

static void test_preliminary_only_passed_milestones(void **state)
{
	(void)state;
	/* D = 2026-05-20, T1 = 2026-08-20. A preliminary run on 2026-08-15
	 * (before the cut-off 2026-09-30) passes C = E = 2026-08-15: T1 has
	 * not passed -> no row; on 2026-08-25 it has -> Ny */
	mu_start();
	mu_beslut("B1", "SOL_HEMTJANST", D("2026-05-20"));
	compute(D("2026-08-15"));
	struct case_row row;
	assert_false(classify(D("2026-06-30"), D("2026-08-15"), &row));
	done();
	mu_start();
	mu_beslut("B1", "SOL_HEMTJANST", D("2026-05-20"));
	compute(D("2026-08-25"));
	assert_true(classify(D("2026-06-30"), D("2026-08-25"), &row));
	assert_int_equal(row.typ, RT_NY);
	done();
}

/* ---- replaced decisions (3.4) ---- */

static void test_replaced_through_ersatter(void **state)
{
	(void)state;
	/* O: D = 2026-01-10, never executed (T1 = 2026-04-10: a case).
	 * N: D = 2026-05-04, giltig_from 2026-05-05, ersätter O.
	 * O ends 2026-05-04 (the day before N takes effect), nytt_beslut;
	 * N's clock starts at 2026-05-04: T1 = 2026-08-04; N notes O. */
	mu_start();
	uint32_t o = mu_beslut("O1", "SOL_SARSKILT_BOENDE", D("2026-01-10"));
	uint32_t n = mu_beslut("N1", "SOL_SARSKILT_BOENDE", D("2026-05-04"));
	m.beslut.v[n].giltig_from = D("2026-05-05");
	m.beslut.v[n].replaces = o;
	m.beslut.v[n].ersatter = m.beslut.v[o].id;
	compute(D("2026-09-30"));
	assert_string_equal(S(cs.facts[o].end), "2026-05-04");
	assert_int_equal(cs.facts[o].orsak, ORSAK_NYTT_BESLUT);
	assert_int_equal(cs.facts[n].previous, o);
	assert_string_equal(S(cs.facts[n].chain_first), "2026-01-10");
	assert_int_equal(cs.cases.n, 2);
	assert_string_equal(S(cs.cases.v[0].ended), "2026-05-04");
	assert_string_equal(S(case_first_milestone(&cs.cases.v[1])), "2026-08-04");
	done();
}

static void test_replaced_by_following_decision(void **state)
{
	(void)state;
	/* O: D = 2026-01-10, giltig_tom 2026-04-30, never executed.
	 * N: same person and insats, giltig_from 2026-05-01 (the day after
	 * O's end): N notes O; O was a case (T1 = 2026-04-10 < A) and ends
	 * 2026-04-30 lopt_ut */
	mu_start();
	uint32_t o = mu_beslut("O1", "LSS9_9", D("2026-01-10"));
	m.beslut.v[o].giltig_tom = D("2026-04-30");
	uint32_t n = mu_beslut("N1", "LSS9_9", D("2026-04-28"));
	m.beslut.v[n].giltig_from = D("2026-05-01");
	compute(D("2026-09-30"));
	assert_int_equal(cs.facts[n].previous, o);
	assert_int_equal(cs.facts[o].orsak, ORSAK_LOPT_UT);
	done();

	/* O executed: no note */
	mu_start();
	o = mu_beslut("O1", "LSS9_9", D("2026-01-10"));
	m.beslut.v[o].giltig_tom = D("2026-04-30");
	mu_exec(o, D("2026-02-01"), D("2026-04-30"));
	n = mu_beslut("N1", "LSS9_9", D("2026-04-28"));
	m.beslut.v[n].giltig_from = D("2026-05-01");
	compute(D("2026-09-30"));
	assert_int_equal(cs.facts[n].previous, IDX_NONE);
	done();
}

/* ---- message titles and deadlines ---- */

static void test_titles(void **state)
{
	(void)state;
	char buf[200];
	int k = templates_insats_find(tpl, "LSS9_10");
	const char *sn = templates_insats(tpl, k)->short_name;
	assert_string_equal(ivo_title(tpl, RT_NY, D("2026-04-15"), true, sn, buf, sizeof(buf)),
			    "IVO - Nyrapportering 2026-04-15, Förhandsbesked, 9§10");
	/* Förhandsbesked only in Nyrapportering */
	assert_string_equal(ivo_title(tpl, RT_NY_AVBROTT, D("2026-04-15"), true, sn, buf, sizeof(buf)),
			    "IVO - Nyrapportering avbrott 2026-04-15, 9§10");
	assert_string_equal(ivo_title(tpl, RT_ATER, D("2026-07-15"), true, sn, buf, sizeof(buf)),
			    "IVO - Återrapportering 2026-07-15, 9§10");
	assert_string_equal(ivo_title(tpl, RT_SLUT_VERKSTALLT, D("2026-05-02"), false, sn, buf, sizeof(buf)),
			    "IVO - Slutrapportering, verkställt 2026-05-02, 9§10");
	assert_string_equal(ivo_title(tpl, RT_SLUT_AVSLUTAT, D("2026-05-02"), false, sn, buf, sizeof(buf)),
			    "IVO - Slutrapportering, avslutat 2026-05-02, 9§10");
}

static void test_message_due_next_working_day(void **state)
{
	(void)state;
	/* D = 2026-03-19 -> T1 = 2026-06-19, midsommarafton (Friday, closed);
	 * 06-20 midsommardagen, 06-21 Sunday -> due Monday 2026-06-22 */
	assert_string_equal(S(next_working_day_after(add_months(D("2026-03-19"), 3))), "2026-06-22");
	/* D = 2026-01-03 -> T1 = 2026-04-03, långfredag; 04-04 Saturday,
	 * 04-05 påskdagen, 04-06 annandag påsk -> 2026-04-07 */
	assert_string_equal(S(next_working_day_after(add_months(D("2026-01-03"), 3))), "2026-04-07");
	/* D = 2026-09-24 -> T1 = 2026-12-24, julafton (Thursday); 12-25 and
	 * 12-26 holidays, 12-27 Sunday -> 2026-12-28 */
	assert_string_equal(S(next_working_day_after(add_months(D("2026-09-24"), 3))), "2026-12-28");
}

static void test_routing(void **state)
{
	(void)state;
	const struct insats_info *i8 = templates_insats(tpl, templates_insats_find(tpl, "LSS9_8"));
	const struct insats_info *i6 = templates_insats(tpl, templates_insats_find(tpl, "LSS9_6"));
	assert_string_equal(ivo_ansvarig(i8, false), "LSS-handläggare");
	assert_string_equal(ivo_ansvarig(i8, true), "Boendeteamet");
	/* 9 § 6 executed externally stays with the LSS-handläggare */
	assert_string_equal(ivo_ansvarig(i6, true), "LSS-handläggare");
}

static void test_quarters(void **state)
{
	(void)state;
	int y, q;
	assert_int_equal(quarter_parse("2026Q3", &y, &q), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(q, 3);
	assert_int_not_equal(quarter_parse("2026Q5", &y, &q), 0);
	assert_int_not_equal(quarter_parse("2026-3", &y, &q), 0);
	assert_string_equal(S(quarter_cutoff(2026, 1)), "2026-03-31");
	assert_string_equal(S(quarter_cutoff(2026, 2)), "2026-06-30");
	assert_string_equal(S(quarter_deadline(2026, 2)), "2026-08-31");
	assert_string_equal(S(quarter_deadline(2026, 4)), "2027-01-31");
	quarter_step(&y, &q, -3);
	assert_int_equal(y, 2025);
	assert_int_equal(q, 4);
	/* E = min(C, as-of) */
	assert_string_equal(S(ivo_eval_date(2026, 3, D("2026-11-22"))), "2026-09-30");
	assert_string_equal(S(ivo_eval_date(2026, 3, D("2026-08-15"))), "2026-08-15");
}

/*
 * ivo_prefetch_ahead (the report loops' fetch of rows i + 8, i + 4 and
 * i + 2) takes each row's decision from the offset it is given and reads
 * no row at or past the last: it runs for every i of a heap array of
 * exactly N messages, which AddressSanitizer stops at a read past it. The
 * messages' decisions go backwards (row k: decision N - 1 - k) and their
 * persons are far out of range, so a decision taken from the wrong field
 * or row shows in ivo_row_beslut, or reads outside the decisions.
 */
static void test_prefetch_ahead_stays_in_rows(void **state)
{
	(void)state;
	enum { N = 10 };
	mu_start();
	for (int k = 0; k < N; k++) {
		char id[] = { 'B', (char)('0' + k), '\0' };
		mu_beslut(id, "SOL_HEMTJANST", D("2026-01-15"));
	}
	mu_finish();
	struct ivo_message *msg = calloc(N, sizeof(*msg));
	assert_non_null(msg);
	for (uint32_t k = 0; k < N; k++) {
		msg[k].beslut = N - 1 - k;
		msg[k].person = 1000000 + k;
	}
	for (uint32_t k = 0; k < N; k++)
		assert_int_equal(ivo_row_beslut(msg, sizeof(*msg), offsetof(struct ivo_message, beslut),
						k), N - 1 - k);
	for (uint32_t i = 0; i < N; i++)
		ivo_prefetch_ahead(&m, msg, sizeof(*msg), offsetof(struct ivo_message, beslut), i, N);
	free(msg);
	model_release(&m);
}

static void test_wait_classes(void **state)
{
	(void)state;
	/* start 2026-01-31: +6 months = 2026-07-31, +12 = 2027-01-31 */
	assert_int_equal(ivo_wait_class(D("2026-01-31"), D("2026-07-30")), WAIT_3_6);
	assert_int_equal(ivo_wait_class(D("2026-01-31"), D("2026-07-31")), WAIT_6_12);
	assert_int_equal(ivo_wait_class(D("2026-01-31"), D("2027-01-30")), WAIT_6_12);
	assert_int_equal(ivo_wait_class(D("2026-01-31"), D("2027-01-31")), WAIT_OVER_12);
}

/* ---- message events (SPEC 5.1, "Meddelanden") ---- */

/* The messages of the only case in (prev, eval]; returns how many. */
static int messages(evb_date prev, evb_date eval, struct case_message out[2])
{
	return case_messages(only_case(), prev, eval, out);
}

static void test_messages_month_end_milestones(void **state)
{
	(void)state;
	/* D = 2025-11-30, never executed: the milestones are counted from D,
	 * never chained: +3 = 2026-02-28 (no 30 Feb), +6 = 2026-05-30 (not
	 * 2026-05-28 as 02-28 + 3 would give), +9 = 2026-08-30, +12 =
	 * 2026-11-30. One message per quarter: Ny, then Åter. */
	mu_start();
	mu_beslut("B1", "SOL_HEMTJANST", D("2025-11-30"));
	compute(D("2026-12-31"));
	struct case_message msg[2];
	static const char *const quarters[][3] = {
		{ "2025-12-31", "2026-03-31", "2026-02-28" },
		{ "2026-03-31", "2026-06-30", "2026-05-30" },
		{ "2026-06-30", "2026-09-30", "2026-08-30" },
		{ "2026-09-30", "2026-12-31", "2026-11-30" },
	};
	for (int q = 0; q < 4; q++) {
		assert_int_equal(messages(D(quarters[q][0]), D(quarters[q][1]), msg), 1);
		assert_int_equal(msg[0].typ, q == 0 ? RT_NY : RT_ATER);
		assert_string_equal(S(msg[0].date), quarters[q][2]);
		assert_int_equal(msg[0].k, q + 1);
	}
	/* 2025Q4: M1 2026-02-28 has not come: nothing */
	assert_int_equal(messages(D("2025-09-30"), D("2025-12-31"), msg), 0);
	/* a preliminary run of 2026Q3 on 2026-08-29: M3 2026-08-30 not passed */
	assert_int_equal(messages(D("2026-06-30"), D("2026-08-29"), msg), 0);
	assert_int_equal(messages(D("2026-06-30"), D("2026-08-30"), msg), 1);
	done();
}

static void test_messages_ny_then_slut(void **state)
{
	(void)state;
	/* D = 2025-11-30, M1 2026-02-28; executed 2026-03-10: in 2026Q1
	 * (2025-12-31, 2026-03-31] the Nyrapportering 02-28 and the
	 * Slutrapportering, verkställt 03-10; nothing in 2026Q2 */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2025-11-30"));
	mu_exec(b, D("2026-03-10"), DATE_NONE);
	compute(D("2026-06-30"));
	struct case_message msg[2];
	assert_int_equal(messages(D("2025-12-31"), D("2026-03-31"), msg), 2);
	assert_int_equal(msg[0].typ, RT_NY);
	assert_string_equal(S(msg[0].date), "2026-02-28");
	assert_int_equal(msg[1].typ, RT_SLUT_VERKSTALLT);
	assert_string_equal(S(msg[1].date), "2026-03-10");
	assert_int_equal(msg[1].k, 0);
	assert_int_equal(messages(D("2026-03-31"), D("2026-06-30"), msg), 0);
	/* a preliminary run on 2026-03-09 knows no execution yet: Ny only */
	cases_release(&cs);
	assert_int_equal(cases_compute(&m, tpl, D("2026-03-09"), &cs), 0);
	assert_int_equal(messages(D("2025-12-31"), D("2026-03-09"), msg), 1);
	assert_int_equal(msg[0].typ, RT_NY);
	done();
}

static void test_messages_ater_then_slut_and_closing_before_milestone(void **state)
{
	(void)state;
	/* D = 2025-11-30, ended (avslutad) 2026-06-15: 2026Q2 gives the
	 * Återrapportering of M2 2026-05-30 and Slutrapportering, avslutat
	 * 2026-06-15 */
	mu_start();
	uint32_t b = mu_beslut("B1", "SOL_HEMTJANST", D("2025-11-30"));
	m.beslut.v[b].avslutad_datum = D("2026-06-15");
	m.beslut.v[b].avslutsorsak = ORSAK_BEHOV_UPPHORT;
	compute(D("2026-06-30"));
	struct case_message msg[2];
	assert_int_equal(messages(D("2026-03-31"), D("2026-06-30"), msg), 2);
	assert_int_equal(msg[0].typ, RT_ATER);
	assert_string_equal(S(msg[0].date), "2026-05-30");
	assert_int_equal(msg[1].typ, RT_SLUT_AVSLUTAT);
	assert_string_equal(S(msg[1].date), "2026-06-15");
	done();

	/* executed 2026-05-30, on M2 itself: closed on or before M2, so no
	 * Återrapportering, only the Slutrapportering of 05-30 */
	mu_start();
	b = mu_beslut("B1", "SOL_HEMTJANST", D("2025-11-30"));
	mu_exec(b, D("2026-05-30"), DATE_NONE);
	compute(D("2026-06-30"));
	assert_int_equal(messages(D("2026-03-31"), D("2026-06-30"), msg), 1);
	assert_int_equal(msg[0].typ, RT_SLUT_VERKSTALLT);
	assert_string_equal(S(msg[0].date), "2026-05-30");
	done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_months_clamps_to_month_end),
		cmocka_unit_test(test_executed_on_t1_is_in_time),
		cmocka_unit_test(test_milestones_counted_from_decision_date),
		cmocka_unit_test(test_classification_table),
		cmocka_unit_test(test_slut_verkstallt_and_nothing_after),
		cmocka_unit_test(test_slut_avslutat_with_orsak),
		cmocka_unit_test(test_executed_before_cutoff_is_ny_with_date),
		cmocka_unit_test(test_executed_and_ended_same_quarter_earlier_wins),
		cmocka_unit_test(test_death_ends_decision),
		cmocka_unit_test(test_end_reason_order_on_equal_dates),
		cmocka_unit_test(test_facts_after_evaluation_date_ignored),
		cmocka_unit_test(test_out_of_scope_not_a_case),
		cmocka_unit_test(test_gap_resumed_on_u1_in_time),
		cmocka_unit_test(test_explicit_avbrott_open),
		cmocka_unit_test(test_paused_from_first_day_not_executed),
		cmocka_unit_test(test_gap_ending_with_decision_end),
		cmocka_unit_test(test_non_execution_then_interruption),
		cmocka_unit_test(test_preliminary_only_passed_milestones),
		cmocka_unit_test(test_replaced_through_ersatter),
		cmocka_unit_test(test_replaced_by_following_decision),
		cmocka_unit_test(test_titles),
		cmocka_unit_test(test_message_due_next_working_day),
		cmocka_unit_test(test_routing),
		cmocka_unit_test(test_quarters),
		cmocka_unit_test(test_wait_classes),
		cmocka_unit_test(test_prefetch_ahead_stays_in_rows),
		cmocka_unit_test(test_messages_month_end_milestones),
		cmocka_unit_test(test_messages_ny_then_slut),
		cmocka_unit_test(test_messages_ater_then_slut_and_closing_before_milestone),
	};
	return cmocka_run_group_tests(tests, mu_setup, mu_teardown);
}
