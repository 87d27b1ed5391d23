/* The monthly meal report (SPEC 5.2): see meals.h. */
#include "meals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cases.h"

const char *const meals_check_keys[] = {
	"check.maltid_utan_dagverksamhet", "check.maltid_dubblett",
	"check.maltid_dag_och_manad", "check.dagverksamhet_utan_maltider",
	"check.taxa_saknas", NULL,
};

/* A meal registration of the month with its sort keys. */
struct mrec {
	uint32_t enhet_rank, person_rank;
	uint8_t typ_rank;
	evb_date datum;         /* DATE_NONE (sorts first) for a monthly count */
	uint32_t meal;          /* index into m->maltider (reading order) */
};

static int cmp_mrec(const void *a, const void *b)
{
	const struct mrec *x = a, *y = b;
	if (x->enhet_rank != y->enhet_rank)
		return x->enhet_rank < y->enhet_rank ? -1 : 1;
	if (x->person_rank != y->person_rank)
		return x->person_rank < y->person_rank ? -1 : 1;
	if (x->typ_rank != y->typ_rank)
		return x->typ_rank < y->typ_rank ? -1 : 1;
	if (x->datum != y->datum)
		return x->datum < y->datum ? -1 : 1;
	return x->meal < y->meal ? -1 : x->meal > y->meal;
}

/* A run of days with an active dagverksamhet, within the month. */
struct active {
	uint32_t person;
	evb_date s, e;
	uint32_t beslut;
};

static int cmp_active(const void *a, const void *b)
{
	const struct active *x = a, *y = b;
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	return x->e < y->e ? -1 : x->e > y->e;
}

struct ctx {
	struct model *m;
	const struct templates *t;
	struct meal_report *rep;
	VEC(struct active) active;      /* sorted by person, start */
	uint8_t typ_rank[MT__N];
	int64_t price[MT__N];
};

/* ---- active dagverksamhet ------------------------------------------------ */

/* Delivered days (SPEC 3.3) of every favourable dagverksamhet decision in
 * the month, as known on the month's last day. */
static int collect_active(struct ctx *c)
{
	const struct model *m = c->m;
	int dag = templates_insats_find(c->t, MEALS_INSATS);
	evb_date *ends;
	struct delivery d;
	int ret = cases_ends(m, c->rep->last, &ends);
	if (ret)
		return ret;
	memset(&d, 0, sizeof(d));
	for (uint32_t i = 0; i < m->beslut.n && !ret; i++) {
		const struct beslut *b = &m->beslut.v[i];
		if (b->insats != dag || b->utfall == UTFALL_AVSLAG ||
		    b->beslutsdatum > c->rep->last)
			continue;
		evb_date lim = ends[i] != DATE_NONE ? ends[i] : c->rep->last;
		if (lim < c->rep->first)
			continue;
		if ((ret = delivery_compute(m, b, c->rep->last, lim, &d)))
			break;
		for (uint32_t k = 0; k < d.delivered.n; k++) {
			evb_date s = d.delivered.v[k].s, e = d.delivered.v[k].e;
			if (s < c->rep->first)
				s = c->rep->first;
			if (e > c->rep->last)
				e = c->rep->last;
			if (s > e)
				continue;
			struct active *a = VEC_PUSH(c->active);
			if (!a) {
				ret = EVB_ENOMEM;
				break;
			}
			*a = (struct active){ b->person, s, e, i };
		}
	}
	delivery_release(&d);
	free(ends);
	sort_array(c->active.v, c->active.n, sizeof(*c->active.v), cmp_active);
	return ret;
}

/* The first active run of a person, or NULL. */
static const struct active *first_active(const struct ctx *c, uint32_t person)
{
	uint32_t lo = 0, hi = c->active.n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (c->active.v[mid].person < person)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->active.n && c->active.v[lo].person == person ? &c->active.v[lo] : NULL;
}

