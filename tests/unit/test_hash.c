/* Unit tests: SHA-256, HMAC-SHA-256 and UTF-8 validity (src/hash.c). */
#define _GNU_SOURCE   /* SCHED_IDLE */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "threadfail.h"
#include "hash.h"

#define CHUNK (64 * 1024)   /* hash_file's block size */

static char dir[64];

/*
 * The hashing thread's switch to SCHED_IDLE, linked with
 * -Wl,--wrap=pthread_setschedparam (Makefile): passed on, refused as an
 * unprivileged system may, or held until the test lets it go (as a thread
 * at SCHED_IDLE may be held by other work), for at most ten seconds.
 */
enum sched_mode { SCHED_PASS, SCHED_REFUSE, SCHED_HOLD };
static enum sched_mode sched_mode;
static int sched_policy;                /* the policy asked for */
static bool sched_entered, sched_released, sched_timed_out;
static pthread_mutex_t sched_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sched_cv = PTHREAD_COND_INITIALIZER;

static struct timespec in_ten_seconds(void)
{
	struct timespec t;
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &t), 0);
	t.tv_sec += 10;
	return t;
}

int __real_pthread_setschedparam(pthread_t thread, int policy, const struct sched_param *p);
int __wrap_pthread_setschedparam(pthread_t thread, int policy, const struct sched_param *p);
int __wrap_pthread_setschedparam(pthread_t thread, int policy, const struct sched_param *p)
{
	struct timespec until = in_ten_seconds();
	pthread_mutex_lock(&sched_mu);
	sched_policy = policy;
	sched_entered = true;
	pthread_cond_broadcast(&sched_cv);
	while (sched_mode == SCHED_HOLD && !sched_released && !sched_timed_out)
		if (pthread_cond_timedwait(&sched_cv, &sched_mu, &until) == ETIMEDOUT)
			sched_timed_out = true;
	enum sched_mode mode = sched_mode;
	pthread_mutex_unlock(&sched_mu);
	if (mode == SCHED_REFUSE)
		return EPERM;
	return __real_pthread_setschedparam(thread, policy, p);
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, "hash");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static const char *write_file(const void *data, size_t len)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/f.bin", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* ---- SHA-256 (FIPS 180-2 examples) ---- */

