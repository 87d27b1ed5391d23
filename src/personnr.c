/* Personnummer and samordningsnummer (SPEC section 4). */
#include "personnr.h"

#include <stdio.h>
#include <string.h>

#include "calendar.h"

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Luhn over the 10-digit form YYMMDDNNNN (weights 2,1,2,1,...). */
static bool luhn_ok(const char *ten)
{
	int sum = 0;
	for (int i = 0; i < 10; i++) {
		int v = (ten[i] - '0') * (i % 2 == 0 ? 2 : 1);
		sum += v > 9 ? v - 9 : v;
	}
	return sum % 10 == 0;
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int pnr_parse(const char *s, evb_date asof, struct pnr *out)
{
	char d12[13];
	size_t len = strlen(s);
	int year;

	if (len == 13 && s[8] == '-' && all_digits(s, 8) && all_digits(s + 9, 4)) {
		memcpy(d12, s, 8);
		memcpy(d12 + 8, s + 9, 4);
	} else if (len == 12 && all_digits(s, 12)) {
		memcpy(d12, s, 12);
	} else if ((len == 11 && (s[6] == '-' || s[6] == '+') && all_digits(s, 6) &&
		    all_digits(s + 7, 4)) || (len == 10 && all_digits(s, 10))) {
		/* the century: the latest birth year on or before the as-of date
		 * ('-', no sign: younger than 100) or 100 years before that ('+') */
		int yy = num(s, 2), mm = num(s + 2, 2), dd = num(s + 4, 2);
		if (dd > 60)
			dd -= 60;
		int ay, am, ad;
		if (asof == DATE_NONE)
			return PNR_EFORMAT;
		date_to_ymd(asof, &ay, &am, &ad);
		year = ay - ((ay - yy) % 100 + 100) % 100;
		/* born later in the as-of year than the as-of date: a century back */
		if (year == ay && (mm > am || (mm == am && dd > ad)))
			year -= 100;
		if (len == 11 && s[6] == '+')
			year -= 100;
		if (year < 0)
			return PNR_EDATE;
		d12[0] = (char)('0' + year / 1000 % 10);
		d12[1] = (char)('0' + year / 100 % 10);
		memcpy(d12 + 2, s, 6);
		memcpy(d12 + 8, s + (len == 11 ? 7 : 6), 4);
	} else {
		return PNR_EFORMAT;
	}
	d12[12] = '\0';

	int y = num(d12, 4), m = num(d12 + 4, 2), d = num(d12 + 6, 2);
	bool samordning = d > 60;
	if (samordning)
		d -= 60;
	if (y < 1800 || !date_valid_ymd(y, m, d))
		return PNR_EDATE;
	if (!luhn_ok(d12 + 2))
		return PNR_ECHECKSUM;
	evb_date birth = date_from_ymd(y, m, d);
	if (asof != DATE_NONE && birth > asof)
		return PNR_EFUTURE;
	memcpy(out->digits, d12, 13);
	out->birth = birth;
	out->samordning = samordning;
	out->sex = (d12[10] - '0') % 2 == 0 ? 'K' : 'M';
	return PNR_OK;
}

char *pnr_format_digits(const char *digits12, char buf[static 14])
{
	if (strlen(digits12) != 12) {
		snprintf(buf, 14, "%.13s", digits12);
		return buf;
	}
	memcpy(buf, digits12, 8);
	buf[8] = '-';
	memcpy(buf + 9, digits12 + 8, 4);
	buf[13] = '\0';
	return buf;
}

char *pnr_format(const struct pnr *p, char buf[static 14])
{
	return pnr_format_digits(p->digits, buf);
}

const char *pnr_strerror(int code)
{
	switch (code) {
	case PNR_OK: return "no error";
	case PNR_EFORMAT: return "not a personnummer (YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN or YYMMDD+NNNN)";
	case PNR_EDATE: return "the birth date does not exist";
	case PNR_ECHECKSUM: return "wrong check digit";
	case PNR_EFUTURE: return "born after the evaluation date";
	default: return "invalid personnummer";
	}
}
