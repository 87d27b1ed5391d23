/*
 * Unit tests: the working list (SPEC 5.4, src/due.c). Every date is worked
 * out by hand in the comment next to it.
 */
#include "testutil.h"
#include "modelutil.h"
#include "due.h"

/* minutes since 1970 of a day at hh:mm */
static int64_t at(const char *day, int hh, int mm)
{
	return (int64_t)D(day) * 1440 + hh * 60 + mm;
}

static void assert_moment(int64_t got, const char *day, int hh, int mm)
{
	if (got != at(day, hh, mm))
		fail_msg("got %s %02d:%02d, expected %s %02d:%02d", S((evb_date)(got / 1440)),
			 (int)(got % 1440) / 60, (int)(got % 60), day, hh, mm);
}

/* ---- the routine's dates across holidays ---------------------------------------- */

static void test_cycle_over_easter(void **state)
{
	(void)state;
	struct due_row r;
	/* D 2026-01-03: T1 = 2026-04-03, långfredagen (Easter Sunday 2026-04-05).
	 * Summary by the last working day before: Thursday 2026-04-02 (skärtorsdag
	 * is a working day). Message on the first working day after: Saturday,
	 * påskdagen and annandag påsk (04-06) pass, so Tuesday 2026-04-07.
	 * Contact: 2026-03-03 + 14 = 2026-03-17. Seen on 2026-03-01 nothing has
	 * passed and the contact is nearest. */
	due_cycle(D("2026-01-03"), D("2026-03-01"), &r);
	assert_string_equal(S(r.milestone), "2026-04-03");
	assert_string_equal(S(r.contact), "2026-03-17");
	assert_string_equal(S(r.summary), "2026-04-02");
	assert_string_equal(S(r.message), "2026-04-07");
	assert_int_equal(r.passed, 0);
	assert_string_equal(S(r.nearest), "2026-03-17");
	/* seen on 2026-04-06 (annandag påsk): contact and summary passed, the
	 * message of T1 is still ahead (04-07) */
	due_cycle(D("2026-01-03"), D("2026-04-06"), &r);
	assert_string_equal(S(r.milestone), "2026-04-03");
	assert_int_equal(r.passed, DUE_CONTACT_PASSED | DUE_SUMMARY_PASSED);
	assert_string_equal(S(r.nearest), "2026-04-07");
	/* seen on 2026-04-08 the next cycle: T2 = 2026-07-03 (Friday), contact
	 * 2026-06-03 + 14 = 06-17, summary Thu 07-02, message Mon 07-06 */
	due_cycle(D("2026-01-03"), D("2026-04-08"), &r);
	assert_string_equal(S(r.milestone), "2026-07-03");
	assert_string_equal(S(r.contact), "2026-06-17");
	assert_string_equal(S(r.summary), "2026-07-02");
	assert_string_equal(S(r.message), "2026-07-06");
}

static void test_cycle_over_midsommar(void **state)
{
	(void)state;
	struct due_row r;
	/* D 2026-03-19: T1 = 2026-06-19, midsommarafton (closed). Summary by
	 * Thursday 06-18; message: midsommardagen 06-20 and Sunday pass, Monday
	 * 2026-06-22. Contact 2026-05-19 + 14 = 2026-06-02. */
	due_cycle(D("2026-03-19"), D("2026-06-01"), &r);
	assert_string_equal(S(r.milestone), "2026-06-19");
	assert_string_equal(S(r.contact), "2026-06-02");
	assert_string_equal(S(r.summary), "2026-06-18");
	assert_string_equal(S(r.message), "2026-06-22");
}

