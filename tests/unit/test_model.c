/* Unit tests: interned strings, vectors and id maps (src/model.c). */
#include <string.h>

#include "testutil.h"
#include "model.h"

static void test_intern_same_string_same_ref(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	str_ref a = intern_str(&m.strings, "B17", 3);
	str_ref b = intern_str(&m.strings, "B17x", 3);   /* only 3 bytes count */
	str_ref c = intern_str(&m.strings, "B18", 3);
	assert_int_not_equal(a, STR_NONE);
	assert_int_equal(a, b);
	assert_int_not_equal(a, c);
	assert_string_equal(str_get(&m, a), "B17");
	assert_string_equal(str_get(&m, c), "B18");
	model_release(&m);
}

/* Strings of 1 to 24 bytes, each in a heap block of exactly its size (so
 * that reading a byte outside it is an AddressSanitizer error), against
 * the same bytes with one byte changed at each place in turn: every one is
 * its own string, and the same bytes again find the first. Hashing and
 * comparing read ids in whole words. */
static void test_intern_every_length_and_place(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	for (size_t len = 1; len <= 24; len++) {
		char *s = malloc(len), *t = malloc(len);
		assert_non_null(s);
		assert_non_null(t);
		for (size_t i = 0; i < len; i++)
			s[i] = (char)('a' + (i * 7 + len) % 26);
		str_ref a = intern_str(&m.strings, s, len);
		assert_int_not_equal(a, STR_NONE);
		for (size_t p = 0; p < len; p++) {
			memcpy(t, s, len);
			t[p] = 'Z';
			str_ref b = intern_str(&m.strings, t, len);
			assert_int_not_equal(b, STR_NONE);
			assert_int_not_equal(a, b);
			assert_false(intern_same(str_get(&m, a), t, len));
			assert_memory_equal(str_get(&m, b), t, len);
		}
		memcpy(t, s, len);
		assert_int_equal(intern_str(&m.strings, t, len), a);
		assert_true(intern_same(str_get(&m, a), t, len));
		free(s);
		free(t);
	}
	model_release(&m);
}

static void test_intern_empty_is_none(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	assert_int_equal(intern_str(&m.strings, "", 0), STR_NONE);
	assert_string_equal(str_get(&m, STR_NONE), "");
	model_release(&m);
}

static void test_intern_survives_growth(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	enum { N = 200000 };
	static str_ref refs[N];
	char buf[32];
	for (int i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof(buf), "id-%d", i);
		refs[i] = intern_str(&m.strings, buf, (size_t)n);
	}
	assert_false(m.strings.failed);
	for (int i = 0; i < N; i += 997) {
		int n = snprintf(buf, sizeof(buf), "id-%d", i);
		assert_string_equal(str_get(&m, refs[i]), buf);
		assert_int_equal(intern_str(&m.strings, buf, (size_t)n), refs[i]);
	}
	model_release(&m);
}

static void test_u32map_put_get_overwrite(void **state)
{
	(void)state;
	struct u32map map = { 0 };
	assert_int_equal(u32map_get(&map, 5), IDX_NONE);
	for (uint32_t k = 1; k <= 10000; k++)
		assert_int_equal(u32map_put(&map, k * 7, k), 0);
	for (uint32_t k = 1; k <= 10000; k++)
		assert_int_equal(u32map_get(&map, k * 7), k);
	assert_int_equal(u32map_get(&map, 8), IDX_NONE);
	assert_int_equal(u32map_put(&map, 7, 42), 0);
	assert_int_equal(u32map_get(&map, 7), 42);
	assert_int_equal(map.used, 10000);
	/* key 0 is the empty-slot marker and is refused */
	assert_int_equal(u32map_put(&map, 0, 1), EVB_EINVAL);
	u32map_release(&map);
}

/* A reserved map takes its keys without growing (three in four slots):
 * 3000 keys need 4096 slots, as 3072 fit in them and 768 in 1024 do not.
 * Reserving a map that holds keys changes nothing. */
