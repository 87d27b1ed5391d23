/* SHA-256 and HMAC-SHA-256 through OpenSSL's libcrypto; UTF-8 validity. */
#define _GNU_SOURCE   /* SCHED_IDLE */
#include "hash.h"
#include "phase.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define CHUNK (64u * 1024u)

static void to_hex(const unsigned char *md, unsigned len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < len; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * len] = '\0';
}

/* ---- UTF-8 -------------------------------------------------------------- */

void utf8_check_init(struct utf8_check *c)
{
	c->need = 0;
	c->lo = 0x80;
	c->hi = 0xBF;
	c->bad = false;
}

/* The ranges follow RFC 3629's grammar: E0 needs A0-BF next (no overlong
 * 3-byte forms), ED needs 80-9F (no surrogates), F0 needs 90-BF (no
 * overlong 4-byte forms), F4 needs 80-8F (nothing above U+10FFFF); C0, C1
 * and F5-FF never occur. */
bool utf8_check_feed(struct utf8_check *c, const void *data, size_t len)
{
	const unsigned char *s = data;
	const uint64_t high = 0x8080808080808080ULL;
	size_t i = 0;
	while (i < len && !c->bad) {
		if (!c->need) {
			/* ASCII, the most of an export: 32 bytes at a time, then 8,
			 * then on to the first byte that is not */
			while (len - i >= 32) {
				uint64_t w[4];
				memcpy(w, s + i, 32);
				if ((w[0] | w[1] | w[2] | w[3]) & high)
					break;
				i += 32;
			}
			while (len - i >= 8) {
				uint64_t w;
				memcpy(&w, s + i, 8);
				if (w & high) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
					i += (size_t)__builtin_ctzll(w & high) / 8;
#endif
					break;
				}
				i += 8;
			}
			while (i < len && s[i] < 0x80)
				i++;
			if (i == len)
				break;
			/* a whole two-byte character (å, ä, ö, é: most of what is
			 * not ASCII in an export) at once */
			if (s[i] >= 0xC2 && s[i] <= 0xDF && len - i >= 2 &&
			    (s[i + 1] & 0xC0) == 0x80) {
				i += 2;
				continue;
			}
		}
		unsigned char b = s[i++];
		if (c->need) {
			if (b < c->lo || b > c->hi) {
				c->bad = true;
				break;
			}
			c->need--;
			c->lo = 0x80;
			c->hi = 0xBF;
			continue;
		}
		if (b >= 0xC2 && b <= 0xDF) {
			c->need = 1;
		} else if (b == 0xE0) {
			c->need = 2;
			c->lo = 0xA0;
		} else if (b == 0xED) {
			c->need = 2;
			c->hi = 0x9F;
		} else if (b >= 0xE1 && b <= 0xEF) {
			c->need = 2;
		} else if (b == 0xF0) {
			c->need = 3;
			c->lo = 0x90;
		} else if (b >= 0xF1 && b <= 0xF3) {
			c->need = 3;
		} else if (b == 0xF4) {
			c->need = 3;
			c->hi = 0x8F;
		} else {
			c->bad = true;
		}
	}
	return !c->bad;
}

bool utf8_check_done(const struct utf8_check *c)
{
	return !c->bad && c->need == 0;
}

size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

bool utf8_valid(const char *s, size_t len)
{
	struct utf8_check c;
	utf8_check_init(&c);
	utf8_check_feed(&c, s, len);
	return utf8_check_done(&c);
}

/* ---- SHA-256 ------------------------------------------------------------ */

/*
 * One pass over a file in CHUNK blocks: its SHA-256 into hex (when hex is
 * not NULL), whether it is valid UTF-8 into *valid_utf8 (when not NULL),
 * its size into *size (when not NULL; with neither of the others asked
 * for, the file is opened for its size and not read), and what fstat says
 * of it at the end into *st (when not NULL). quit, when not NULL, is
 * looked at before each block: once it is set the pass ends there, with
 * *quitted set and nothing else given.
 */