/* Whether the person has an active dagverksamhet on `day`, or anywhere in
 * the month when day is DATE_NONE. */
static bool active_on(const struct ctx *c, uint32_t person, evb_date day)
{
	const struct active *a = first_active(c, person);
	const struct active *end = c->active.v + c->active.n;
	for (; a && a < end && a->person == person; a++)
		if (day == DATE_NONE || (a->s <= day && day <= a->e))
			return true;
	return false;
}

/* ---- ranks ----------------------------------------------------------------- */

struct str_key {
	const char *s;
	uint32_t ref;
};

static int cmp_str_key(const void *a, const void *b)
{
	const struct str_key *x = a, *y = b;
	int r = strcmp(x->s, y->s);
	return r ? r : (x->ref < y->ref ? -1 : x->ref > y->ref);
}

/* Måltidstyp order: by the Swedish text shown in the report. */
static void typ_ranks(struct ctx *c)
{
	struct str_key k[MT__N];
	char key[48];
	for (int i = 0; i < MT__N; i++) {
		snprintf(key, sizeof(key), "maltidstyp.%s", maltidstyp_codes[i]);
		k[i] = (struct str_key){ templates_text(c->t, key), (uint32_t)i };
	}
	qsort(k, MT__N, sizeof(k[0]), cmp_str_key);
	for (int i = 0; i < MT__N; i++)
		c->typ_rank[k[i].ref] = (uint8_t)i;
}

/* The month's meals with their sort keys; enheter ranked by name, and
 * the persons with meals (marked in has_meals) by personnummer. */
static int month_records(struct ctx *c, uint8_t *has_meals, struct mrec **out,
			 uint32_t *nout)
{
	const struct model *m = c->m;
	int32_t manad = c->rep->year * 12 + c->rep->month - 1;
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->maltider.n; i++) {
		const struct maltid *mt = &m->maltider.v[i];
		if (mt->manad == manad) {
			has_meals[mt->person] = 1;
			n++;
		}
	}
	uint32_t *person_rank = model_person_ranks(m, has_meals);
	struct mrec *recs = malloc(((size_t)n + 1) * sizeof(*recs));
	struct str_key *units = malloc(((size_t)n + 1) * sizeof(*units));
	struct u32map rank = { 0 };
	int ret = 0;
	if (!person_rank || !recs || !units) {
		ret = EVB_ENOMEM;
		goto out;
	}
	uint32_t nunits = 0;
	for (uint32_t i = 0; i < m->maltider.n && !ret; i++) {
		const struct maltid *mt = &m->maltider.v[i];
		if (mt->manad != manad || u32map_get(&rank, mt->enhet) != IDX_NONE)
			continue;
		units[nunits++] = (struct str_key){ str_get(m, mt->enhet), mt->enhet };
		ret = u32map_put(&rank, mt->enhet, 0);
	}
	sort_array(units, nunits, sizeof(*units), cmp_str_key);
	for (uint32_t i = 0; i < nunits && !ret; i++)
		ret = u32map_put(&rank, units[i].ref, i);
	n = 0;
	for (uint32_t i = 0; i < m->maltider.n && !ret; i++) {
		const struct maltid *mt = &m->maltider.v[i];
		if (mt->manad != manad)
			continue;
		recs[n++] = (struct mrec){
			.enhet_rank = u32map_get(&rank, mt->enhet),
			.person_rank = person_rank[mt->person],
			.typ_rank = c->typ_rank[mt->typ],
			.datum = mt->datum,
			.meal = i,
		};
	}
	sort_array(recs, n, sizeof(*recs), cmp_mrec);
out:
	free(person_rank);
	free(units);
	u32map_release(&rank);
	if (ret) {
		free(recs);
		return ret;
	}
	*out = recs;
	*nout = n;
	return 0;
}

/* ---- findings -------------------------------------------------------------- */

