/* Unit tests: field parsers (src/field.c, SPEC section 4 "Field formats"). */
#include <math.h>
#include <string.h>

#include "testutil.h"
#include "field.h"

/* A date that parses, as "YYYY-MM-DD". */
static const char *date_ok(const char *s)
{
	evb_date d = DATE_NONE;
	int e = field_date(s, &d);
	if (e != FIELD_OK)
		fail_msg("field_date(\"%s\") = %d, expected FIELD_OK", s, e);
	return S(d);
}

static int date_err(const char *s)
{
	evb_date d = 12345;
	int e = field_date(s, &d);
	/* the output is written only on success */
	assert_int_equal(d, 12345);
	return e;
}

/* ---- field_date --------------------------------------------------------- */

static void test_date_iso_form(void **state)
{
	(void)state;
	assert_string_equal(date_ok("2026-02-28"), "2026-02-28");
	assert_string_equal(date_ok("2026-11-22"), "2026-11-22");
}

static void test_date_compact_form(void **state)
{
	(void)state;
	assert_string_equal(date_ok("20260228"), "2026-02-28");
	assert_string_equal(date_ok("20261122"), "2026-11-22");
}

static void test_date_time_part_checked_and_ignored(void **state)
{
	(void)state;
	assert_string_equal(date_ok("2026-02-28 13:45"), "2026-02-28");
	assert_string_equal(date_ok("2026-02-28 23:59:59"), "2026-02-28");
	assert_string_equal(date_ok("2026-02-28T00:00"), "2026-02-28");
	assert_string_equal(date_ok("2026-02-28T13:45:10"), "2026-02-28");
	assert_string_equal(date_ok("20260228 13:45"), "2026-02-28");
	/* the ignored time part must still be a time */
	assert_int_equal(date_err("2026-02-28 24:00"), FIELD_ERANGE);
	assert_int_equal(date_err("2026-02-28 13:60"), FIELD_ERANGE);
	assert_int_equal(date_err("2026-02-28 13:45:60"), FIELD_ERANGE);
	assert_int_equal(date_err("2026-02-28 1:00"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-02-28 13"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-02-28 13:45:"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-02-28 13:45:1"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-02-28 13:45:10.5"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-02-28 13:45Z"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-02-28T"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-02-28 "), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-02-28t13:45"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-02-28  13:45"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-02-28_13:45"), FIELD_EFORMAT);
}

static void test_date_leap_years(void **state)
{
	(void)state;
	/* 2024 is divisible by 4: leap; 2025 is not */
	assert_string_equal(date_ok("2024-02-29"), "2024-02-29");
	assert_int_equal(date_err("2025-02-29"), FIELD_ERANGE);
	/* 2000 is divisible by 400: leap; 1900 and 2100 only by 100: not */
	assert_string_equal(date_ok("2000-02-29"), "2000-02-29");
	assert_int_equal(date_err("1900-02-29"), FIELD_ERANGE);
	assert_int_equal(date_err("2100-02-29"), FIELD_ERANGE);
	assert_int_equal(date_err("20250229"), FIELD_ERANGE);
}

static void test_date_impossible_days(void **state)
{
	(void)state;
	assert_int_equal(date_err("2026-13-01"), FIELD_ERANGE);
	assert_int_equal(date_err("2026-00-10"), FIELD_ERANGE);
	assert_int_equal(date_err("2026-04-31"), FIELD_ERANGE);  /* April has 30 */
	assert_int_equal(date_err("2026-01-32"), FIELD_ERANGE);
	assert_int_equal(date_err("2026-01-00"), FIELD_ERANGE);
	assert_int_equal(date_err("2026-02-30"), FIELD_ERANGE);
	assert_string_equal(date_ok("2026-01-31"), "2026-01-31");
	assert_string_equal(date_ok("2026-04-30"), "2026-04-30");
}

static void test_date_year_range(void **state)
{
	(void)state;
	/* years 1900-2199 */
	assert_string_equal(date_ok("1900-01-01"), "1900-01-01");
	assert_string_equal(date_ok("2199-12-31"), "2199-12-31");
	assert_int_equal(date_err("1899-12-31"), FIELD_ERANGE);
	assert_int_equal(date_err("2200-01-01"), FIELD_ERANGE);
	assert_int_equal(date_err("0000-01-01"), FIELD_ERANGE);
	assert_int_equal(date_err("9999-12-31"), FIELD_ERANGE);
}

