/* Unit tests: personnummer and samordningsnummer (src/personnr.c). */
#include <string.h>

#include "testutil.h"
#include "personnr.h"

#define ASOF D("2026-11-22")

static void test_forms_normalise(void **state)
{
	(void)state;
	struct pnr p;
	/* Luhn of 8112189876: 8*2=16->7, 1, 1*2=2, 2, 1*2=2, 8, 9*2=18->9, 8,
	 * 7*2=14->5, 6: 7+1+2+2+2+8+9+8+5+6 = 50, divisible by 10 */
	const char *forms[] = { "19811218-9876", "198112189876", "811218-9876", "8112189876" };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pnr_parse(forms[i], ASOF, &p), PNR_OK);
		assert_string_equal(p.digits, "198112189876");
		assert_string_equal(S(p.birth), "1981-12-18");
		assert_false(p.samordning);
		/* ninth digit 7 is odd: a man */
		assert_int_equal(p.sex, 'M');
	}
	char buf[14];
	assert_string_equal(pnr_format(&p, buf), "19811218-9876");
}

static void test_century_rule(void **state)
{
	(void)state;
	struct pnr p;
	/* 121212-1212 (Luhn: 2+2+2+2+2+2+2+2+2+2 = 20) as of 2026-11-22:
	 * younger than 100 -> 2012-12-12; with '+' 100 or older -> 1912-12-12 */
	assert_int_equal(pnr_parse("121212-1212", ASOF, &p), PNR_OK);
	assert_string_equal(p.digits, "201212121212");
	assert_int_equal(pnr_parse("121212+1212", ASOF, &p), PNR_OK);
	assert_string_equal(p.digits, "191212121212");
	assert_int_equal(pnr_parse("19121212-1212", ASOF, &p), PNR_OK);
	assert_string_equal(S(p.birth), "1912-12-12");
	/* ninth digit 1: odd, a man; 121212-1202 would be a woman */
	assert_int_equal(p.sex, 'M');
	/* 261123-xxxx as of 2026-11-22: born 2026-11-23 would be in the future,
	 * so the latest possible birth is 1926-11-23 (99 years old).
	 * Luhn of 2611239995: 4,6,2,1,4,3,18->9,9,18->9,5 = 52 -> fix last digit:
	 * 2611239993 -> 4+6+2+1+4+3+9+9+9+3 = 50 */
	assert_int_equal(pnr_parse("261123-9993", ASOF, &p), PNR_OK);
	assert_string_equal(p.digits, "192611239993");
	/* 261122-xxxx: born on the as-of day itself -> 2026-11-22 (age 0);
	 * Luhn 2611229993: 4+6+2+1+4+2+9+9+9+3 = 49 -> last digit 4 gives 50 */
	assert_int_equal(pnr_parse("261122-9994", ASOF, &p), PNR_OK);
	assert_string_equal(p.digits, "202611229994");
}

static void test_samordningsnummer(void **state)
{
	(void)state;
	struct pnr p;
	/* 701063-2391: day 63 = 3 + 60 -> born 1970-10-03.
	 * Luhn 7010632391: 14->5,0,2,0,12->3,3,4,3,18->9,1 = 30 */
	assert_int_equal(pnr_parse("701063-2391", ASOF, &p), PNR_OK);
	assert_true(p.samordning);
	assert_string_equal(S(p.birth), "1970-10-03");
	assert_string_equal(p.digits, "197010632391");
	/* ninth digit 9: a man */
	assert_int_equal(p.sex, 'M');
}

static void test_rejects(void **state)
{
	(void)state;
	struct pnr p;
	assert_int_equal(pnr_parse("19811218-9875", ASOF, &p), PNR_ECHECKSUM);
	assert_int_equal(pnr_parse("19810230-9876", ASOF, &p), PNR_EDATE);   /* 30 Feb */
	assert_int_equal(pnr_parse("19811318-9876", ASOF, &p), PNR_EDATE);   /* month 13 */
	assert_int_equal(pnr_parse("1981121-89876", ASOF, &p), PNR_EFORMAT);
	assert_int_equal(pnr_parse("19811218 9876", ASOF, &p), PNR_EFORMAT);
	assert_int_equal(pnr_parse("19811218+9876", ASOF, &p), PNR_EFORMAT); /* '+' only in 10-digit form */
	assert_int_equal(pnr_parse("811218-987", ASOF, &p), PNR_EFORMAT);
	assert_int_equal(pnr_parse("8112189876x", ASOF, &p), PNR_EFORMAT);
	assert_int_equal(pnr_parse("", ASOF, &p), PNR_EFORMAT);
	assert_int_equal(pnr_parse("ABCDEFGH-IJKL", ASOF, &p), PNR_EFORMAT);
	/* born after the as-of date: 2027-01-01 (Luhn 2701019995: 4,7,0,1,0,1,
	 * 18->9,9,18->9,5 = 45 -> last digit 0 gives 50) */
	assert_int_equal(pnr_parse("20270101-9990", ASOF, &p), PNR_EFUTURE);
	assert_non_null(pnr_strerror(PNR_ECHECKSUM));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms_normalise),
		cmocka_unit_test(test_century_rule),
		cmocka_unit_test(test_samordningsnummer),
		cmocka_unit_test(test_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
