/*
 * The IVO identity of SPEC section 3.6: ÅÅÅÅMMDD-Tabc, where abc come from
 * HMAC-SHA-256(key, normalised personnummer) and b is even for a woman and
 * odd for a man. Candidates: n = 0 hashes the 12 digits, n > 0 hashes
 * "<12 digits>:<n>"; a = v mod 10, b = 2 * ((v / 10) mod 5) + (man ? 1 : 0),
 * c = (v / 50) mod 10, with v the first four bytes of the hash (big-endian).
 */
#ifndef EVB_PSEUDONYM_H
#define EVB_PSEUDONYM_H

#include "model.h"

#define PSEUDONYM_NONE UINT16_MAX

/* The three digits of candidate n (0-999). 0 or EVB_EINVAL (crypto error). */
int pseudonym_candidate(const void *key, size_t keylen, const char *digits12,
			char sex, unsigned n, uint16_t *out);

/*
 * Gives every person of the model an id: persons in personnummer order take
 * their first candidate not already taken by an earlier person with the same
 * birth date (the sex is in the digits). A person who had to move past a
 * taken candidate is listed as finding "check.ivo_id_kollision".
 * *out gets model->persons.n entries (free() it), or NULL on failure.
 * 0; EVB_ENOMEM; EVB_ETOOBIG when a birth date's ids of one sex (500) are
 * all taken; EVB_EINVAL (crypto error).
 */
int pseudonym_assign(struct model *m, const void *key, size_t keylen,
		     uint16_t **out);

/* "ÅÅÅÅMMDD-Tabc" (14 bytes with NUL). Returns buf. */
char *pseudonym_format(evb_date birth, uint16_t digits, char buf[static 14]);

#endif
