/*
 * Field parsers: text from an export -> typed values (SPEC section 4).
 * Every parser takes a NUL-terminated, already trimmed value and returns 0 or
 * a negative FIELD_E* code; field_strerror() turns the code into words.
 * Output parameters are written only on FIELD_OK. No parser depends on the
 * locale.
 */
#ifndef EVB_FIELD_H
#define EVB_FIELD_H

#include "evb.h"

enum {
	FIELD_OK = 0,
	FIELD_EEMPTY = -1,    /* empty where a value is required */
	FIELD_EFORMAT = -2,   /* not of the expected form */
	FIELD_ERANGE = -3,    /* well-formed but impossible (2026-02-30, 25:00) */
};

/* "YYYY-MM-DD" or "YYYYMMDD", optionally followed by a time part
 * (" HH:MM[:SS]" or "THH:MM[:SS]"), which is checked and ignored.
 * Years 1900-2199. */
int field_date(const char *s, evb_date *out);
/* "YYYY-MM-DD HH:MM[:SS]" or with 'T'; a bare date means 00:00.
 * *out = minutes since 1970-01-01 00:00 local wall-clock time (seconds are
 * checked and dropped). */
int field_datetime(const char *s, int64_t *out);
/* field_datetime of a text whose date, already parsed, is d and which goes
 * on with `rest` after it. */
int field_datetime_at(evb_date d, const char *rest, int64_t *out);
/* 1/0, ja/nej, true/false (any case); empty = false. */
int field_bool(const char *s, bool *out);
/* Decimal number with '.' or ',' as decimal sign, optional leading '-'.
 * No thousands separators, no exponent; must be finite. At most 15
 * significant digits (leading zeros and trailing decimal zeros do not count);
 * the result is the double nearest to the decimal value. "-0" gives +0. */
int field_number(const char *s, double *out);
/* Non-negative whole number (no sign, no decimals), fits in int64. */
int field_count(const char *s, int64_t *out);
/* "YYYY-MM" -> year, month. */
int field_month(const char *s, int *year, int *month);

const char *field_strerror(int code);

#endif
