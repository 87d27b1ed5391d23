/* Unit tests: the Swedish calendar of SPEC section 2 (src/calendar.c). */
#include <string.h>

#include "testutil.h"

/* A second, independent Easter computus (Gauss's method with Lichtenberg's
 * corrections), to check calendar.c's Meeus/Jones/Butcher one. Returns
 * Easter Sunday as days after 21 March. */
static int gauss_easter_offset(int y)
{
	int k = y / 100;
	int m = 15 + (3 * k + 3) / 4 - (8 * k + 13) / 25;
	int s = 2 - (3 * k + 3) / 4;
	int a = y % 19;
	int d = (19 * a + m) % 30;
	int r = (d + a / 11) / 29;
	int og = 21 + d - r;
	int sz = 7 - (y + y / 4 + s) % 7;
	int oe = 7 - (og - sz) % 7;
	return og + oe - 21;
}

static void test_easter_1900_2199_two_methods(void **state)
{
	(void)state;
	for (int y = 1900; y <= 2199; y++) {
		evb_date expect = date_from_ymd(y, 3, 21) + gauss_easter_offset(y);
		if (easter_sunday(y) != expect)
			fail_msg("Easter %d: %s vs %s", y, S(easter_sunday(y)), S(expect));
		assert_int_equal(date_weekday(easter_sunday(y)), 7);
	}
	/* known dates: 2026-04-05, 2025-04-20, 2027-03-28, 2028-04-16 */
	assert_string_equal(S(easter_sunday(2026)), "2026-04-05");
	assert_string_equal(S(easter_sunday(2025)), "2025-04-20");
	assert_string_equal(S(easter_sunday(2027)), "2027-03-28");
	assert_string_equal(S(easter_sunday(2028)), "2028-04-16");
}

static void test_day_numbers(void **state)
{
	(void)state;
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(D("2000-03-01"), 11017);
	assert_int_equal(D("1969-12-31"), -1);
	/* round trip every day 1900-01-01 .. 2199-12-31 */
	for (evb_date d = D("1900-01-01"); d <= D("2199-12-31"); d++) {
		int y, m, day;
		date_to_ymd(d, &y, &m, &day);
		assert_true(date_valid_ymd(y, m, day));
		assert_int_equal(date_from_ymd(y, m, day), d);
	}
	assert_false(date_valid_ymd(2025, 2, 29));
	assert_true(date_valid_ymd(2024, 2, 29));
	assert_false(date_valid_ymd(1900, 2, 29));   /* 1900 not a leap year */
	assert_true(date_valid_ymd(2000, 2, 29));    /* 2000 is */
	assert_false(date_valid_ymd(2026, 13, 1));
	char buf[11];
	assert_string_equal(date_format(DATE_NONE, buf), "");
	/* 2026-11-22 is a Sunday, 2026-11-23 a Monday */
	assert_int_equal(date_weekday(D("2026-11-22")), 7);
	assert_int_equal(date_weekday(D("2026-11-23")), 1);
}

static void test_weekday(void **state)
{
	(void)state;
	/* 1970-01-01 Thursday; 1969-12-31 Wednesday (negative day number);
	 * 1900-01-01 Monday; 2000-01-01 Saturday; 2026-02-28 Saturday */
	assert_int_equal(date_weekday(D("1970-01-01")), 4);
	assert_int_equal(date_weekday(D("1969-12-31")), 3);
	assert_int_equal(date_weekday(D("1900-01-01")), 1);
	assert_int_equal(date_weekday(D("2000-01-01")), 6);
	assert_int_equal(date_weekday(D("2026-02-28")), 6);
	/* consecutive days cycle 1..7 with no gap, also across day 0 */
	for (evb_date d = D("1899-12-01"); d < D("2200-01-01"); d++)
		assert_int_equal(date_weekday(d + 1), date_weekday(d) % 7 + 1);
}

static void test_date_format(void **state)
{
	(void)state;
	char buf[11];
	assert_string_equal(date_format(D("2026-02-28"), buf), "2026-02-28");
	/* 0001-01-01 = -719162 and 9999-12-31 = 2932896: zero-padded, both ends */
	assert_int_equal(D("0001-01-01"), -719162);
	assert_int_equal(D("9999-12-31"), 2932896);
	assert_string_equal(date_format(-719162, buf), "0001-01-01");
	assert_string_equal(date_format(2932896, buf), "9999-12-31");
	assert_string_equal(date_format(20512, buf), "2026-02-28");
	assert_ptr_equal(date_format(0, buf), buf);
	assert_string_equal(buf, "1970-01-01");
}

