/* Configuration file reader. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "hash.h"

#define CONFIG_MAX_LINE 4096

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
			 s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static int set_value(char *dst, size_t size, bool *seen, const char *value,
		     const char *path, long line, const char *key,
		     struct evb_error *err)
{
	if (*seen)
		return evb_error_set(err, EVB_ECONFIG, path, line, key,
				     "key given twice");
	size_t n = strlen(value);
	if (n >= size)
		return evb_error_set(err, EVB_ECONFIG, path, line, key,
				     "value too long (at most %zu bytes)", size - 1);
	memcpy(dst, value, n + 1);
	*seen = true;
	return 0;
}

/* A key that may be named in a message: [a-z_]{1,32}. A mistyped line may
 * hold the secret, so nothing else of a line is ever repeated. */
static bool plain_key(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz_");
	return n >= 1 && n <= 32 && s[n] == '\0';
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return true;
	return false;
}

int config_load(struct config *c, const char *path, struct evb_error *err)
{
	memset(c, 0, sizeof(*c));
	bool explicit = path != NULL;
	if (!path)
		path = "evb.conf";
	snprintf(c->path, sizeof(c->path), "%s", path);
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!explicit && errno == ENOENT)
			return 0;
		return evb_error_set(err, EVB_ECONFIG, path, 0, NULL,
				     "cannot read configuration: %s", strerror(errno));
	}
	int ret = 0;
	char *buf = NULL;
	size_t bufsize = 0;
	ssize_t got;
	long line = 0;
	bool seen_mun = false, seen_key = false, seen_box = false, seen_prof = false;
	struct stat st;
	c->shared = fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH));
	while ((got = getline(&buf, &bufsize, f)) >= 0) {
		line++;
		size_t len = (size_t)got;
		if (len > CONFIG_MAX_LINE - 2) {
			ret = evb_error_set(err, EVB_ECONFIG, path, line, NULL,
					    "line too long (at most %d bytes)", CONFIG_MAX_LINE - 2);
			goto out;
		}
		if (memchr(buf, '\0', len)) {
			ret = evb_error_set(err, EVB_ECONFIG, path, line, NULL,
					    "line holds a NUL character");
			goto out;
		}
		if (!utf8_valid(buf, len)) {
			ret = evb_error_set(err, EVB_ECONFIG, path, line, NULL,
					    "not valid UTF-8");
			goto out;
		}
		char *s = trim(buf);
		if (line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
			s = trim(s + 3);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			ret = evb_error_set(err, EVB_ECONFIG, path, line, NULL,
					    "not a 'key = value' line");
			goto out;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		if (strcmp(key, "municipality") == 0)
			ret = set_value(c->municipality, sizeof(c->municipality),
					&seen_mun, value, path, line, key, err);
		else if (strcmp(key, "ivo_key") == 0) {
			ret = has_control(value)
				? evb_error_set(err, EVB_ECONFIG, path, line, key,
						"the IVO key holds a control character")
				: set_value(c->ivo_key, sizeof(c->ivo_key), &seen_key,
					    value, path, line, key, err);
			c->ivo_key_len = strlen(c->ivo_key);
		} else if (strcmp(key, "ivo_mailbox") == 0)
			ret = set_value(c->ivo_mailbox, sizeof(c->ivo_mailbox),
					&seen_box, value, path, line, key, err);
		else if (strcmp(key, "profile") == 0)
			ret = set_value(c->profile, sizeof(c->profile), &seen_prof, value,
					path, line, key, err);
		else if (plain_key(key))
			ret = evb_error_set(err, EVB_ECONFIG, path, line, key,
					    "unknown configuration key (known: municipality, ivo_key, ivo_mailbox, profile)");
		else
			ret = evb_error_set(err, EVB_ECONFIG, path, line, NULL,
					    "not a 'key = value' line");
		if (ret)
			goto out;
	}
	if (ferror(f) || !feof(f))   /* a read error, or getline out of memory */
		ret = evb_error_set(err, EVB_ECONFIG, path, line, NULL,
				    "cannot read configuration: %s", strerror(errno));
	c->loaded = true;
out:
	/* the line buffer may hold the key */
	if (buf) {
		volatile char *p = buf;
		for (size_t i = 0; i < bufsize; i++)
			p[i] = 0;
	}
	free(buf);
	fclose(f);
	if (ret)
		config_wipe(c);
	return ret;
}

int config_require_key(const struct config *c, struct evb_error *err)
{
	if (c->ivo_key_len >= CONFIG_MIN_KEY)
		return 0;
	if (c->ivo_key_len == 0)
		return evb_error_set(err, EVB_ECONFIG, c->loaded ? c->path : NULL, 0,
				     "ivo_key",
				     "no IVO key configured: set 'ivo_key' (a secret of at least %d characters) in the configuration file",
				     CONFIG_MIN_KEY);
	return evb_error_set(err, EVB_ECONFIG, c->path, 0, "ivo_key",
			     "the IVO key is too short: use a secret of at least %d characters",
			     CONFIG_MIN_KEY);
}

void config_wipe(struct config *c)
{
	volatile char *p = c->ivo_key;
	for (size_t i = 0; i < sizeof(c->ivo_key); i++)
		p[i] = 0;
	c->ivo_key_len = 0;
}
