/* Unit tests: the IVO identity of SPEC 3.6 (src/pseudonym.c). */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "allocfail.h"
#include "personnr.h"
#include "pseudonym.h"

static const char key[] = "exempelkommun-test-key-0123456789abcdef";

static void test_known_answers(void **state)
{
	(void)state;
	/* expected digits computed independently with Python's hmac module:
	 * v = first 4 bytes of HMAC-SHA-256(key, msg), a = v % 10,
	 * b = 2 * (v / 10 % 5) + man, c = v / 50 % 10 */
	uint16_t d;
	assert_int_equal(pseudonym_candidate(key, strlen(key), "194501129876", 'K', 0, &d), 0);
	assert_int_equal(d, 645);
	assert_int_equal(pseudonym_candidate(key, strlen(key), "194501129876", 'K', 1, &d), 0);
	assert_int_equal(d, 644);
	assert_int_equal(pseudonym_candidate(key, strlen(key), "198112189876", 'M', 0, &d), 0);
	assert_int_equal(d, 813);
}

static void test_format(void **state)
{
	(void)state;
	char buf[14];
	assert_string_equal(pseudonym_format(D("1945-01-12"), 7, buf), "19450112-T007");
	assert_string_equal(pseudonym_format(D("2008-12-31"), 645, buf), "20081231-T645");
}

static void test_middle_digit_parity_by_sex(void **state)
{
	(void)state;
	char pnr[32];
	for (int i = 0; i < 500; i++) {
		snprintf(pnr, sizeof(pnr), "1950%08d", i * 7919);
		for (unsigned n = 0; n < 3; n++) {
			uint16_t k, m;
			assert_int_equal(pseudonym_candidate(key, strlen(key), pnr, 'K', n, &k), 0);
			assert_int_equal(pseudonym_candidate(key, strlen(key), pnr, 'M', n, &m), 0);
			assert_true(k < 1000 && m < 1000);
			assert_int_equal((k / 10 % 10) % 2, 0);   /* woman: even */
			assert_int_equal((m / 10 % 10) % 2, 1);   /* man: odd */
		}
	}
}

static void test_key_changes_ids(void **state)
{
	(void)state;
	static const char other[] = "another-municipality-key-abcdefghijklmnop";
	int differ = 0;
	char pnr[32];
	for (int i = 0; i < 50; i++) {
		uint16_t a, b;
		snprintf(pnr, sizeof(pnr), "1960%08d", i);
		assert_int_equal(pseudonym_candidate(key, strlen(key), pnr, 'K', 0, &a), 0);
		assert_int_equal(pseudonym_candidate(other, strlen(other), pnr, 'K', 0, &b), 0);
		differ += a != b;
	}
	assert_true(differ > 40);
}

static uint32_t add_person(struct model *m, const char *pnr, evb_date birth, char kon)
{
	struct person *p = VEC_PUSH(m->persons);
	assert_non_null(p);
	p->pnr = intern_str(&m->strings, pnr, strlen(pnr));
	p->fodelsedatum = birth;
	p->kon = kon;
	return m->persons.n - 1;
}

/* Two women's personnummer "<date8>NNNN" whose first candidates are the
 * same: a < b. */
static void find_collision(const char *date8, char a[13], char b[13])
{
	char seen[1000][13];
	memset(seen, 0, sizeof(seen));
	a[0] = '\0';
	for (int i = 0; i < 10000 && !a[0]; i++) {
		char pnr[32];
		uint16_t d;
		snprintf(pnr, sizeof(pnr), "%.8s%04d", date8, i);
		assert_int_equal(pseudonym_candidate(key, strlen(key), pnr, 'K', 0, &d), 0);
		if (seen[d][0]) {
			memcpy(a, seen[d], 13);
			memcpy(b, pnr, 13);
		} else {
			memcpy(seen[d], pnr, 13);
		}
	}
	assert_true(a[0] != '\0');
	assert_true(strcmp(a, b) < 0);
}

