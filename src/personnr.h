/*
 * Personnummer and samordningsnummer (SPEC section 4).
 * Accepted forms: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDD+NNNN
 * ('+' = 100 years or older on the as-of date, which decides the century;
 * '-' or no sign with 10 digits = younger than 100 on the as-of date).
 * Samordningsnummer have day + 60. The last digit is a Luhn check digit over
 * the 10-digit form.
 */
#ifndef EVB_PERSONNR_H
#define EVB_PERSONNR_H

#include "evb.h"

enum {
	PNR_OK = 0,
	PNR_EFORMAT = -1,    /* not one of the accepted forms */
	PNR_EDATE = -2,      /* the birth date does not exist */
	PNR_ECHECKSUM = -3,  /* Luhn check digit wrong */
	PNR_EFUTURE = -4,    /* born after the as-of date */
};

struct pnr {
	char digits[13];     /* normalised: 12 digits, NUL-terminated */
	evb_date birth;      /* birth date (day - 60 for samordningsnummer) */
	bool samordning;     /* samordningsnummer */
	char sex;            /* 'K' (woman: ninth digit even) or 'M' (man) */
};

/* asof decides the century of the 10-digit forms and what is "born in the
 * future". With asof == DATE_NONE only the 12-digit forms are accepted (a
 * 10-digit form gives PNR_EFORMAT) and no birth date is in the future.
 * *out is written only on PNR_OK. */
int pnr_parse(const char *s, evb_date asof, struct pnr *out);
/* "YYYYMMDD-NNNN" (14 bytes with NUL). Returns buf. */
char *pnr_format(const struct pnr *p, char buf[static 14]);
/* Same, from the 12 normalised digits. */
char *pnr_format_digits(const char *digits12, char buf[static 14]);
const char *pnr_strerror(int code);

#endif