static void test_u32map_reserve(void **state)
{
	(void)state;
	struct u32map map = { 0 };
	assert_int_equal(u32map_reserve(&map, 3000), 0);
	assert_int_equal(map.nslots, 4096);
	for (uint32_t k = 1; k <= 3000; k++) {
		u32map_prefetch(&map, k + 16);
		assert_int_equal(u32map_put(&map, k, k * 2), 0);
	}
	assert_int_equal(map.nslots, 4096);
	for (uint32_t k = 1; k <= 3000; k++)
		assert_int_equal(u32map_get(&map, k), k * 2);
	assert_int_equal(u32map_reserve(&map, 100000), 0);
	assert_int_equal(map.nslots, 4096);
	assert_int_equal(u32map_put(&map, 3001, 1), 0);
	assert_int_equal(map.nslots, 4096);     /* 3001 <= 3072 */
	u32map_release(&map);
	u32map_prefetch(&map, 1);               /* an empty map: nothing to ask */
}

static void test_vec_push_zeroes_and_grows(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	for (int i = 0; i < 1000; i++) {
		struct beslut *b = VEC_PUSH(m.beslut);
		assert_non_null(b);
		assert_int_equal(b->id, 0);
		assert_int_equal(b->v_first, 0);
		b->id = (str_ref)i + 1;
	}
	assert_int_equal(m.beslut.n, 1000);
	assert_int_equal(m.beslut.v[999].id, 1000);
	model_release(&m);
}

/* Strings that share a prefix, a hash slot's neighbourhood or a tag are
 * told apart, also a string that is a prefix of the last one stored (the
 * look-up never reads past the buffer). */
static void test_intern_prefixes_and_many(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	str_ref longer = intern_str(&m.strings, "H0000001k", 9);
	str_ref shorter = intern_str(&m.strings, "H0000001", 8);
	assert_int_not_equal(longer, shorter);
	assert_int_equal(intern_str(&m.strings, "H0000001k", 9), longer);
	str_ref refs[20000];
	char buf[16];
	for (int i = 0; i < 20000; i++) {
		snprintf(buf, sizeof(buf), "V%07d", i);
		refs[i] = intern_str(&m.strings, buf, strlen(buf));
	}
	/* at most four fifths full, through every growth */
	assert_true(m.strings.used * 5 <= m.strings.nslots * 4);
	for (int i = 0; i < 20000; i++) {
		snprintf(buf, sizeof(buf), "V%07d", i);
		assert_int_equal(intern_str(&m.strings, buf, strlen(buf)), refs[i]);
		assert_string_equal(str_get(&m, refs[i]), buf);
	}
	assert_false(m.strings.failed);
	model_release(&m);
}

/* A key keeps its value beside the string: IDX_NONE when new, found again
 * (by intern_key and intern_str alike) with the value set, through every
 * growth of the table (the growth steps over the value bytes: a string
 * after a key is found again). A string interned plain first has no room
 * for a value: intern_key says so. */
static void test_intern_key(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	struct intern *in = &m.strings;
	bool keyed = false;
	str_ref plain = intern_str(in, "191212121212", 12);
	assert_int_equal(intern_key(in, "191212121212", 12, &keyed), plain);
	assert_false(keyed);
	str_ref k = intern_key(in, "199001011234", 12, &keyed);
	assert_true(keyed);
	assert_int_equal(intern_value_get(in, k, 12), IDX_NONE);
	intern_value_set(in, k, 12, 7);
	assert_int_equal(intern_str(in, "199001011234", 12), k);
	assert_int_equal(intern_key(in, "199001011234", 12, &keyed), k);
	assert_true(keyed);
	assert_int_equal(intern_value_get(in, k, 12), 7);
	/* keys and plain strings in turn, through growth */
	static str_ref keys[20000], plains[20000];
	char buf[16];
	size_t slots = in->nslots;
	for (uint32_t i = 0; i < 20000; i++) {
		snprintf(buf, sizeof(buf), "%012u", 100000000u + i);
		keys[i] = intern_key(in, buf, 12, &keyed);
		assert_true(keyed);
		intern_value_set(in, keys[i], 12, i * 3);
		snprintf(buf, sizeof(buf), "P%u", i);
		plains[i] = intern_str(in, buf, strlen(buf));
	}
	assert_true(in->nslots > slots);
	for (uint32_t i = 0; i < 20000; i++) {
		snprintf(buf, sizeof(buf), "%012u", 100000000u + i);
		assert_int_equal(intern_key(in, buf, 12, &keyed), keys[i]);
		assert_true(keyed);
		assert_int_equal(intern_value_get(in, keys[i], 12), i * 3);
		assert_string_equal(str_get(&m, keys[i]), buf);
		snprintf(buf, sizeof(buf), "P%u", i);
		assert_int_equal(intern_str(in, buf, strlen(buf)), plains[i]);
	}
	assert_int_equal(intern_value_get(in, k, 12), 7);
	/* the kinds' flags leave the key's mark alone */
	*intern_flags(in, k) |= 1u << K_BESLUT;
	assert_int_equal(intern_key(in, "199001011234", 12, &keyed), k);
	assert_true(keyed);
	assert_false(in->failed);
	model_release(&m);
}