static void test_collision_resolved_in_pnr_order(void **state)
{
	(void)state;
	/* find two women born 1950-03-03 whose first candidates collide */
	char a[13], b[13];
	find_collision("19500303", a, b);

	struct model m;
	model_init(&m, D("2026-11-22"));
	/* added in reverse order: the result must not depend on it */
	uint32_t pb = add_person(&m, b, D("1950-03-03"), 'K');
	uint32_t pa = add_person(&m, a, D("1950-03-03"), 'K');
	uint32_t pm = add_person(&m, a, D("1950-03-04"), 'K');  /* other birth date */
	uint16_t *ids = NULL;
	assert_int_equal(pseudonym_assign(&m, key, strlen(key), &ids), 0);
	uint16_t first_a, first_b, second_b;
	assert_int_equal(pseudonym_candidate(key, strlen(key), a, 'K', 0, &first_a), 0);
	assert_int_equal(pseudonym_candidate(key, strlen(key), b, 'K', 0, &first_b), 0);
	assert_int_equal(first_a, first_b);
	assert_int_equal(ids[pa], first_a);          /* the earlier keeps its id */
	assert_int_equal(ids[pm], first_a);          /* no clash: other date */
	assert_int_not_equal(ids[pb], first_b);      /* the later moves on */
	assert_int_equal(pseudonym_candidate(key, strlen(key), b, 'K', 1, &second_b), 0);
	if (second_b != first_a)
		assert_int_equal(ids[pb], second_b);
	assert_int_equal(m.findings.n, 1);
	assert_string_equal(finding_check(&m, &m.findings.v[0]), "check.ivo_id_kollision");
	assert_int_equal(m.findings.v[0].person, pb);
	free(ids);
	model_release(&m);
}

/*
 * The collisions are listed in personnummer order, also when a birth date
 * given in the export orders the persons otherwise: the pair with numbers
 * 19400101NNNN, given birth date 1960-01-01, comes before the pair
 * 19500303NNNN born 1950-03-03. Each names the earlier person of its pair.
 */
static void test_collisions_listed_in_pnr_order(void **state)
{
	(void)state;
	char xa[13], xb[13], ya[13], yb[13];
	find_collision("19500303", xa, xb);
	find_collision("19400101", ya, yb);
	struct model m;
	model_init(&m, D("2026-11-22"));
	uint32_t pxb = add_person(&m, xb, D("1950-03-03"), 'K');
	uint32_t pyb = add_person(&m, yb, D("1960-01-01"), 'K');
	add_person(&m, xa, D("1950-03-03"), 'K');
	add_person(&m, ya, D("1960-01-01"), 'K');
	uint16_t *ids = NULL;
	assert_int_equal(pseudonym_assign(&m, key, strlen(key), &ids), 0);
	assert_int_equal(m.findings.n, 2);
	char want[14];
	assert_int_equal(m.findings.v[0].person, pyb);
	pnr_format_digits(ya, want);
	assert_string_equal(str_get(&m, m.findings.v[0].other), want);
	assert_int_equal(m.findings.v[1].person, pxb);
	pnr_format_digits(xa, want);
	assert_string_equal(str_get(&m, m.findings.v[1].other), want);
	/* the later of each pair moved to a candidate after its first */
	uint16_t first;
	assert_int_equal(pseudonym_candidate(key, strlen(key), yb, 'K', 0, &first), 0);
	assert_int_not_equal(ids[pyb], first);
	assert_true(atoi(str_get(&m, m.findings.v[0].detail)) >= 2);
	free(ids);
	model_release(&m);
}

/* npairs (1 or 2) colliding pairs, as above, into m; with room, the
 * strings' buffer is then filled to that many bytes from its end. */
