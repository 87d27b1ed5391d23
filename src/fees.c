/* The monthly fee basis (SPEC 5.3): see fees.h. */
#include "fees.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cases.h"

const char *const fees_check_keys[] = {
	"check.avgift_fore_beslut", "check.akut_utan_beslut",
	"check.verkstallighet_fore_bestallning",
	"check.overlappande_verkstalligheter", "check.verkstallighet_efter_avslut",
	"check.verkstallighet_utan_beslut", "check.taxa_saknas",
	"check.omfattning_saknas", NULL,
};

/* ---- arithmetic ------------------------------------------------------------ */

/* num / den rounded half away from zero; den > 0, |num| < INT64_MAX / 2. */
static int64_t round_div(int64_t num, int64_t den)
{
	if (num < 0)
		return -round_div(-num, den);
	return (num + den / 2) / den;
}

int64_t fee_units(double omfattning, int enhet, int32_t days, int days_in_month)
{
	int64_t den;
	switch (enhet) {
	case ENHET_TIM_MAN: case ENHET_DYGN_MAN: case ENHET_ST_MAN:
		den = days_in_month;
		break;
	case ENHET_TIM_VECKA: case ENHET_TILLF_VECKA:
		den = 7;
		break;
	default:
		return AMOUNT_UNKNOWN;
	}
	if (isnan(omfattning) || omfattning < 0 || omfattning > 1e6 || den <= 0 || days < 0)
		return AMOUNT_UNKNOWN;
	/* omfattning in ten-thousandths: exact for the decimals an export holds */
	int64_t omf = llround(omfattning * 10000.0);
	return round_div(omf * days, den * 100);
}

int64_t fee_amount(int64_t units, int64_t pris)
{
	int64_t product;
	if (units == AMOUNT_UNKNOWN || pris == AMOUNT_UNKNOWN ||
	    __builtin_mul_overflow(units, pris, &product))
		return AMOUNT_UNKNOWN;
	return round_div(product, 100);
}

int64_t fee_cap(int64_t omsorgsbelopp, int64_t maxtaxa, int64_t utrymme)
{
	int64_t fee = omsorgsbelopp < maxtaxa ? omsorgsbelopp : maxtaxa;
	if (utrymme != AMOUNT_UNKNOWN) {
		int64_t room = utrymme > 0 ? utrymme : 0;
		if (room < fee)
			fee = room;
	}
	return fee;
}

/* ---- the month's billing ------------------------------------------------------- */

struct ctx {
	struct model *m;
	const struct templates *t;
	struct fee_report *rep;
	struct case_set cs;          /* facts as known on the month's last day */
	struct delivery d, larm_days;
	int hemtjanst, larm;         /* catalogue indexes, -1 when absent */
	uint32_t *larms;             /* the trygghetslarm decisions, by person */
	uint32_t nlarms;
	int64_t *price;              /* per insats x enhet, AMOUNT_UNKNOWN + 1 = not looked up */
};

#define PRICE_UNSET (AMOUNT_UNKNOWN + 1)

static int64_t price_of(struct ctx *c, const struct beslut *b)
{
	int64_t *p = &c->price[(size_t)b->insats * ENHET__N + b->omfattning_enhet];
	if (*p == PRICE_UNSET) {
		int64_t v = templates_price_insats(c->t, b->insats, b->omfattning_enhet,
						   c->rep->first);
		*p = v >= 0 ? v : AMOUNT_UNKNOWN;
	}
	return *p;
}

static bool in_month(const struct fee_report *rep, evb_date d)
{
	return d != DATE_NONE && d >= rep->first && d <= rep->last;
}

/* The execution's period touches the month (as exported, unclipped). */
static bool touches_month(const struct fee_report *rep, const struct verkstallighet *v)
{
	return v->startdatum <= rep->last &&
	       (v->slutdatum == DATE_NONE || v->slutdatum >= rep->first);
}

/* The utförare of the execution active on the last delivered day, else of
 * its order. */