static void test_cycle_over_christmas_and_month_end(void **state)
{
	(void)state;
	struct due_row r;
	/* D 2026-09-25: T1 = 2026-12-25 juldagen (Friday). Summary: 24th is
	 * julafton (closed), so Wednesday 2026-12-23. Message: 26 Saturday
	 * (annandag jul), 27 Sunday, so Monday 2026-12-28. Contact 2026-11-25 +
	 * 14 = 2026-12-09. */
	due_cycle(D("2026-09-25"), D("2026-11-22"), &r);
	assert_string_equal(S(r.milestone), "2026-12-25");
	assert_string_equal(S(r.contact), "2026-12-09");
	assert_string_equal(S(r.summary), "2026-12-23");
	assert_string_equal(S(r.message), "2026-12-28");
	/* D 2025-11-30: T1 = 2026-02-28 (no 30 February), a Saturday: summary
	 * Friday 02-27, message Monday 2026-03-02; contact: add_months(D, 2) =
	 * 2026-01-30, + 14 = 2026-02-13 */
	due_cycle(D("2025-11-30"), D("2026-01-10"), &r);
	assert_string_equal(S(r.milestone), "2026-02-28");
	assert_string_equal(S(r.contact), "2026-02-13");
	assert_string_equal(S(r.summary), "2026-02-27");
	assert_string_equal(S(r.message), "2026-03-02");
	/* the fourth cycle is counted from D, not from T3: T4 = 2026-11-30 */
	due_cycle(D("2025-11-30"), D("2026-09-10"), &r);
	assert_string_equal(S(r.milestone), "2026-11-30");
}

/* ---- 24 working hours ------------------------------------------------------------------ */

static void test_order_friday_afternoon_before_monday_holiday(void **state)
{
	(void)state;
	/* Friday 2028-04-28 16:30 (inside 08-17): 7 h 30 of Friday count;
	 * Saturday, Sunday and Monday 2028-05-01 (första maj) do not; the other
	 * 16 h 30 run on Tuesday: 2028-05-02 16:30 */
	assert_moment(due_order_deadline(at("2028-04-28", 16, 30)), "2028-05-02", 16, 30);
	/* Friday 2023-12-22 16:30: julafton (Sunday), juldagen and annandag jul
	 * (Monday, Tuesday) pass: Wednesday 2023-12-27 16:30 */
	assert_moment(due_order_deadline(at("2023-12-22", 16, 30)), "2023-12-27", 16, 30);
}

static void test_order_outside_office_hours(void **state)
{
	(void)state;
	/* Saturday 2026-11-21 10:00: counts from Monday 11-23 08:00, due
	 * Tuesday 2026-11-24 08:00 */
	assert_moment(due_order_clock_start(at("2026-11-21", 10, 0)), "2026-11-23", 8, 0);
	assert_moment(due_order_deadline(at("2026-11-21", 10, 0)), "2026-11-24", 8, 0);
	/* Tuesday 2026-11-17 17:30: from Wednesday 08:00, due Thursday 08:00 */
	assert_moment(due_order_deadline(at("2026-11-17", 17, 30)), "2026-11-19", 8, 0);
	/* Tuesday 06:45: from 08:00 the same day, due Wednesday 08:00 */
	assert_moment(due_order_deadline(at("2026-11-17", 6, 45)), "2026-11-18", 8, 0);
	/* Tuesday 10:15: due Wednesday 10:15 */
	assert_moment(due_order_deadline(at("2026-11-17", 10, 15)), "2026-11-18", 10, 15);
	/* 17:00 sharp is still office hours */
	assert_moment(due_order_clock_start(at("2026-11-17", 17, 0)), "2026-11-17", 17, 0);
	/* Friday 2026-06-19 (midsommarafton, closed) 09:00: from Monday 06-22
	 * 08:00, due Tuesday 06-23 08:00 */
	assert_moment(due_order_deadline(at("2026-06-19", 9, 0)), "2026-06-23", 8, 0);
}

/* ---- the lists -------------------------------------------------------------------------- */

