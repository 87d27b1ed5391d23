/* Unit tests: kinds and columns (src/schema.c). */
#include <string.h>

#include "testutil.h"
#include "schema.h"

static void test_kind_from_filename(void **state)
{
	(void)state;
	assert_int_equal(schema_kind_from_filename("beslut.csv"), K_BESLUT);
	assert_int_equal(schema_kind_from_filename("verkstalligheter_2026.csv"), K_VERKSTALLIGHET);
	assert_int_equal(schema_kind_from_filename("Personer-okt.csv"), K_PERSON);
	assert_int_equal(schema_kind_from_filename("bestallningar.csv"), K_BESTALLNING);
	assert_int_equal(schema_kind_from_filename("maltider_2026-10.csv"), K_MALTID);
	assert_int_equal(schema_kind_from_filename("handelser.csv"), K_HANDELSE);
	assert_int_equal(schema_kind_from_filename("avbrott.csv"), K_AVBROTT);
	assert_int_equal(schema_kind_from_filename("readme.csv"), -1);
	assert_int_equal(schema_kind_from_filename("person.csv"), -1);
}

static void test_kind_from_element(void **state)
{
	(void)state;
	assert_int_equal(schema_kind_from_element("person"), K_PERSON);
	assert_int_equal(schema_kind_from_element("maltid"), K_MALTID);
	assert_int_equal(schema_kind_from_element("personer"), -1);
	assert_int_equal(schema_kind_from_element("Beslut"), -1);
}

static void test_column_case_and_blanks(void **state)
{
	(void)state;
	assert_int_equal(schema_column(K_BESLUT, " Beslutsdatum\t", 14), B_BESLUTSDATUM);
	assert_int_equal(schema_column(K_BESLUT, "BESLUT_ID", 9), B_BESLUT_ID);
	assert_int_equal(schema_column(K_BESLUT, "beslut", 6), -1);
	assert_int_equal(schema_column(K_MALTID, "manad", 5), M_MANAD);
}

static void test_required_columns_match_spec(void **state)
{
	(void)state;
	/* SPEC 4: beslut requires beslut_id, person_id, lagrum, insats,
	 * beslutsdatum, utfall and nothing else */
	const struct kind_info *k = schema_kind(K_BESLUT);
	int required = 0;
	for (int c = 0; c < k->ncolumns; c++)
		required += k->columns[c].required;
	assert_int_equal(required, 6);
	assert_true(k->columns[B_UTFALL].required);
	assert_false(k->columns[B_GILTIG_FROM].required);
	for (int kind = 0; kind < K__COUNT; kind++)
		assert_true(schema_kind(kind)->ncolumns <= SCHEMA_MAX_COLUMNS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_from_filename),
		cmocka_unit_test(test_kind_from_element),
		cmocka_unit_test(test_column_case_and_blanks),
		cmocka_unit_test(test_required_columns_match_spec),
	};
	return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
