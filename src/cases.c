/*
 * SPEC section 3. Every date here is a day number; "facts after E do not
 * exist" is applied once, when a decision's intervals are collected.
 */
#include "cases.h"

#include <stdlib.h>
#include <string.h>

#include "calendar.h"

static evb_date min_date(evb_date a, evb_date b)
{
	if (a == DATE_NONE)
		return b;
	if (b == DATE_NONE)
		return a;
	return a < b ? a : b;
}

evb_date case_first_milestone(const struct evb_case *c)
{
	return add_months(c->start, 3);
}

evb_date case_closed(const struct evb_case *c)
{
	return c->executed != DATE_NONE ? c->executed : c->ended;
}

bool case_open_at(const struct evb_case *c, evb_date x)
{
	evb_date closed = case_closed(c);
	return closed == DATE_NONE || closed > x;
}

/* ---- the decision's end A (section 3) -------------------------------- */

/* Candidate ends in the order of the spec; the first of equal dates gives
 * the avslutsorsak. Only ends on or before E count. */
static void consider_end(struct beslut_facts *f, evb_date d, uint8_t orsak,
			 evb_date eval)
{
	if (d == DATE_NONE || d > eval)
		return;
	if (f->end == DATE_NONE || d < f->end) {
		f->end = d;
		f->orsak = orsak;
	}
}

/* The earliest day before which a replacing decision takes effect, for
 * every decision replaced through ersatter_beslut_id (DATE_NONE if none).
 * Only replacing decisions that exist (D <= E) count. */
static int replacement_ends(const struct model *m, evb_date eval, evb_date **out)
{
	evb_date *r = malloc((m->beslut.n ? m->beslut.n : 1) * sizeof(*r));
	if (!r)
		return EVB_ENOMEM;
	for (uint32_t i = 0; i < m->beslut.n; i++)
		r[i] = DATE_NONE;
	for (uint32_t i = 0; i < m->beslut.n; i++) {
		const struct beslut *n = &m->beslut.v[i];
		if (n->replaces == IDX_NONE || n->replaces == i || n->beslutsdatum > eval)
			continue;
		evb_date effect = n->giltig_from != DATE_NONE ? n->giltig_from : n->beslutsdatum;
		r[n->replaces] = min_date(r[n->replaces], effect - 1);
	}
	*out = r;
	return 0;
}

static void decision_end(const struct model *m, const struct beslut *b,
			 evb_date replaced_end, evb_date eval,
			 struct beslut_facts *f)
{
	f->end = DATE_NONE;
	f->orsak = ORSAK_NONE;
	/* the order of the spec: avslutad_datum, giltig_tom, avliden_datum,
	 * the day before a replacing decision takes effect; a later candidate
	 * only wins when strictly earlier */
	consider_end(f, b->avslutad_datum,
		     b->avslutsorsak != ORSAK_NONE ? b->avslutsorsak : ORSAK_ANNAT, eval);
	consider_end(f, b->giltig_tom, ORSAK_LOPT_UT, eval);
	consider_end(f, m->persons.v[b->person].avliden, ORSAK_AVLIDEN, eval);
	consider_end(f, replaced_end, ORSAK_NYTT_BESLUT, eval);
}

/* ---- delivered days (section 3.3) ------------------------------------ */

static int push_span(void *vec, evb_date s, evb_date e)
{
	VEC(struct span) *v = vec;
	if (s > e)
		return 0;
	/* merge with the previous span when overlapping or adjacent */
	if (v->n > 0 && s <= v->v[v->n - 1].e + 1) {
		if (e > v->v[v->n - 1].e)
			v->v[v->n - 1].e = e;
		return 0;
	}
	struct span *sp = VEC_PUSH(*v);
	if (!sp)
		return EVB_ENOMEM;
	sp->s = s;
	sp->e = e;
	return 0;
}

/* An interval from the export as known on E, clipped to [lo, hi]: starts
 * after E do not exist, ends after E are not known yet (ongoing). */
static void clip(evb_date start, evb_date end, evb_date eval, evb_date lo,
		 evb_date hi, evb_date *s, evb_date *e)
{
	*s = start;
	*e = (end == DATE_NONE || end > eval) ? hi : end;
	if (start > eval) {
		*s = 1;
		*e = 0;     /* empty */
		return;
	}
	if (*s < lo)
		*s = lo;
	if (*e > hi)
		*e = hi;
}

