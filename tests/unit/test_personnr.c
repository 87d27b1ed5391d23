/* Unit tests: personnummer and samordningsnummer (src/personnr.c, SPEC
 * section 4). Luhn: weights 2,1,2,1,... over the 10-digit form YYMMDDNNNN;
 * a product above 9 counts as its digit sum (product - 9); the total must be
 * divisible by 10. */
#include <string.h>

#include "testutil.h"
#include "personnr.h"

#define ASOF D("2026-11-22")

/* Parses s as of the date asof and expects PNR_OK. */
static struct pnr parse_ok(const char *s, evb_date asof)
{
	struct pnr p;
	memset(&p, 0, sizeof p);
	int e = pnr_parse(s, asof, &p);
	if (e != PNR_OK)
		fail_msg("pnr_parse(\"%s\") = %d (%s), expected PNR_OK", s, e, pnr_strerror(e));
	return p;
}

/* Parses s and returns the code; *out must stay untouched on failure. */
static int parse_err(const char *s, evb_date asof)
{
	struct pnr p;
	memset(&p, 0x5a, sizeof p);
	int e = pnr_parse(s, asof, &p);
	if (e != PNR_OK) {
		struct pnr q;
		memset(&q, 0x5a, sizeof q);
		assert_memory_equal(&p, &q, sizeof p);
	}
	return e;
}

/* ---- the accepted forms ------------------------------------------------- */

static void test_four_forms_normalise_to_twelve_digits(void **state)
{
	(void)state;
	/* Luhn of 8112189876: 8*2=16->7, 1, 1*2=2, 2, 1*2=2, 8, 9*2=18->9, 8,
	 * 7*2=14->5, 6: 7+1+2+2+2+8+9+8+5+6 = 50, divisible by 10 */
	const char *forms[] = { "19811218-9876", "198112189876", "811218-9876", "8112189876" };
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		struct pnr p = parse_ok(forms[i], ASOF);
		assert_string_equal(p.digits, "198112189876");
		assert_string_equal(S(p.birth), "1981-12-18");
		assert_false(p.samordning);
	}
}

static void test_format(void **state)
{
	(void)state;
	char buf[14];
	struct pnr p = parse_ok("8112189876", ASOF);
	assert_string_equal(pnr_format(&p, buf), "19811218-9876");
	assert_string_equal(pnr_format_digits("191212121212", buf), "19121212-1212");
	assert_ptr_equal(pnr_format_digits("191212121212", buf), buf);
}

/* ---- Luhn --------------------------------------------------------------- */

static void test_luhn_wrong_digit_in_every_form(void **state)
{
	(void)state;
	/* 8112189875: the same sum as above minus 1 = 49, not divisible by 10 */
	assert_int_equal(parse_err("19811218-9875", ASOF), PNR_ECHECKSUM);
	assert_int_equal(parse_err("198112189875", ASOF), PNR_ECHECKSUM);
	assert_int_equal(parse_err("811218-9875", ASOF), PNR_ECHECKSUM);
	assert_int_equal(parse_err("8112189875", ASOF), PNR_ECHECKSUM);
	/* two swapped digits are caught: 8112189786 -> 7+1+2+2+2+8+9+7+
	 * (8*2=16->7)+6 = 51 */
	assert_int_equal(parse_err("811218-9786", ASOF), PNR_ECHECKSUM);
}

static void test_luhn_is_over_ten_digits_not_twelve(void **state)
{
	(void)state;
	/* over 12 digits 198112189876 the weights would shift by two and
	 * include 1*2=2, 9: 2+9+50 = 61, not divisible by 10 -> the check
	 * must ignore the century digits, and does: accepted */
	struct pnr p = parse_ok("19811218-9876", ASOF);
	assert_string_equal(p.digits, "198112189876");
	/* and a different century does not change the check digit:
	 * 20121212-1212 and 19121212-1212 share 1212121212 (sum 20) */
	parse_ok("20121212-1212", ASOF);
	parse_ok("19121212-1212", ASOF);
}

