/* Unit tests: field parsers (src/field.c). */
#include <math.h>

#include "testutil.h"
#include "field.h"

static void test_dates(void **state)
{
	(void)state;
	evb_date d;
	assert_int_equal(field_date("2026-02-28", &d), FIELD_OK);
	assert_string_equal(S(d), "2026-02-28");
	assert_int_equal(field_date("20260228", &d), FIELD_OK);
	assert_string_equal(S(d), "2026-02-28");
	/* a time part is checked and ignored */
	assert_int_equal(field_date("2026-02-28 13:45", &d), FIELD_OK);
	assert_string_equal(S(d), "2026-02-28");
	assert_int_equal(field_date("2026-02-28T13:45:10", &d), FIELD_OK);
	assert_int_equal(field_date("2026-02-28 25:00", &d), FIELD_ERANGE);
	assert_int_equal(field_date("2026-02-28 1:00", &d), FIELD_EFORMAT);
	/* 2024 is a leap year, 2025 is not */
	assert_int_equal(field_date("2024-02-29", &d), FIELD_OK);
	assert_int_equal(field_date("2025-02-29", &d), FIELD_ERANGE);
	assert_int_equal(field_date("2026-13-01", &d), FIELD_ERANGE);
	assert_int_equal(field_date("2026-04-31", &d), FIELD_ERANGE);
	assert_int_equal(field_date("1899-12-31", &d), FIELD_ERANGE);
	assert_int_equal(field_date("2200-01-01", &d), FIELD_ERANGE);
	assert_int_equal(field_date("2026-1-5", &d), FIELD_EFORMAT);
	assert_int_equal(field_date("2026/01/05", &d), FIELD_EFORMAT);
	assert_int_equal(field_date("202601051", &d), FIELD_EFORMAT);
	assert_int_equal(field_date("2026-01-05x", &d), FIELD_EFORMAT);
	assert_int_equal(field_date("05.01.2026", &d), FIELD_EFORMAT);
	assert_int_equal(field_date("", &d), FIELD_EEMPTY);
	assert_int_equal(field_date("2026", &d), FIELD_EFORMAT);
}

static void test_datetimes(void **state)
{
	(void)state;
	int64_t t;
	/* 2026-01-01 is day 56 * 365 + 14 leap days = 20454; 2026-11-23 is
	 * 304 + 22 days later = 20780; 07:59 = 479 minutes */
	assert_int_equal(field_datetime("2026-11-23 07:59", &t), FIELD_OK);
	assert_int_equal(D("2026-11-23"), 20780);
	assert_int_equal(t, (int64_t)20780 * 1440 + 7 * 60 + 59);
	assert_int_equal(field_datetime("2026-11-23T07:59:59", &t), FIELD_OK);
	assert_int_equal(t, (int64_t)20780 * 1440 + 479);   /* seconds dropped */
	assert_int_equal(field_datetime("2026-11-23", &t), FIELD_OK);
	assert_int_equal(t, (int64_t)20780 * 1440);         /* bare date = 00:00 */
	assert_int_equal(field_datetime("2026-11-23 24:00", &t), FIELD_ERANGE);
	assert_int_equal(field_datetime("2026-11-23 07:60", &t), FIELD_ERANGE);
	assert_int_equal(field_datetime("2026-11-23 07.59", &t), FIELD_EFORMAT);
}

static void test_bools(void **state)
{
	(void)state;
	bool b = true;
	const char *yes[] = { "1", "ja", "JA", "Ja", "true", "TRUE" };
	const char *no[] = { "0", "nej", "NEJ", "false", "False", "" };
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(field_bool(yes[i], &b), FIELD_OK);
		assert_true(b);
		assert_int_equal(field_bool(no[i], &b), FIELD_OK);
		assert_false(b);
	}
	assert_int_equal(field_bool("j", &b), FIELD_EFORMAT);
	assert_int_equal(field_bool("2", &b), FIELD_EFORMAT);
	assert_int_equal(field_bool("yes", &b), FIELD_EFORMAT);
}

static void test_numbers(void **state)
{
	(void)state;
	double v;
	assert_int_equal(field_number("12,5", &v), FIELD_OK);
	assert_true(v == 12.5);
	assert_int_equal(field_number("12.5", &v), FIELD_OK);
	assert_true(v == 12.5);
	assert_int_equal(field_number("-0,5", &v), FIELD_OK);
	assert_true(v == -0.5);
	assert_int_equal(field_number("40", &v), FIELD_OK);
	assert_true(v == 40.0);
	/* 1.23 is the double nearest to 123/100 */
	assert_int_equal(field_number("1,23", &v), FIELD_OK);
	assert_true(v == 1.23);
	assert_int_equal(field_number("0,1", &v), FIELD_OK);
	assert_true(v == 0.1);
	assert_int_equal(field_number("1.234,5", &v), FIELD_EFORMAT);
	assert_int_equal(field_number("1 234", &v), FIELD_EFORMAT);
	assert_int_equal(field_number("1e3", &v), FIELD_EFORMAT);
	assert_int_equal(field_number("inf", &v), FIELD_EFORMAT);
	assert_int_equal(field_number("nan", &v), FIELD_EFORMAT);
	assert_int_equal(field_number(",5", &v), FIELD_EFORMAT);
	assert_int_equal(field_number("5,", &v), FIELD_EFORMAT);
	assert_int_equal(field_number("-", &v), FIELD_EFORMAT);
	assert_int_equal(field_number("+5", &v), FIELD_EFORMAT);
	assert_int_equal(field_number("", &v), FIELD_EEMPTY);
	assert_int_equal(field_number("1234567890123456", &v), FIELD_ERANGE);
	assert_int_equal(field_number("000000000000000001,5", &v), FIELD_OK);
	assert_true(v == 1.5);
}

static void test_counts_and_months(void **state)
{
	(void)state;
	int64_t n;
	assert_int_equal(field_count("12", &n), FIELD_OK);
	assert_int_equal(n, 12);
	assert_int_equal(field_count("-1", &n), FIELD_EFORMAT);
	assert_int_equal(field_count("1,0", &n), FIELD_EFORMAT);
	assert_int_equal(field_count("99999999999999999999", &n), FIELD_ERANGE);
	int y, m;
	assert_int_equal(field_month("2026-10", &y, &m), FIELD_OK);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 10);
	assert_int_equal(field_month("2026-13", &y, &m), FIELD_ERANGE);
	assert_int_equal(field_month("2026-1", &y, &m), FIELD_EFORMAT);
	assert_int_equal(field_month("202610", &y, &m), FIELD_EFORMAT);
	assert_int_equal(field_month("2026-10-01", &y, &m), FIELD_EFORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_datetimes),
		cmocka_unit_test(test_bools),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_counts_and_months),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