static const char *typ_text(const struct ctx *c, uint8_t typ, char *key, size_t size)
{
	snprintf(key, size, "maltidstyp.%s", maltidstyp_codes[typ]);
	return templates_text(c->t, key);
}

static int meal_finding(struct ctx *c, const char *check, const struct maltid *mt,
			str_ref detail)
{
	int ret = model_add_finding(c->m, check, mt->src, K_MALTID, STR_NONE, mt->person,
				    mt->datum, detail);
	if (!ret)
		c->m->findings.v[c->m->findings.n - 1].other = mt->enhet;
	return ret;
}

/* ---- rows ------------------------------------------------------------------ */

static int add_row(struct ctx *c, const struct maltid *mt, int64_t antal)
{
	struct meal_report *rep = c->rep;
	struct meal_row *row = VEC_PUSH(rep->rows);
	if (!row)
		return EVB_ENOMEM;
	int64_t pris = c->price[mt->typ];
	*row = (struct meal_row){
		.person = mt->person, .enhet = mt->enhet, .typ = mt->typ, .antal = antal,
		.pris = pris, .belopp = pris != AMOUNT_UNKNOWN ? pris * antal : AMOUNT_UNKNOWN,
	};
	if (rep->units.n == 0 || rep->units.v[rep->units.n - 1].enhet != mt->enhet) {
		struct meal_unit *u = VEC_PUSH(rep->units);
		if (!u)
			return EVB_ENOMEM;
		u->enhet = mt->enhet;
	}
	struct meal_unit *u = &rep->units.v[rep->units.n - 1];
	u->antal += antal;
	rep->antal += antal;
	if (row->belopp != AMOUNT_UNKNOWN) {
		u->belopp += row->belopp;
		rep->belopp += row->belopp;
	}
	return 0;
}

/* Walks the sorted records: one row per enhet x person x måltidstyp, and
 * the checks that look at single registrations or one person at a unit. */
static int walk(struct ctx *c, const struct mrec *recs, uint32_t n)
{
	struct model *m = c->m;
	int ret = 0;
	char key[48];
	uint32_t i = 0;
	while (i < n && !ret) {
		/* one enhet and person */
		uint32_t j = i;
		const struct maltid *first_monthly = NULL;
		bool per_date = false;
		while (j < n && recs[j].enhet_rank == recs[i].enhet_rank &&
		       recs[j].person_rank == recs[i].person_rank && !ret) {
			/* one måltidstyp */
			uint32_t k = j;
			int64_t antal = 0;
			const struct maltid *prev = NULL;
			for (; k < n && recs[k].enhet_rank == recs[j].enhet_rank &&
			       recs[k].person_rank == recs[j].person_rank &&
			       recs[k].typ_rank == recs[j].typ_rank && !ret; k++) {
				const struct maltid *mt = &m->maltider.v[recs[k].meal];
				if (mt->datum == DATE_NONE && !first_monthly)
					first_monthly = mt;
				per_date |= mt->datum != DATE_NONE;
				if (!active_on(c, mt->person, mt->datum))
					ret = meal_finding(c, "check.maltid_utan_dagverksamhet", mt,
							   model_strf(m, "%s, %d",
								   typ_text(c, mt->typ, key, sizeof(key)),
								   mt->antal));
				if (!ret && prev && mt->datum != DATE_NONE && prev->datum == mt->datum) {
					/* the same meal registered again: counted once */
					ret = meal_finding(c, "check.maltid_dubblett", mt,
							   model_strf(m, "%s:%u",
								   prev->src.file < m->files.n
								   ? m->files.v[prev->src.file].display : "",
								   prev->src.line));
					if (mt->antal > prev->antal)
						antal += mt->antal - prev->antal;
					else
						continue;   /* prev stays the larger one */
				} else {
					antal += mt->antal;
				}
				prev = mt;
			}
			if (!ret)
				ret = add_row(c, &m->maltider.v[recs[j].meal], antal);
			j = k;
		}
		if (!ret && per_date && first_monthly)
			ret = meal_finding(c, "check.maltid_dag_och_manad", first_monthly, STR_NONE);
		i = j;
	}
	return ret;
}

