/* The working list (SPEC 5.4): see due.h. */
#include "due.h"

#include <stdlib.h>
#include <string.h>

#include "calendar.h"

#define MIN_PER_DAY 1440
#define DAY_START (8 * 60)      /* 08:00 */
#define DAY_END (17 * 60)       /* 17:00 */

/* ---- the routine's dates ---------------------------------------------------------- */

void due_cycle(evb_date start, evb_date eval, struct due_row *row)
{
	int k = 1;
	evb_date t = add_months(start, 3);
	while (next_working_day_after(t) < eval)
		t = add_months(start, 3 * ++k);
	row->milestone = t;
	row->k = k;
	row->contact = add_months(start, 3 * k - 1) + 14;
	row->summary = last_working_day_before(t);
	row->message = next_working_day_after(t);
	row->passed = (uint8_t)((row->contact < eval ? DUE_CONTACT_PASSED : 0) |
				(row->summary < eval ? DUE_SUMMARY_PASSED : 0));
	row->nearest = row->contact >= eval ? row->contact
		       : row->summary >= eval ? row->summary : row->message;
}

void due_steps(const struct model *m, struct due_row *row, evb_date eval)
{
	const struct beslut *b = &m->beslut.v[row->beslut];
	evb_date contact_from = add_months(row->start, 3 * row->k - 1);
	evb_date summary_after = row->k > 1 ? add_months(row->start, 3 * (row->k - 1))
					    : row->start - 1;
	row->kontakt = row->sammanfattning = DATE_NONE;
	row->skal = IDX_NONE;
	/* handelser are sorted by date: the last one in a window wins */
	for (uint32_t i = b->h_first; i < b->h_first + beslut_h_n(m, b); i++) {
		const struct handelse *h = &m->handelser.v[i];
		if (h->datum > eval)
			break;
		if (h->typ == HT_KONTAKT && h->datum >= contact_from)
			row->kontakt = h->datum;
		else if (h->typ == HT_SAMMANFATTNING && h->datum > summary_after)
			row->sammanfattning = h->datum;
		else if (h->typ == HT_SKAL && h->datum >= row->start)
			row->skal = i;
	}
	row->missing = 0;
	if (row->kontakt == DATE_NONE && row->contact < eval)
		row->missing |= DUE_MISSING_CONTACT;
	if (row->sammanfattning == DATE_NONE && row->summary < eval)
		row->missing |= DUE_MISSING_SUMMARY;
	if (row->skal == IDX_NONE && next_working_day_after(add_months(row->start, 3)) < eval)
		row->missing |= DUE_MISSING_SKAL;
}

/* ---- working hours --------------------------------------------------------------- */

static evb_date day_of(int64_t minute)
{
	return (evb_date)(minute >= 0 ? minute / MIN_PER_DAY
			  : -((-minute + MIN_PER_DAY - 1) / MIN_PER_DAY));
}

int64_t due_order_clock_start(int64_t sent)
{
	evb_date day = day_of(sent);
	int64_t minute = sent - (int64_t)day * MIN_PER_DAY;
	if (is_working_day(day) && minute < DAY_START)
		return (int64_t)day * MIN_PER_DAY + DAY_START;
	if (is_working_day(day) && minute <= DAY_END)
		return sent;
	return (int64_t)next_working_day_after(day) * MIN_PER_DAY + DAY_START;
}

int64_t due_order_deadline(int64_t sent)
{
	int64_t cur = due_order_clock_start(sent), left = 24 * 60;
	for (;;) {
		evb_date day = day_of(cur);
		int64_t room = ((int64_t)day + 1) * MIN_PER_DAY - cur;
		if (left <= room)
			return cur + left;
		left -= room;
		cur = (int64_t)next_working_day_after(day) * MIN_PER_DAY;
	}
}

/* ---- building ------------------------------------------------------------------------ */