static int scan_file(const char *path, char *hex, uint64_t *size, bool *valid_utf8,
		     struct stat *st, const atomic_bool *quit, bool *quitted,
		     struct evb_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	uint64_t total = 0;
	struct utf8_check utf8;
	EVP_MD_CTX *ctx = NULL;
	unsigned char *buf = NULL;
	size_t n;
	int ret = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot open: %s",
				     strerror(errno));
	utf8_check_init(&utf8);
	struct stat own;
	if (!st)
		st = &own;
	if (!hex && !valid_utf8) {
		if (fstat(fileno(f), st) != 0)
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot read: %s",
					    strerror(errno));
		else if (size)
			*size = (uint64_t)st->st_size;
		goto out;
	}
	if (!(buf = malloc(CHUNK))) {
		ret = evb_error_set(err, EVB_ENOMEM, path, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	if (hex && (!(ctx = EVP_MD_CTX_new()) ||
		    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)) {
		ret = evb_error_set(err, EVB_ENOMEM, path, 0, NULL, "cannot start SHA-256");
		goto out;
	}
	for (;;) {
		if (quit && atomic_load_explicit(quit, memory_order_relaxed)) {
			*quitted = true;
			goto out;
		}
		if (!(n = fread(buf, 1, CHUNK, f)))
			break;
		if (hex && EVP_DigestUpdate(ctx, buf, n) != 1) {
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL, "SHA-256 failed");
			goto out;
		}
		if (valid_utf8)
			utf8_check_feed(&utf8, buf, n);
		total += n;
	}
	if (ferror(f) || fstat(fileno(f), st) != 0) {
		ret = evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot read: %s",
				    strerror(errno));
		goto out;
	}
	if (hex) {
		if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL, "SHA-256 failed");
			goto out;
		}
		to_hex(md, mdlen, hex);
	}
	if (size)
		*size = total;
	if (valid_utf8)
		*valid_utf8 = utf8_check_done(&utf8);
out:
	EVP_MD_CTX_free(ctx);
	free(buf);
	fclose(f);
	return ret;
}

int hash_file(const char *path, char hex[static SHA256_HEX_LEN + 1],
	      uint64_t *size, bool *valid_utf8, struct evb_error *err)
{
	return scan_file(path, hex, size, valid_utf8, NULL, NULL, NULL, err);
}

