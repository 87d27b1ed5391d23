/*
 * The working list (bevakning, SPEC 5.4 and the routine of section 1) as
 * data: every decision in scope not yet executed and every interruption
 * not yet resumed on the evaluation date E, with the routine's due dates of
 * the current three-month cycle; hemtjänst orders not confirmed within 24
 * hours of working days (still unconfirmed on E and not executed, or confirmed late
 * within the last DUE_LOOKBACK_MONTHS); temporary pauses registered more
 * than seven days after they began (registered within the look-back).
 * cmd_due.c writes it.
 */
#ifndef EVB_DUE_H
#define EVB_DUE_H

#include "cases.h"

/* Which of a row's due dates lie before E, and which steps are missing
 * after their due date (SPEC 5.4). */
enum { DUE_CONTACT_PASSED = 1 << 0, DUE_SUMMARY_PASSED = 1 << 1 };
enum { DUE_MISSING_CONTACT = 1 << 0, DUE_MISSING_SUMMARY = 1 << 1,
       DUE_MISSING_SKAL = 1 << 2 };

struct due_row {
	uint32_t beslut;
	uint8_t kind;           /* enum case_kind */
	uint8_t passed;         /* DUE_*_PASSED */
	evb_date start;         /* D, or B for an interruption */
	evb_date milestone;     /* T_k of the current cycle */
	evb_date contact;       /* add_months(start, 3k - 1) + 14 days */
	evb_date summary;       /* last working day before T_k */
	evb_date message;       /* first working day after T_k (never before E) */
	evb_date nearest;       /* the earliest of the three not before E */
	int k;                  /* the cycle's number: milestone = M_k */
	/* the steps documented in the journal (due_steps) */
	evb_date kontakt;       /* latest kontakt in [add_months(start, 3k - 1), E] */
	evb_date sammanfattning;/* latest sammanfattning in (M_(k-1), E], [start, E] for k = 1 */
	uint32_t skal;          /* latest skal on or after start: index into
				 * m->handelser, IDX_NONE */
	uint8_t missing;        /* DUE_MISSING_* */
};

struct due_order {
	uint32_t order;         /* index into m->bestallningar */
	uint32_t beslut;
	int64_t deadline;       /* minutes since 1970, local time */
};

struct due_pause {
	uint32_t avbrott;
	uint32_t beslut;
	int32_t days;           /* registrerad_datum - fran_datum */
};

struct due_report {
	evb_date eval;
	VEC(struct due_row) rows;       /* by nearest due date, beslut-id, kind, start */
	VEC(struct due_order) orders;   /* by deadline, order id */
	VEC(struct due_pause) pauses;   /* by registration date, avbrott id */
};

/* Late confirmations and late registrations are listed when they happened
 * within this many months before E (older ones are history, not work). */
#define DUE_LOOKBACK_MONTHS 3

/* The routine's cycle for a clock started on `start`, as seen on E: the
 * first k >= 1 whose message (first working day after T_k) is not before
 * E, and its dates. Fills row->milestone, contact, summary, message,
 * nearest and passed. */
void due_cycle(evb_date start, evb_date eval, struct due_row *row);

/* The documented steps of the row's current cycle from the journal of its
 * decision (row->beslut), up to E: fills kontakt, sammanfattning, skal and
 * missing. Skäl is missing once the first message was due (the first
 * working day after M1) and no skal event exists. */
void due_steps(const struct model *m, struct due_row *row, evb_date eval);

/* When the 24 working hours of an order sent at `sent` (minutes since 1970,
 * local time) start: at once inside 08:00-17:00 of a working day, else at
 * 08:00 of the next working day (the same day when sent before 08:00). */
int64_t due_order_clock_start(int64_t sent);
/* The moment 24 working hours after the clock started: only the hours of
 * working days count. */
int64_t due_order_deadline(int64_t sent);

int due_build(const struct model *m, const struct templates *t, evb_date eval,
	      struct due_report *out);
void due_release(struct due_report *rep);

#endif