static str_ref utforare_on(const struct model *m, const struct beslut *b, evb_date day)
{
	const struct verkstallighet *best = NULL;
	for (uint32_t i = b->v_first; i < b->v_first + beslut_v_n(m, b); i++) {
		const struct verkstallighet *v = &m->verkstalligheter.v[i];
		if (v->startdatum <= day && (v->slutdatum == DATE_NONE || v->slutdatum >= day))
			best = v;   /* sorted by start: the last one started latest */
	}
	if (!best)
		return STR_NONE;
	if (best->utforare != STR_NONE)
		return best->utforare;
	for (uint32_t i = b->o_first; i < b->o_first + beslut_o_n(m, b); i++)
		if (m->bestallningar.v[i].id == best->bestallning_ref)
			return m->bestallningar.v[i].utforare;
	return STR_NONE;
}

/* "Avslutad": the decision's end A, or the last execution's slutdatum when
 * every execution has ended (then none follows), if on or before the
 * month's last day. Executions are taken as exported, also those starting
 * after the month, so a change of utförare is not an end. */
static evb_date avslutad(const struct ctx *c, uint32_t bi)
{
	const struct model *m = c->m;
	const struct beslut *b = &m->beslut.v[bi];
	evb_date a = c->cs.facts[bi].end;
	if (a != DATE_NONE && a <= c->rep->last)
		return a;
	evb_date last_end = DATE_NONE;
	for (uint32_t i = b->v_first; i < b->v_first + beslut_v_n(m, b); i++) {
		const struct verkstallighet *v = &m->verkstalligheter.v[i];
		if (v->slutdatum == DATE_NONE)
			return DATE_NONE;
		if (v->slutdatum > last_end)
			last_end = v->slutdatum;
	}
	return last_end != DATE_NONE && last_end <= c->rep->last ? last_end : DATE_NONE;
}

/* The decision's own end, judged on the whole export (not only up to the
 * month): the earliest of avslutad_datum, giltig_tom and the person's
 * death; DATE_NONE when none. */
static evb_date own_end(const struct model *m, const struct beslut *b)
{
	evb_date e = DATE_NONE;
	evb_date cand[3] = { b->avslutad_datum, b->giltig_tom, m->persons.v[b->person].avliden };
	for (int i = 0; i < 3; i++)
		if (cand[i] != DATE_NONE && (e == DATE_NONE || cand[i] < e))
			e = cand[i];
	return e;
}

/* SPEC 5.3: the person keeps a trygghetslarm on `day` (the day after the
 * hemtjänst's Avslutad): a favourable larm decision, not ended before that
 * day, with a delivered day on it. Judged on the whole export. */
static int larm_kept(struct ctx *c, uint32_t person, evb_date day, bool *kept)
{
	const struct model *m = c->m;
	*kept = false;
	if (c->larm < 0)
		return 0;
	/* the person's larm decisions: the first of them by binary search */
	uint32_t lo = 0, hi = c->nlarms;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (m->beslut.v[c->larms[mid]].person < person)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t k = lo; k < c->nlarms && !*kept; k++) {
		const struct beslut *b = &m->beslut.v[c->larms[k]];
		if (b->person != person)
			break;
		if (b->utfall == UTFALL_AVSLAG || b->beslutsdatum > day)
			continue;
		evb_date end = own_end(m, b);
		if (end != DATE_NONE && end < day)
			continue;
		int ret = delivery_compute(m, b, day, day, &c->larm_days);
		if (ret)
			return ret;
		*kept = spans_days_in(c->larm_days.delivered.v, c->larm_days.delivered.n,
				      day, day) == 1;
	}
	return 0;
}

