/*
 * SPEC section 2. Day numbers use the days-from-civil algorithm (proleptic
 * Gregorian, era-based), Easter the anonymous Gregorian computus
 * (Meeus/Jones/Butcher).
 */
#include "calendar.h"

bool is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

bool date_valid_ymd(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

evb_date date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (evb_date)(era * 146097 + doe - 719468);
}

void date_to_ymd(evb_date z0, int *y, int *m, int *d)
{
	int z = z0 + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int date_weekday(evb_date d)
{
	/* 1970-01-01 was a Thursday (4) */
	int w = (int)((d % 7 + 7) % 7);
	return (w + 3) % 7 + 1;
}

char *date_format(evb_date d, char buf[static 11])
{
	if (d == DATE_NONE) {
		buf[0] = '\0';
		return buf;
	}
	int y, m, day;
	date_to_ymd(d, &y, &m, &day);
	/* "%04u-%02u-%02u" of the year mod 10000, by hand: a report formats
	 * millions of dates */
	unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)day % 100u;
	buf[0] = (char)('0' + uy / 1000);
	buf[1] = (char)('0' + uy / 100 % 10);
	buf[2] = (char)('0' + uy / 10 % 10);
	buf[3] = (char)('0' + uy % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + um / 10);
	buf[6] = (char)('0' + um % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + ud / 10);
	buf[9] = (char)('0' + ud % 10);
	buf[10] = '\0';
	return buf;
}

evb_date add_months(evb_date d, int n)
{
	if (d == DATE_NONE)
		return DATE_NONE;
	int y, m, day;
	date_to_ymd(d, &y, &m, &day);
	int idx = y * 12 + (m - 1) + n;
	int ny = idx >= 0 ? idx / 12 : (idx - 11) / 12;
	int nm = idx - ny * 12 + 1;
	int dim = days_in_month(ny, nm);
	return date_from_ymd(ny, nm, day > dim ? dim : day);
}

evb_date easter_sunday(int year)
{
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4;
	int f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;
	return date_from_ymd(year, month, day);
}

const char *holiday_name(evb_date date)
{
	if (date == DATE_NONE)
		return NULL;
	int y, m, d;
	date_to_ymd(date, &y, &m, &d);
	int wd = date_weekday(date);
	/* Fixed dates first: when two holidays fall on one day (2008-05-01 was
	 * both första maj and Kristi himmelsfärdsdag) the fixed name wins. */
	if (m == 1 && d == 1)
		return "nyårsdagen";
	if (m == 1 && d == 6)
		return "trettondedag jul";
	if (m == 5 && d == 1)
		return "första maj";
	/* Sveriges nationaldag is a holiday from 2005; until 2004 annandag
	 * pingst was one instead */
	if (m == 6 && d == 6 && y >= 2005)
		return "Sveriges nationaldag";
	if (m == 6 && d >= 20 && d <= 26 && wd == 6)
		return "midsommardagen";
	if (((m == 10 && d == 31) || (m == 11 && d <= 6)) && wd == 6)
		return "alla helgons dag";
	if (m == 12 && d == 25)
		return "juldagen";
	if (m == 12 && d == 26)
		return "annandag jul";
	evb_date e = easter_sunday(y);
	if (date == e - 2)
		return "långfredagen";
	if (date == e)
		return "påskdagen";
	if (date == e + 1)
		return "annandag påsk";
	if (date == e + 39)
		return "Kristi himmelsfärdsdag";
	if (date == e + 49)
		return "pingstdagen";
	if (date == e + 50 && y <= 2004)
		return "annandag pingst";
	return NULL;
}

const char *closed_day_name(evb_date date)
{
	if (date == DATE_NONE)
		return NULL;
	int y, m, d;
	date_to_ymd(date, &y, &m, &d);
	if (m == 6 && d >= 19 && d <= 25 && date_weekday(date) == 5)
		return "midsommarafton";
	if (m == 12 && d == 24)
		return "julafton";
	if (m == 12 && d == 31)
		return "nyårsafton";
	return NULL;
}

bool is_working_day(evb_date d)
{
	return d != DATE_NONE && date_weekday(d) <= 5 && !holiday_name(d) && !closed_day_name(d);
}

/* DATE_NONE stays DATE_NONE (no signed overflow at INT32_MIN) */
evb_date next_working_day_after(evb_date d)
{
	if (d == DATE_NONE)
		return DATE_NONE;
	do
		d++;
	while (!is_working_day(d));
	return d;
}

evb_date last_working_day_before(evb_date d)
{
	if (d == DATE_NONE)
		return DATE_NONE;
	do
		d--;
	while (!is_working_day(d));
	return d;
}
