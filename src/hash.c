/* SHA-256 and HMAC-SHA-256 through OpenSSL's libcrypto; UTF-8 validity. */
#include "hash.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

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

/* Incremental UTF-8 validation (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF). need = continuation bytes still expected,
 * lo/hi = the allowed range of the next byte. */
struct utf8_state {
	int need;
	unsigned char lo, hi;
	bool bad;
};

static void utf8_feed(struct utf8_state *st, const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len && !st->bad; i++) {
		unsigned char c = s[i];
		if (st->need) {
			if (c < st->lo || c > st->hi) {
				st->bad = true;
				return;
			}
			st->need--;
			st->lo = 0x80;
			st->hi = 0xBF;
			continue;
		}
		st->lo = 0x80;
		st->hi = 0xBF;
		if (c < 0x80)
			continue;
		if (c >= 0xC2 && c <= 0xDF) {
			st->need = 1;
		} else if (c == 0xE0) {
			st->need = 2;
			st->lo = 0xA0;
		} else if (c == 0xED) {
			st->need = 2;
			st->hi = 0x9F;
		} else if (c >= 0xE1 && c <= 0xEF) {
			st->need = 2;
		} else if (c == 0xF0) {
			st->need = 3;
			st->lo = 0x90;
		} else if (c >= 0xF1 && c <= 0xF3) {
			st->need = 3;
		} else if (c == 0xF4) {
			st->need = 3;
			st->hi = 0x8F;
		} else {
			st->bad = true;
		}
	}
}

bool utf8_valid(const char *s, size_t len)
{
	struct utf8_state st = { 0, 0x80, 0xBF, false };
	utf8_feed(&st, (const unsigned char *)s, len);
	return !st.bad && st.need == 0;
}

int hash_file(const char *path, char hex[static SHA256_HEX_LEN + 1],
	      uint64_t *size, bool *valid_utf8, struct evb_error *err)
{
	unsigned char buf[CHUNK];
	struct utf8_state st = { 0, 0x80, 0xBF, false };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	uint64_t total = 0;
	int ret = 0;
	EVP_MD_CTX *ctx = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot open: %s",
				     strerror(errno));
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		ret = evb_error_set(err, EVB_ENOMEM, path, 0, NULL, "cannot start SHA-256");
		goto out;
	}
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (EVP_DigestUpdate(ctx, buf, n) != 1) {
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL, "SHA-256 failed");
			goto out;
		}
		utf8_feed(&st, buf, n);
		total += n;
	}
	if (ferror(f)) {
		ret = evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot read: %s",
				    strerror(errno));
		goto out;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		ret = evb_error_set(err, EVB_EIO, path, 0, NULL, "SHA-256 failed");
		goto out;
	}
	to_hex(md, mdlen, hex);
	if (size)
		*size = total;
	if (valid_utf8)
		*valid_utf8 = !st.bad && st.need == 0;
out:
	EVP_MD_CTX_free(ctx);
	fclose(f);
	return ret;
}

int hash_buffer(const void *data, size_t len, char hex[static SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return EVB_EINVAL;
	to_hex(md, mdlen, hex);
	return 0;
}

int hash_hmac_sha256(const void *key, size_t keylen, const void *msg,
		     size_t msglen, unsigned char out[static 32])
{
	unsigned len = 0;
	if (keylen > (size_t)INT32_MAX ||
	    !HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &len) || len != 32)
		return EVB_EINVAL;
	return 0;
}