/* Persons with an active dagverksamhet in the month and no meals at all. */
static int check_without_meals(struct ctx *c, const uint8_t *has_meals)
{
	for (uint32_t i = 0; i < c->active.n; i++) {
		const struct active *a = &c->active.v[i];
		if (i > 0 && c->active.v[i - 1].person == a->person)
			continue;
		if (has_meals[a->person])
			continue;
		const struct beslut *b = &c->m->beslut.v[a->beslut];
		if (!model_add_beslut_finding(c->m, "check.dagverksamhet_utan_maltider", b->src,
					      K_BESLUT, b->id, a->beslut, a->s))
			return EVB_ENOMEM;
	}
	return 0;
}

static int check_prices(struct ctx *c, const bool *used)
{
	char key[48];
	for (int typ = 0; typ < MT__N; typ++) {
		if (!used[typ] || c->price[typ] != AMOUNT_UNKNOWN)
			continue;
		struct src none = { 0, UINT16_MAX };
		int ret = model_add_finding(c->m, "check.taxa_saknas", none, K_MALTID, STR_NONE,
					    IDX_NONE, c->rep->first,
					    model_strf(c->m, "%s",
						    typ_text(c, (uint8_t)typ, key, sizeof(key))));
		if (ret)
			return ret;
	}
	return 0;
}

int meals_build(struct model *m, const struct templates *t, int year, int month,
		struct meal_report *rep)
{
	struct ctx c = { .m = m, .t = t, .rep = rep };
	struct mrec *recs = NULL;
	uint32_t n = 0;
	uint8_t *has_meals = NULL;
	bool used[MT__N] = { false };
	memset(rep, 0, sizeof(*rep));
	rep->year = year;
	rep->month = month;
	rep->first = date_from_ymd(year, month, 1);
	rep->last = date_from_ymd(year, month, days_in_month(year, month));
	typ_ranks(&c);
	for (int i = 0; i < MT__N; i++) {
		c.price[i] = templates_price_maltid(t, i, rep->first);
		if (c.price[i] < 0)
			c.price[i] = AMOUNT_UNKNOWN;
	}

	int ret = collect_active(&c);
	if (ret)
		goto out;
	has_meals = calloc(m->persons.n ? m->persons.n : 1, 1);
	if (!has_meals) {
		ret = EVB_ENOMEM;
		goto out;
	}
	if ((ret = month_records(&c, has_meals, &recs, &n)))
		goto out;
	for (uint32_t i = 0; i < n; i++)
		used[m->maltider.v[recs[i].meal].typ] = true;
	if ((ret = walk(&c, recs, n)) || (ret = check_without_meals(&c, has_meals)) ||
	    (ret = check_prices(&c, used)))
		goto out;
	for (uint32_t i = 0; i < m->persons.n; i++)
		rep->persons += has_meals[i];
	if (m->strings.failed)
		ret = EVB_ENOMEM;
out:
	free(recs);
	free(has_meals);
	free(c.active.v);
	if (ret)
		meals_release(rep);
	return ret;
}

void meals_release(struct meal_report *rep)
{
	free(rep->rows.v);
	free(rep->units.v);
	memset(rep, 0, sizeof(*rep));
}

int64_t *meals_per_person(const struct meal_report *rep, uint32_t npersons)
{
	int64_t *sum = calloc(npersons ? npersons : 1, sizeof(*sum));
	if (!sum)
		return NULL;
	for (uint32_t i = 0; i < rep->rows.n; i++)
		if (rep->rows.v[i].belopp != AMOUNT_UNKNOWN)
			sum[rep->rows.v[i].person] += rep->rows.v[i].belopp;
	return sum;
}