/* Sealed: the table is gone, what was interned stays readable, and a new
 * string is appended (an equal one under a new reference). */
static void test_intern_seal(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	str_ref a = intern_str(&m.strings, "B17", 3);
	intern_seal(&m.strings);
	assert_null(m.strings.slots);
	assert_int_equal(m.strings.nslots, 0);
	assert_string_equal(str_get(&m, a), "B17");
	str_ref b = intern_str(&m.strings, "B17", 3);
	assert_int_not_equal(b, a);
	assert_true(b > a);
	assert_string_equal(str_get(&m, b), "B17");
	assert_int_equal(intern_str(&m.strings, "", 0), STR_NONE);
	assert_false(m.strings.failed);
	model_release(&m);
}

/* A dropped kind is gone, every decision's range of it is empty, and the
 * other kinds keep theirs: B0 has executions 0-1 and event 0, B1
 * execution 2 and events 1-2. */
static void test_drop(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	static const uint32_t exec_of[] = { 0, 0, 1 }, event_of[] = { 0, 1, 1 };
	for (int i = 0; i < 2; i++)
		assert_non_null(VEC_PUSH(m.beslut));
	for (int i = 0; i < 3; i++) {
		struct verkstallighet *v = VEC_PUSH(m.verkstalligheter);
		struct handelse *h = VEC_PUSH(m.handelser);
		assert_non_null(v);
		assert_non_null(h);
		v->beslut = exec_of[i];
		h->beslut = event_of[i];
	}
	m.beslut.v[1].v_first = 2;
	m.beslut.v[1].h_first = 1;
	assert_int_equal(beslut_h_n(&m, &m.beslut.v[0]), 1);
	assert_int_equal(beslut_h_n(&m, &m.beslut.v[1]), 2);
	model_drop(&m, K_HANDELSE);
	assert_null(m.handelser.v);
	assert_int_equal(m.handelser.n, 0);
	assert_int_equal(beslut_h_n(&m, &m.beslut.v[0]), 0);
	assert_int_equal(beslut_h_n(&m, &m.beslut.v[1]), 0);
	assert_int_equal(beslut_v_n(&m, &m.beslut.v[0]), 2);
	assert_int_equal(beslut_v_n(&m, &m.beslut.v[1]), 1);
	model_drop(&m, K_BESLUT);       /* not a related kind: kept */
	assert_int_equal(m.beslut.n, 2);
	model_release(&m);
}

/* Persons ranked by personnummer, whatever order they were added in:
 * 194501129876 < 198112189876 < 200001012380. */
static void test_person_ranks(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	const char *pnr[] = { "200001012380", "194501129876", "198112189876" };
	for (int i = 0; i < 3; i++) {
		struct person *p = VEC_PUSH(m.persons);
		assert_non_null(p);
		p->pnr = intern_str(&m.strings, pnr[i], 12);
	}
	uint32_t *rank = model_person_ranks(&m, NULL);
	assert_non_null(rank);
	assert_int_equal(rank[0], 2);
	assert_int_equal(rank[1], 0);
	assert_int_equal(rank[2], 1);
	free(rank);
	/* only persons 0 and 2: 198112189876 before 200001012380 */
	const uint8_t only[] = { 1, 0, 1 };
	rank = model_person_ranks(&m, only);
	assert_non_null(rank);
	assert_int_equal(rank[0], 1);
	assert_int_equal(rank[1], IDX_NONE);
	assert_int_equal(rank[2], 0);
	free(rank);
	model_release(&m);
}

