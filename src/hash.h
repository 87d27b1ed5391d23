/*
 * SHA-256 and HMAC-SHA-256 through OpenSSL's libcrypto (not hand-written),
 * and UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF).
 */
#ifndef EVB_HASH_H
#define EVB_HASH_H

#include "evb.h"

#define SHA256_HEX_LEN 64

/* Hashes a whole file in one pass (64 KiB blocks) and tells whether it is
 * valid UTF-8 (a leading BOM is fine). hex gets 64 lowercase hex digits +
 * NUL. size and valid_utf8 may be NULL. */
int hash_file(const char *path, char hex[static SHA256_HEX_LEN + 1],
	      uint64_t *size, bool *valid_utf8, struct evb_error *err);
/*
 * Hashing ahead, on a thread of its own, in two passes over paths[0..n)
 * (copied). The first, file by file ahead of the parser (which needs to
 * know whether a file is UTF-8 before it starts): each file's size and,
 * for the files check[i] says (NULL: every file), its UTF-8 validity
 * (false for the others, which are not read in this pass); hash_queue_get
 * waits for file i's. The second, which
 * runs only when a core would otherwise be idle: each file's SHA-256, which
 * is wanted when the report is written; hash_queue_digest gives file i's,
 * hashing it (and every file after it the thread has not done) on the
 * calling thread if it is not in yet, and fails if the file is not the one
 * the first pass read (hash_queue_unchanged). Without a thread
 * (pthread_create failed) each call does its pass itself. hash_queue_free
 * stops the thread and joins. NULL on ENOMEM.
 */
struct hash_queue;
/* What is said of a file whose size changed between two reads of it (the
 * two sizes, as unsigned long long) */
#define HASH_CHANGED_TEXT "changed while it was read (%llu bytes, then %llu): run again " \
			  "once no program writes to it"
/* ... and of one whose size is the same but that was written to or
 * replaced (its modification or change time, or its inode, is not) */
#define HASH_REWRITTEN_TEXT "changed while it was read (written to or replaced at the " \
			    "same size): run again once no program writes to it"
struct hash_queue *hash_queue_start(const char *const *paths, const bool *check, size_t n);
int hash_queue_get(struct hash_queue *q, size_t i, uint64_t *size, bool *valid_utf8,
		   struct evb_error *err);
int hash_queue_digest(struct hash_queue *q, size_t i, char hex[static SHA256_HEX_LEN + 1],
		      struct evb_error *err);
/* Whether paths[i] is still the file the first pass read: the same device,
 * inode, size, and modification and change times. Else EVB_EIO naming
 * `display` (HASH_CHANGED_TEXT or HASH_REWRITTEN_TEXT). */
int hash_queue_unchanged(struct hash_queue *q, size_t i, const char *display,
			 struct evb_error *err);
void hash_queue_free(struct hash_queue *q);

/* SHA-256 of a memory buffer as hex. */
int hash_buffer(const void *data, size_t len, char hex[static SHA256_HEX_LEN + 1]);
/* HMAC-SHA-256(key, msg) -> 32 bytes. */
int hash_hmac_sha256(const void *key, size_t keylen, const void *msg,
		     size_t msglen, unsigned char out[static 32]);
/* The same for many messages under one key, which is set up once (a
 * one-shot HMAC costs several microseconds in OpenSSL 3). hmac_new: NULL
 * on failure, *code then EVB_ENOMEM or (the crypto library's) EVB_EINVAL;
 * hmac_free cleanses the key. */
struct hmac;
struct hmac *hmac_new(const void *key, size_t keylen, int *code);
int hmac_run(struct hmac *h, const void *msg, size_t msglen, unsigned char out[static 32]);
void hmac_free(struct hmac *h);

/* Whether s[0..len) is complete, valid UTF-8. */
bool utf8_valid(const char *s, size_t len);

/* How many bytes of s[0..len) to keep to hold at most max bytes without
 * cutting a UTF-8 character: len when it fits, else max or a little less. */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* Incremental UTF-8 validation over chunks: a sequence may straddle the
 * boundary between two calls of utf8_check_feed. */
struct utf8_check {
	int need;               /* continuation bytes still expected */
	unsigned char lo, hi;   /* allowed range of the next byte */
	bool bad;               /* an invalid byte was seen */
};
void utf8_check_init(struct utf8_check *c);
/* Feeds len bytes; false once the input is known to be invalid. */
bool utf8_check_feed(struct utf8_check *c, const void *s, size_t len);
/* Everything fed was valid and no sequence is left open. */
bool utf8_check_done(const struct utf8_check *c);

#endif