static int bill_decision(struct ctx *c, uint32_t bi)
{
	struct model *m = c->m;
	struct fee_report *rep = c->rep;
	const struct beslut *b = &m->beslut.v[bi];
	const struct beslut_facts *f = &c->cs.facts[bi];
	evb_date lim = f->end != DATE_NONE ? f->end : rep->last;
	if (lim < rep->first)
		return 0;
	int ret = delivery_compute(m, b, rep->last, lim, &c->d);
	if (ret)
		return ret;
	int32_t days = spans_days_in(c->d.delivered.v, c->d.delivered.n, rep->first, rep->last);
	if (days == 0)
		return 0;
	int32_t exec_days = spans_days_in(c->d.exec.v, c->d.exec.n, rep->first, rep->last);
	evb_date last_day = DATE_NONE;
	for (uint32_t i = 0; i < c->d.delivered.n; i++)
		if (c->d.delivered.v[i].s <= rep->last)
			last_day = c->d.delivered.v[i].e < rep->last ? c->d.delivered.v[i].e : rep->last;

	struct fee_row *row = VEC_PUSH(rep->rows);
	if (!row)
		return EVB_ENOMEM;
	row->beslut = bi;
	row->person = b->person;
	row->utforare = utforare_on(m, b, last_day);
	row->verkstalld_fran = m->verkstalligheter.v[b->v_first].startdatum;
	row->avslutad = avslutad(c, bi);
	row->days = days;
	row->pause_days = exec_days - days;
	row->units = fee_units(b->omfattning, b->omfattning_enhet, days,
			       days_in_month(rep->year, rep->month));
	row->pris = price_of(c, b);
	/* an insats without a fee costs nothing, whatever its omfattning */
	row->belopp = row->pris == 0 ? 0 : fee_amount(row->units, row->pris);
	if (in_month(rep, row->verkstalld_fran))
		row->events |= FEE_NY | (f->replaced != IDX_NONE ? FEE_NYTT_BESLUT : 0);
	if (row->pause_days > 0)
		row->events |= FEE_AVBROTT;
	if (in_month(rep, row->avslutad)) {
		bool larm = false;
		if (b->insats == c->hemtjanst && (ret = larm_kept(c, b->person, row->avslutad + 1,
								 &larm)))
			return ret;
		row->events |= larm ? FEE_AVSLUT_LARM : FEE_AVSLUT;
	}
	if (row->events & (FEE_NY | FEE_NYTT_BESLUT | FEE_AVSLUT | FEE_AVSLUT_LARM))
		rep->new_or_ended++;

	if (row->belopp == AMOUNT_UNKNOWN) {
		/* "Ledsagning, timmar per vecka" */
		const char *unit = templates_enhet(c->t, b->omfattning_enhet);
		struct finding *fd = model_add_beslut_finding(
			m, row->units == AMOUNT_UNKNOWN ? "check.omfattning_saknas" : "check.taxa_saknas",
			b->src, K_BESLUT, b->id, bi, rep->first);
		if (!fd)
			return EVB_ENOMEM;
		fd->detail = model_strf(m, "%s%s%s", templates_insats(c->t, b->insats)->name,
					*unit ? ", " : "", unit);
	}
	return ret;
}

/* ---- billing checks ------------------------------------------------------------------ */

static evb_date order_day(const struct model *m, const struct beslut *b,
			  const struct verkstallighet *v)
{
	/* the execution's own order, else the decision's first order */
	const struct bestallning *o = NULL;
	for (uint32_t i = b->o_first; i < b->o_first + beslut_o_n(m, b); i++) {
		const struct bestallning *x = &m->bestallningar.v[i];
		if (v->bestallning_ref != STR_NONE ? x->id == v->bestallning_ref
						   : (!o || x->skickad < o->skickad))
			o = x;
	}
	if (!o)
		return DATE_NONE;
	/* minutes since 1970 to days, rounding towards minus infinity */
	int32_t min = o->skickad;
	return (evb_date)(min >= 0 ? min / 1440 : -((-(int64_t)min + 1439) / 1440));
}

/* An akut hemtjänst started on `start` on an oral decision: the written
 * decision dated d came too late when more than three working days lie in
 * (start, d] (SPEC 5.3). */
static bool akut_late(evb_date start, evb_date d)
{
	int n = 0;
	for (evb_date x = next_working_day_after(start); x <= d && n <= 3;
	     x = next_working_day_after(x))
		n++;
	return n > 3;
}

