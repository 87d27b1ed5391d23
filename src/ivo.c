/* SPEC 3.5, 3.6 and 5.1: from cases to report rows. */
#include "ivo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "pseudonym.h"

evb_date ivo_eval_date(int year, int quarter, evb_date asof)
{
	evb_date c = quarter_cutoff(year, quarter);
	return asof < c ? asof : c;
}

const char *ivo_ansvarig(const struct insats_info *ins, bool externt)
{
	return externt && ins->ansvarig_externt && *ins->ansvarig_externt
	       ? ins->ansvarig_externt : ins->ansvarig;
}

void ivo_journal(const struct model *m, const struct beslut *b, evb_date from,
		 evb_date eval, struct journal *j)
{
	memset(j, 0, sizeof(*j));
	/* handelser are sorted by date: the last one in [from, E] wins */
	for (uint32_t i = 0; i < beslut_h_n(m, b); i++) {
		const struct handelse *h = &m->handelser.v[b->h_first + i];
		if (h->datum > eval)
			break;
		if (h->datum >= from && h->typ < HT__N)
			j->last[h->typ] = h;
	}
	/* orders are sorted by the time sent; minutes of E's last minute */
	int64_t limit = ((int64_t)eval + 1) * 1440 - 1;
	for (uint32_t i = 0; i < beslut_o_n(m, b); i++) {
		const struct bestallning *o = &m->bestallningar.v[b->o_first + i];
		if (o->skickad > limit)
			break;
		j->utforare = o->utforare;
	}
}

void ivo_prefetch(const struct model *m, uint32_t beslut, int stage)
{
	const struct beslut *b = &m->beslut.v[beslut];
	if (stage == 0) {
		__builtin_prefetch(b);
		return;
	}
	if (stage == 1) {
		model_prefetch_person(m, b->person, 0);
		if (b->h_first < m->handelser.n)
			__builtin_prefetch(&m->handelser.v[b->h_first]);
		if (b->o_first < m->bestallningar.n)
			__builtin_prefetch(&m->bestallningar.v[b->o_first]);
		return;
	}
	model_prefetch_person(m, b->person, 1);
	__builtin_prefetch(str_get(m, b->id));
}

static const char *const rapporttyp_keys[RT__N] = {
	"rapporttyp.ny", "rapporttyp.ny_avbrott", "rapporttyp.ater",
	"rapporttyp.slut_verkstallt", "rapporttyp.slut_avslutat",
};

char *ivo_title(const struct templates *t, uint8_t typ, evb_date date,
		bool forhandsbesked, const char *short_name, char *buf,
		size_t size)
{
	char d[11];
	/* "Förhandsbesked" only in Nyrapportering of a förhandsbesked */
	bool fb = forhandsbesked && typ == RT_NY;
	snprintf(buf, size, "%s%s %s%s%s, %s", templates_text(t, "titel.prefix"),
		 templates_text(t, rapporttyp_keys[typ < RT__N ? typ : 0]),
		 date_format(date, d), fb ? ", " : "",
		 fb ? templates_text(t, "forhandsbesked") : "", short_name);
	return buf;
}

/* ---- sorting: rapporttyp, ansvarig, insats code, date, beslut_id,
 * avbrottsdatum ---- */

static const struct model *sort_model;

/* The case's decision by beslut_id, then its non-execution case (kind 0,
 * no avbrottsdatum) before its interruptions, by start. The rows carry
 * the id: looking it up through the decision at every comparison went to
 * memory once more at millions of decisions. */
static int cmp_case(str_ref xb, uint8_t xk, evb_date xs, str_ref yb, uint8_t yk,
		    evb_date ys)
{
	int c = strcmp(str_get(sort_model, xb), str_get(sort_model, yb));
	if (c)
		return c;
	if (xk != yk)
		return xk < yk ? -1 : 1;
	return xs < ys ? -1 : xs > ys;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct ivo_row *x = a, *y = b;
	int c;
	if (x->r.typ != y->r.typ)
		return x->r.typ < y->r.typ ? -1 : 1;
	if ((c = strcmp(x->ansvarig, y->ansvarig)))
		return c;
	if ((c = strcmp(x->insats->code, y->insats->code)))
		return c;
	if (x->r.title_date != y->r.title_date)
		return x->r.title_date < y->r.title_date ? -1 : 1;
	return cmp_case(x->beslut_id, x->kind, x->start, y->beslut_id, y->kind, y->start);
}

/* ---- messages: ansvarig, send-by date, beslut_id, avbrottsdatum, Ny/Åter
 * before Slut ---- */

