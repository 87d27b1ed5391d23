/*
 * The monthly fee basis (SPEC 5.3) as data: one row per favourable decision
 * with delivered days in the month, the fee per person under the maxtaxa
 * and the person's avgiftsutrymme, meals on top, and the month's billing
 * checks (added to the model's findings under fees_check_keys).
 * cmd_fees.c writes it.
 *
 * Money is kept in öre and quantities in hundredths (int64), so that every
 * rounding is exact: half away from zero, as the spec asks.
 */
#ifndef EVB_FEES_H
#define EVB_FEES_H

#include "meals.h"
#include "model.h"
#include "templates.h"

/* Händelse flags, in the order they are shown. */
enum {
	FEE_NY = 1 << 0,          /* first execution start in the month */
	FEE_NYTT_BESLUT = 1 << 1, /* replaces a decision and starts in the month */
	FEE_AVBROTT = 1 << 2,     /* interruption days in the month */
	FEE_AVSLUT = 1 << 3,      /* ended in the month: slutfaktura */
	FEE_AVSLUT_LARM = 1 << 4, /* a hemtjänst ended in the month while the
				   * person's trygghetslarm goes on: no
				   * slutfaktura (instead of FEE_AVSLUT) */
	FEE__COMBINATIONS = 1 << 5,   /* every set of the flags is below this */
};

struct fee_row {
	uint32_t beslut, person;
	str_ref utforare;
	evb_date verkstalld_fran;  /* the decision's earliest execution start */
	evb_date avslutad;         /* on or before the month's last day, else none */
	int32_t days;              /* Debiterbara dagar */
	int32_t pause_days;        /* Avbrottsdagar */
	int64_t units;             /* Debiterbar omfattning in hundredths, AMOUNT_UNKNOWN */
	int64_t pris;              /* öre per unit, AMOUNT_UNKNOWN when taxor.csv has none */
	int64_t belopp;            /* öre, AMOUNT_UNKNOWN */
	uint8_t events;            /* FEE_* */
};

struct fee_person {
	uint32_t person;
	uint32_t missing;          /* decisions whose Belopp could not be computed:
				    * then omsorgsbelopp, omsorgsavgift and summa
				    * are AMOUNT_UNKNOWN (an incomplete basis is
				    * never 0 kr) */
	int64_t omsorgsbelopp;     /* sum of the rows' Belopp */
	int64_t utrymme;           /* avgiftsutrymme in öre, AMOUNT_UNKNOWN */
	int64_t omsorgsavgift;     /* capped */
	int64_t maltider;          /* the month's meals, outside the cap */
	int64_t summa;
};

struct fee_report {
	int year, month;
	evb_date first, last;
	int64_t maxtaxa;           /* öre per month */
	int64_t prisbasbelopp;     /* kronor */
	VEC(struct fee_row) rows;        /* by personnummer, beslut-id */
	VEC(struct fee_person) persons;  /* by personnummer */
	uint32_t new_or_ended;           /* rows with Ny, Nytt beslut or Avslut */
	uint32_t incomplete;             /* persons with missing amounts */
	/* over the persons whose amounts are complete */
	int64_t sum_avgift, sum_maltider, sum_total;
};

extern const char *const fees_check_keys[];

/* Debiterbar omfattning in hundredths: per-month units (tim/man, dygn/man,
 * st/man) omfattning x days / days_in_month, per-week units (tim/vecka,
 * tillf/vecka) omfattning x days / 7, rounded half away from zero.
 * AMOUNT_UNKNOWN without omfattning or unit. */
int64_t fee_units(double omfattning, int enhet, int32_t days, int days_in_month);
/* units (hundredths) x price (öre per unit) in öre, half away from zero. */
int64_t fee_amount(int64_t units, int64_t pris);
/* min(omsorgsbelopp, maxtaxa, avgiftsutrymme when known - zero when that is
 * zero or negative), all in öre. */
int64_t fee_cap(int64_t omsorgsbelopp, int64_t maxtaxa, int64_t utrymme);

/* Builds the fee basis for the month; meals is the same month's meal report
 * (its amounts per person). EVB_EINVAL when maxtaxa.csv lacks the year,
 * EVB_ENOMEM. */
int fees_build(struct model *m, const struct templates *t, int year, int month,
	       const struct meal_report *meals, struct fee_report *out);
void fees_release(struct fee_report *rep);

#endif