static void test_date_bad_forms(void **state)
{
	(void)state;
	assert_int_equal(date_err("2026-1-5"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-01-5"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-1-05"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026/01/05"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026.01.05"), FIELD_EFORMAT);
	assert_int_equal(date_err("05.01.2026"), FIELD_EFORMAT);
	assert_int_equal(date_err("05-01-2026"), FIELD_EFORMAT);
	assert_int_equal(date_err("260105"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026010"), FIELD_EFORMAT);
	assert_int_equal(date_err("202601051"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-01-051"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-0105"), FIELD_EFORMAT);
	assert_int_equal(date_err("202601-05"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-01-05x"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-01"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026"), FIELD_EFORMAT);
	assert_int_equal(date_err("+026-01-05"), FIELD_EFORMAT);
	assert_int_equal(date_err("-2026-01-05"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026-+1-05"), FIELD_EFORMAT);
	assert_int_equal(date_err("2026- 1-05"), FIELD_EFORMAT);
	assert_int_equal(date_err("2O26-01-05"), FIELD_EFORMAT);  /* letter O */
	assert_int_equal(date_err("today"), FIELD_EFORMAT);
}

static void test_date_empty(void **state)
{
	(void)state;
	assert_int_equal(date_err(""), FIELD_EEMPTY);
}

/* ---- field_datetime ----------------------------------------------------- */

static void test_datetime_minutes_since_epoch(void **state)
{
	(void)state;
	int64_t t = -1;
	/* 1970-01-01 is day 0; 2026-01-01 is 56 * 365 + 14 leap days
	 * (1972, 1976, ..., 2024) = 20454; 2026-11-23 is 31+28+31+30+31+30+
	 * 31+31+30+31 = 304 days (Jan-Oct) + 22 later = day 20780;
	 * 07:59 = 7 * 60 + 59 = 479 minutes */
	assert_int_equal(D("2026-11-23"), 20780);
	assert_int_equal(field_datetime("2026-11-23 07:59", &t), FIELD_OK);
	assert_int_equal(t, (int64_t)20780 * 1440 + 479);
	assert_int_equal(field_datetime("1970-01-01 00:00", &t), FIELD_OK);
	assert_int_equal(t, 0);
	assert_int_equal(field_datetime("1970-01-01 00:01", &t), FIELD_OK);
	assert_int_equal(t, 1);
	/* one minute before the epoch: day -1, 23:59 = -1440 + 1439 = -1 */
	assert_int_equal(field_datetime("1969-12-31 23:59", &t), FIELD_OK);
	assert_int_equal(t, -1);
	/* 1970-01-02 12:00 = 1440 + 720 */
	assert_int_equal(field_datetime("19700102 12:00", &t), FIELD_OK);
	assert_int_equal(t, 2160);
}

static void test_datetime_t_separator_and_seconds(void **state)
{
	(void)state;
	int64_t t = -1;
	/* seconds are checked and dropped: 07:59:59 is still minute 479 */
	assert_int_equal(field_datetime("2026-11-23T07:59:59", &t), FIELD_OK);
	assert_int_equal(t, (int64_t)20780 * 1440 + 479);
	assert_int_equal(field_datetime("2026-11-23T07:59", &t), FIELD_OK);
	assert_int_equal(t, (int64_t)20780 * 1440 + 479);
}

static void test_datetime_bare_date_is_midnight(void **state)
{
	(void)state;
	int64_t t = -1;
	assert_int_equal(field_datetime("2026-11-23", &t), FIELD_OK);
	assert_int_equal(t, (int64_t)20780 * 1440);
	assert_int_equal(field_datetime("20261123", &t), FIELD_OK);
	assert_int_equal(t, (int64_t)20780 * 1440);
}

static void test_datetime_rejects(void **state)
{
	(void)state;
	int64_t t = 77;
	assert_int_equal(field_datetime("2026-11-23 24:00", &t), FIELD_ERANGE);
	assert_int_equal(field_datetime("2026-11-23 07:60", &t), FIELD_ERANGE);
	assert_int_equal(field_datetime("2026-11-23 07:59:60", &t), FIELD_ERANGE);
	assert_int_equal(field_datetime("2026-11-31 07:00", &t), FIELD_ERANGE);
	assert_int_equal(field_datetime("1899-12-31 23:59", &t), FIELD_ERANGE);
	assert_int_equal(field_datetime("2026-11-23 07.59", &t), FIELD_EFORMAT);
	assert_int_equal(field_datetime("2026-11-23 7:59", &t), FIELD_EFORMAT);
	assert_int_equal(field_datetime("2026-11-23 0759", &t), FIELD_EFORMAT);
	assert_int_equal(field_datetime("2026-11-23 07:59 ", &t), FIELD_EFORMAT);
	assert_int_equal(field_datetime("2026-11-23T07:59+01:00", &t), FIELD_EFORMAT);
	assert_int_equal(field_datetime("", &t), FIELD_EEMPTY);
	assert_int_equal(t, 77);   /* untouched on failure */
}

/* ---- field_bool --------------------------------------------------------- */

static void test_bool_true_words(void **state)
{
	(void)state;
	const char *yes[] = { "1", "ja", "JA", "Ja", "jA", "true", "TRUE", "True" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		bool b = false;
		assert_int_equal(field_bool(yes[i], &b), FIELD_OK);
		assert_true(b);
	}
}

static void test_bool_false_words(void **state)
{
	(void)state;
	const char *no[] = { "0", "nej", "NEJ", "Nej", "false", "FALSE", "False" };
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		bool b = true;
		assert_int_equal(field_bool(no[i], &b), FIELD_OK);
		assert_false(b);
	}
}

static void test_bool_empty_is_false(void **state)
{
	(void)state;
	bool b = true;
	assert_int_equal(field_bool("", &b), FIELD_OK);
	assert_false(b);
}

static void test_bool_rejects_other_words(void **state)
{
	(void)state;
	/* only 1/0, ja/nej, true/false are listed in the spec */
	const char *bad[] = { "j", "n", "y", "yes", "no", "2", "-1", "01", "00",
			      "t", "f", "ja!", "jaa", "nejj", "truee", "sant", "x" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		bool b = true;
		if (field_bool(bad[i], &b) != FIELD_EFORMAT)
			fail_msg("field_bool(\"%s\") accepted", bad[i]);
		assert_true(b);   /* untouched */
	}
}

/* ---- field_number ------------------------------------------------------- */

static double num_ok(const char *s)
{
	double v = NAN;
	int e = field_number(s, &v);
	if (e != FIELD_OK)
		fail_msg("field_number(\"%s\") = %d, expected FIELD_OK", s, e);
	return v;
}

static int num_err(const char *s)
{
	double v = 42.0;
	int e = field_number(s, &v);
	assert_true(v == 42.0);   /* untouched on failure */
	return e;
}

static void test_number_comma_and_point(void **state)
{
	(void)state;
	assert_true(num_ok("12,5") == 12.5);
	assert_true(num_ok("12.5") == 12.5);
	assert_true(num_ok("40") == 40.0);
	assert_true(num_ok("0") == 0.0);
	assert_true(num_ok("0,25") == 0.25);
}

static void test_number_negative(void **state)
{
	(void)state;
	assert_true(num_ok("-0,5") == -0.5);
	assert_true(num_ok("-12.75") == -12.75);
	assert_true(num_ok("-3") == -3.0);
	/* "-0" is zero, not a negative zero that would print as "-0" */
	double z = num_ok("-0");
	assert_true(z == 0.0 && !signbit(z));
	z = num_ok("-0,00");
	assert_true(z == 0.0 && !signbit(z));
}

static void test_number_nearest_double(void **state)
{
	(void)state;
	/* one correctly rounded division 3 / 10: the double nearest to 0.3,
	 * the same as the C literal; digit-by-digit 3 * 0.1 would give
	 * 0.30000000000000004 and fail here */
	assert_true(num_ok("0,3") == 0.3);
	assert_true(num_ok("0,1") == 0.1);
	assert_true(num_ok("1,23") == 1.23);
	assert_true(num_ok("0,07") == 0.07);
	/* 123456789012345 / 1000, 15 digits */
	assert_true(num_ok("123456789012,345") == 123456789012.345);
	assert_true(num_ok("0,000000000000001") == 1e-15);
	assert_true(num_ok("1234,5678") == 1234.5678);
}

static void test_number_fifteen_significant_digits(void **state)
{
	(void)state;
	assert_true(num_ok("123456789012345") == 123456789012345.0);
	assert_true(num_ok("999999999999999") == 999999999999999.0);
	assert_true(num_ok("1,23456789012345") == 1.23456789012345);
	assert_int_equal(num_err("1234567890123456"), FIELD_ERANGE);
	assert_int_equal(num_err("1,234567890123456"), FIELD_ERANGE);
	assert_int_equal(num_err("-1234567890123456"), FIELD_ERANGE);
	/* a zero between significant digits counts: 1 + 14 zeros + 1 = 16 */
	assert_int_equal(num_err("1,000000000000001"), FIELD_ERANGE);
	assert_int_equal(num_err("10000000000000000"), FIELD_ERANGE);
}

static void test_number_insignificant_zeros(void **state)
{
	(void)state;
	/* leading zeros and trailing decimal zeros are not significant */
	assert_true(num_ok("000000000000000001,5") == 1.5);
	assert_true(num_ok("12,500000000000000000") == 12.5);
	assert_true(num_ok("123456789012345,000") == 123456789012345.0);
	assert_true(num_ok("0,00000000000000000000000000") == 0.0);
	assert_true(num_ok("0,0000000000000000000001") == 1e-22);
	/* 10^-23 needs a division by 10^23, which is not exact in a double */
	assert_int_equal(num_err("0,00000000000000000000001"), FIELD_ERANGE);
}

static void test_number_rejects_thousands_and_exponent(void **state)
{
	(void)state;
	assert_int_equal(num_err("1.234,5"), FIELD_EFORMAT);
	assert_int_equal(num_err("1,234.5"), FIELD_EFORMAT);
	assert_int_equal(num_err("1.234.567"), FIELD_EFORMAT);
	assert_int_equal(num_err("1 234"), FIELD_EFORMAT);
	assert_int_equal(num_err("1\xc2\xa0" "234"), FIELD_EFORMAT);  /* no-break space */
	assert_int_equal(num_err("1'234"), FIELD_EFORMAT);
	assert_int_equal(num_err("1_234"), FIELD_EFORMAT);
	assert_int_equal(num_err("1e3"), FIELD_EFORMAT);
	assert_int_equal(num_err("1E3"), FIELD_EFORMAT);
	assert_int_equal(num_err("1,5e-3"), FIELD_EFORMAT);
	assert_int_equal(num_err("0x10"), FIELD_EFORMAT);
}

static void test_number_rejects_non_finite_and_junk(void **state)
{
	(void)state;
	assert_int_equal(num_err("inf"), FIELD_EFORMAT);
	assert_int_equal(num_err("-inf"), FIELD_EFORMAT);
	assert_int_equal(num_err("infinity"), FIELD_EFORMAT);
	assert_int_equal(num_err("nan"), FIELD_EFORMAT);
	assert_int_equal(num_err("NaN"), FIELD_EFORMAT);
	assert_int_equal(num_err("12 kr"), FIELD_EFORMAT);
	assert_int_equal(num_err("12kr"), FIELD_EFORMAT);
	assert_int_equal(num_err("12%"), FIELD_EFORMAT);
	assert_int_equal(num_err("abc"), FIELD_EFORMAT);
}

static void test_number_rejects_bad_signs_and_separators(void **state)
{
	(void)state;
	assert_int_equal(num_err(",5"), FIELD_EFORMAT);
	assert_int_equal(num_err(".5"), FIELD_EFORMAT);
	assert_int_equal(num_err("-,5"), FIELD_EFORMAT);
	assert_int_equal(num_err("5,"), FIELD_EFORMAT);
	assert_int_equal(num_err("5."), FIELD_EFORMAT);
	assert_int_equal(num_err(","), FIELD_EFORMAT);
	assert_int_equal(num_err("-"), FIELD_EFORMAT);
	assert_int_equal(num_err("--5"), FIELD_EFORMAT);
	assert_int_equal(num_err("+5"), FIELD_EFORMAT);
	assert_int_equal(num_err("5-"), FIELD_EFORMAT);
	assert_int_equal(num_err("1,,5"), FIELD_EFORMAT);
	assert_int_equal(num_err("1,5,"), FIELD_EFORMAT);
	assert_int_equal(num_err("\xe2\x88\x92" "5"), FIELD_EFORMAT);  /* U+2212 minus */
}

static void test_number_empty(void **state)
{
	(void)state;
	assert_int_equal(num_err(""), FIELD_EEMPTY);
}

/* ---- field_count -------------------------------------------------------- */

static void test_count_whole_numbers(void **state)
{
	(void)state;
	int64_t n = -1;
	assert_int_equal(field_count("12", &n), FIELD_OK);
	assert_int_equal(n, 12);
	assert_int_equal(field_count("0", &n), FIELD_OK);
	assert_int_equal(n, 0);
	assert_int_equal(field_count("007", &n), FIELD_OK);
	assert_int_equal(n, 7);
	/* INT64_MAX = 9223372036854775807 fits; one more does not */
	assert_int_equal(field_count("9223372036854775807", &n), FIELD_OK);
	assert_true(n == INT64_MAX);
}

static void test_count_rejects(void **state)
{
	(void)state;
	int64_t n = 5;
	assert_int_equal(field_count("9223372036854775808", &n), FIELD_ERANGE);
	assert_int_equal(field_count("99999999999999999999", &n), FIELD_ERANGE);
	assert_int_equal(field_count("-1", &n), FIELD_EFORMAT);
	assert_int_equal(field_count("+1", &n), FIELD_EFORMAT);
	assert_int_equal(field_count("1,0", &n), FIELD_EFORMAT);
	assert_int_equal(field_count("1.5", &n), FIELD_EFORMAT);
	assert_int_equal(field_count("1 000", &n), FIELD_EFORMAT);
	assert_int_equal(field_count("1e3", &n), FIELD_EFORMAT);
	assert_int_equal(field_count("tre", &n), FIELD_EFORMAT);
	assert_int_equal(field_count("", &n), FIELD_EEMPTY);
	assert_int_equal(n, 5);
}

/* ---- field_month -------------------------------------------------------- */

static void test_month_form(void **state)
{
	(void)state;
	int y = 0, m = 0;
	assert_int_equal(field_month("2026-10", &y, &m), FIELD_OK);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 10);
	assert_int_equal(field_month("1900-01", &y, &m), FIELD_OK);
	assert_int_equal(y, 1900);
	assert_int_equal(m, 1);
	assert_int_equal(field_month("2199-12", &y, &m), FIELD_OK);
	assert_int_equal(y, 2199);
	assert_int_equal(m, 12);
}

static void test_month_rejects(void **state)
{
	(void)state;
	int y = 1, m = 1;
	assert_int_equal(field_month("2026-13", &y, &m), FIELD_ERANGE);
	assert_int_equal(field_month("2026-00", &y, &m), FIELD_ERANGE);
	assert_int_equal(field_month("1899-12", &y, &m), FIELD_ERANGE);
	assert_int_equal(field_month("2200-01", &y, &m), FIELD_ERANGE);
	assert_int_equal(field_month("2026-1", &y, &m), FIELD_EFORMAT);
	assert_int_equal(field_month("202610", &y, &m), FIELD_EFORMAT);
	assert_int_equal(field_month("2026/10", &y, &m), FIELD_EFORMAT);
	assert_int_equal(field_month("2026-10-01", &y, &m), FIELD_EFORMAT);
	assert_int_equal(field_month("2026-10x", &y, &m), FIELD_EFORMAT);
	assert_int_equal(field_month("10-2026", &y, &m), FIELD_EFORMAT);
	assert_int_equal(field_month("2026-okt", &y, &m), FIELD_EFORMAT);
	assert_int_equal(field_month("", &y, &m), FIELD_EEMPTY);
	assert_int_equal(y, 1);
	assert_int_equal(m, 1);
}

/* ---- field_strerror ----------------------------------------------------- */

static void test_strerror_distinct(void **state)
{
	(void)state;
	const char *e = field_strerror(FIELD_EEMPTY);
	const char *f = field_strerror(FIELD_EFORMAT);
	const char *r = field_strerror(FIELD_ERANGE);
	assert_non_null(e);
	assert_non_null(f);
	assert_non_null(r);
	assert_string_not_equal(e, f);
	assert_string_not_equal(f, r);
	assert_string_not_equal(e, r);
	assert_non_null(field_strerror(-99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_iso_form),
		cmocka_unit_test(test_date_compact_form),
		cmocka_unit_test(test_date_time_part_checked_and_ignored),
		cmocka_unit_test(test_date_leap_years),
		cmocka_unit_test(test_date_impossible_days),
		cmocka_unit_test(test_date_year_range),
		cmocka_unit_test(test_date_bad_forms),
		cmocka_unit_test(test_date_empty),
		cmocka_unit_test(test_datetime_minutes_since_epoch),
		cmocka_unit_test(test_datetime_t_separator_and_seconds),
		cmocka_unit_test(test_datetime_bare_date_is_midnight),
		cmocka_unit_test(test_datetime_rejects),
		cmocka_unit_test(test_bool_true_words),
		cmocka_unit_test(test_bool_false_words),
		cmocka_unit_test(test_bool_empty_is_false),
		cmocka_unit_test(test_bool_rejects_other_words),
		cmocka_unit_test(test_number_comma_and_point),
		cmocka_unit_test(test_number_negative),
		cmocka_unit_test(test_number_nearest_double),
		cmocka_unit_test(test_number_fifteen_significant_digits),
		cmocka_unit_test(test_number_insignificant_zeros),
		cmocka_unit_test(test_number_rejects_thousands_and_exponent),
		cmocka_unit_test(test_number_rejects_non_finite_and_junk),
		cmocka_unit_test(test_number_rejects_bad_signs_and_separators),
		cmocka_unit_test(test_number_empty),
		cmocka_unit_test(test_count_whole_numbers),
		cmocka_unit_test(test_count_rejects),
		cmocka_unit_test(test_month_form),
		cmocka_unit_test(test_month_rejects),
		cmocka_unit_test(test_strerror_distinct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