static void test_lists(void **state)
{
	(void)state;
	struct due_report rep;
	mu_start();
	/* B1 waiting since 2026-09-25: on E = 2026-11-22 in its first cycle */
	mu_beslut("B1", "SOL_HEMTJANST", D("2026-09-25"));
	/* B2 executed 2026-06-01..2026-10-31, nothing since: an interruption
	 * from B = 2026-11-01, U1 = 2027-02-01 (Monday), message 2027-02-02 */
	uint32_t b2 = mu_beslut("B2", "SOL_HEMTJANST", D("2026-05-20"));
	mu_exec(b2, D("2026-06-01"), D("2026-10-31"));
	/* B3 executed and going on: not listed */
	uint32_t b3 = mu_beslut("B3", "SOL_HEMTJANST", D("2026-05-20"));
	mu_exec(b3, D("2026-06-01"), DATE_NONE);
	/* B4 never executed but ended: not listed */
	uint32_t b4 = mu_beslut("B4", "SOL_HEMTJANST", D("2026-05-20"));
	m.beslut.v[b4].avslutad_datum = D("2026-10-01");
	/* B5 declined: not listed */
	m.beslut.v[mu_beslut("B5", "SOL_HEMTJANST", D("2026-10-01"))].utfall = UTFALL_AVSLAG;
	/* orders of B1: O1 Saturday 2026-11-21 10:00, due Tuesday 11-24 08:00,
	 * after E: not yet late. O2 Thursday 2026-11-19 16:00, due Friday 16:00:
	 * unconfirmed, listed. */
	mu_order(0, "O1", D("2026-11-21"), 10, 0);
	mu_order(0, "O2", D("2026-11-19"), 16, 0);
	/* O3 of B3 confirmed late (sent Mon 2026-10-05 09:00, due Tue 09:00,
	 * confirmed Tue 11:00); O4 of B3 never confirmed, but B3 was executed
	 * after it was sent: not listed */
	mu_order(b3, "O3", D("2026-10-05"), 9, 0)->bekraftad = (int32_t)at("2026-10-06", 11, 0);
	mu_order(b3, "O4", D("2026-05-25"), 9, 0);
	/* pauses: registered 9 days late (listed), 7 days late (not) */
	mu_paus(b3, D("2026-10-01"), D("2026-10-05"));
	m.avbrott.v[0].registrerad_datum = D("2026-10-10");
	m.avbrott.v[0].id = mu_str("A1");
	mu_paus(b3, D("2026-10-20"), D("2026-10-21"));
	m.avbrott.v[1].registrerad_datum = D("2026-10-27");
	m.avbrott.v[1].id = mu_str("A2");
	mu_finish();
	assert_int_equal(due_build(&m, tpl, D("2026-11-22"), &rep), 0);

	assert_int_equal(rep.rows.n, 2);
	/* B1: T1 = 2026-12-25, contact 2026-11-25 + 14 = 12-09: nearest 12-09;
	 * B2: U1 = 2027-02-01, contact 2027-01-01 + 14 = 2027-01-15 */
	assert_string_equal(str_get(&m, m.beslut.v[rep.rows.v[0].beslut].id), "B1");
	assert_string_equal(S(rep.rows.v[0].nearest), "2026-12-09");
	assert_int_equal(rep.rows.v[1].kind, CASE_AVBROTT);
	assert_string_equal(S(rep.rows.v[1].start), "2026-11-01");
	assert_string_equal(S(rep.rows.v[1].milestone), "2027-02-01");
	assert_string_equal(S(rep.rows.v[1].message), "2027-02-02");

	assert_int_equal(rep.orders.n, 2);
	/* by deadline: O3 (2026-10-06 09:00), O2 (2026-11-20 16:00) */
	assert_string_equal(str_get(&m, m.bestallningar.v[rep.orders.v[0].order].id), "O3");
	assert_string_equal(str_get(&m, m.bestallningar.v[rep.orders.v[1].order].id), "O2");
	assert_moment(rep.orders.v[1].deadline, "2026-11-20", 16, 0);

	assert_int_equal(rep.pauses.n, 1);
	assert_int_equal(rep.pauses.v[0].days, 9);
	due_release(&rep);
	model_release(&m);
}

/* The documentation steps of the current cycle (SPEC 5.4). */
static struct due_row steps(uint32_t b, evb_date start, evb_date eval)
{
	struct due_row row = { .beslut = b, .start = start };
	due_cycle(start, eval, &row);
	due_steps(&m, &row, eval);
	return row;
}

