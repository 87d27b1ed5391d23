/*
 * SPEC section 3.6. The hashing is OpenSSL's (hash.c); this file only
 * turns hashes into digits and resolves collisions.
 */
#include "pseudonym.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "hash.h"
#include "personnr.h"

/* More persons of one sex born on one day than the 500 ids can hold are
 * impossible in practice; the bound keeps the loop finite. */
#define MAX_CANDIDATES 5000

static int candidate(struct hmac *h, const char *digits12, char sex, unsigned n,
		     uint16_t *out)
{
	char msg[32];
	int len = n ? snprintf(msg, sizeof(msg), "%.12s:%u", digits12, n)
		    : snprintf(msg, sizeof(msg), "%.12s", digits12);
	unsigned char mac[32];
	if (len < 0 || (size_t)len >= sizeof(msg) || hmac_run(h, msg, (size_t)len, mac))
		return EVB_EINVAL;
	uint32_t v = (uint32_t)mac[0] << 24 | (uint32_t)mac[1] << 16 |
		     (uint32_t)mac[2] << 8 | mac[3];
	unsigned a = v % 10, b = 2 * ((v / 10) % 5) + (sex == 'M' ? 1 : 0),
		 c = (v / 50) % 10;
	*out = (uint16_t)(a * 100 + b * 10 + c);
	return 0;
}

int pseudonym_candidate(const void *key, size_t keylen, const char *digits12,
			char sex, unsigned n, uint16_t *out)
{
	int ret;
	struct hmac *h = hmac_new(key, keylen, &ret);
	if (!h)
		return ret;
	ret = candidate(h, digits12, sex, n, out);
	hmac_free(h);
	return ret;
}

char *pseudonym_format(evb_date birth, uint16_t digits, char buf[static 14])
{
	int y, m, d;
	date_to_ymd(birth, &y, &m, &d);
	unsigned yy = (unsigned)y % 10000u, mm = (unsigned)m % 100u, dd = (unsigned)d % 100u;
	snprintf(buf, 14, "%04u%02u%02u-T%03u", yy, mm, dd, (unsigned)digits % 1000u);
	return buf;
}

/* A person in the order ids are given: by birth date, and within one
 * birth date by personnummer (as model_person_ranks orders them). */
struct birth_key {
	uint64_t num;           /* model_pnr_number() */
	evb_date birth;
	uint32_t person;
};

static int cmp_birth_key(const void *a, const void *b)
{
	const struct birth_key *x = a, *y = b;
	if (x->birth != y->birth)
		return x->birth < y->birth ? -1 : 1;
	return model_cmp_pnr(x->num, x->person, y->num, y->person);
}

/* A person who had to move past a taken candidate. */
struct collision {
	uint64_t num;
	uint32_t person, other;  /* other: who holds the first candidate */
	unsigned tries;          /* the candidate taken, counted from 1 */
};

static int cmp_collision(const void *a, const void *b)
{
	const struct collision *x = a, *y = b;
	return model_cmp_pnr(x->num, x->person, y->num, y->person);
}

/* Lists the collisions as findings in personnummer order, the order the
 * persons are ranked in everywhere else. */
static int add_collisions(struct model *m, struct collision *v, uint32_t n)
{
	sort_array(v, n, sizeof(*v), cmp_collision);
	for (uint32_t i = 0; i < n; i++) {
		const struct person *p = &m->persons.v[v[i].person];
		char pbuf[14] = "";
		pnr_format_digits(str_get(m, m->persons.v[v[i].other].pnr), pbuf);
		int ret = model_add_finding(m, "check.ivo_id_kollision", p->src, K_PERSON,
					    STR_NONE, v[i].person, DATE_NONE,
					    model_strf(m, "%u", v[i].tries));
		if (ret)
			return ret;
		m->findings.v[m->findings.n - 1].other = intern_str(&m->strings, pbuf, strlen(pbuf));
		if (m->strings.failed)
			return EVB_ENOMEM;
	}
	return 0;
}

/*
 * Persons of one birth date compete only with each other, so they are
 * taken a birth date at a time with the 1 000 ids of that date in a small
 * table (owner, stamped with the date's turn): a set of all the persons'
 * (birth date, id) pairs grew past the caches at millions of persons and
 * made every look-up a trip to memory. The first candidates are hashed
 * beforehand in storage order, which reads the persons in sequence.
 */
int pseudonym_assign(struct model *m, const void *key, size_t keylen,
		     uint16_t **out)
{
	uint32_t n = m->persons.n, turn = 0;
	uint16_t *ids = malloc((n ? n : 1) * sizeof(*ids));
	struct birth_key *order = malloc((n ? n : 1) * sizeof(*order));
	VEC(struct collision) coll = { 0 };
	uint32_t owner[1000], stamp[1000];
	int ret = 0, why;
	struct hmac *h = hmac_new(key, keylen, &why);

	if (!ids || !order) {
		ret = EVB_ENOMEM;
		goto out;
	}
	if (!h) {
		ret = why;
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct person *p = &m->persons.v[i];
		const char *digits = str_get(m, p->pnr);
		order[i] = (struct birth_key){ model_pnr_number(digits), p->fodelsedatum, i };
		if ((ret = candidate(h, digits, p->kon, 0, &ids[i])))
			goto out;
	}
	sort_array(order, n, sizeof(*order), cmp_birth_key);
	memset(stamp, 0, sizeof(stamp));
	for (uint32_t k = 0; k < n; k++) {
		if (k == 0 || order[k].birth != order[k - 1].birth)
			turn++;           /* a new birth date: its table starts empty */
		uint32_t pi = order[k].person;
		uint16_t first = ids[pi], cand = first;
		unsigned c = 0;
		while (stamp[cand] == turn) {
			const struct person *p = &m->persons.v[pi];
			if (++c >= MAX_CANDIDATES) {
				ret = EVB_ETOOBIG;
				goto out;
			}
			if ((ret = candidate(h, str_get(m, p->pnr), p->kon, c, &cand)))
				goto out;
		}
		stamp[cand] = turn;
		owner[cand] = pi;
		ids[pi] = cand;
		if (c > 0) {
			struct collision *x = VEC_PUSH(coll);
			if (!x) {
				ret = EVB_ENOMEM;
				goto out;
			}
			*x = (struct collision){ order[k].num, pi, owner[first], c + 1 };
		}
	}
	ret = add_collisions(m, coll.v, coll.n);
out:
	hmac_free(h);
	free(order);
	free(coll.v);
	if (ret) {
		free(ids);
		ids = NULL;
	}
	*out = ids;
	return ret;
}