static void test_leading_zero_digits(void **state)
{
	(void)state;
	/* Luhn of 0101010007: 0,1,0,1,0,1,0,0,0,7 = 10 -> born 2001-01-01 */
	struct pnr p = parse_ok("010101-0007", ASOF);
	assert_string_equal(p.digits, "200101010007");
	assert_string_equal(S(p.birth), "2001-01-01");
	/* Luhn of 9912319986: 9*2=18->9, 9, 1*2=2, 2, 3*2=6, 1, 9*2=18->9, 9,
	 * 8*2=16->7, 6 = 60 -> 99 as of 2026 is 1999 */
	p = parse_ok("991231-9986", ASOF);
	assert_string_equal(p.digits, "199912319986");
}

/* ---- sex ---------------------------------------------------------------- */

static void test_sex_from_ninth_digit(void **state)
{
	(void)state;
	/* 811218-9876: ninth digit (third of the last four) is 7, odd: man */
	assert_int_equal(parse_ok("811218-9876", ASOF).sex, 'M');
	/* 121212-1212: ninth digit 1, odd: man */
	assert_int_equal(parse_ok("121212-1212", ASOF).sex, 'M');
	/* 121212-1204: ninth digit 0, even: woman.
	 * Luhn 1212121204: 2,2,2,2,2,2,2,2,0*2=0,4 = 20 */
	assert_int_equal(parse_ok("121212-1204", ASOF).sex, 'K');
	assert_int_equal(parse_ok("20121212-1204", ASOF).sex, 'K');
	/* 261122-1231: ninth digit 3: man; 010101-0007: ninth digit 0: woman */
	assert_int_equal(parse_ok("261122-1231", ASOF).sex, 'M');
	assert_int_equal(parse_ok("010101-0007", ASOF).sex, 'K');
}

/* ---- the century of the 10-digit forms ----------------------------------- */

static void test_century_minus_means_younger_than_100(void **state)
{
	(void)state;
	/* 121212-1212 (Luhn 2+2+2+2+2+2+2+2+2+2 = 20) as of 2026-11-22:
	 * younger than 100 -> 2012-12-12 (age 13), not 1912 */
	struct pnr p = parse_ok("121212-1212", ASOF);
	assert_string_equal(p.digits, "201212121212");
	assert_string_equal(S(p.birth), "2012-12-12");
	/* 811218-9876: 2081 would be in the future -> 1981 (age 44) */
	assert_string_equal(parse_ok("811218-9876", ASOF).digits, "198112189876");
}

static void test_century_no_sign_same_as_minus(void **state)
{
	(void)state;
	assert_string_equal(parse_ok("1212121212", ASOF).digits, "201212121212");
	assert_string_equal(parse_ok("2611239993", ASOF).digits, "192611239993");
}

static void test_century_plus_means_100_or_older(void **state)
{
	(void)state;
	/* 121212+1212 as of 2026-11-22: 100 or older -> 1912-12-12 (age 113) */
	struct pnr p = parse_ok("121212+1212", ASOF);
	assert_string_equal(p.digits, "191212121212");
	assert_string_equal(S(p.birth), "1912-12-12");
	/* the 12-digit form says the century itself */
	p = parse_ok("19121212-1212", ASOF);
	assert_string_equal(S(p.birth), "1912-12-12");
	p = parse_ok("191212121212", ASOF);
	assert_string_equal(S(p.birth), "1912-12-12");
}

static void test_century_birthday_tomorrow(void **state)
{
	(void)state;
	/* 261123 as of 2026-11-22: 2026-11-23 is tomorrow, so the latest
	 * possible birth is 1926-11-23 (age 99, younger than 100).
	 * Luhn 2611239993: 2*2=4, 6, 1*2=2, 1, 2*2=4, 3, 9*2=18->9, 9,
	 * 9*2=18->9, 3 = 50 */
	assert_string_equal(parse_ok("261123-9993", ASOF).digits, "192611239993");
	/* with '+': 100 or older, 1926-11-23 is only 99 -> 1826-11-23 */
	assert_string_equal(parse_ok("261123+9993", ASOF).digits, "182611239993");
	/* one day later the same number is 2026-11-23, age 0 */
	assert_string_equal(parse_ok("261123-9993", D("2026-11-23")).digits,
			    "202611239993");
}