int delivery_compute(const struct model *m, const struct beslut *b,
		     evb_date eval, evb_date lim, struct delivery *sc)
{
	int ret;
	evb_date s, e;
	sc->exec.n = sc->pause.n = sc->delivered.n = 0;
	/* executions and avbrott are sorted by start, and clipping keeps that */
	for (uint32_t i = 0; i < beslut_v_n(m, b); i++) {
		const struct verkstallighet *v = &m->verkstalligheter.v[b->v_first + i];
		clip(v->startdatum, v->slutdatum, eval, b->beslutsdatum, lim, &s, &e);
		if ((ret = push_span(&sc->exec, s, e)))
			return ret;
	}
	for (uint32_t i = 0; i < beslut_a_n(m, b); i++) {
		const struct avbrott *a = &m->avbrott.v[b->a_first + i];
		clip(a->fran_datum, a->till_datum, eval, b->beslutsdatum, lim, &s, &e);
		if ((ret = push_span(&sc->pause, s, e)))
			return ret;
	}
	/* delivered = exec minus pause */
	uint32_t j = 0;
	for (uint32_t i = 0; i < sc->exec.n; i++) {
		evb_date cur = sc->exec.v[i].s, end = sc->exec.v[i].e;
		while (j < sc->pause.n && sc->pause.v[j].e < cur)
			j++;
		uint32_t k = j;
		while (cur <= end) {
			if (k >= sc->pause.n || sc->pause.v[k].s > end) {
				if ((ret = push_span(&sc->delivered, cur, end)))
					return ret;
				break;
			}
			const struct span *p = &sc->pause.v[k];
			if (p->s > cur && (ret = push_span(&sc->delivered, cur, p->s - 1)))
				return ret;
			if (p->e >= end)
				break;
			cur = p->e + 1 > cur ? p->e + 1 : cur;
			k++;
		}
	}
	return 0;
}

void delivery_release(struct delivery *d)
{
	free(d->exec.v);
	free(d->pause.v);
	free(d->delivered.v);
	memset(d, 0, sizeof(*d));
}

int32_t spans_days_in(const struct span *v, uint32_t n, evb_date from, evb_date to)
{
	int32_t days = 0;
	for (uint32_t i = 0; i < n; i++) {
		evb_date s = v[i].s > from ? v[i].s : from;
		evb_date e = v[i].e < to ? v[i].e : to;
		if (s <= e)
			days += e - s + 1;
	}
	return days;
}

/* ---- cases ----------------------------------------------------------- */

static int add_case(struct case_set *cs, uint32_t beslut, enum case_kind kind,
		    evb_date start, evb_date executed, evb_date ended, uint8_t orsak)
{
	struct evb_case *c = VEC_PUSH(cs->cases);
	if (!c)
		return EVB_ENOMEM;
	c->beslut = beslut;
	c->kind = (uint8_t)kind;
	c->start = start;
	c->executed = executed;
	c->ended = executed != DATE_NONE ? DATE_NONE : ended;
	c->orsak = c->ended != DATE_NONE ? orsak : ORSAK_NONE;
	return 0;
}

static int decision_cases(struct case_set *cs, uint32_t bi, const struct beslut *b,
			  const struct beslut_facts *f, const struct delivery *sc)
{
	int ret;
	evb_date A = f->end, S = f->first_delivered;

	/* 3.2: neither executed nor ended at T1 (executed on T1 is in time) */
	evb_date t1 = add_months(b->beslutsdatum, 3);
	if ((S == DATE_NONE || S > t1) && (A == DATE_NONE || A > t1) &&
	    (ret = add_case(cs, bi, CASE_BESLUT, b->beslutsdatum, S, A, f->orsak)))
		return ret;

	/* 3.3: every run of undelivered days after S */
	evb_date lim = A != DATE_NONE ? A : cs->eval;
	for (uint32_t i = 0; i < sc->delivered.n; i++) {
		evb_date B = sc->delivered.v[i].e + 1;
		if (B > lim)
			break;
		evb_date R = i + 1 < sc->delivered.n ? sc->delivered.v[i + 1].s : DATE_NONE;
		evb_date u1 = add_months(B, 3);
		if ((R == DATE_NONE || R > u1) && (A == DATE_NONE || A > u1) &&
		    (ret = add_case(cs, bi, CASE_AVBROTT, B, R, A, f->orsak)))
			return ret;
	}
	return 0;
}

/* 3.4: the decision N replaces: through ersatter_beslut_id, or failing
 * that the decision of the same person and insats whose end is the day
 * before N's giltig_from. */
