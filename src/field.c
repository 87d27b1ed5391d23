/*
 * Field parsers (SPEC section 4). Digits are parsed by hand: strtod and
 * friends depend on the locale and accept forms an export must not have.
 */
#include "field.h"

#include <math.h>
#include <string.h>

#include "calendar.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* n digits at s as a number, -1 if any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* " HH:MM[:SS]" or "THH:MM[:SS]" to its end; minutes of the day. */
static int time_part(const char *s, int *minutes)
{
	if (*s != ' ' && *s != 'T')
		return FIELD_EFORMAT;
	s++;
	int h = digits(s, 2), m = -1, sec = 0;
	if (h < 0 || s[2] != ':' || (m = digits(s + 3, 2)) < 0)
		return FIELD_EFORMAT;
	s += 5;
	if (*s == ':') {
		if ((sec = digits(s + 1, 2)) < 0)
			return FIELD_EFORMAT;
		s += 3;
	}
	if (*s)
		return FIELD_EFORMAT;
	if (h > 23 || m > 59 || sec > 59)
		return FIELD_ERANGE;
	*minutes = h * 60 + m;
	return FIELD_OK;
}

/* The date at the start of s; *rest gets what follows. */
static int date_part(const char *s, evb_date *out, const char **rest)
{
	int y = digits(s, 4), m, d;
	if (y < 0)
		return FIELD_EFORMAT;
	if (s[4] == '-') {
		if ((m = digits(s + 5, 2)) < 0 || s[7] != '-' || (d = digits(s + 8, 2)) < 0)
			return FIELD_EFORMAT;
		*rest = s + 10;
	} else {
		if ((m = digits(s + 4, 2)) < 0 || (d = digits(s + 6, 2)) < 0)
			return FIELD_EFORMAT;
		*rest = s + 8;
	}
	if (is_digit(**rest))
		return FIELD_EFORMAT;
	if (y < 1900 || y > 2199 || !date_valid_ymd(y, m, d))
		return FIELD_ERANGE;
	*out = date_from_ymd(y, m, d);
	return FIELD_OK;
}

int field_date(const char *s, evb_date *out)
{
	const char *rest;
	evb_date d;
	int minutes, e;
	if (!*s)
		return FIELD_EEMPTY;
	if ((e = date_part(s, &d, &rest)) || (*rest && (e = time_part(rest, &minutes))))
		return e;
	*out = d;
	return FIELD_OK;
}

int field_datetime(const char *s, int64_t *out)
{
	const char *rest;
	evb_date d;
	int e;
	if (!*s)
		return FIELD_EEMPTY;
	if ((e = date_part(s, &d, &rest)))
		return e;
	return field_datetime_at(d, rest, out);
}

int field_datetime_at(evb_date d, const char *rest, int64_t *out)
{
	int minutes = 0, e;
	if (*rest && (e = time_part(rest, &minutes)))
		return e;
	*out = (int64_t)d * 1440 + minutes;
	return FIELD_OK;
}

static bool ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		if (x != *b)
			return false;
	}
	return *a == *b;
}

int field_bool(const char *s, bool *out)
{
	if (!*s || strcmp(s, "0") == 0 || ascii_ieq(s, "nej") || ascii_ieq(s, "false")) {
		*out = false;
		return FIELD_OK;
	}
	if (strcmp(s, "1") == 0 || ascii_ieq(s, "ja") || ascii_ieq(s, "true")) {
		*out = true;
		return FIELD_OK;
	}
	return FIELD_EFORMAT;
}

/* At most 15 significant digits: every such integer is exact in a double. */
#define MAX_DIGITS 15
/* 10^22 is the largest power of ten that is exact in a double. */
#define MAX_SCALE 22

/*
 * The value is computed as one division of two exact doubles, mant / 10^scale,
 * which IEEE rounds correctly: "0,1" gives the same double as the literal 0.1.
 * Leading zeros and trailing zeros after the decimal sign are not significant
 * ("0001,50" is 1.5 with two significant digits).
 */
int field_number(const char *s, double *out)
{
	int64_t mant = 0;
	int ndigits = 0, scale = 0, before = 0, after = 0, zeros = 0;
	bool neg, sep = false;

	if (!*s)
		return FIELD_EEMPTY;
	neg = *s == '-';
	if (neg)
		s++;
	for (; *s; s++) {
		if ((*s == '.' || *s == ',') && !sep) {
			sep = true;
			continue;
		}
		if (!is_digit(*s))
			return FIELD_EFORMAT;
		int dig = *s - '0';
		if (!sep) {
			before++;
			if (mant == 0 && dig == 0)
				continue;
			if (++ndigits > MAX_DIGITS)
				return FIELD_ERANGE;
			mant = mant * 10 + dig;
			continue;
		}
		after++;
		if (dig == 0) {
			/* significant only if a non-zero digit follows */
			zeros++;
			continue;
		}
		scale += zeros + 1;
		if (mant != 0)
			ndigits += zeros;
		if (++ndigits > MAX_DIGITS)
			return FIELD_ERANGE;
		for (; zeros > 0; zeros--)
			mant *= 10;
		mant = mant * 10 + dig;
	}
	if (before == 0 || (sep && after == 0))
		return FIELD_EFORMAT;
	if (scale > MAX_SCALE)
		return FIELD_ERANGE;
	double p = 1.0;
	for (int i = 0; i < scale; i++)
		p *= 10.0;
	double v = (double)mant / p;
	if (!isfinite(v))
		return FIELD_ERANGE;
	/* "-0" and "-0,00" are zero, not negative zero */
	*out = neg && mant != 0 ? -v : v;
	return FIELD_OK;
}

int field_count(const char *s, int64_t *out)
{
	if (!*s)
		return FIELD_EEMPTY;
	int64_t v = 0;
	for (; *s; s++) {
		if (!is_digit(*s))
			return FIELD_EFORMAT;
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return FIELD_ERANGE;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return FIELD_OK;
}

int field_month(const char *s, int *year, int *month)
{
	if (!*s)
		return FIELD_EEMPTY;
	int y = digits(s, 4), m;
	if (y < 0 || s[4] != '-' || (m = digits(s + 5, 2)) < 0 || s[7])
		return FIELD_EFORMAT;
	if (y < 1900 || y > 2199 || m < 1 || m > 12)
		return FIELD_ERANGE;
	*year = y;
	*month = m;
	return FIELD_OK;
}

const char *field_strerror(int code)
{
	switch (code) {
	case FIELD_OK: return "no error";
	case FIELD_EEMPTY: return "value missing";
	case FIELD_EFORMAT: return "not of the expected form";
	case FIELD_ERANGE: return "out of range";
	default: return "invalid value";
	}
}