static void test_century_birthday_today(void **state)
{
	(void)state;
	/* 261122 as of 2026-11-22: born today -> 2026-11-22 (age 0).
	 * Luhn 2611221231: 4, 6, 2, 1, 4, 2, 2, 2, 3*2=6, 1 = 30 */
	struct pnr p = parse_ok("261122-1231", ASOF);
	assert_string_equal(S(p.birth), "2026-11-22");
	/* with '+': 1926-11-22 has its 100th birthday today: 100 -> ok */
	p = parse_ok("261122+1231", ASOF);
	assert_string_equal(S(p.birth), "1926-11-22");
}

static void test_century_follows_asof(void **state)
{
	(void)state;
	/* the as-of date decides: 121212-1212 as of 2012-12-11 cannot be
	 * 2012-12-12 (tomorrow) -> 1912-12-12 */
	assert_string_equal(parse_ok("121212-1212", D("2012-12-11")).digits,
			    "191212121212");
	assert_string_equal(parse_ok("121212-1212", D("2012-12-12")).digits,
			    "201212121212");
	/* as of 2112-12-12 someone born 2012-12-12 turns 100, so '-' (younger
	 * than 100) means born that very day, 2112-12-12, and '+' means 2012 */
	assert_string_equal(parse_ok("121212-1212", D("2112-12-12")).digits,
			    "211212121212");
	assert_string_equal(parse_ok("121212+1212", D("2112-12-12")).digits,
			    "201212121212");
}

static void test_century_leap_day(void **state)
{
	(void)state;
	/* 000229-1235 (Luhn 0,0,0,2,2*2=4,9,1*2=2,2,3*2=6,5 = 30):
	 * '-' -> 2000-02-29 (2000 is a leap year) */
	assert_string_equal(S(parse_ok("000229-1235", ASOF).birth), "2000-02-29");
	assert_string_equal(S(parse_ok("20000229-1235", ASOF).birth), "2000-02-29");
	/* '+' -> 1900-02-29, which does not exist (1900 is not a leap year) */
	assert_int_equal(parse_err("000229+1235", ASOF), PNR_EDATE);
	assert_int_equal(parse_err("19000229-1235", ASOF), PNR_EDATE);
}

/* ---- samordningsnummer -------------------------------------------------- */

static void test_samordningsnummer_day_plus_60(void **state)
{
	(void)state;
	/* 701063-2391: day 63 = 3 + 60 -> born 1970-10-03.
	 * Luhn 7010632391: 7*2=14->5, 0, 1*2=2, 0, 6*2=12->3, 3, 2*2=4, 3,
	 * 9*2=18->9, 1 = 30 */
	struct pnr p = parse_ok("701063-2391", ASOF);
	assert_true(p.samordning);
	assert_string_equal(S(p.birth), "1970-10-03");
	/* the normalised digits keep day + 60 */
	assert_string_equal(p.digits, "197010632391");
	/* ninth digit 9: odd, man */
	assert_int_equal(p.sex, 'M');
	p = parse_ok("19701063-2391", ASOF);
	assert_true(p.samordning);
	assert_string_equal(S(p.birth), "1970-10-03");
}

static void test_samordningsnummer_last_day_of_month(void **state)
{
	(void)state;
	/* 701291-2346: day 91 = 31 + 60 -> 1970-12-31.
	 * Luhn 7012912346: 14->5, 0, 2, 2, 18->9, 1, 4, 3, 8, 6 = 40 */
	struct pnr p = parse_ok("701291-2346", ASOF);
	assert_true(p.samordning);
	assert_string_equal(S(p.birth), "1970-12-31");
	/* the smallest samordning day: 61 = 1 + 60 -> 1970-10-01.
	 * Luhn 7010612344: 5,0,2,0,6*2=12->3,1,4,3,8,4 = 30 */
	p = parse_ok("701061-2344", ASOF);
	assert_true(p.samordning);
	assert_string_equal(S(p.birth), "1970-10-01");
	/* day 92 = 32 + 60 does not exist (Luhn 7012922345: 5,0,2,2,9,2,4,3,
	 * 8,5 = 40, so only the date is wrong) */
	assert_int_equal(parse_err("701292-2345", ASOF), PNR_EDATE);
	/* day 60 = 0 + 60 does not exist either (Luhn 7012602343: 5,0,2,2,
	 * 6*2=12->3,0,4,3,8,3 = 30) */
	assert_int_equal(parse_err("701260-2343", ASOF), PNR_EDATE);
}