static void test_leap_years_and_month_lengths(void **state)
{
	(void)state;
	/* divisible by 4, except centuries, except every 400 years */
	assert_true(is_leap_year(2024));
	assert_false(is_leap_year(2025));
	assert_false(is_leap_year(1900));
	assert_true(is_leap_year(2000));
	assert_false(is_leap_year(2100));
	assert_int_equal(days_in_month(2028, 2), 29);
	assert_int_equal(days_in_month(2027, 2), 28);
	assert_int_equal(days_in_month(2026, 4), 30);
	assert_int_equal(days_in_month(2026, 12), 31);
	assert_int_equal(days_in_month(2026, 0), 0);
	assert_int_equal(days_in_month(2026, 13), 0);
	assert_false(date_valid_ymd(2026, 4, 31));
	assert_false(date_valid_ymd(2026, 1, 0));
	assert_false(date_valid_ymd(0, 1, 1));
	assert_false(date_valid_ymd(10000, 1, 1));
}

static void test_add_months_month_ends(void **state)
{
	(void)state;
	/* 2025-11-30 + 3 = 2026-02-28; 2024-11-30 + 3 = 2025-02-28;
	 * 2023-11-30 + 3 = 2024-02-29 (leap year) */
	assert_string_equal(S(add_months(D("2025-11-30"), 3)), "2026-02-28");
	assert_string_equal(S(add_months(D("2024-11-30"), 3)), "2025-02-28");
	assert_string_equal(S(add_months(D("2023-11-30"), 3)), "2024-02-29");
	/* 29th and 31st: 2027-11-29 + 3 = 2028-02-29; 2026-11-29 + 3 =
	 * 2027-02-28; 2025-12-31 + 2 = 2026-02-28; 2026-01-31 + 1 = 2026-02-28 */
	assert_string_equal(S(add_months(D("2027-11-29"), 3)), "2028-02-29");
	assert_string_equal(S(add_months(D("2026-11-29"), 3)), "2027-02-28");
	assert_string_equal(S(add_months(D("2025-12-31"), 2)), "2026-02-28");
	assert_string_equal(S(add_months(D("2026-01-31"), 1)), "2026-02-28");
	/* 2100 is not a leap year: 2099-11-29 + 3 = 2100-02-28 */
	assert_string_equal(S(add_months(D("2099-11-29"), 3)), "2100-02-28");
	/* across years and backwards: 2026-03-31 - 3 = 2025-12-31;
	 * 2026-05-31 - 3 = 2026-02-28 */
	assert_string_equal(S(add_months(D("2026-03-31"), -3)), "2025-12-31");
	assert_string_equal(S(add_months(D("2026-05-31"), -3)), "2026-02-28");
	assert_string_equal(S(add_months(D("2026-10-15"), 15)), "2028-01-15");
	/* multiples from d itself: 2025-05-31 + 12 = 2026-05-31, while three
	 * chained steps via 2026-02-28 would end on 2026-05-28 */
	assert_string_equal(S(add_months(D("2025-05-31"), 12)), "2026-05-31");
	assert_string_equal(S(add_months(add_months(D("2025-05-31"), 9), 3)), "2026-05-28");
	/* year boundaries: 2026-12-15 + 1 = 2027-01-15; 2027-01-31 - 2 =
	 * 2026-11-30 (no 31 Nov); 2026-01-10 - 1 = 2025-12-10; 2026-01-31 - 11
	 * = 2025-02-28; 2026-01-31 - 23 = 2024-02-29 (leap) */
	assert_string_equal(S(add_months(D("2026-12-15"), 1)), "2027-01-15");
	assert_string_equal(S(add_months(D("2027-01-31"), -2)), "2026-11-30");
	assert_string_equal(S(add_months(D("2026-01-10"), -1)), "2025-12-10");
	assert_string_equal(S(add_months(D("2026-01-31"), -11)), "2025-02-28");
	assert_string_equal(S(add_months(D("2026-01-31"), -23)), "2024-02-29");
	/* leap day: 2028-02-29 + 12 = 2029-02-28; 2028-02-29 - 48 = 2024-02-29 */
	assert_string_equal(S(add_months(D("2028-02-29"), 12)), "2029-02-28");
	assert_string_equal(S(add_months(D("2028-02-29"), -48)), "2024-02-29");
	assert_int_equal(add_months(D("2026-07-31"), 0), D("2026-07-31"));
	assert_int_equal(add_months(DATE_NONE, 3), DATE_NONE);
}

