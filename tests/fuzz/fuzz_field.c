/* Fuzz harness: every field parser (src/field.c, src/personnr.c) on the
 * input as one NUL-terminated value. */
#include "fuzz.h"
#include "calendar.h"
#include "field.h"
#include "personnr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	evb_date d;
	int64_t i64;
	bool b;
	double x;
	int y, m;
	struct pnr p;
	(void)field_date(s, &d);
	(void)field_datetime(s, &i64);
	(void)field_bool(s, &b);
	(void)field_number(s, &x);
	(void)field_count(s, &i64);
	(void)field_month(s, &y, &m);
	(void)pnr_parse(s, date_from_ymd(2026, 11, 22), &p);
	free(s);
	return 0;
}