static uint32_t find_replaced(const struct model *m, const struct case_set *cs,
			      const uint32_t *order, const uint32_t *group,
			      uint32_t ni)
{
	const struct beslut *n = &m->beslut.v[ni];
	uint32_t o = IDX_NONE;
	if (n->replaces != IDX_NONE && n->replaces != ni) {
		o = n->replaces;
	} else if (n->ersatter == STR_NONE && n->giltig_from != DATE_NONE) {
		/* order holds decisions grouped by person and insats; group[ni]
		 * is the position of N's group's first member */
		for (uint32_t k = group[ni]; k < m->beslut.n; k++) {
			const struct beslut *c = &m->beslut.v[order[k]];
			if (c->person != n->person || c->insats != n->insats)
				break;
			if (order[k] == ni || cs->facts[order[k]].end == DATE_NONE)
				continue;
			if (cs->facts[order[k]].end + 1 == n->giltig_from) {
				o = order[k];
				break;
			}
		}
	}
	return o;
}

static const struct model *sort_model;

static int cmp_person_insats(const void *a, const void *b)
{
	const struct beslut *x = &sort_model->beslut.v[*(const uint32_t *)a];
	const struct beslut *y = &sort_model->beslut.v[*(const uint32_t *)b];
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	if (x->insats != y->insats)
		return x->insats < y->insats ? -1 : 1;
	if (x->beslutsdatum != y->beslutsdatum)
		return x->beslutsdatum < y->beslutsdatum ? -1 : 1;
	return strcmp(str_get(sort_model, x->id), str_get(sort_model, y->id));
}

static int chain_links(const struct model *m, struct case_set *cs)
{
	uint32_t n = 0;         /* every decision: m->beslut.n */
	sort_model = m;
	uint32_t *order = model_beslut_by_person(m, NULL, cmp_person_insats, &n);
	sort_model = NULL;
	uint32_t *group = malloc((n ? n : 1) * sizeof(*group));
	int ret = 0;
	if (!order || !group) {
		ret = EVB_ENOMEM;
		goto out;
	}
	for (uint32_t k = 0; k < n; k++) {
		const struct beslut *b = &m->beslut.v[order[k]];
		const struct beslut *p = k ? &m->beslut.v[order[k - 1]] : NULL;
		group[order[k]] = (p && p->person == b->person && p->insats == b->insats)
				  ? group[order[k - 1]] : k;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct beslut_facts *f = &cs->facts[i];
		f->replaced = m->beslut.v[i].beslutsdatum <= cs->eval
			      ? find_replaced(m, cs, order, group, i) : IDX_NONE;
		/* the chain of 3.4 only runs through never executed decisions */
		uint32_t o = f->replaced;
		f->previous = f->in_scope && o != IDX_NONE && cs->facts[o].in_scope &&
			      cs->facts[o].first_delivered == DATE_NONE ? o : IDX_NONE;
	}
	/* the chain's first decision date; a cycle of ersatter_beslut_id
	 * references is cut after n steps */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t cur = i, steps = 0;
		while (cs->facts[cur].previous != IDX_NONE && steps++ < n)
			cur = cs->facts[cur].previous;
		cs->facts[i].chain_first = m->beslut.v[cur].beslutsdatum;
		if (m->beslut.v[i].beslutsdatum < cs->facts[i].chain_first)
			cs->facts[i].chain_first = m->beslut.v[i].beslutsdatum;
	}
out:
	free(order);
	free(group);
	return ret;
}

int cases_ends(const struct model *m, evb_date eval, evb_date **out)
{
	evb_date *end;
	int ret = replacement_ends(m, eval, &end);
	if (ret)
		return ret;
	for (uint32_t i = 0; i < m->beslut.n; i++) {
		struct beslut_facts f;
		decision_end(m, &m->beslut.v[i], end[i], eval, &f);
		end[i] = f.end;     /* end[i] was decision i's replacement end */
	}
	*out = end;
	return 0;
}

int cases_compute(const struct model *m, const struct templates *t,
		  evb_date eval, struct case_set *cs)
{
	struct delivery sc;
	evb_date *repl = NULL;
	int ret;

	memset(cs, 0, sizeof(*cs));
	memset(&sc, 0, sizeof(sc));
	cs->eval = eval;
	cs->facts = calloc(m->beslut.n ? m->beslut.n : 1, sizeof(*cs->facts));
	if (!cs->facts)
		return EVB_ENOMEM;
	if ((ret = replacement_ends(m, eval, &repl)))
		goto out;

	for (uint32_t i = 0; i < m->beslut.n; i++) {
		const struct beslut *b = &m->beslut.v[i];
		struct beslut_facts *f = &cs->facts[i];
		const struct insats_info *ins = templates_insats(t, b->insats);
		f->previous = f->replaced = IDX_NONE;
		f->first_delivered = DATE_NONE;
		f->in_scope = b->utfall != UTFALL_AVSLAG && ins && ins->rapporteringspliktig &&
			      b->beslutsdatum <= eval;
		decision_end(m, b, repl[i], eval, f);
		if (b->beslutsdatum > eval)
			continue;
		evb_date lim = f->end != DATE_NONE ? f->end : eval;
		if ((ret = delivery_compute(m, b, eval, lim, &sc)))
			goto out;
		if (sc.delivered.n)
			f->first_delivered = sc.delivered.v[0].s;
		if (f->in_scope && (ret = decision_cases(cs, i, b, f, &sc)))
			goto out;
	}
	ret = chain_links(m, cs);
out:
	free(repl);
	delivery_release(&sc);
	if (ret)
		cases_release(cs);
	return ret;
}