static int finding(struct model *m, const char *key, const struct verkstallighet *v,
		   uint32_t bi, evb_date date, str_ref detail, str_ref other)
{
	struct finding *f = model_add_beslut_finding(m, key, v->src, K_VERKSTALLIGHET, v->id,
						     bi, date);
	if (!f)
		return EVB_ENOMEM;
	f->detail = detail;
	f->other = other;
	return 0;
}

static int check_execution(struct ctx *c, uint32_t bi, uint32_t vi)
{
	struct model *m = c->m;
	const struct fee_report *rep = c->rep;
	const struct beslut *b = &m->beslut.v[bi];
	const struct verkstallighet *v = &m->verkstalligheter.v[vi];
	int ret = 0;
#define FINDING(key, date, detail) finding(m, key, v, bi, date, detail, STR_NONE)
	if (b->utfall == UTFALL_AVSLAG || b->beslutsdatum > rep->last)
		return FINDING("check.verkstallighet_utan_beslut", v->startdatum, STR_NONE);
	if (v->startdatum < b->beslutsdatum &&
	    (ret = FINDING(b->insats == c->hemtjanst && akut_late(v->startdatum, b->beslutsdatum)
			   ? "check.akut_utan_beslut" : "check.avgift_fore_beslut",
			   v->startdatum, STR_NONE)))
		return ret;
	evb_date sent = order_day(m, b, v);
	if (sent != DATE_NONE && v->startdatum < sent &&
	    (ret = FINDING("check.verkstallighet_fore_bestallning", v->startdatum,
			   model_strf(m, "%s", date_format(sent, (char[11]){ 0 })))))
		return ret;
	/* going on after the end A, in this month */
	const struct beslut_facts *f = &c->cs.facts[bi];
	if (f->end != DATE_NONE && (v->slutdatum == DATE_NONE || v->slutdatum > f->end)) {
		evb_date after = v->startdatum > f->end ? v->startdatum : f->end + 1;
		if (after <= rep->last &&
		    (ret = FINDING("check.verkstallighet_efter_avslut", f->end,
				   model_strf(m, "%s", templates_orsak(c->t, f->orsak)))))
			return ret;
	}
	/* overlapping an earlier execution of the decision, in this month */
	for (uint32_t k = b->v_first; k < vi; k++) {
		const struct verkstallighet *o = &m->verkstalligheter.v[k];
		evb_date s = v->startdatum > o->startdatum ? v->startdatum : o->startdatum;
		evb_date e = o->slutdatum == DATE_NONE ? v->slutdatum
			     : v->slutdatum == DATE_NONE ? o->slutdatum
			     : v->slutdatum < o->slutdatum ? v->slutdatum : o->slutdatum;
		if (s < rep->first)
			s = rep->first;
		if (e == DATE_NONE || e > rep->last)
			e = rep->last;
		if (s <= e && (ret = finding(m, "check.overlappande_verkstalligheter", v, bi, s,
					     STR_NONE, o->id)))
			return ret;
	}
#undef FINDING
	return 0;
}

/* ---- rows in order, and the fee per person ---------------------------------------- */

struct id_key {
	const char *beslut_id;
	uint32_t row;
};

static int cmp_id_key(const void *a, const void *b)
{
	const struct id_key *x = a, *y = b;
	int r = strcmp(x->beslut_id, y->beslut_id);
	return r ? r : (x->row < y->row ? -1 : x->row > y->row);
}

/*
 * The rows by personnummer and beslut-id, in place: counted out by their
 * person's rank (rank[] orders all persons), then each person's rows by
 * beslut-id. A comparison sort of all the rows read two decisions and
 * their ids from memory for most comparisons, some twenty times a row
 * (3 M rows at 5 M decisions: 1.1 s).
 */
