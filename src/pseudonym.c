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

/* Key of (birth date, digits) in the taken-set: birth dates 1900-2199 are
 * day numbers -25567..84000, so this fits 32 bits and is never 0. */
static uint32_t taken_key(evb_date birth, uint16_t digits)
{
	return (uint32_t)(birth + 100000) * 1000u + digits + 1u;
}

int pseudonym_assign(struct model *m, const void *key, size_t keylen,
		     uint16_t **out)
{
	uint32_t n = m->persons.n;
	uint16_t *ids = malloc((n ? n : 1) * sizeof(*ids));
	uint32_t *order = malloc((n ? n : 1) * sizeof(*order));
	struct u32map taken = { 0 };
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
	uint32_t *rank = model_person_ranks(m, NULL);
	if (!rank) {
		ret = EVB_ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < n; i++)
		order[rank[i]] = i;
	free(rank);

	for (uint32_t k = 0; k < n; k++) {
		uint32_t pi = order[k];
		const struct person *p = &m->persons.v[pi];
		const char *digits = str_get(m, p->pnr);
		uint16_t first = 0, cand = 0;
		unsigned c = 0;
		for (;; c++) {
			if (c >= MAX_CANDIDATES) {
				ret = EVB_EINVAL;
				goto out;
			}
			if ((ret = candidate(h, digits, p->kon, c, &cand)))
				goto out;
			if (c == 0)
				first = cand;
			if (u32map_get(&taken, taken_key(p->fodelsedatum, cand)) == IDX_NONE)
				break;
		}
		if ((ret = u32map_put(&taken, taken_key(p->fodelsedatum, cand), pi)))
			goto out;
		ids[pi] = cand;
		if (c > 0) {
			/* name the earlier person holding the first candidate */
			uint32_t other = u32map_get(&taken, taken_key(p->fodelsedatum, first));
			char pbuf[14] = "";
			if (other != IDX_NONE)
				pnr_format_digits(str_get(m, m->persons.v[other].pnr), pbuf);
			if ((ret = model_add_finding(m, "check.ivo_id_kollision", p->src, K_PERSON,
						     STR_NONE, pi, DATE_NONE,
						     model_strf(m, "%u", c + 1))))
				goto out;
			m->findings.v[m->findings.n - 1].other =
				intern_str(&m->strings, pbuf, strlen(pbuf));
			if (m->strings.failed) {
				ret = EVB_ENOMEM;
				goto out;
			}
		}
	}
out:
	hmac_free(h);
	free(order);
	u32map_release(&taken);
	if (ret) {
		free(ids);
		ids = NULL;
	}
	*out = ids;
	return ret;
}
