/*
 * SHA-256 and HMAC-SHA-256 through OpenSSL's libcrypto (not hand-written).
 */
#ifndef EVB_HASH_H
#define EVB_HASH_H

#include "evb.h"

#define SHA256_HEX_LEN 64

/* Hashes a whole file in one pass and tells whether it is valid UTF-8
 * (a leading BOM is fine). hex gets 64 lowercase hex digits + NUL. */
int hash_file(const char *path, char hex[static SHA256_HEX_LEN + 1],
	      uint64_t *size, bool *valid_utf8, struct evb_error *err);
/* SHA-256 of a memory buffer as hex. */
int hash_buffer(const void *data, size_t len, char hex[static SHA256_HEX_LEN + 1]);
/* HMAC-SHA-256(key, msg) -> 32 bytes. */
int hash_hmac_sha256(const void *key, size_t keylen, const void *msg,
		     size_t msglen, unsigned char out[static 32]);
/* Incremental UTF-8 validity check usable on chunks. state starts at 0. */
bool utf8_valid(const char *s, size_t len);

#endif