struct key {
	int64_t first;          /* the primary date or minute */
	const char *id;
	int64_t second;
	uint32_t idx;
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	int r = strcmp(x->id, y->id);
	if (r)
		return r;
	if (x->second != y->second)
		return x->second < y->second ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Reorders n elements of `size` bytes at v by keys (filled for each). */
static int reorder(void *v, uint32_t n, size_t size, struct key *keys)
{
	if (n == 0)         /* v may be NULL */
		return 0;
	sort_array(keys, n, sizeof(*keys), cmp_key);
	char *copy = malloc((size_t)n * size + 1);
	if (!copy)
		return EVB_ENOMEM;
	memcpy(copy, v, (size_t)n * size);
	for (uint32_t i = 0; i < n; i++)
		memcpy((char *)v + (size_t)i * size, copy + (size_t)keys[i].idx * size, size);
	free(copy);
	return 0;
}

static int add_row(const struct model *m, struct due_report *rep, uint32_t beslut,
		   enum case_kind kind, evb_date start)
{
	struct due_row *row = VEC_PUSH(rep->rows);
	if (!row)
		return EVB_ENOMEM;
	row->beslut = beslut;
	row->kind = (uint8_t)kind;
	row->start = start;
	due_cycle(start, rep->eval, row);
	due_steps(m, row, rep->eval);
	return 0;
}

/* Decisions waiting for their first delivered day, and decisions whose
 * delivery stopped and has not resumed, on E. */
static int waiting(const struct model *m, const struct case_set *cs, struct due_report *rep)
{
	struct delivery d;
	int ret = 0;
	memset(&d, 0, sizeof(d));
	for (uint32_t i = 0; i < m->beslut.n && !ret; i++) {
		const struct beslut_facts *f = &cs->facts[i];
		if (!f->in_scope || f->end != DATE_NONE)
			continue;
		if (f->first_delivered == DATE_NONE) {
			ret = add_row(m, rep, i, CASE_BESLUT, m->beslut.v[i].beslutsdatum);
			continue;
		}
		if ((ret = delivery_compute(m, &m->beslut.v[i], rep->eval, rep->eval, &d)))
			break;
		evb_date last = d.delivered.v[d.delivered.n - 1].e;
		if (last < rep->eval)
			ret = add_row(m, rep, i, CASE_AVBROTT, last + 1);
	}
	delivery_release(&d);
	return ret;
}

/* An order that led to an execution was in effect confirmed: one that
 * names it, or any execution of the decision starting on or after the day
 * the order was sent (up to E). */
static bool executed_after(const struct model *m, const struct beslut *b,
			   const struct bestallning *o, evb_date eval)
{
	for (uint32_t i = b->v_first; i < b->v_first + beslut_v_n(m, b); i++) {
		const struct verkstallighet *v = &m->verkstalligheter.v[i];
		if (v->startdatum <= eval &&
		    (v->bestallning_ref == o->id || v->startdatum >= day_of(o->skickad)))
			return true;
	}
	return false;
}

static int orders(const struct model *m, const struct templates *t,
		  const struct case_set *cs, struct due_report *rep)
{
	int hemtjanst = templates_insats_find(t, "SOL_HEMTJANST");
	int64_t day_after = ((int64_t)rep->eval + 1) * MIN_PER_DAY;
	evb_date lookback = add_months(rep->eval, -DUE_LOOKBACK_MONTHS);
	for (uint32_t i = 0; i < m->bestallningar.n; i++) {
		const struct bestallning *o = &m->bestallningar.v[i];
		const struct beslut *b = &m->beslut.v[o->beslut];
		if (b->insats != hemtjanst || b->utfall == UTFALL_AVSLAG || o->skickad >= day_after)
			continue;
		int64_t deadline = due_order_deadline(o->skickad);
		bool confirmed = o->bekraftad != INT32_MIN && o->bekraftad < day_after;
		bool open = o->avslutad_datum == DATE_NONE || o->avslutad_datum > rep->eval;
		bool list = confirmed
			? o->bekraftad > deadline && day_of(o->skickad) > lookback
			: deadline < day_after && open && cs->facts[o->beslut].end == DATE_NONE &&
			  !executed_after(m, b, o, rep->eval);
		if (!list)
			continue;
		struct due_order *x = VEC_PUSH(rep->orders);
		if (!x)
			return EVB_ENOMEM;
		*x = (struct due_order){ i, o->beslut, deadline };
	}
	return 0;
}

static int pauses(const struct model *m, struct due_report *rep)
{
	evb_date lookback = add_months(rep->eval, -DUE_LOOKBACK_MONTHS);
	for (uint32_t i = 0; i < m->avbrott.n; i++) {
		const struct avbrott *a = &m->avbrott.v[i];
		evb_date reg = a->registrerad_datum;
		if (reg == DATE_NONE || reg > rep->eval || reg <= lookback ||
		    reg - a->fran_datum <= 7)
			continue;
		struct due_pause *x = VEC_PUSH(rep->pauses);
		if (!x)
			return EVB_ENOMEM;
		*x = (struct due_pause){ i, a->beslut, reg - a->fran_datum };
	}
	return 0;
}

static int sort_all(const struct model *m, struct due_report *rep)
{
	uint32_t n = rep->rows.n > rep->orders.n ? rep->rows.n : rep->orders.n;
	if (rep->pauses.n > n)
		n = rep->pauses.n;
	struct key *k = malloc(((size_t)n + 1) * sizeof(*k));
	if (!k)
		return EVB_ENOMEM;
	for (uint32_t i = 0; i < rep->rows.n; i++) {
		const struct due_row *r = &rep->rows.v[i];
		k[i] = (struct key){ r->nearest, str_get(m, m->beslut.v[r->beslut].id),
				     (int64_t)r->kind << 32 | (uint32_t)r->start, i };
	}
	int ret = reorder(rep->rows.v, rep->rows.n, sizeof(*rep->rows.v), k);
	for (uint32_t i = 0; i < rep->orders.n && !ret; i++) {
		const struct due_order *o = &rep->orders.v[i];
		k[i] = (struct key){ o->deadline, str_get(m, m->bestallningar.v[o->order].id),
				     0, i };
	}
	if (!ret)
		ret = reorder(rep->orders.v, rep->orders.n, sizeof(*rep->orders.v), k);
	for (uint32_t i = 0; i < rep->pauses.n && !ret; i++) {
		const struct avbrott *a = &m->avbrott.v[rep->pauses.v[i].avbrott];
		k[i] = (struct key){ a->registrerad_datum, str_get(m, a->id), 0, i };
	}
	if (!ret)
		ret = reorder(rep->pauses.v, rep->pauses.n, sizeof(*rep->pauses.v), k);
	free(k);
	return ret;
}

int due_build(const struct model *m, const struct templates *t, evb_date eval,
	      struct due_report *rep)
{
	struct case_set cs;
	memset(rep, 0, sizeof(*rep));
	rep->eval = eval;
	int ret = cases_compute(m, t, eval, &cs);
	if (ret)
		return ret;
	if (!(ret = waiting(m, &cs, rep)) && !(ret = orders(m, t, &cs, rep)) &&
	    !(ret = pauses(m, rep)))
		ret = sort_all(m, rep);
	cases_release(&cs);
	if (ret)
		due_release(rep);
	return ret;
}

void due_release(struct due_report *rep)
{
	free(rep->rows.v);
	free(rep->orders.v);
	free(rep->pauses.v);
	memset(rep, 0, sizeof(*rep));
}
