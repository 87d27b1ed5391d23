/*
 * evb: common definitions shared by every module.
 *
 * Ownership rule (one rule for the whole program):
 *  - A function that returns a pointer named *_new / *_open / *_detach gives
 *    the caller ownership; the caller releases it with the matching *_free.
 *  - Strings passed as `const char *` are borrowed: the callee copies what it
 *    keeps. Strings returned as `const char *` are owned by the object they
 *    came from and live as long as it does (interned strings live for the run).
 *  - Functions return 0 on success and a negative EVB_E* code on failure,
 *    unless their comment says otherwise; failures fill a struct evb_error
 *    when one is passed.
 *  - Records read from the exports are stored in arenas that live for the
 *    whole run and are freed all at once.
 */
#ifndef EVB_H
#define EVB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVB_VERSION "0.1.0"

/* A calendar date as a day number: days since 1970-01-01 (proleptic
 * Gregorian). DATE_NONE marks an absent date. */
typedef int32_t evb_date;
#define DATE_NONE INT32_MIN

/* Money in öre and quantities in hundredths are int64; this marks one
 * that cannot be computed (shown as an empty cell). */
#define AMOUNT_UNKNOWN INT64_MIN

/* What an allocation failure says, and what to do about it. */
#define EVB_NOMEM_TEXT \
	"out of memory: close other programs, or run evb where more memory is free"

/* Error codes. */
enum {
	EVB_OK = 0,
	EVB_ENOMEM = -1,   /* out of memory */
	EVB_EIO = -2,      /* read or write failed (errno says why) */
	EVB_EPARSE = -3,   /* input cannot be parsed */
	EVB_EINVAL = -4,   /* invalid value */
	EVB_ETOOBIG = -5,  /* a field, line or file exceeds a limit */
	EVB_ETEMPLATE = -6,/* a template file is broken */
	EVB_ECONFIG = -7,  /* the configuration is broken */
	EVB_EUSAGE = -8,   /* bad command line */
};

/* Where something went wrong, for a message of the form
 * "evb: file:line: column: message". Unknown parts are NULL / 0. */
struct evb_error {
	int code;
	char file[512];
	long line;
	char column[64];
	char message[512];
};

/* Fills err (if not NULL) and returns code. printf-style. */
int evb_error_set(struct evb_error *err, int code, const char *file, long line,
		  const char *column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* dir/name in a new string (the caller frees it), or NULL when out of
 * memory; slashes ending dir are not doubled ("/" gives "/name"). */
char *evb_path_join(const char *dir, const char *name);

/* Limits on untrusted input. */
#define EVB_MAX_FIELD   (1u << 20)   /* 1 MiB: a longer field rejects its record */
#define EVB_MAX_COLUMNS 256          /* a header with more columns is a fatal error */
#define EVB_MAX_TEXT    4000         /* texts shown in reports are cut here (characters) */

#endif