/* add_months against its definition, day by day 1999-2031, n in -40..40:
 * month index moves by n, day is kept or clipped to the month's last day. */
static void test_add_months_definition(void **state)
{
	(void)state;
	for (evb_date d = D("1999-01-01"); d <= D("2031-12-31"); d++) {
		int y, m, day;
		date_to_ymd(d, &y, &m, &day);
		for (int n = -40; n <= 40; n++) {
			int ry, rm, rd;
			date_to_ymd(add_months(d, n), &ry, &rm, &rd);
			int dim = days_in_month(ry, rm);
			assert_int_equal(ry * 12 + rm - 1, y * 12 + m - 1 + n);
			assert_int_equal(rd, day <= dim ? day : dim);
		}
	}
}

struct named { const char *date, *name; };

static void check_holidays(const struct named *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *h = holiday_name(D(list[i].date));
		if (!h || strcmp(h, list[i].name) != 0)
			fail_msg("%s: expected %s, got %s", list[i].date, list[i].name, h ? h : "none");
	}
}

static void test_holidays_2025_2028(void **state)
{
	(void)state;
	/* Easter 2025-04-20: långfredag -2 = 04-18, annandag +1 = 04-21,
	 * himmelsfärd +39 = 05-29, pingst +49 = 06-08. Midsommardagen = the
	 * Saturday in 20-26 June: 2025-06-21. Alla helgons dag = the Saturday
	 * in 31 Oct-6 Nov: 2025-11-01. */
	static const struct named y2025[] = {
		{ "2025-01-01", "nyårsdagen" }, { "2025-01-06", "trettondedag jul" },
		{ "2025-04-18", "långfredagen" }, { "2025-04-20", "påskdagen" },
		{ "2025-04-21", "annandag påsk" }, { "2025-05-01", "första maj" },
		{ "2025-05-29", "Kristi himmelsfärdsdag" }, { "2025-06-08", "pingstdagen" },
		{ "2025-06-06", "Sveriges nationaldag" }, { "2025-06-21", "midsommardagen" },
		{ "2025-11-01", "alla helgons dag" }, { "2025-12-25", "juldagen" },
		{ "2025-12-26", "annandag jul" },
	};
	/* Easter 2026-04-05: långfredag 04-03, annandag 04-06; himmelsfärd
	 * 04-05 + 39 = 04-30 + 14 = 05-14; pingst 05-14 + 10 = 05-24;
	 * midsommardagen Sat 06-20 (06-27 is outside 20-26); alla helgons dag
	 * Sat 10-31 */
	static const struct named y2026[] = {
		{ "2026-04-03", "långfredagen" }, { "2026-04-05", "påskdagen" },
		{ "2026-04-06", "annandag påsk" }, { "2026-05-14", "Kristi himmelsfärdsdag" },
		{ "2026-05-24", "pingstdagen" }, { "2026-06-20", "midsommardagen" },
		{ "2026-10-31", "alla helgons dag" },
	};
	/* Easter 2027-03-28: långfredag 03-26, annandag 03-29; himmelsfärd
	 * 03-28 + 39 = 03-31 + 36 = 04-30 + 6 = 05-06; pingst 05-16;
	 * midsommardagen Sat 06-26 (06-19 is outside 20-26); alla helgons dag
	 * Sat 11-06 (10-30 is outside 31 Oct-6 Nov) */
	static const struct named y2027[] = {
		{ "2027-03-26", "långfredagen" }, { "2027-03-28", "påskdagen" },
		{ "2027-03-29", "annandag påsk" }, { "2027-05-06", "Kristi himmelsfärdsdag" },
		{ "2027-05-16", "pingstdagen" }, { "2027-06-26", "midsommardagen" },
		{ "2027-11-06", "alla helgons dag" },
	};
	/* Easter 2028-04-16: långfredag 04-14, annandag 04-17; himmelsfärd
	 * 04-16 + 39 = 04-30 + 25 = 05-25; pingst 05-25 + 10 = 06-04;
	 * midsommardagen Sat 06-24; alla helgons dag Sat 11-04 */
	static const struct named y2028[] = {
		{ "2028-04-14", "långfredagen" }, { "2028-04-16", "påskdagen" },
		{ "2028-04-17", "annandag påsk" }, { "2028-05-25", "Kristi himmelsfärdsdag" },
		{ "2028-06-04", "pingstdagen" }, { "2028-06-24", "midsommardagen" },
		{ "2028-11-04", "alla helgons dag" },
	};
	/* fixed-date holidays 2026-2028 (2025 is listed above), whatever the
	 * weekday (nationaldagen 2026-06-06 is a Saturday, 2027-06-06 a Sunday) */
	static const struct named fixed[] = {
		{ "01-01", "nyårsdagen" }, { "01-06", "trettondedag jul" },
		{ "05-01", "första maj" }, { "06-06", "Sveriges nationaldag" },
		{ "12-25", "juldagen" }, { "12-26", "annandag jul" },
	};
	check_holidays(y2025, sizeof(y2025) / sizeof(y2025[0]));
	check_holidays(y2026, sizeof(y2026) / sizeof(y2026[0]));
	check_holidays(y2027, sizeof(y2027) / sizeof(y2027[0]));
	check_holidays(y2028, sizeof(y2028) / sizeof(y2028[0]));
	for (int y = 2026; y <= 2028; y++) {
		for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
			char lit[32];
			snprintf(lit, sizeof(lit), "%04d-%s", y, fixed[i].date);
			struct named one = { lit, fixed[i].name };
			check_holidays(&one, 1);
		}
	}
	/* exactly 13 holidays a year in 2025-2028 (from 2005: nationaldagen
	 * instead of annandag pingst): the lists above are all of them */
	for (int y = 2025; y <= 2028; y++) {
		int n = 0;
		for (evb_date d = date_from_ymd(y, 1, 1); d <= date_from_ymd(y, 12, 31); d++)
			n += holiday_name(d) != NULL;
		assert_int_equal(n, 13);
	}
	/* Saturdays just outside the windows are ordinary: 2027-06-19,
	 * 2026-06-27, 2027-10-30, 2026-11-07 */
	assert_null(holiday_name(D("2027-06-19")));
	assert_null(holiday_name(D("2026-06-27")));
	assert_null(holiday_name(D("2027-10-30")));
	assert_null(holiday_name(D("2026-11-07")));
	/* skärtorsdag, påskafton and julafton are not holidays */
	assert_null(holiday_name(D("2026-04-02")));
	assert_null(holiday_name(D("2026-04-04")));
	assert_null(holiday_name(D("2026-12-24")));
	assert_null(holiday_name(DATE_NONE));
	assert_null(holiday_name(D("2026-05-25")));    /* annandag pingst 2026: not any more */
	assert_null(holiday_name(D("2026-06-19")));    /* midsommarafton: closed, not a holiday */
}