static int cmp_messages(const void *a, const void *b)
{
	const struct ivo_message *x = a, *y = b;
	int c;
	if ((c = strcmp(x->ansvarig, y->ansvarig)))
		return c;
	if (x->send_by != y->send_by)
		return x->send_by < y->send_by ? -1 : 1;
	if ((c = cmp_case(x->beslut_id, x->kind, x->start, y->beslut_id, y->kind, y->start)))
		return c;
	bool xs = x->msg.typ >= RT_SLUT_VERKSTALLT, ys = y->msg.typ >= RT_SLUT_VERKSTALLT;
	if (xs != ys)
		return xs ? 1 : -1;
	return x->msg.date < y->msg.date ? -1 : x->msg.date > y->msg.date;
}

static int add_messages(const struct model *m, const struct templates *t,
			struct ivo_report *rep, const struct evb_case *c)
{
	struct case_message msgs[2];
	int n = case_messages(c, rep->prev_cutoff, rep->eval, msgs);
	const struct beslut *b = &m->beslut.v[c->beslut];
	for (int i = 0; i < n; i++) {
		struct ivo_message *x = VEC_PUSH(rep->messages);
		if (!x)
			return EVB_ENOMEM;
		x->msg = msgs[i];
		x->beslut = c->beslut;
		x->person = b->person;
		x->kind = c->kind;
		x->orsak = msgs[i].typ == RT_SLUT_AVSLUTAT ? c->orsak : ORSAK_NONE;
		x->start = c->start;
		x->send_by = next_working_day_after(msgs[i].date);
		x->insats = templates_insats(t, b->insats);
		x->ansvarig = ivo_ansvarig(x->insats, b->verkstalls_externt);
		x->beslut_id = b->id;
	}
	return 0;
}

int ivo_build(struct model *m, const struct templates *t, int year,
	      int quarter, evb_date asof, const void *key, size_t keylen,
	      struct ivo_report *rep)
{
	int ret;
	memset(rep, 0, sizeof(*rep));
	rep->year = year;
	rep->quarter = quarter;
	rep->cutoff = quarter_cutoff(year, quarter);
	int py = year, pq = quarter;
	quarter_step(&py, &pq, -1);
	rep->prev_cutoff = quarter_cutoff(py, pq);
	rep->deadline = quarter_deadline(year, quarter);
	rep->eval = ivo_eval_date(year, quarter, asof);
	rep->preliminary = asof < rep->cutoff;

	if ((ret = cases_compute(m, t, rep->eval, &rep->cases)) ||
	    (ret = pseudonym_assign(m, key, keylen, &rep->ids)))
		goto out;

	/* in a preliminary run the evaluation date stands for the cut-off */
	for (uint32_t i = 0; i < rep->cases.cases.n; i++) {
		const struct evb_case *c = &rep->cases.cases.v[i];
		struct case_row cr;
		if ((ret = add_messages(m, t, rep, c)))
			goto out;
		if (!case_classify(c, rep->prev_cutoff, rep->eval, &cr))
			continue;
		const struct beslut *b = &m->beslut.v[c->beslut];
		struct ivo_row *row = VEC_PUSH(rep->rows);
		if (!row) {
			ret = EVB_ENOMEM;
			goto out;
		}
		row->r = cr;
		row->beslut = c->beslut;
		row->person = b->person;
		row->kind = c->kind;
		row->orsak = cr.ended != DATE_NONE ? c->orsak : ORSAK_NONE;
		row->start = c->start;
		row->closed = case_closed(c);
		row->insats = templates_insats(t, b->insats);
		row->ansvarig = ivo_ansvarig(row->insats, b->verkstalls_externt);
		row->beslut_id = b->id;
	}
	sort_model = m;
	sort_array(rep->rows.v, rep->rows.n, sizeof(*rep->rows.v), cmp_rows);
	sort_array(rep->messages.v, rep->messages.n, sizeof(*rep->messages.v), cmp_messages);
	sort_model = NULL;
out:
	if (ret)
		ivo_release(rep);
	return ret;
}

void ivo_release(struct ivo_report *rep)
{
	cases_release(&rep->cases);
	free(rep->rows.v);
	free(rep->messages.v);
	free(rep->ids);
	memset(rep, 0, sizeof(*rep));
}

int ivo_wait_class(evb_date start, evb_date at)
{
	if (at < add_months(start, 6))
		return WAIT_3_6;
	if (at < add_months(start, 12))
		return WAIT_6_12;
	return WAIT_OVER_12;
}

void ivo_count(const struct evb_case *c, evb_date prev, evb_date at,
	       struct ivo_counts *counts)
{
	evb_date closed = case_closed(c);
	if (case_first_milestone(c) <= at && case_open_at(c, at)) {
		counts->open[ivo_wait_class(c->start, at)]++;
	} else if (closed != DATE_NONE && closed > prev && closed <= at) {
		if (c->executed != DATE_NONE)
			counts->executed++;
		else
			counts->ended++;
	}
}