/* Many persons in the order of model_cmp_pnr (a radix sort by three
 * digits of 14 bits): numbers that differ only in the lowest, only in the
 * middle or only in the highest digit, one number shared by several
 * persons (in person order), and personnummer that are not 12 digits
 * (after every number, in person order). Each neighbour pair is checked
 * with model_cmp_pnr, with and without `only`. E.g. 000000016384 (2^14)
 * differs from 000000000000 in the middle digit alone. */
static void check_rank_order(const struct model *m, const uint32_t *rank, const uint8_t *only)
{
	uint32_t n = m->persons.n, k = 0;
	uint32_t *by = malloc(n * sizeof(*by));
	assert_non_null(by);
	for (uint32_t i = 0; i < n; i++)
		by[i] = IDX_NONE;
	for (uint32_t i = 0; i < n; i++) {
		if (only && !only[i]) {
			assert_int_equal(rank[i], IDX_NONE);
			continue;
		}
		k++;
		assert_true(rank[i] < n);
		assert_int_equal(by[rank[i]], IDX_NONE);        /* each rank once */
		by[rank[i]] = i;
	}
	for (uint32_t r = 1; r < k; r++) {
		uint32_t a = by[r - 1], b = by[r];
		assert_true(model_cmp_pnr(model_pnr_number(str_get(m, m->persons.v[a].pnr)), a,
					  model_pnr_number(str_get(m, m->persons.v[b].pnr)), b) < 0);
	}
	free(by);
}

static void test_person_ranks_many(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	enum { N = 3000 };
	uint64_t x = 88172645463325252ULL;
	uint8_t only[N];
	uint32_t invalid = 0;
	for (uint32_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		char pnr[24];
		uint64_t num = 0;
		switch (i % 7) {
		case 0: num = x % 1000000000000ULL; break;
		case 1: num = 194501120000ULL + x % 3000; break;
		case 2: num = 123456789ULL + ((x % 500) << 14); break;
		case 3: num = 98765ULL + ((x % 60) << 28); break;
		case 4: num = 198112189876ULL; break;
		default: break;
		}
		invalid += i % 7 >= 5;
		if (i % 7 == 5)
			snprintf(pnr, sizeof(pnr), "%011llu", (unsigned long long)(x % 100000000000ULL));
		else if (i % 7 == 6)
			snprintf(pnr, sizeof(pnr), "19450112987%c", (char)('A' + x % 26));
		else
			snprintf(pnr, sizeof(pnr), "%012llu", (unsigned long long)num);
		struct person *p = VEC_PUSH(m.persons);
		assert_non_null(p);
		p->pnr = intern_str(&m.strings, pnr, strlen(pnr));
		only[i] = x % 3 == 0;
	}
	uint32_t *rank = model_person_ranks(&m, NULL);
	assert_non_null(rank);
	check_rank_order(&m, rank, NULL);
	/* the shared number: persons 4, 11, 18, ... next to each other, in
	 * person order */
	assert_int_equal(rank[11], rank[4] + 1);
	assert_int_equal(rank[18], rank[11] + 1);
	/* not 12 digits: after all the others, the first of them person 5 */
	assert_int_equal(rank[5], N - invalid);
	assert_int_equal(rank[6], N - invalid + 1);
	free(rank);
	rank = model_person_ranks(&m, only);
	assert_non_null(rank);
	check_rank_order(&m, rank, only);
	free(rank);
	model_release(&m);
}

/* Decisions by person, each person's by insats then id (a total order):
 * person 1 has eleven (more than the eight sorted in place), person 0
 * three, person 2 one; one of person 0's is left out by keep. Checked
 * against a qsort of all of them by person, then the same order. */
static const struct model *by_person_model;

static int cmp_insats_id(const void *a, const void *b)
{
	const struct beslut *x = &by_person_model->beslut.v[*(const uint32_t *)a];
	const struct beslut *y = &by_person_model->beslut.v[*(const uint32_t *)b];
	if (x->insats != y->insats)
		return x->insats < y->insats ? -1 : 1;
	return strcmp(str_get(by_person_model, x->id), str_get(by_person_model, y->id));
}