static void test_history_before_2005(void **state)
{
	(void)state;
	/* 2004: Easter 04-11, pingst 05-30, annandag pingst 05-31 (a holiday);
	 * 6 June 2004 (a Sunday) was not a holiday */
	assert_string_equal(holiday_name(D("2004-05-31")), "annandag pingst");
	assert_null(holiday_name(D("2004-06-06")));
	/* 2005: 6 June a holiday, annandag pingst (05-16) not */
	assert_string_equal(holiday_name(D("2005-06-06")), "Sveriges nationaldag");
	assert_null(holiday_name(D("2005-05-16")));
	/* 2004-05-31 was a Monday and so not a working day */
	assert_false(is_working_day(D("2004-05-31")));
	/* 1999: Easter 04-04, pingst 05-23, annandag pingst Mon 05-24 */
	assert_string_equal(holiday_name(D("1999-05-24")), "annandag pingst");
	assert_false(is_working_day(D("1999-05-24")));
	/* 1953 (first year of the present midsommar rule): Easter 04-05,
	 * annandag pingst 05-25; midsommardagen Sat 06-20 */
	assert_string_equal(holiday_name(D("1953-05-25")), "annandag pingst");
	assert_string_equal(holiday_name(D("1953-06-20")), "midsommardagen");
	/* 2004 had 13 holidays too (annandag pingst, no nationaldag) */
	int n = 0;
	for (evb_date d = D("2004-01-01"); d <= D("2004-12-31"); d++)
		n += holiday_name(d) != NULL;
	assert_int_equal(n, 13);
	/* 2008-05-01 was both första maj and Kristi himmelsfärdsdag (Easter
	 * 03-23 + 39): the fixed name is returned */
	assert_string_equal(holiday_name(D("2008-05-01")), "första maj");
}