static void test_sha256_abc(void **state)
{
	(void)state;
	char hex[65];
	assert_int_equal(hash_buffer("abc", 3, hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_sha256_empty(void **state)
{
	(void)state;
	char hex[65];
	assert_int_equal(hash_buffer("", 0, hex), 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(hash_buffer(NULL, 0, hex), 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_sha256_two_blocks(void **state)
{
	(void)state;
	char hex[65];
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	assert_int_equal(hash_buffer(m, strlen(m), hex), 0);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* ---- HMAC-SHA-256 (RFC 4231) ---- */

static void test_hmac_rfc4231_case1(void **state)
{
	(void)state;
	unsigned char out[32], key[20];
	/* key 20 x 0x0b, data "Hi There" */
	static const unsigned char tc1[32] = {
		0xb0, 0x34, 0x4c, 0x61, 0xd8, 0xdb, 0x38, 0x53, 0x5c, 0xa8, 0xaf, 0xce,
		0xaf, 0x0b, 0xf1, 0x2b, 0x88, 0x1d, 0xc2, 0x00, 0xc9, 0x83, 0x3d, 0xa7,
		0x26, 0xe9, 0x37, 0x6c, 0x2e, 0x32, 0xcf, 0xf7 };
	memset(key, 0x0b, sizeof(key));
	assert_int_equal(hash_hmac_sha256(key, 20, "Hi There", 8, out), 0);
	assert_memory_equal(out, tc1, 32);
}

static void test_hmac_rfc4231_case2(void **state)
{
	(void)state;
	unsigned char out[32];
	/* key "Jefe", data "what do ya want for nothing?" */
	static const unsigned char tc2[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26,
		0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43 };
	assert_int_equal(hash_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, out), 0);
	assert_memory_equal(out, tc2, 32);
	/* one key, many messages: each as if alone */
	int code = 0;
	struct hmac *h = hmac_new("Jefe", 4, &code);
	assert_non_null(h);
	unsigned char other[32], again[32];
	assert_int_equal(hmac_run(h, "something else", 14, other), 0);
	assert_int_equal(hmac_run(h, "what do ya want for nothing?", 28, out), 0);
	assert_memory_equal(out, tc2, 32);
	assert_int_equal(hash_hmac_sha256("Jefe", 4, "something else", 14, again), 0);
	assert_memory_equal(other, again, 32);
	assert_memory_not_equal(other, tc2, 32);
	hmac_free(h);
	hmac_free(NULL);
}

static void test_hmac_rfc4231_case6_long_key(void **state)
{
	(void)state;
	unsigned char out[32], key[131];
	/* key 131 x 0xaa (longer than the block: hashed first) */
	static const unsigned char tc6[32] = {
		0x60, 0xe4, 0x31, 0x59, 0x1e, 0xe0, 0xb6, 0x7f, 0x0d, 0x8a, 0x26, 0xaa,
		0xcb, 0xf5, 0xb7, 0x7f, 0x8e, 0x0b, 0xc6, 0x21, 0x37, 0x28, 0xc5, 0x14,
		0x05, 0x46, 0x04, 0x0f, 0x0e, 0xe3, 0x7f, 0x54 };
	const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";
	memset(key, 0xaa, sizeof(key));
	assert_int_equal(hash_hmac_sha256(key, sizeof(key), msg, strlen(msg), out), 0);
	assert_memory_equal(out, tc6, 32);
}

static void test_hmac_empty_key_and_message(void **state)
{
	(void)state;
	unsigned char out[32];
	/* HMAC-SHA-256("", "") = b613679a...c5ad */
	static const unsigned char want[32] = {
		0xb6, 0x13, 0x67, 0x9a, 0x08, 0x14, 0xd9, 0xec, 0x77, 0x2f, 0x95, 0xd7,
		0x78, 0xc3, 0x5f, 0xc5, 0xff, 0x16, 0x97, 0xc4, 0x93, 0x71, 0x56, 0x53,
		0xc6, 0xc7, 0x12, 0x14, 0x42, 0x92, 0xc5, 0xad };
	assert_int_equal(hash_hmac_sha256(NULL, 0, NULL, 0, out), 0);
	assert_memory_equal(out, want, 32);
}

/* ---- UTF-8 ---- */

static void test_utf8_valid_boundaries(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("Åsa Öberg", strlen("Åsa Öberg")));
	assert_true(utf8_valid("\x7F", 1));                      /* U+007F */
	assert_true(utf8_valid("\xC2\x80", 2));                  /* U+0080 */
	assert_true(utf8_valid("\xDF\xBF", 2));                  /* U+07FF */
	assert_true(utf8_valid("\xE0\xA0\x80", 3));              /* U+0800 */
	assert_true(utf8_valid("\xED\x9F\xBF", 3));              /* U+D7FF */
	assert_true(utf8_valid("\xEE\x80\x80", 3));              /* U+E000 */
	assert_true(utf8_valid("\xEF\xBB\xBF", 3));              /* BOM */
	assert_true(utf8_valid("\xEF\xBF\xBF", 3));              /* U+FFFF */
	assert_true(utf8_valid("\xF0\x90\x80\x80", 4));          /* U+10000 */
	assert_true(utf8_valid("\xF4\x8F\xBF\xBF", 4));          /* U+10FFFF */
	assert_true(utf8_valid("a\0b", 3));                      /* NUL is a character */
}

static void test_utf8_invalid(void **state)
{
	(void)state;
	assert_false(utf8_valid("\xC5", 1));                      /* cut sequence */
	assert_false(utf8_valid("\xE2\x82", 2));                  /* cut euro sign */
	assert_false(utf8_valid("\x80", 1));                      /* lone continuation */
	assert_false(utf8_valid("\xC0\xAF", 2));                  /* overlong '/' */
	assert_false(utf8_valid("\xC1\xBF", 2));                  /* overlong U+007F */
	assert_false(utf8_valid("\xE0\x9F\xBF", 3));              /* overlong U+07FF */
	assert_false(utf8_valid("\xF0\x8F\xBF\xBF", 4));          /* overlong U+FFFF */
	assert_false(utf8_valid("\xED\xA0\x80", 3));              /* surrogate D800 */
	assert_false(utf8_valid("\xED\xBF\xBF", 3));              /* surrogate DFFF */
	assert_false(utf8_valid("\xF4\x90\x80\x80", 4));          /* U+110000 */
	assert_false(utf8_valid("\xF5\x80\x80\x80", 4));
	assert_false(utf8_valid("\xC5sa", 3));                    /* Windows-1252 'Å' */
	assert_false(utf8_valid("\xC3\xC3\xA5", 3));              /* lead where continuation due */
	assert_false(utf8_valid("\xFF", 1));
}

static void test_utf8_check_split_everywhere(void **state)
{
	(void)state;
	const char *s = "a\xC3\xA5\xE2\x82\xAC\xF0\x9F\x98\x80z";  /* a å € U+1F600 z */
	size_t len = strlen(s);
	for (size_t cut = 0; cut <= len; cut++) {
		struct utf8_check c;
		utf8_check_init(&c);
		assert_true(utf8_check_feed(&c, s, cut));
		assert_true(utf8_check_feed(&c, s + cut, len - cut));
		assert_true(utf8_check_done(&c));
	}
	/* an open sequence at the end is not done, though nothing was bad yet */
	struct utf8_check c;
	utf8_check_init(&c);
	assert_true(utf8_check_feed(&c, "\xF0\x9F", 2));
	assert_false(utf8_check_done(&c));
	/* a bad continuation in the second chunk */
	assert_false(utf8_check_feed(&c, "A", 1));
	assert_false(utf8_check_done(&c));
	/* once bad, always bad */
	assert_false(utf8_check_feed(&c, "ok", 2));
}

/* The ASCII fast paths (32, then 8 bytes at a time) find a bad byte and
 * keep a sequence whole at every position in a run of ASCII: 80 bytes
 * take the 32-byte path twice, and the 8-byte path after. */
static void test_utf8_check_ascii_runs(void **state)
{
	(void)state;
	for (size_t at = 0; at < 77; at++) {
		char buf[80];
		memset(buf, 'x', sizeof(buf));
		buf[at] = '\xE5';                         /* Windows-1252 'å' */
		struct utf8_check c;
		utf8_check_init(&c);
		assert_false(utf8_check_feed(&c, buf, sizeof(buf)));
		memcpy(buf + at, "\xE2\x82\xAC", 3);     /* € */
		utf8_check_init(&c);
		assert_true(utf8_check_feed(&c, buf, sizeof(buf)));
		assert_true(utf8_check_done(&c));
		buf[at + 2] = 'x';                          /* € cut short */
		utf8_check_init(&c);
		assert_false(utf8_check_feed(&c, buf, sizeof(buf)));
	}
}

/* The two-byte shortcut (a lead C2-DF and its continuation taken at
 * once, after the ASCII fast paths) at every position of a run of ASCII:
 * å is valid; a lead followed by ASCII, an overlong lead (C1) and a lead
 * at the very end (valid so far, not done) are told apart as before. */
static void test_utf8_check_two_byte_runs(void **state)
{
	(void)state;
	for (size_t at = 0; at < 79; at++) {
		char buf[80];
		struct utf8_check c;
		memset(buf, 'x', sizeof(buf));
		memcpy(buf + at, "\xC3\xA5", 2);        /* å */
		utf8_check_init(&c);
		assert_true(utf8_check_feed(&c, buf, sizeof(buf)));
		assert_true(utf8_check_done(&c));
		/* the same split between two feeds, inside the character */
		utf8_check_init(&c);
		assert_true(utf8_check_feed(&c, buf, at + 1));
		assert_true(utf8_check_feed(&c, buf + at + 1, sizeof(buf) - at - 1));
		assert_true(utf8_check_done(&c));
		buf[at + 1] = 'x';                       /* å cut short */
		utf8_check_init(&c);
		assert_false(utf8_check_feed(&c, buf, sizeof(buf)));
		memcpy(buf + at, "\xC1\xA5", 2);       /* overlong lead */
		utf8_check_init(&c);
		assert_false(utf8_check_feed(&c, buf, sizeof(buf)));
	}
	char end[80];
	memset(end, 'x', sizeof(end));
	end[79] = '\xC3';                            /* a lead at the very end */
	struct utf8_check c;
	utf8_check_init(&c);
	assert_true(utf8_check_feed(&c, end, sizeof(end)));
	assert_false(utf8_check_done(&c));
	assert_true(utf8_check_feed(&c, "\xA5", 1));
	assert_true(utf8_check_done(&c));
}

/* ---- files ---- */

/* A file of `n` bytes of 'a' with `seq` written at `at`. Checks
 * hash_file against hash_buffer and returns its UTF-8 verdict. */
static bool file_verdict(size_t n, size_t at, const char *seq, size_t seqlen)
{
	char *buf = malloc(n);
	assert_non_null(buf);
	memset(buf, 'a', n);
	memcpy(buf + at, seq, seqlen);
	const char *path = write_file(buf, n);
	char hex[65], hex2[65];
	uint64_t size = 0;
	bool valid = false;
	struct evb_error err = { 0 };
	assert_int_equal(hash_file(path, hex, &size, &valid, &err), 0);
	assert_int_equal(size, n);
	assert_int_equal(hash_buffer(buf, n, hex2), 0);
	assert_string_equal(hex, hex2);
	free(buf);
	return valid;
}

static void test_file_sequences_across_chunks(void **state)
{
	(void)state;
	/* every split of a 2-, 3- and 4-byte character over the 64 KiB
	 * boundary (and the next one) stays valid */
	for (size_t k = 1; k <= 3; k++) {
		assert_true(file_verdict(3 * CHUNK, CHUNK - k, "\xF0\x9F\x98\x80", 4));
		assert_true(file_verdict(3 * CHUNK, 2 * CHUNK - k, "\xE2\x82\xAC", 3));
	}
	assert_true(file_verdict(3 * CHUNK, CHUNK - 1, "\xC3\xA4", 2));
	/* a surrogate split over the boundary is still caught */
	assert_false(file_verdict(3 * CHUNK, CHUNK - 1, "\xED\xA0\x80", 3));
	/* a lone Windows-1252 byte just after the boundary */
	assert_false(file_verdict(3 * CHUNK, CHUNK, "\xE5", 1));
	/* a sequence cut by the end of the file */
	assert_false(file_verdict(CHUNK + 1, CHUNK, "\xC3", 1));
}

static void test_file_bom_and_empty(void **state)
{
	(void)state;
	char hex[65];
	uint64_t size = 1;
	bool valid = false;
	struct evb_error err = { 0 };
	assert_int_equal(hash_file(write_file("\xEF\xBB\xBFid\n", 6), hex, &size, &valid, &err), 0);
	assert_true(valid);
	assert_int_equal(size, 6);
	assert_int_equal(hash_file(write_file("", 0), hex, &size, &valid, &err), 0);
	assert_true(valid);
	assert_int_equal(size, 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* size and valid_utf8 may be NULL */
	assert_int_equal(hash_file(write_file("abc", 3), hex, NULL, NULL, &err), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_file_missing(void **state)
{
	(void)state;
	char hex[65];
	uint64_t size = 0;
	bool valid = false;
	struct evb_error err = { 0 };
	assert_int_equal(hash_file("/nonexistent/evb", hex, &size, &valid, &err), EVB_EIO);
	assert_int_equal(err.code, EVB_EIO);
	assert_string_equal(err.file, "/nonexistent/evb");
}

/* Hashing ahead gives, file by file, what hash_file gives: the size and
 * UTF-8 validity from hash_queue_get, the SHA-256 from hash_queue_digest
 * (asked for in the order of the files, or in another), and an error (a
 * missing file) at its own index only; also when no thread can be made,
 * and each pass is made when it is asked for. A file not to be checked
 * for UTF-8 (q4.xml, valid UTF-8) has its size and digest, and "false". */
static void test_hash_queue(void **state)
{
	(void)state;
	for (int pass = 0; pass < 4; pass++) {
		fail_thread_create = pass & 1;
		bool backwards = pass & 2;
		char paths[5][128];
		const char *list[5];
		const char *text[5] = { "abc", NULL, "\xC5sa\n", "", "<a/>\n" };
		const bool check[5] = { true, true, true, true, false };
		for (int i = 0; i < 5; i++) {
			snprintf(paths[i], sizeof(paths[i]), "%s/q%d.%s", dir, i, i < 4 ? "csv" : "xml");
			list[i] = paths[i];
			if (!text[i])
				continue;       /* q1.csv is never written */
			FILE *f = fopen(paths[i], "wb");
			assert_non_null(f);
			assert_int_equal(fputs(text[i], f) >= 0 || !*text[i], 1);
			assert_int_equal(fclose(f), 0);
		}
		struct hash_queue *q = hash_queue_start(list, check, 5);
		assert_non_null(q);
		char want[5][65];
		int want_ret[5];
		for (size_t i = 0; i < 5; i++) {
			uint64_t size = 99, want_size = 98;
			bool utf8 = false, want_utf8 = true;
			struct evb_error err = { 0 }, want_err = { 0 };
			int ret = hash_queue_get(q, i, &size, &utf8, &err);
			want_ret[i] = hash_file(list[i], want[i], &want_size, &want_utf8, &want_err);
			assert_int_equal(ret, want_ret[i]);
			if (ret) {
				assert_int_equal(i, 1);
				assert_int_equal(err.code, EVB_EIO);
				assert_string_equal(err.file, list[i]);
				continue;
			}
			assert_int_equal(size, want_size);
			assert_int_equal(utf8, check[i] && want_utf8);
		}
		assert_int_equal(want_ret[4], 0);
		for (size_t k = 0; k < 5; k++) {
			size_t i = backwards ? 4 - k : k;
			char hex[65] = "";
			struct evb_error err = { 0 };
			assert_int_equal(hash_queue_digest(q, i, hex, &err), want_ret[i]);
			if (want_ret[i]) {
				assert_int_equal(err.code, EVB_EIO);
				assert_string_equal(err.file, list[i]);
			} else {
				assert_string_equal(hex, want[i]);
			}
		}
		hash_queue_free(q);
		/* freed before every file was asked for: the threads stop and join */
		q = hash_queue_start(list, NULL, 5);
		assert_non_null(q);
		hash_queue_free(q);
		hash_queue_free(NULL);
	}
	fail_thread_create = false;
}

static void put_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* A queue of the one file path, written "abc", after its first pass (to be
 * made without a thread, so that what a test does next falls between the
 * two passes). */
static struct hash_queue *abc_queue(const char *path)
{
	put_text(path, "abc");
	const char *list[1] = { path };
	struct hash_queue *q = hash_queue_start(list, NULL, 1);
	assert_non_null(q);
	uint64_t size = 0;
	struct evb_error err = { 0 };
	assert_int_equal(hash_queue_get(q, 0, &size, NULL, &err), 0);
	assert_int_equal(size, 3);
	return q;
}

/* A file whose size is not the same when it is hashed as when it was
 * checked (and parsed) in between: its digest is refused, naming it, for
 * the SHA-256 would not be of what was read. Without a thread, so that the
 * change falls between the two passes: "abc" (3 bytes), then "abcd". */
static void test_hash_queue_file_changed(void **state)
{
	(void)state;
	fail_thread_create = true;
	char path[128];
	snprintf(path, sizeof(path), "%s/changed.csv", dir);
	struct hash_queue *q = abc_queue(path);
	struct evb_error err = { 0 };
	FILE *f = fopen(path, "ab");
	assert_non_null(f);
	assert_int_equal(fputs("d", f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	char hex[65];
	assert_int_equal(hash_queue_digest(q, 0, hex, &err), EVB_EIO);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.message, "changed while it was read (3 bytes, then 4)"));
	hash_queue_free(q);
	fail_thread_create = false;
}

/* A file of the same size that is not the one the first pass read is
 * refused, named as the caller shows it (hash_queue_unchanged, after the
 * parse) or by its path (the digest): "abc" written over in place with
 * "xyz" and its modification time set to 1970-01-01 00:00:01, and "abc"
 * replaced by a new file "abd" (rename). Unchanged, it is accepted.
 * Without a thread, so that each change falls between the two passes. */
static void test_hash_queue_file_rewritten(void **state)
{
	(void)state;
	fail_thread_create = true;
	char path[128], other[128];
	snprintf(path, sizeof(path), "%s/rewritten.csv", dir);
	snprintf(other, sizeof(other), "%s/new.csv", dir);
	for (int replace = 0; replace < 2; replace++) {
		struct hash_queue *q = abc_queue(path);
		struct evb_error err = { 0 };
		assert_int_equal(hash_queue_unchanged(q, 0, "shown.csv", &err), 0);
		if (replace) {
			put_text(other, "abd");
			assert_int_equal(rename(other, path), 0);
		} else {
			FILE *f = fopen(path, "r+b");
			assert_non_null(f);
			assert_int_equal(fputs("xyz", f) >= 0, 1);
			assert_int_equal(fclose(f), 0);
			const struct timespec times[2] = { { 0, UTIME_OMIT }, { 1, 0 } };
			assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
		}
		assert_int_equal(hash_queue_unchanged(q, 0, "shown.csv", &err), EVB_EIO);
		assert_string_equal(err.file, "shown.csv");
		assert_non_null(strstr(err.message, "written to or replaced at the same size"));
		char hex[65];
		memset(&err, 0, sizeof(err));
		assert_int_equal(hash_queue_digest(q, 0, hex, &err), EVB_EIO);
		assert_string_equal(err.file, path);
		assert_non_null(strstr(err.message, "written to or replaced at the same size"));
		hash_queue_free(q);
	}
	fail_thread_create = false;
}

/* The digests do not wait on the hashing thread's second pass: they are
 * hash_file's when the thread runs it at SCHED_IDLE, when the system
 * refuses SCHED_IDLE, and when the thread is held before that pass while
 * the digests are asked for (the caller then makes them itself; were it
 * to wait, the hold would end after ten seconds and the test fail). Files
 * of 3 blocks and a byte each, so that a pass is several reads. */
static void test_hash_queue_idle(void **state)
{
	(void)state;
	enum { N = 3, LEN = 3 * CHUNK + 1 };
	static char data[LEN];
	for (int mode = SCHED_PASS; mode <= SCHED_HOLD; mode++) {
		char paths[N][128];
		const char *list[N];
		char want[N][65];
		for (int i = 0; i < N; i++) {
			memset(data, 'a' + i + 3 * mode, sizeof(data));
			snprintf(paths[i], sizeof(paths[i]), "%s/idle%d.csv", dir, i);
			list[i] = paths[i];
			FILE *f = fopen(paths[i], "wb");
			assert_non_null(f);
			assert_int_equal(fwrite(data, 1, sizeof(data), f), sizeof(data));
			assert_int_equal(fclose(f), 0);
			struct evb_error err = { 0 };
			assert_int_equal(hash_file(paths[i], want[i], NULL, NULL, &err), 0);
		}
		pthread_mutex_lock(&sched_mu);
		sched_mode = (enum sched_mode)mode;
		sched_policy = -1;
		sched_entered = sched_released = sched_timed_out = false;
		pthread_mutex_unlock(&sched_mu);

		struct hash_queue *q = hash_queue_start(list, NULL, N);
		assert_non_null(q);
		for (size_t i = 0; i < N; i++) {
			uint64_t size = 0;
			bool utf8 = false;
			struct evb_error err = { 0 };
			assert_int_equal(hash_queue_get(q, i, &size, &utf8, &err), 0);
			assert_int_equal(size, LEN);
			assert_true(utf8);
		}
		/* after the first pass the thread asks for SCHED_IDLE */
		struct timespec until = in_ten_seconds();
		pthread_mutex_lock(&sched_mu);
		while (!sched_entered &&
		       pthread_cond_timedwait(&sched_cv, &sched_mu, &until) != ETIMEDOUT)
			;
		bool entered = sched_entered;
		int policy = sched_policy;
		pthread_mutex_unlock(&sched_mu);
		assert_true(entered);
		assert_int_equal(policy, SCHED_IDLE);

		for (size_t i = 0; i < N; i++) {
			char hex[65] = "";
			struct evb_error err = { 0 };
			assert_int_equal(hash_queue_digest(q, i, hex, &err), 0);
			assert_string_equal(hex, want[i]);
		}
		pthread_mutex_lock(&sched_mu);
		bool timed_out = sched_timed_out;
		sched_released = true;
		pthread_cond_broadcast(&sched_cv);
		pthread_mutex_unlock(&sched_mu);
		hash_queue_free(q);
		assert_false(timed_out);
	}
	sched_mode = SCHED_PASS;
}

/* A cut never splits a character: "aÄb" is a, C3 84, b (4 bytes). */
static void test_utf8_cut(void **state)
{
	(void)state;
	const char *s = "a\xC3\x84" "b";
	assert_int_equal(utf8_cut(s, 4, 10), 4);       /* fits: all of it */
	assert_int_equal(utf8_cut(s, 4, 4), 4);
	assert_int_equal(utf8_cut(s, 4, 3), 3);        /* "aÄ" */
	assert_int_equal(utf8_cut(s, 4, 2), 1);        /* max falls inside Ä: "a" */
	assert_int_equal(utf8_cut(s, 4, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_sha256_abc),
		cmocka_unit_test(test_sha256_empty),
		cmocka_unit_test(test_sha256_two_blocks),
		cmocka_unit_test(test_hmac_rfc4231_case1),
		cmocka_unit_test(test_hmac_rfc4231_case2),
		cmocka_unit_test(test_hmac_rfc4231_case6_long_key),
		cmocka_unit_test(test_hmac_empty_key_and_message),
		cmocka_unit_test(test_utf8_valid_boundaries),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_check_split_everywhere),
		cmocka_unit_test(test_file_sequences_across_chunks),
		cmocka_unit_test(test_file_bom_and_empty),
		cmocka_unit_test(test_file_missing),
		cmocka_unit_test(test_utf8_check_ascii_runs),
		cmocka_unit_test(test_utf8_check_two_byte_runs),
		cmocka_unit_test(test_hash_queue),
		cmocka_unit_test(test_hash_queue_file_changed),
		cmocka_unit_test(test_hash_queue_idle),
		cmocka_unit_test(test_hash_queue_file_rewritten),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
