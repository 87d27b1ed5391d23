/*
 * The configuration file (--config FILE, default ./evb.conf when present):
 * "key = value" lines, '#' comment lines, blank lines ignored. Unknown or
 * repeated keys are errors: a typo must not pass silently. Messages never
 * repeat a line's text beyond a plain key name ([a-z_]{1,32}): a mistyped
 * line may hold the secret. A NUL anywhere, or a control character in
 * ivo_key, is an error.
 */
#ifndef EVB_CONFIG_H
#define EVB_CONFIG_H

#include "evb.h"

#define CONFIG_MIN_KEY 32   /* shortest acceptable ivo_key, in bytes */

struct config {
	char municipality[256];
	char ivo_mailbox[256];
	char ivo_key[1024];     /* secret: never printed or written to outputs */
	size_t ivo_key_len;
	char profile[512];      /* import profile (SPEC 4.2); "" when none */
	bool loaded;            /* a file was read */
	bool shared;            /* and group or others may read it (a warning) */
	char path[512];
};

/* Loads path into c. When path is NULL, ./evb.conf is read if it exists
 * (else c keeps its empty defaults). */
int config_load(struct config *c, const char *path, struct evb_error *err);
/* Checks that an ivo_key of at least CONFIG_MIN_KEY bytes is configured. */
int config_require_key(const struct config *c, struct evb_error *err);
/* Overwrites the key in memory. */
void config_wipe(struct config *c);

#endif