static void test_samordningsnummer_luhn_over_day_plus_60(void **state)
{
	(void)state;
	/* 701231-2349 is valid as a personnummer (Luhn 5,0,2,2,3*2=6,1,4,3,8,9
	 * = 40), but with the samordning day 91 the same last four digits
	 * give 5+0+2+2+9+1+4+3+8+9 = 43: the check runs over day + 60 */
	assert_false(parse_ok("701231-2349", ASOF).samordning);
	assert_int_equal(parse_err("701291-2349", ASOF), PNR_ECHECKSUM);
}

static void test_samordningsnummer_century(void **state)
{
	(void)state;
	/* 261183-xxxx as of 2026-11-22: day 83 = 23 + 60 -> 11-23 is tomorrow,
	 * so the century rule must compare the real day 23, not 83 -> 1926.
	 * Luhn 2611839993: 4,6,2,1,8*2=16->7,3,9,9,9,3 = 53 -> last digit 0
	 * instead of 3: 50 */
	struct pnr p = parse_ok("261183-9990", ASOF);
	assert_true(p.samordning);
	assert_string_equal(S(p.birth), "1926-11-23");
	/* day 82 = 22 + 60: born today -> 2026.
	 * Luhn 2611829990: 4,6,2,1,7,2,9,9,9,0 = 49 -> last digit 1: 50 */
	p = parse_ok("261182-9991", ASOF);
	assert_string_equal(S(p.birth), "2026-11-22");
}

/* ---- born in the future ------------------------------------------------- */

static void test_future_birth_rejected(void **state)
{
	(void)state;
	/* 20261123-1230 is tomorrow as of 2026-11-22.
	 * Luhn 2611231230: 4,6,2,1,4,3,2,2,6,0 = 30 */
	assert_int_equal(parse_err("20261123-1230", ASOF), PNR_EFUTURE);
	assert_int_equal(parse_err("202611231230", ASOF), PNR_EFUTURE);
	/* as of the next day it is fine */
	assert_string_equal(S(parse_ok("20261123-1230", D("2026-11-23")).birth),
			    "2026-11-23");
	/* 2027-01-01: Luhn 2701019990: 4,7,0,1,0,1,18->9,9,18->9,0 = 40 */
	assert_int_equal(parse_err("20270101-9990", ASOF), PNR_EFUTURE);
	/* born on the as-of date itself is not the future */
	assert_string_equal(S(parse_ok("20261122-1231", ASOF).birth), "2026-11-22");
}

/* ---- impossible dates --------------------------------------------------- */

static void test_impossible_birth_dates(void **state)
{
	(void)state;
	assert_int_equal(parse_err("19810230-9876", ASOF), PNR_EDATE);   /* 30 Feb */
	assert_int_equal(parse_err("19811318-9876", ASOF), PNR_EDATE);   /* month 13 */
	assert_int_equal(parse_err("19810018-9876", ASOF), PNR_EDATE);   /* month 0 */
	assert_int_equal(parse_err("19811200-9876", ASOF), PNR_EDATE);   /* day 0 */
	assert_int_equal(parse_err("19811232-9876", ASOF), PNR_EDATE);   /* day 32 */
	assert_int_equal(parse_err("811232-9876", ASOF), PNR_EDATE);
}

/* ---- rejected forms ----------------------------------------------------- */