static int cmp_person_then(const void *a, const void *b)
{
	const struct beslut *x = &by_person_model->beslut.v[*(const uint32_t *)a];
	const struct beslut *y = &by_person_model->beslut.v[*(const uint32_t *)b];
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	return cmp_insats_id(a, b);
}

static bool not_avslag(const struct beslut *b)
{
	return b->utfall != UTFALL_AVSLAG;
}

static void test_beslut_by_person(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, DATE_NONE);
	for (int i = 0; i < 3; i++)
		assert_non_null(VEC_PUSH(m.persons));
	/* person, insats, id: added neither by person nor by id */
	static const struct { uint32_t person; uint16_t insats; const char *id; } dec[] = {
		{ 1, 3, "K" }, { 0, 2, "B" }, { 1, 1, "Z" }, { 2, 0, "A" }, { 1, 3, "C" },
		{ 0, 1, "Y" }, { 1, 0, "Q" }, { 1, 3, "A" }, { 1, 2, "M" }, { 0, 2, "A" },
		{ 1, 1, "B" }, { 1, 0, "R" }, { 1, 3, "B" }, { 1, 2, "D" }, { 1, 1, "E" },
	};
	enum { N = sizeof(dec) / sizeof(dec[0]) };
	for (uint32_t i = 0; i < N; i++) {
		struct beslut *b = VEC_PUSH(m.beslut);
		assert_non_null(b);
		b->person = dec[i].person;
		b->insats = dec[i].insats;
		b->id = intern_str(&m.strings, dec[i].id, strlen(dec[i].id));
		b->utfall = i == 5 ? UTFALL_AVSLAG : UTFALL_BIFALL;   /* person 0's "Y" */
	}
	by_person_model = &m;
	uint32_t want[N];
	for (uint32_t i = 0; i < N; i++)
		want[i] = i;
	qsort(want, N, sizeof(want[0]), cmp_person_then);
	uint32_t n = 0, *got = model_beslut_by_person(&m, NULL, cmp_insats_id, &n);
	assert_non_null(got);
	assert_int_equal(n, N);
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(got[i], want[i]);
	/* by hand: person 0 is (1, Y) (2, A) (2, B), decisions 5, 9, 1 */
	assert_int_equal(got[0], 5);
	assert_int_equal(got[1], 9);
	assert_int_equal(got[2], 1);
	free(got);
	got = model_beslut_by_person(&m, not_avslag, cmp_insats_id, &n);
	assert_non_null(got);
	assert_int_equal(n, N - 1);
	for (uint32_t i = 0, k = 0; i < N; i++)
		if (want[i] != 5)
			assert_int_equal(got[k++], want[i]);
	free(got);
	model_release(&m);
}

static void test_code_lookup(void **state)
{
	(void)state;
	assert_int_equal(code_lookup(avslutsorsak_codes, ORSAK__N, "nytt_beslut"), ORSAK_NYTT_BESLUT);
	assert_int_equal(code_lookup(enhet_codes, ENHET__N, "tillf/vecka"), ENHET_TILLF_VECKA);
	assert_int_equal(code_lookup(maltidstyp_codes, MT__N, "lunch"), MT_LUNCH);
	assert_int_equal(code_lookup(handelse_typ_codes, HT__N, "skal"), HT_SKAL);
	assert_int_equal(code_lookup(handelse_typ_codes, HT__N, "okand"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern_same_string_same_ref),
		cmocka_unit_test(test_intern_every_length_and_place),
		cmocka_unit_test(test_intern_empty_is_none),
		cmocka_unit_test(test_intern_survives_growth),
		cmocka_unit_test(test_u32map_put_get_overwrite),
		cmocka_unit_test(test_u32map_reserve),
		cmocka_unit_test(test_vec_push_zeroes_and_grows),
		cmocka_unit_test(test_intern_prefixes_and_many),
		cmocka_unit_test(test_intern_key),
		cmocka_unit_test(test_intern_seal),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_person_ranks),
		cmocka_unit_test(test_person_ranks_many),
		cmocka_unit_test(test_beslut_by_person),
		cmocka_unit_test(test_code_lookup),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