static void test_steps_of_the_current_cycle(void **state)
{
	(void)state;
	mu_start();
	/* B1, D = Thu 2026-08-20: M1 = Fri 2026-11-20, message due Mon
	 * 2026-11-23. Contact window [add_months(D, 2) = 2026-10-20, E], due
	 * 2026-10-20 + 14 = 2026-11-03; summary due Thu 2026-11-19. */
	uint32_t b1 = mu_beslut("B1", "SOL_HEMTJANST", D("2026-08-20"));
	mu_event(b1, D("2026-10-10"), HT_KONTAKT);          /* before the window */
	mu_event(b1, D("2026-11-21"), HT_SAMMANFATTNING);   /* two days late */
	/* B2, D = Wed 2026-05-20: M1 = 2026-08-20 (message due 2026-08-21 <
	 * 2026-11-22), so cycle 2: M2 = 2026-11-20; contact window
	 * [add_months(D, 5) = 2026-10-20, E], due 2026-11-03; summary window
	 * (M1 = 2026-08-20, E]. */
	uint32_t b2 = mu_beslut("B2", "SOL_LEDSAGNING", D("2026-05-20"));
	mu_event(b2, D("2026-08-15"), HT_SAMMANFATTNING);   /* cycle 1's */
	mu_event(b2, D("2026-08-25"), HT_SKAL);
	mu_event(b2, D("2026-11-05"), HT_KONTAKT);          /* after its due date */
	mu_finish();

	/* 2026-11-02: nothing due yet, nothing missing */
	struct due_row r = steps(b1, D("2026-08-20"), D("2026-11-02"));
	assert_int_equal(r.k, 1);
	assert_int_equal(r.kontakt, DATE_NONE);
	assert_int_equal(r.missing, 0);
	/* 2026-11-04: the contact was due 2026-11-03 */
	r = steps(b1, D("2026-08-20"), D("2026-11-04"));
	assert_int_equal(r.missing, DUE_MISSING_CONTACT);
	/* 2026-11-20: the summary was due 2026-11-19 and is registered only on
	 * 2026-11-21: missing until then */
	r = steps(b1, D("2026-08-20"), D("2026-11-20"));
	assert_int_equal(r.k, 1);
	assert_int_equal(r.missing, DUE_MISSING_CONTACT | DUE_MISSING_SUMMARY);
	/* 2026-11-22: registered, late; no skäl, but the first message is due
	 * only 2026-11-23 */
	r = steps(b1, D("2026-08-20"), D("2026-11-22"));
	assert_string_equal(S(r.sammanfattning), "2026-11-21");
	assert_true(r.sammanfattning > r.summary);
	assert_int_equal(r.missing, DUE_MISSING_CONTACT);
	/* 2026-11-24: the first message was due 2026-11-23: skäl missing too;
	 * cycle 2 now (M2 = 2027-02-20), whose summary window starts after M1:
	 * the summary of 2026-11-21 still counts (it is after 2026-11-20) */
	r = steps(b1, D("2026-08-20"), D("2026-11-24"));
	assert_int_equal(r.k, 2);
	assert_string_equal(S(r.sammanfattning), "2026-11-21");
	assert_int_equal(r.missing, DUE_MISSING_SKAL);

	r = steps(b2, D("2026-05-20"), D("2026-11-22"));
	assert_int_equal(r.k, 2);
	assert_string_equal(S(r.contact), "2026-11-03");
	assert_string_equal(S(r.kontakt), "2026-11-05");    /* shown with (sen) */
	assert_int_equal(r.sammanfattning, DATE_NONE);      /* 08-15 is cycle 1's */
	assert_int_not_equal(r.skal, IDX_NONE);
	assert_int_equal(r.missing, DUE_MISSING_SUMMARY);
	model_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_of_the_current_cycle),
		cmocka_unit_test(test_cycle_over_easter),
		cmocka_unit_test(test_cycle_over_midsommar),
		cmocka_unit_test(test_cycle_over_christmas_and_month_end),
		cmocka_unit_test(test_order_friday_afternoon_before_monday_holiday),
		cmocka_unit_test(test_order_outside_office_hours),
		cmocka_unit_test(test_lists),
	};
	return cmocka_run_group_tests(tests, mu_setup, mu_teardown);
}