void cases_release(struct case_set *cs)
{
	free(cs->facts);
	free(cs->cases.v);
	memset(cs, 0, sizeof(*cs));
}

/* ---- classification (3.5) -------------------------------------------- */

int case_messages(const struct evb_case *c, evb_date prev_cutoff, evb_date eval,
		  struct case_message out[2])
{
	int n = 0;
	evb_date closed = case_closed(c);
	for (int k = 1;; k++) {
		evb_date mk = add_months(c->start, 3 * k);
		if (mk > eval || !case_open_at(c, mk))
			break;
		if (mk <= prev_cutoff)
			continue;
		out[n++] = (struct case_message){
			.typ = k > 1 ? RT_ATER : c->kind == CASE_BESLUT ? RT_NY : RT_NY_AVBROTT,
			.date = mk, .k = (uint8_t)(k < 255 ? k : 255),
		};
		break;
	}
	if (closed != DATE_NONE && closed > prev_cutoff && closed <= eval &&
	    closed > case_first_milestone(c))
		out[n++] = (struct case_message){
			.typ = c->executed != DATE_NONE ? RT_SLUT_VERKSTALLT : RT_SLUT_AVSLUTAT,
			.date = closed,
		};
	return n;
}

bool case_classify(const struct evb_case *c, evb_date prev_cutoff,
		   evb_date cutoff, struct case_row *row)
{
	evb_date m1 = case_first_milestone(c);
	evb_date closed = case_closed(c);
	memset(row, 0, sizeof(*row));
	row->executed = row->ended = DATE_NONE;

	if (m1 > prev_cutoff && m1 <= cutoff) {
		row->typ = c->kind == CASE_BESLUT ? RT_NY : RT_NY_AVBROTT;
		row->milestone = row->title_date = m1;
		if (closed != DATE_NONE && closed <= cutoff) {
			row->executed = c->executed;
			row->ended = c->ended;
		}
		return true;
	}
	if (m1 > prev_cutoff || !case_open_at(c, prev_cutoff))
		return false;
	if (closed != DATE_NONE && closed <= cutoff) {
		row->typ = c->executed != DATE_NONE ? RT_SLUT_VERKSTALLT : RT_SLUT_AVSLUTAT;
		row->milestone = m1;
		row->title_date = closed;
		row->executed = c->executed;
		row->ended = c->ended;
		return true;
	}
	/* open at the cut-off: the milestone that falls in (P, C] - in a
	 * preliminary run it may not have passed yet */
	for (int k = 2;; k++) {
		evb_date mk = add_months(c->start, 3 * k);
		if (mk <= prev_cutoff)
			continue;
		if (mk > cutoff)
			return false;
		row->typ = RT_ATER;
		row->milestone = row->title_date = mk;
		return true;
	}
}

/* ---- quarters -------------------------------------------------------- */

int quarter_parse(const char *s, int *year, int *quarter)
{
	if (strlen(s) != 6 || (s[4] != 'Q' && s[4] != 'q'))
		return EVB_EINVAL;
	int y = 0;
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return EVB_EINVAL;
		y = y * 10 + (s[i] - '0');
	}
	if (s[5] < '1' || s[5] > '4' || y < 1953 || y > 2199)
		return EVB_EINVAL;
	*year = y;
	*quarter = s[5] - '0';
	return 0;
}

evb_date quarter_cutoff(int year, int quarter)
{
	int month = quarter * 3;
	return date_from_ymd(year, month, days_in_month(year, month));
}

evb_date quarter_deadline(int year, int quarter)
{
	switch (quarter) {
	case 1: return date_from_ymd(year, 4, 30);
	case 2: return date_from_ymd(year, 8, 31);
	case 3: return date_from_ymd(year, 10, 31);
	default: return date_from_ymd(year + 1, 1, 31);
	}
}

void quarter_step(int *year, int *quarter, int n)
{
	int q = *year * 4 + (*quarter - 1) + n;
	*year = q / 4;
	*quarter = q % 4 + 1;
}