static void test_closed_days(void **state)
{
	(void)state;
	/* midsommarafton = the Friday in 19-25 June: 2026-06-19, 2027-06-25 */
	assert_string_equal(closed_day_name(D("2026-06-19")), "midsommarafton");
	assert_string_equal(closed_day_name(D("2027-06-25")), "midsommarafton");
	assert_null(closed_day_name(D("2027-06-18")));
	assert_string_equal(closed_day_name(D("2026-12-24")), "julafton");
	assert_string_equal(closed_day_name(D("2026-12-31")), "nyårsafton");
	assert_string_equal(closed_day_name(D("2025-06-20")), "midsommarafton");
	assert_string_equal(closed_day_name(D("2028-06-23")), "midsommarafton");
	assert_null(closed_day_name(D("2026-06-26")));   /* Friday outside 19-25 */
	assert_string_equal(closed_day_name(D("2027-12-24")), "julafton");
	assert_string_equal(closed_day_name(D("2027-12-31")), "nyårsafton");
	assert_null(closed_day_name(D("2026-12-23")));
	assert_null(closed_day_name(D("2026-12-25")));   /* a holiday, not a closed day */
	assert_null(closed_day_name(DATE_NONE));
	/* closed days on weekdays are not working days: 2026-06-19 Fri,
	 * 2026-12-24 Thu, 2025-12-31 Wed */
	assert_false(is_working_day(D("2026-06-19")));
	assert_false(is_working_day(D("2026-12-24")));
	assert_false(is_working_day(D("2025-12-31")));
}

static void test_working_days(void **state)
{
	(void)state;
	/* Easter 2026: skärtorsdag 04-02 works; 04-03 långfredag, 04-04 Sat,
	 * 04-05 påskdagen, 04-06 annandag -> next after 04-02 is 04-07 */
	assert_true(is_working_day(D("2026-04-02")));
	assert_string_equal(S(next_working_day_after(D("2026-04-02"))), "2026-04-07");
	assert_string_equal(S(last_working_day_before(D("2026-04-07"))), "2026-04-02");
	/* midsommar 2026: 06-19 afton (Fri), 06-20 dagen, 06-21 Sun -> 06-22 */
	assert_string_equal(S(next_working_day_after(D("2026-06-18"))), "2026-06-22");
	assert_string_equal(S(last_working_day_before(D("2026-06-22"))), "2026-06-18");
	/* Christmas 2026: 12-24 Thu julafton, 12-25 Fri, 12-26 Sat, 12-27 Sun
	 * -> after 12-23 comes 12-28; 12-31 Thu nyårsafton, 2027-01-01 Fri
	 * nyårsdagen, 01-02/03 weekend -> after 12-30 comes 2027-01-04 */
	assert_string_equal(S(next_working_day_after(D("2026-12-23"))), "2026-12-28");
	assert_string_equal(S(next_working_day_after(D("2026-12-30"))), "2027-01-04");
	assert_string_equal(S(last_working_day_before(D("2027-01-04"))), "2026-12-30");
	/* 2027-01-06 trettondedag (Wed): after 01-05 comes 01-07 */
	assert_string_equal(S(next_working_day_after(D("2027-01-05"))), "2027-01-07");
	assert_string_equal(S(last_working_day_before(D("2027-01-07"))), "2027-01-05");
	/* Christmas 2026 backwards: before 12-28 comes 12-23 */
	assert_string_equal(S(last_working_day_before(D("2026-12-28"))), "2026-12-23");
	/* Kristi himmelsfärd 2026 Thu 05-14: after 05-13 comes Fri 05-15 */
	assert_string_equal(S(next_working_day_after(D("2026-05-13"))), "2026-05-15");
	/* weekends: after Fri 2026-11-20 comes Mon 11-23, before it Fri 11-20 */
	assert_string_equal(S(next_working_day_after(D("2026-11-20"))), "2026-11-23");
	assert_string_equal(S(last_working_day_before(D("2026-11-23"))), "2026-11-20");
	assert_false(is_working_day(D("2026-11-21")));
	assert_false(is_working_day(DATE_NONE));
	assert_int_equal(next_working_day_after(DATE_NONE), DATE_NONE);
	assert_int_equal(last_working_day_before(DATE_NONE), DATE_NONE);
	/* strictly after/before: a working day is not its own neighbour */
	assert_string_equal(S(last_working_day_before(D("2026-11-24"))), "2026-11-23");
	assert_string_equal(S(next_working_day_after(D("2026-11-23"))), "2026-11-24");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_easter_1900_2199_two_methods),
		cmocka_unit_test(test_day_numbers),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_date_format),
		cmocka_unit_test(test_leap_years_and_month_lengths),
		cmocka_unit_test(test_add_months_month_ends),
		cmocka_unit_test(test_add_months_definition),
		cmocka_unit_test(test_holidays_2025_2028),
		cmocka_unit_test(test_history_before_2005),
		cmocka_unit_test(test_closed_days),
		cmocka_unit_test(test_working_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