static void colliding(struct model *m, const char pairs[4][13], int npairs, size_t room)
{
	model_init(m, D("2026-11-22"));
	add_person(m, pairs[1], D("1950-03-03"), 'K');
	add_person(m, pairs[0], D("1950-03-03"), 'K');
	if (npairs == 2) {
		add_person(m, pairs[3], D("1960-01-01"), 'K');
		add_person(m, pairs[2], D("1960-01-01"), 'K');
	}
	static char fill[4096];
	for (unsigned i = 0; room && m->strings.cap - m->strings.len != room; i++) {
		/* a string of len bytes takes len + 2 */
		size_t left = m->strings.cap - m->strings.len;
		size_t len = left >= room + 10 ? left - room - 2 : 8;
		if (len >= sizeof(fill))
			len = sizeof(fill) - 1;
		memset(fill, 'x', len);
		memcpy(fill, "fill", 4);
		fill[4] = (char)('a' + i / 26 % 26);
		fill[5] = (char)('a' + i % 26);
		assert_int_not_equal(intern_str(&m->strings, fill, len), STR_NONE);
	}
}

/*
 * Every allocation pseudonym_assign makes, failed in turn (and all after
 * it): EVB_ENOMEM, no ids, nothing left allocated (the sanitizer checks at
 * exit). The allocations are, in order: the ids, the order, the HMAC
 * state, the collision list (its first push) and the findings (the first
 * one's push), and where the strings' buffer is full, its growth:
 *   - two pairs, no fill: those five;
 *   - two pairs, 2 bytes left: the first finding's collision count ("2",
 *     3 bytes with its flags byte and NUL) makes it grow;
 *   - one pair, 3 bytes left: the count fits, the other person's
 *     personnummer (13 characters, 15 bytes) makes it grow, the last
 *     string the run adds.
 */
static void test_out_of_memory(void **state)
{
	(void)state;
	char pairs[4][13];
	find_collision("19500303", pairs[0], pairs[1]);
	find_collision("19400101", pairs[2], pairs[3]);
	static const struct { int npairs; size_t room; unsigned long made; } cases[] = {
		{ 2, 0, 5 }, { 2, 2, 6 }, { 1, 3, 6 },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct model m;
		/* the model's own growth before the run is not the run's */
		colliding(&m, pairs, cases[c].npairs, cases[c].room);
		uint16_t *ids = NULL;
		alloc_fail_arm(1000000);
		assert_int_equal(pseudonym_assign(&m, key, strlen(key), &ids), 0);
		unsigned long made = alloc_calls;
		alloc_fail_arm(0);
		assert_int_equal(m.findings.n, (uint32_t)cases[c].npairs);
		free(ids);
		model_release(&m);
		assert_int_equal(made, cases[c].made);
		for (unsigned long n = 1; n <= made; n++) {
			colliding(&m, pairs, cases[c].npairs, cases[c].room);
			ids = (uint16_t *)&m;   /* must be set to NULL */
			alloc_fail_arm(n);
			int ret = pseudonym_assign(&m, key, strlen(key), &ids);
			alloc_fail_arm(0);
			assert_int_equal(ret, EVB_ENOMEM);
			assert_null(ids);
			model_release(&m);
		}
	}
}

/* 501 women born on one day: the 500 ids of the day for women are all
 * taken, and the last one has none (EVB_ETOOBIG, no ids). */
static void test_ids_of_a_day_run_out(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, D("2026-11-22"));
	for (int i = 0; i < 501; i++) {
		char pnr[32];
		snprintf(pnr, sizeof(pnr), "19500303%04d", i);
		add_person(&m, pnr, D("1950-03-03"), 'K');
	}
	uint16_t *ids = (uint16_t *)&m;
	assert_int_equal(pseudonym_assign(&m, key, strlen(key), &ids), EVB_ETOOBIG);
	assert_null(ids);
	model_release(&m);

	/* 500 of them fit */
	model_init(&m, D("2026-11-22"));
	for (int i = 0; i < 500; i++) {
		char pnr[32];
		snprintf(pnr, sizeof(pnr), "19500303%04d", i);
		add_person(&m, pnr, D("1950-03-03"), 'K');
	}
	assert_int_equal(pseudonym_assign(&m, key, strlen(key), &ids), 0);
	free(ids);
	model_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_middle_digit_parity_by_sex),
		cmocka_unit_test(test_key_changes_ids),
		cmocka_unit_test(test_collision_resolved_in_pnr_order),
		cmocka_unit_test(test_collisions_listed_in_pnr_order),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_ids_of_a_day_run_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