int hash_buffer(const void *data, size_t len, char hex[static SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (!data)
		data = "";
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return EVB_EINVAL;
	to_hex(md, mdlen, hex);
	return 0;
}

struct hmac {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
};

/* OpenSSL wants non-NULL pointers even for empty inputs */
static const unsigned char no_bytes[1];

struct hmac *hmac_new(const void *key, size_t keylen, int *code)
{
	struct hmac *h = calloc(1, sizeof(*h));
	*code = EVB_ENOMEM;
	if (!h)
		return NULL;
	*code = EVB_EINVAL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	if (!(h->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) ||
	    !(h->ctx = EVP_MAC_CTX_new(h->mac)) ||
	    EVP_MAC_init(h->ctx, key ? key : no_bytes, keylen, params) != 1) {
		hmac_free(h);
		return NULL;
	}
	return h;
}

int hmac_run(struct hmac *h, const void *msg, size_t msglen, unsigned char out[static 32])
{
	size_t len = 0;
	/* a NULL key starts again with the key already set */
	if (EVP_MAC_init(h->ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(h->ctx, msg ? msg : no_bytes, msglen) != 1 ||
	    EVP_MAC_final(h->ctx, out, &len, 32) != 1 || len != 32)
		return EVB_EINVAL;
	return 0;
}

void hmac_free(struct hmac *h)
{
	if (!h)
		return;
	EVP_MAC_CTX_free(h->ctx);       /* cleanses the key */
	EVP_MAC_free(h->mac);
	free(h);
}

int hash_hmac_sha256(const void *key, size_t keylen, const void *msg,
		     size_t msglen, unsigned char out[static 32])
{
	int ret;
	struct hmac *h = hmac_new(key, keylen, &ret);
	if (!h)
		return ret;
	ret = hmac_run(h, msg, msglen, out);
	hmac_free(h);
	return ret;
}

/* ---- hashing ahead ------------------------------------------------------ */

struct hash_result {
	/* the first pass: size, UTF-8 validity, and the file as it was then */
	uint64_t size;
	bool utf8;
	struct stat st;
	int ret;
	struct evb_error err;
	/* the second pass: SHA-256, and the size and the file again */
	bool hashed;
	char hex[SHA256_HEX_LEN + 1];
	uint64_t size2;
	struct stat st2;
	int ret2;
	struct evb_error err2;
};

struct hash_queue {
	char **paths;
	bool *check;            /* the first pass checks UTF-8 (else: the size only) */
	size_t n;
	struct hash_result *res;
	pthread_t thread;
	bool threaded;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t checked;         /* first pass ready: res[0..checked) */
	bool stop;
	/* the caller hashes what is left (or the queue is freed): the thread
	 * stores no more second passes and leaves the one in hand */
	atomic_bool hurry;
};

/* A default mutex fails only on a programming error: stop there. */
static void must(int rc)
{
	if (rc != 0)
		abort();
}

/* From here on the calling thread runs only when a core would otherwise be
 * idle (Linux's SCHED_IDLE), so that it takes no time from the threads
 * that read. Where the system has no such policy or refuses it, the
 * thread keeps its priority: the same results, a little later. Without
 * privilege a thread cannot take its priority back, so a caller that
 * wants a digest the thread has not made yet makes it itself (hurry):
 * it never waits on a thread that other work may keep from running. */
static void run_when_idle(void)
{
#ifdef SCHED_IDLE
	struct sched_param sp;
	memset(&sp, 0, sizeof(sp));
	(void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
#endif
}

/* The first pass over file i: its size, and whether it is UTF-8 when that
 * is asked for. */
static void first_scan(struct hash_queue *q, size_t i)
{
	struct hash_result *r = &q->res[i];
	r->ret = scan_file(q->paths[i], NULL, &r->size, q->check[i] ? &r->utf8 : NULL, &r->st,
			   NULL, NULL, &r->err);
}

static void *hash_queue_run(void *arg)
{
	struct hash_queue *q = arg;
	double t0 = phase_thread_cpu();
	/* the first pass, file by file ahead of the parser, which needs it */
	for (size_t i = 0; i < q->n; i++) {
		first_scan(q, i);
		must(pthread_mutex_lock(&q->mu));
		q->checked = i + 1;
		bool stop = q->stop;
		must(pthread_cond_broadcast(&q->cv));
		must(pthread_mutex_unlock(&q->mu));
		if (stop)
			goto out;
	}
	/* the second: the digests are wanted when the report is written */
	run_when_idle();
	for (size_t i = 0; i < q->n; i++) {
		struct hash_result *r = &q->res[i];
		if (r->ret)
			continue;       /* the run stops at this file */
		char hex[SHA256_HEX_LEN + 1];
		uint64_t size = 0;
		struct stat st;
		bool quitted = false;
		struct evb_error err = { 0 };
		int ret = scan_file(q->paths[i], hex, &size, NULL, &st, &q->hurry, &quitted, &err);
		must(pthread_mutex_lock(&q->mu));
		bool left = quitted || atomic_load(&q->hurry);
		if (!left) {
			memcpy(r->hex, hex, sizeof(hex));
			r->size2 = size;
			r->st2 = st;
			r->ret2 = ret;
			r->err2 = err;
			r->hashed = true;
		}
		must(pthread_mutex_unlock(&q->mu));
		if (left)
			break;
	}
out:
	phase_count(PHASE_CPU_HASH, phase_thread_cpu() - t0);
	return NULL;
}

static void queue_free(struct hash_queue *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->paths[i]);
	free(q->paths);
	free(q->check);
	free(q->res);
	free(q);
}

struct hash_queue *hash_queue_start(const char *const *paths, const bool *check, size_t n)
{
	struct hash_queue *q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	atomic_init(&q->hurry, false);
	if (!(q->paths = calloc(n ? n : 1, sizeof(*q->paths))) ||
	    !(q->check = calloc(n ? n : 1, sizeof(*q->check))) ||
	    !(q->res = calloc(n ? n : 1, sizeof(*q->res)))) {
		queue_free(q);
		return NULL;
	}
	for (; q->n < n; q->n++) {
		if (!(q->paths[q->n] = strdup(paths[q->n]))) {
			queue_free(q);
			return NULL;
		}
		q->check[q->n] = !check || check[q->n];
	}
	if (pthread_mutex_init(&q->mu, NULL) != 0) {
		queue_free(q);
		return NULL;
	}
	if (pthread_cond_init(&q->cv, NULL) != 0) {
		must(pthread_mutex_destroy(&q->mu));
		queue_free(q);
		return NULL;
	}
	/* without a thread, the calls below do each pass themselves */
	q->threaded = pthread_create(&q->thread, NULL, hash_queue_run, q) == 0;
	return q;
}

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* Whether a file found later with `size` bytes and *st is the one the
 * first pass read (r): the same size, device and inode, and modification
 * and change times (a file written to again at the same size, or replaced
 * by another). Else EVB_EIO naming `display`. */
static int still(const struct hash_result *r, uint64_t size, const struct stat *st,
		 const char *display, struct evb_error *err)
{
	if (size != r->size)
		return evb_error_set(err, EVB_EIO, display, 0, NULL, HASH_CHANGED_TEXT,
				     (unsigned long long)r->size, (unsigned long long)size);
	if (st->st_dev != r->st.st_dev || st->st_ino != r->st.st_ino ||
	    !same_time(st->st_mtim, r->st.st_mtim) || !same_time(st->st_ctim, r->st.st_ctim))
		return evb_error_set(err, EVB_EIO, display, 0, NULL, HASH_REWRITTEN_TEXT);
	return 0;
}

/* Waits for the first pass over file i (or makes it). */
static struct hash_result *first_pass(struct hash_queue *q, size_t i)
{
	struct hash_result *r = &q->res[i];
	if (!q->threaded) {
		if (q->checked <= i) {
			first_scan(q, i);
			q->checked = i + 1;
		}
		return r;
	}
	must(pthread_mutex_lock(&q->mu));
	while (q->checked <= i)
		must(pthread_cond_wait(&q->cv, &q->mu));
	must(pthread_mutex_unlock(&q->mu));
	return r;
}

int hash_queue_get(struct hash_queue *q, size_t i, uint64_t *size, bool *valid_utf8,
		   struct evb_error *err)
{
	const struct hash_result *r = first_pass(q, i);
	if (r->ret) {
		if (err)
			*err = r->err;
		return r->ret;
	}
	if (size)
		*size = r->size;
	if (valid_utf8)
		*valid_utf8 = r->utf8;
	return 0;
}

int hash_queue_digest(struct hash_queue *q, size_t i, char hex[static SHA256_HEX_LEN + 1],
		      struct evb_error *err)
{
	int ret = hash_queue_get(q, i, NULL, NULL, err);
	if (ret)
		return ret;
	struct hash_result *r = &q->res[i];
	bool hashed = !q->threaded && r->hashed;
	if (q->threaded) {
		must(pthread_mutex_lock(&q->mu));
		hashed = r->hashed;
		if (!hashed)    /* the rest is hashed here, not left to idle time */
			atomic_store(&q->hurry, true);
		must(pthread_mutex_unlock(&q->mu));
	}
	if (!hashed) {
		r->ret2 = scan_file(q->paths[i], r->hex, &r->size2, NULL, &r->st2, NULL, NULL,
				    &r->err2);
		r->hashed = true;
	}
	if (r->ret2) {
		if (err)
			*err = r->err2;
		return r->ret2;
	}
	if ((ret = still(r, r->size2, &r->st2, q->paths[i], err)))
		return ret;
	memcpy(hex, r->hex, sizeof(r->hex));
	return 0;
}

int hash_queue_unchanged(struct hash_queue *q, size_t i, const char *display,
			 struct evb_error *err)
{
	int ret = hash_queue_get(q, i, NULL, NULL, err);
	if (ret)
		return ret;
	struct stat st;
	if (stat(q->paths[i], &st) != 0)
		return evb_error_set(err, EVB_EIO, display, 0, NULL, "cannot read: %s",
				     strerror(errno));
	return still(&q->res[i], (uint64_t)st.st_size, &st, display, err);
}

void hash_queue_free(struct hash_queue *q)
{
	if (!q)
		return;
	if (q->threaded) {
		must(pthread_mutex_lock(&q->mu));
		q->stop = true;
		atomic_store(&q->hurry, true);
		must(pthread_mutex_unlock(&q->mu));
		must(pthread_join(q->thread, NULL));
	}
	must(pthread_cond_destroy(&q->cv));
	must(pthread_mutex_destroy(&q->mu));
	queue_free(q);
}
