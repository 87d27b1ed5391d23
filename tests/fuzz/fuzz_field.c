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
	char buf[14];
	if (field_date(s, &d) == FIELD_OK && date_from_ymd(1900, 1, 1) > d)
		abort();
	(void)field_datetime(s, &i64);
	(void)field_bool(s, &b);
	if (field_number(s, &x) == FIELD_OK && x != x)
		abort();
	if (field_count(s, &i64) == FIELD_OK && i64 < 0)
		abort();
	if (field_month(s, &y, &m) == FIELD_OK && (m < 1 || m > 12))
		abort();
	/* the as-of date decides the century of the 10-digit forms */
	const evb_date asofs[] = {
		DATE_NONE, date_from_ymd(1900, 1, 1), date_from_ymd(2026, 11, 22),
		date_from_ymd(2199, 12, 31),
	};
	for (size_t i = 0; i < sizeof(asofs) / sizeof(asofs[0]); i++) {
		if (pnr_parse(s, asofs[i], &p) != PNR_OK)
			continue;
		if (strlen(p.digits) != 12 || strlen(pnr_format(&p, buf)) != 13 ||
		    (asofs[i] != DATE_NONE && p.birth > asofs[i]))
			abort();
	}
	free(s);
	return 0;
}
