/*
 * The monthly meal report (SPEC 5.2) as data: the month's meals per enhet,
 * person and måltidstyp with price and amount, totals per enhet, and the
 * meal checks (added to the model's findings under the keys in
 * meals_check_keys). cmd_meals.c writes it; evb fees uses the amounts per
 * person.
 *
 * A month's meals may come per date or as monthly counts; both are summed.
 * A registration repeated for the same person, enhet, date and måltidstyp
 * is flagged and counted once (the larger antal), so that nobody pays twice
 * for one meal. Monthly counts are never merged: two monthly rows are two
 * counts.
 */
#ifndef EVB_MEALS_H
#define EVB_MEALS_H

#include "model.h"
#include "templates.h"

/* The insats whose executions serve meals (SPEC 5.2: dagverksamhet). */
#define MEALS_INSATS "SOL_DAGVERKSAMHET"

struct meal_row {
	uint32_t person;
	str_ref enhet;
	uint8_t typ;            /* enum maltidstyp */
	int64_t antal;
	int64_t pris;           /* öre per meal, AMOUNT_UNKNOWN when taxor.csv has none */
	int64_t belopp;         /* öre, AMOUNT_UNKNOWN when the price is missing */
};

struct meal_unit {
	str_ref enhet;
	int64_t antal, belopp;  /* belopp of the rows with a price */
};

struct meal_report {
	int year, month;
	evb_date first, last;   /* the month's first and last day */
	VEC(struct meal_row) rows;    /* by enhet, personnummer, måltidstyp text */
	VEC(struct meal_unit) units;  /* by enhet */
	int64_t antal, belopp;        /* totals */
	uint32_t persons;             /* distinct persons with meals */
};

/* Check keys of the meal workbook's "Kontroller", NULL-terminated. */
extern const char *const meals_check_keys[];

/* Builds the report for the month; adds the checks to m->findings.
 * 0 or EVB_ENOMEM. */
int meals_build(struct model *m, const struct templates *t, int year, int month,
		struct meal_report *out);
void meals_release(struct meal_report *rep);

/* The month's meal amount per person in öre (rows without a price count
 * 0): npersons entries, index = person. Caller frees; NULL on ENOMEM. */
int64_t *meals_per_person(const struct meal_report *rep, uint32_t npersons);

#endif
