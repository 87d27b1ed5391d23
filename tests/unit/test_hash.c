/* Unit tests: SHA-256, HMAC-SHA-256 and UTF-8 validity (src/hash.c). */
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "testutil.h"
#include "hash.h"

static void test_sha256_known(void **state)
{
	(void)state;
	char hex[65];
	/* FIPS 180-2 example: SHA-256("abc") */
	assert_int_equal(hash_buffer("abc", 3, hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(hash_buffer("", 0, hex), 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_hmac_rfc4231(void **state)
{
	(void)state;
	unsigned char out[32], key[20];
	/* RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?" */
	static const unsigned char tc2[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26,
		0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43 };
	assert_int_equal(hash_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, out), 0);
	assert_memory_equal(out, tc2, 32);
	/* test case 1: key 20 x 0x0b, data "Hi There" */
	static const unsigned char tc1[32] = {
		0xb0, 0x34, 0x4c, 0x61, 0xd8, 0xdb, 0x38, 0x53, 0x5c, 0xa8, 0xaf, 0xce,
		0xaf, 0x0b, 0xf1, 0x2b, 0x88, 0x1d, 0xc2, 0x00, 0xc9, 0x83, 0x3d, 0xa7,
		0x26, 0xe9, 0x37, 0x6c, 0x2e, 0x32, 0xcf, 0xf7 };
	memset(key, 0x0b, sizeof(key));
	assert_int_equal(hash_hmac_sha256(key, 20, "Hi There", 8, out), 0);
	assert_memory_equal(out, tc1, 32);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(utf8_valid("Åsa Öberg", strlen("Åsa Öberg")));
	assert_true(utf8_valid("\xF0\x9F\x98\x80", 4));          /* U+1F600 */
	assert_false(utf8_valid("\xC5", 1));                      /* cut sequence */
	assert_false(utf8_valid("\xC0\xAF", 2));                  /* overlong '/' */
	assert_false(utf8_valid("\xE0\x80\xAF", 3));              /* overlong */
	assert_false(utf8_valid("\xED\xA0\x80", 3));              /* surrogate */
	assert_false(utf8_valid("\xF4\x90\x80\x80", 4));          /* > U+10FFFF */
	assert_false(utf8_valid("\xC5sa", 3));                    /* Windows-1252 'Å' */
	assert_false(utf8_valid("\xFF", 1));
}

/* A file larger than the 64 KiB chunk, with a two-byte character across
 * the chunk boundary: still valid; its hash equals hash_buffer's. */
static void test_file_chunks(void **state)
{
	(void)state;
	char path[] = "/tmp/evb-hash-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = 200000;
	char *buf = malloc(n);
	assert_non_null(buf);
	memset(buf, 'a', n);
	buf[65535] = (char)0xC3;   /* 'ä' = C3 A4 straddles 65536 */
	buf[65536] = (char)0xA4;
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
	char hex[65], hex2[65];
	uint64_t size = 0;
	bool valid = false;
	struct evb_error err = { 0 };
	assert_int_equal(hash_file(path, hex, &size, &valid, &err), 0);
	assert_true(valid);
	assert_int_equal(size, n);
	assert_int_equal(hash_buffer(buf, n, hex2), 0);
	assert_string_equal(hex, hex2);
	/* a lone Windows-1252 byte makes it invalid */
	fd = open(path, O_WRONLY | O_TRUNC);
	buf[100] = (char)0xE5;
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
	assert_int_equal(hash_file(path, hex, &size, &valid, &err), 0);
	assert_false(valid);
	unlink(path);
	free(buf);
	assert_int_equal(hash_file("/nonexistent/evb", hex, &size, &valid, &err), EVB_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_known),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_file_chunks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
