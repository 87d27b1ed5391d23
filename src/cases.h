/*
 * The case computation of SPEC section 3: which decisions are in scope,
 * their end A and first delivered day S, non-execution cases (3.2),
 * interruption cases (3.3), replaced decisions (3.4) and the quarterly
 * classification (3.5). Pure computation on the model: no output here.
 */
#ifndef EVB_CASES_H
#define EVB_CASES_H

#include "model.h"
#include "templates.h"

enum case_kind { CASE_BESLUT = 0, CASE_AVBROTT = 1 };

/* One case: a decision not executed by T1, or an interruption not resumed
 * by U1. Closed by execution/resumption (executed) or by the decision's end
 * (ended) - never both; both DATE_NONE while open on the evaluation date. */
struct evb_case {
	uint32_t beslut;
	uint8_t kind;           /* enum case_kind */
	uint8_t orsak;          /* enum avslutsorsak when ended */
	evb_date start;         /* D (beslut) or B (avbrott) */
	evb_date executed;      /* S or R */
	evb_date ended;         /* A */
};

/* What the computation knows about each decision (index = beslut index). */
struct beslut_facts {
	evb_date end;           /* A, DATE_NONE when not ended on or before E */
	evb_date first_delivered;  /* S, DATE_NONE when nothing delivered */
	uint32_t replaced;      /* 3.4: the decision this one replaces (executed
				 * or not), IDX_NONE */
	uint32_t previous;      /* 3.4: the replaced decision when it was in
				 * scope and never executed (the chain) */
	evb_date chain_first;   /* 3.4: decision date of the chain's first one */
	uint8_t orsak;          /* avslutsorsak of A */
	bool in_scope;          /* 3.1, and D <= E */
};

/* A closed interval of days [s, e]. */
struct span {
	evb_date s, e;
};

/* A decision's days as known on E (SPEC 3.3), each list sorted, merged
 * and clipped to [D, lim]: exec = the union of its executions, pause = the
 * union of its explicit avbrott, delivered = exec minus pause. Executions
 * and avbrott starting after E do not exist; ends after E are not known
 * yet (ongoing). One struct can be reused for many decisions. */
struct delivery {
	VEC(struct span) exec, pause, delivered;
};
int delivery_compute(const struct model *m, const struct beslut *b,
		     evb_date eval, evb_date lim, struct delivery *d);
void delivery_release(struct delivery *d);
/* How many days of the spans fall in [from, to]. */
int32_t spans_days_in(const struct span *v, uint32_t n, evb_date from, evb_date to);

struct case_set {
	evb_date eval;          /* E */
	struct beslut_facts *facts;   /* model->beslut.n entries */
	VEC(struct evb_case) cases;   /* sorted by beslut, start */
};

/* Computes every case as of E. Returns 0 or EVB_ENOMEM. */
int cases_compute(const struct model *m, const struct templates *t,
		  evb_date eval, struct case_set *out);
void cases_release(struct case_set *cs);
/* Only the end A of every decision (facts[i].end of cases_compute): *out
 * gets model->beslut.n dates, to free. Returns 0 or EVB_ENOMEM. */
int cases_ends(const struct model *m, evb_date eval, evb_date **out);

/* The first milestone M1 = add_months(start, 3). */
evb_date case_first_milestone(const struct evb_case *c);
/* The date the case closed (executed or ended), DATE_NONE when open. */
evb_date case_closed(const struct evb_case *c);
/* Open at X: neither executed nor ended on or before X. */
bool case_open_at(const struct evb_case *c, evb_date x);

/* ---- quarterly classification (3.5) ---------------------------------- */

enum rapporttyp {
	RT_NY, RT_NY_AVBROTT, RT_ATER, RT_SLUT_VERKSTALLT, RT_SLUT_AVSLUTAT,
	RT__N
};

struct case_row {
	uint8_t typ;            /* enum rapporttyp */
	evb_date milestone;     /* Ny/Åter: the milestone in the quarter; Slut: M1 */
	evb_date title_date;    /* the date of the message title */
	evb_date executed;      /* carried when closed by execution by C */
	evb_date ended;         /* carried when closed by an end by C */
};

/*
 * Classifies one case for the quarter (prev_cutoff, cutoff]; in a
 * preliminary run pass cutoff = E. Returns true and fills row when the case
 * gets a row this quarter.
 */
bool case_classify(const struct evb_case *c, evb_date prev_cutoff,
		   evb_date cutoff, struct case_row *row);

/* ---- messages (SPEC 1 and 5.1, "Meddelanden") ---------------------- */

/* One message the routine requires: the title's rapporttyp and date. */
struct case_message {
	uint8_t typ;            /* enum rapporttyp */
	evb_date date;          /* the milestone M_k, or the closing date */
	uint8_t k;              /* the milestone's number, 0 for a closing */
};

/*
 * The messages of a case in (prev_cutoff, eval]: each milestone M_k in it
 * at which the case is still open (Ny/Ny avbrott for k = 1, Åter for
 * k >= 2), then the closing date when it falls in it (Slut). Milestones
 * are three months apart and counted from the start, so at most one falls
 * in a quarter: at most two messages. Returns how many it wrote to out.
 */
int case_messages(const struct evb_case *c, evb_date prev_cutoff, evb_date eval,
		  struct case_message out[2]);

/* ---- quarters --------------------------------------------------------- */

/* "2026Q3" -> year 2026, quarter 3. 0 or EVB_EINVAL. */
int quarter_parse(const char *s, int *year, int *quarter);
/* Cut-off (brytdatum) of a quarter: 31 Mar, 30 Jun, 30 Sep, 31 Dec. */
evb_date quarter_cutoff(int year, int quarter);
/* Reporting deadline (SPEC section 1): 30 April, 31 August (the report for
 * the second quarter is made in July-August), 31 October, 31 January. */
evb_date quarter_deadline(int year, int quarter);
/* Moves (year, quarter) by n quarters. */
void quarter_step(int *year, int *quarter, int n);

#endif