static void test_rejects_wrong_lengths(void **state)
{
	(void)state;
	const char *bad[] = { "", "8", "811218", "811218-987", "811218-98765",
			      "811218987", "81121898765", "1981121898765",
			      "1981121-89876", "19811218-98765", "0019811218-9876" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (parse_err(bad[i], ASOF) != PNR_EFORMAT)
			fail_msg("\"%s\" accepted or wrong code", bad[i]);
}

static void test_rejects_wrong_separators(void **state)
{
	(void)state;
	const char *bad[] = {
		"19811218+9876",   /* '+' only in the 10-digit form */
		"19811218 9876",   /* space */
		"811218 9876",
		"811218_9876",
		"811218/9876",
		"811218--9876",
		"81121-89876",     /* separator at the wrong place */
		"8112-189876",
		"811218-98-76",
		"-8112189876",
		"+8112189876",
		"8112189876-",
		"811218\xe2\x80\x93" "9876",  /* en dash */
		"1981-12-18-9876",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (parse_err(bad[i], ASOF) != PNR_EFORMAT)
			fail_msg("\"%s\" accepted or wrong code", bad[i]);
}

static void test_rejects_letters_and_spaces(void **state)
{
	(void)state;
	const char *bad[] = {
		"ABCDEFGH-IJKL",
		"8112189876x",
		"811218-987T",     /* reserve-number style letter */
		"811218-T876",
		"19811218-98T6",
		"8112I89876",      /* capital i for 1 */
		" 811218-9876",    /* leading / inner blanks: the caller trims, */
		"811218-9876 ",    /* the parser itself takes none */
		"811218 -9876",
		"8112 18-9876",
		"811218-9876\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (parse_err(bad[i], ASOF) != PNR_EFORMAT)
			fail_msg("\"%s\" accepted or wrong code", bad[i]);
}

static void test_without_asof_only_twelve_digits(void **state)
{
	(void)state;
	/* without an as-of date the century of a 10-digit form is unknown */
	assert_int_equal(parse_err("811218-9876", DATE_NONE), PNR_EFORMAT);
	assert_int_equal(parse_err("8112189876", DATE_NONE), PNR_EFORMAT);
	assert_string_equal(parse_ok("19811218-9876", DATE_NONE).digits, "198112189876");
	/* and nothing is in the future */
	assert_string_equal(S(parse_ok("20261123-1230", DATE_NONE).birth), "2026-11-23");
}

static void test_strerror_distinct(void **state)
{
	(void)state;
	int codes[] = { PNR_EFORMAT, PNR_EDATE, PNR_ECHECKSUM, PNR_EFUTURE };
	for (int i = 0; i < 4; i++) {
		assert_non_null(pnr_strerror(codes[i]));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(pnr_strerror(codes[i]), pnr_strerror(codes[j]));
	}
	assert_non_null(pnr_strerror(-99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_four_forms_normalise_to_twelve_digits),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_luhn_wrong_digit_in_every_form),
		cmocka_unit_test(test_luhn_is_over_ten_digits_not_twelve),
		cmocka_unit_test(test_leading_zero_digits),
		cmocka_unit_test(test_sex_from_ninth_digit),
		cmocka_unit_test(test_century_minus_means_younger_than_100),
		cmocka_unit_test(test_century_no_sign_same_as_minus),
		cmocka_unit_test(test_century_plus_means_100_or_older),
		cmocka_unit_test(test_century_birthday_tomorrow),
		cmocka_unit_test(test_century_birthday_today),
		cmocka_unit_test(test_century_follows_asof),
		cmocka_unit_test(test_century_leap_day),
		cmocka_unit_test(test_samordningsnummer_day_plus_60),
		cmocka_unit_test(test_samordningsnummer_last_day_of_month),
		cmocka_unit_test(test_samordningsnummer_luhn_over_day_plus_60),
		cmocka_unit_test(test_samordningsnummer_century),
		cmocka_unit_test(test_future_birth_rejected),
		cmocka_unit_test(test_impossible_birth_dates),
		cmocka_unit_test(test_rejects_wrong_lengths),
		cmocka_unit_test(test_rejects_wrong_separators),
		cmocka_unit_test(test_rejects_letters_and_spaces),
		cmocka_unit_test(test_without_asof_only_twelve_digits),
		cmocka_unit_test(test_strerror_distinct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