static int sort_rows(struct ctx *c, const uint32_t *rank)
{
	struct fee_report *rep = c->rep;
	const struct model *m = c->m;
	uint32_t n = rep->rows.n, np = m->persons.n;
	/* end[r]: first the number of rows of rank r - 1, then where rank r
	 * starts, then (after the rows are placed) where it ends */
	uint32_t *end = calloc((size_t)np + 1, sizeof(*end));
	uint32_t *order = malloc(((size_t)n + 1) * sizeof(*order));
	uint32_t *dest = malloc(((size_t)n + 1) * sizeof(*dest));
	struct id_key *group = NULL;
	int ret = EVB_ENOMEM;
	if (!end || !order || !dest)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		end[rank[rep->rows.v[i].person] + 1]++;
	uint32_t most = 0;
	for (uint32_t r = 1; r <= np; r++) {
		if (end[r] > most)
			most = end[r];
		end[r] += end[r - 1];
	}
	for (uint32_t i = 0; i < n; i++)
		order[end[rank[rep->rows.v[i].person]]++] = i;
	if (most > 1 && !(group = malloc((size_t)most * sizeof(*group))))
		goto out;
	for (uint32_t r = 0, lo = 0; r < np; lo = end[r++]) {
		uint32_t k = end[r] - lo;
		if (k < 2)
			continue;
		for (uint32_t j = 0; j < k; j++) {
			uint32_t row = order[lo + j];
			group[j] = (struct id_key){
				str_get(m, m->beslut.v[rep->rows.v[row].beslut].id), row };
		}
		sort_array(group, k, sizeof(*group), cmp_id_key);
		for (uint32_t j = 0; j < k; j++)
			order[lo + j] = group[j].row;
	}
	for (uint32_t i = 0; i < n; i++)
		dest[order[i]] = i;
	struct fee_row tmp;
	array_permute(rep->rows.v, dest, n, sizeof(tmp), &tmp);
	ret = 0;
out:
	free(end);
	free(order);
	free(dest);
	free(group);
	return ret;
}

/* One entry per person with rows or meals, in personnummer order. */
static int per_person(struct ctx *c, const uint32_t *rank, const struct meal_report *meals)
{
	struct model *m = c->m;
	struct fee_report *rep = c->rep;
	uint32_t np = m->persons.n;
	int64_t *care = calloc(np ? np : 1, sizeof(*care));
	int64_t *food = meals_per_person(meals, np);
	uint8_t *seen = calloc(np ? np : 1, 1);
	uint32_t *order = malloc((np ? np : 1) * sizeof(*order));
	uint32_t *missing = calloc(np ? np : 1, sizeof(*missing));
	int ret = 0;
	if (!care || !food || !seen || !order || !missing) {
		ret = EVB_ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < rep->rows.n; i++) {
		const struct fee_row *r = &rep->rows.v[i];
		seen[r->person] = 1;
		if (r->belopp != AMOUNT_UNKNOWN)
			care[r->person] += r->belopp;
		else
			missing[r->person]++;
	}
	for (uint32_t i = 0; i < meals->rows.n; i++)
		seen[meals->rows.v[i].person] = 1;
	for (uint32_t i = 0; i < np; i++)
		order[rank[i]] = i;
	for (uint32_t k = 0; k < np; k++) {
		uint32_t i = order[k];
		if (!seen[i])
			continue;
		struct fee_person *fp = VEC_PUSH(rep->persons);
		if (!fp) {
			ret = EVB_ENOMEM;
			goto out;
		}
		double u = m->persons.v[i].avgiftsutrymme;
		fp->person = i;
		fp->omsorgsbelopp = care[i];
		fp->utrymme = isnan(u) || fabs(u) > 1e12 ? AMOUNT_UNKNOWN : llround(u * 100.0);
		fp->maltider = food[i];
		fp->missing = missing[i];
		if (missing[i]) {
			fp->omsorgsbelopp = fp->omsorgsavgift = fp->summa = AMOUNT_UNKNOWN;
			rep->incomplete++;
			continue;
		}
		fp->omsorgsavgift = fee_cap(care[i], rep->maxtaxa, fp->utrymme);
		fp->summa = fp->omsorgsavgift + fp->maltider;
		rep->sum_avgift += fp->omsorgsavgift;
		rep->sum_maltider += fp->maltider;
		rep->sum_total += fp->summa;
	}
out:
	free(missing);
	free(care);
	free(food);
	free(seen);
	free(order);
	return ret;
}

