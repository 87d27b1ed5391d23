/*
 * The quarterly IVO report (SPEC 5.1) as data: the rows of
 * "Individrapporter" with everything they show resolved, in report order,
 * and the counts of the statistics report. cmd_ivo.c writes them.
 */
#ifndef EVB_IVO_H
#define EVB_IVO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cases.h"

struct ivo_row {
	struct case_row r;
	uint32_t beslut, person;
	uint8_t kind;           /* enum case_kind */
	uint8_t orsak;          /* avslutsorsak when the row carries an end */
	evb_date start;         /* D or B */
	evb_date closed;        /* executed or ended, DATE_NONE when open at E */
	const struct insats_info *insats;
	const char *ansvarig;
	str_ref beslut_id;      /* the decision's, kept for sorting */
};

/* One message of "Meddelanden" (SPEC 5.1). */
struct ivo_message {
	struct case_message msg;
	uint32_t beslut, person;
	uint8_t kind;           /* enum case_kind */
	uint8_t orsak;          /* avslutsorsak of a Slutrapportering, avslutat */
	evb_date start;         /* D or B */
	evb_date send_by;       /* next working day after msg.date */
	const struct insats_info *insats;
	const char *ansvarig;
	str_ref beslut_id;      /* the decision's, kept for sorting */
};

struct ivo_report {
	int year, quarter;
	evb_date cutoff, prev_cutoff, deadline;
	evb_date eval;          /* E = min(cut-off, as-of) */
	bool preliminary;       /* as-of before the cut-off */
	struct case_set cases;
	VEC(struct ivo_row) rows;
	VEC(struct ivo_message) messages;  /* by ansvarig, send-by date, beslut-id,
					    * avbrottsdatum, Ny/Åter before Slut */
	uint16_t *ids;          /* IVO-id digits per person */
};

/* Evaluation date of a quarter's report: min(cut-off, as-of). */
evb_date ivo_eval_date(int year, int quarter, evb_date asof);

/* Computes cases, IVO-ids (adds collision findings to m) and the sorted
 * rows. 0, EVB_ENOMEM or EVB_EINVAL (the crypto library failed). */
int ivo_build(struct model *m, const struct templates *t, int year,
	      int quarter, evb_date asof, const void *key, size_t keylen,
	      struct ivo_report *out);
void ivo_release(struct ivo_report *rep);

/* The person's responsible reporter for a decision (9 § 8 executed
 * externally goes to the catalogue's ansvarig_externt). */
const char *ivo_ansvarig(const struct insats_info *ins, bool externt);

/* What the journal says about a decision in [from, E] (from = the case's
 * start, D or B): the latest event of each type (NULL when none), and the
 * utförare of the latest order sent up to E. */
struct journal {
	const struct handelse *last[HT__N];
	str_ref utforare;
};
void ivo_journal(const struct model *m, const struct beslut *b, evb_date from,
		 evb_date eval, struct journal *j);

/*
 * Fetches into the caches, ahead of use, what ivo_journal and a report row
 * read of decision `beslut`. Rows go by ansvarig and case, not by
 * decision, so with millions of decisions each of those reads is a trip
 * to memory. Stage 0 fetches the decision; stage 1 (a few rows later, the
 * decision in cache) its person, events and orders; stage 2 (later still)
 * the person's and the decision's strings. A report loop calls each stage
 * for a row some rows before it reaches it: ivo_prefetch_ahead.
 */
void ivo_prefetch(const struct model *m, uint32_t beslut, int stage);
/* The decision's index (a uint32_t, `offset` bytes into each row) of row k
 * of the rows at `rows`, each `size` bytes. */
static inline uint32_t ivo_row_beslut(const void *rows, size_t size, size_t offset, uint32_t k)
{
	uint32_t beslut;
	memcpy(&beslut, (const char *)rows + (size_t)k * size + offset, sizeof(beslut));
	return beslut;
}
/*
 * The three stages for the decisions of rows i + 8, i + 4 and i + 2 of the
 * n rows at `rows` (as ivo_row_beslut reads them): ivo_prefetch_ahead(m, v,
 * sizeof(*v), offsetof(struct ivo_row, beslut), i, n).
 */
static inline void ivo_prefetch_ahead(const struct model *m, const void *rows, size_t size,
				      size_t offset, uint32_t i, uint32_t n)
{
	if ((uint64_t)i + 8 < n)
		ivo_prefetch(m, ivo_row_beslut(rows, size, offset, i + 8), 0);
	if ((uint64_t)i + 4 < n)
		ivo_prefetch(m, ivo_row_beslut(rows, size, offset, i + 4), 1);
	if ((uint64_t)i + 2 < n)
		ivo_prefetch(m, ivo_row_beslut(rows, size, offset, i + 2), 2);
}

/* The message title of SPEC section 1 into buf; returns buf. */
char *ivo_title(const struct templates *t, uint8_t typ, evb_date date,
		bool forhandsbesked, const char *short_name, char *buf,
		size_t size);

/* ---- statistics ------------------------------------------------------- */

enum { WAIT_3_6, WAIT_6_12, WAIT_OVER_12, WAIT__N };

/* Waiting-time class of a case open at `at` whose clock started at start:
 * 3-6 months (before start + 6 months), 6-12 months (before start + 12
 * months), over 12 months. */
int ivo_wait_class(evb_date start, evb_date at);

struct ivo_counts {
	long open[WAIT__N];
	long executed, ended;   /* cases closed in (prev, at] */
};

/* Adds the case to counts for the quarter (prev, at]: open at `at` with M1
 * on or before it, or closed in the quarter. */
void ivo_count(const struct evb_case *c, evb_date prev, evb_date at,
	       struct ivo_counts *counts);

#endif
