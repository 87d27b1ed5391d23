/*
 * Swedish calendar (SPEC section 2): date arithmetic, Easter, public
 * holidays, de-facto closed days and working days. Valid for 1953-2199;
 * date arithmetic itself works for any year 1..9999.
 */
#ifndef EVB_CALENDAR_H
#define EVB_CALENDAR_H

#include "evb.h"

bool date_valid_ymd(int y, int m, int d);
/* No validation: call date_valid_ymd first for untrusted values. */
evb_date date_from_ymd(int y, int m, int d);
void date_to_ymd(evb_date d, int *y, int *m, int *day);
int days_in_month(int y, int m);
bool is_leap_year(int y);
/* 1 = Monday ... 7 = Sunday */
int date_weekday(evb_date d);
/* Writes "YYYY-MM-DD" (11 bytes with NUL); "" for DATE_NONE. Returns buf. */
char *date_format(evb_date d, char buf[static 11]);

/* Same day-of-month n months later (n may be negative); the month's last day
 * when it has no such day. 2025-11-30 + 3 = 2026-02-28. */
evb_date add_months(evb_date d, int n);

/* Gregorian Easter Sunday of the year. */
evb_date easter_sunday(int year);

/* Public holiday (helgdag) by the rules in force in d's year, incl. Sundays? No:
 * only the named days of SPEC section 2. Returns its Swedish name or NULL. */
const char *holiday_name(evb_date d);
/* De-facto closed day: midsommarafton, julafton, nyårsafton. Name or NULL. */
const char *closed_day_name(evb_date d);
/* Monday-Friday, not a public holiday, not a closed day. */
bool is_working_day(evb_date d);
/* First working day strictly after d / last working day strictly before d. */
evb_date next_working_day_after(evb_date d);
evb_date last_working_day_before(evb_date d);

#endif