static const struct model *sort_larms_model;

static int cmp_larm(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	uint32_t p = sort_larms_model->beslut.v[i].person, q = sort_larms_model->beslut.v[j].person;
	if (p != q)
		return p < q ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* The trygghetslarm decisions ordered by person (then decision), for the
 * kept larm of SPEC 5.3: a few percent of the decisions, not an index of
 * every person (that cost 7 MB at a million decisions). */
static int index_larms(struct ctx *c)
{
	const struct model *m = c->m;
	c->hemtjanst = templates_insats_find(c->t, "SOL_HEMTJANST");
	c->larm = templates_insats_find(c->t, "SOL_TRYGGHETSLARM");
	uint32_t n = 0;
	for (uint32_t i = 0; c->larm >= 0 && i < m->beslut.n; i++)
		n += m->beslut.v[i].insats == c->larm;
	if (!(c->larms = malloc(((size_t)n + 1) * sizeof(*c->larms))))
		return EVB_ENOMEM;
	for (uint32_t i = 0; c->larm >= 0 && i < m->beslut.n; i++)
		if (m->beslut.v[i].insats == c->larm)
			c->larms[c->nlarms++] = i;
	sort_larms_model = m;
	qsort(c->larms, c->nlarms, sizeof(*c->larms), cmp_larm);
	sort_larms_model = NULL;
	return 0;
}

int fees_build(struct model *m, const struct templates *t, int year, int month,
	       const struct meal_report *meals, struct fee_report *rep)
{
	struct ctx c = { .m = m, .t = t, .rep = rep };
	uint32_t *rank = NULL;
	int ret;
	memset(rep, 0, sizeof(*rep));
	rep->year = year;
	rep->month = month;
	rep->first = date_from_ymd(year, month, 1);
	rep->last = date_from_ymd(year, month, days_in_month(year, month));
	int64_t kronor = templates_maxtaxa(t, year, &rep->prisbasbelopp);
	if (kronor < 0)
		return EVB_EINVAL;
	rep->maxtaxa = kronor * 100;

	size_t nprice = (size_t)templates_insats_count(t) * ENHET__N;
	if (!(c.price = malloc((nprice ? nprice : 1) * sizeof(*c.price))))
		return EVB_ENOMEM;
	for (size_t i = 0; i < nprice; i++)
		c.price[i] = PRICE_UNSET;
	if ((ret = cases_compute(m, t, rep->last, &c.cs)) || (ret = index_larms(&c)))
		goto out;
	for (uint32_t i = 0; i < m->beslut.n && !ret; i++) {
		const struct beslut *b = &m->beslut.v[i];
		for (uint32_t k = b->v_first; k < b->v_first + beslut_v_n(m, b) && !ret; k++)
			if (touches_month(rep, &m->verkstalligheter.v[k]))
				ret = check_execution(&c, i, k);
		if (!ret && b->utfall != UTFALL_AVSLAG && b->beslutsdatum <= rep->last &&
		    beslut_v_n(m, b) > 0)
			ret = bill_decision(&c, i);
	}
	if (ret)
		goto out;
	if (!(rank = model_person_ranks(m, NULL))) {
		ret = EVB_ENOMEM;
		goto out;
	}
	if ((ret = sort_rows(&c, rank)) || (ret = per_person(&c, rank, meals)))
		goto out;
	if (m->strings.failed)
		ret = EVB_ENOMEM;
out:
	free(rank);
	free(c.price);
	free(c.larms);
	delivery_release(&c.d);
	delivery_release(&c.larm_days);
	cases_release(&c.cs);
	if (ret)
		fees_release(rep);
	return ret;
}

void fees_release(struct fee_report *rep)
{
	free(rep->rows.v);
	free(rep->persons.v);
	memset(rep, 0, sizeof(*rep));
}
