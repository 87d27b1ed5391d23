/*
 * Building a model by hand for the computation tests (cases, meals, fees):
 * the real templates, one model, and records added the way export.c would
 * leave them after model_finalize. Include after testutil.h.
 *
 * Executions, avbrott and orders must be added in decision order, each
 * decision's in start order; then mu_finish() sets the decisions' ranges.
 */
#ifndef EVB_MODELUTIL_H
#define EVB_MODELUTIL_H

#include <math.h>
#include <string.h>

#include "model.h"
#include "templates.h"

static struct templates *tpl;
static struct model m;

static inline int mu_setup(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	tpl = templates_load("../templates", &err);
	if (!tpl)
		fprintf(stderr, "templates: %s:%ld: %s\n", err.file, err.line, err.message);
	return tpl ? 0 : -1;
}

static inline int mu_teardown(void **state)
{
	(void)state;
	templates_free(tpl);
	return 0;
}

static inline void mu_start(void)
{
	model_init(&m, D("2026-11-22"));
}

static inline str_ref mu_str(const char *s)
{
	return intern_str(&m.strings, s, strlen(s));
}

/* A person from a 12-digit personnummer; birth date from its digits. */
static inline uint32_t mu_person(const char *pnr12, char kon, evb_date avliden)
{
	struct person *p = VEC_PUSH(m.persons);
	assert_non_null(p);
	p->pnr = mu_str(pnr12);
	int y = (pnr12[0] - '0') * 1000 + (pnr12[1] - '0') * 100 + (pnr12[2] - '0') * 10 + (pnr12[3] - '0');
	int mo = (pnr12[4] - '0') * 10 + (pnr12[5] - '0');
	int d = (pnr12[6] - '0') * 10 + (pnr12[7] - '0');
	p->fodelsedatum = date_from_ymd(y, mo, d);
	p->kon = kon;
	p->avliden = avliden;
	p->avgiftsutrymme = NAN;
	return m.persons.n - 1;
}

/* A decision of `person` for the given insats code. */
static inline uint32_t mu_beslut_of(uint32_t person, const char *id, const char *insats, evb_date d)
{
	struct beslut *b = VEC_PUSH(m.beslut);
	assert_non_null(b);
	b->id = mu_str(id);
	b->person = person;
	b->replaces = IDX_NONE;
	b->beslutsdatum = d;
	b->giltig_from = b->giltig_tom = b->avslutad_datum = DATE_NONE;
	b->omfattning = NAN;
	int ins = templates_insats_find(tpl, insats);
	assert_true(ins >= 0);
	b->insats = (uint16_t)ins;
	b->utfall = UTFALL_BIFALL;
	b->lagrum = strncmp(insats, "LSS", 3) == 0 ? LAGRUM_LSS : LAGRUM_SOL;
	return m.beslut.n - 1;
}

/* A decision of person 0 (created on demand). */
static inline uint32_t mu_beslut(const char *id, const char *insats, evb_date d)
{
	if (m.persons.n == 0)
		mu_person("194501129876", 'K', DATE_NONE);
	return mu_beslut_of(0, id, insats, d);
}

static inline void mu_omfattning(uint32_t b, double omfattning, int enhet)
{
	m.beslut.v[b].omfattning = omfattning;
	m.beslut.v[b].omfattning_enhet = (uint8_t)enhet;
}

static inline struct verkstallighet *mu_exec(uint32_t b, evb_date s, evb_date e)
{
	struct verkstallighet *v = VEC_PUSH(m.verkstalligheter);
	assert_non_null(v);
	char id[16];
	snprintf(id, sizeof(id), "V%u", m.verkstalligheter.n);
	v->id = mu_str(id);
	v->beslut = b;
	v->startdatum = s;
	v->slutdatum = e;
	return v;
}

static inline void mu_paus(uint32_t b, evb_date s, evb_date e)
{
	struct avbrott *a = VEC_PUSH(m.avbrott);
	assert_non_null(a);
	a->beslut = b;
	a->fran_datum = s;
	a->till_datum = e;
}

/* A journal event (add them in date order per decision); a skal event
 * gets the first row of skal.csv. */
static inline void mu_event(uint32_t b, evb_date d, int typ)
{
	struct handelse *h = VEC_PUSH(m.handelser);
	assert_non_null(h);
	char id[16];
	snprintf(id, sizeof(id), "H%u", m.handelser.n);
	h->id = mu_str(id);
	h->beslut = b;
	h->datum = d;
	h->typ = (uint8_t)typ;
	h->skal = typ == HT_SKAL ? 1 : 0;
}

/* An order sent on day `sent` at hh:mm. */
static inline struct bestallning *mu_order(uint32_t b, const char *id, evb_date sent, int hh, int mm)
{
	struct bestallning *o = VEC_PUSH(m.bestallningar);
	assert_non_null(o);
	o->id = mu_str(id);
	o->beslut = b;
	o->skickad = sent * 1440 + hh * 60 + mm;
	o->bekraftad = INT32_MIN;
	o->avslutad_datum = DATE_NONE;
	return o;
}

/* A meal registration: per date, or a monthly count when datum is
 * DATE_NONE (then manad is year * 12 + month - 1). */
static inline void mu_meal(uint32_t person, const char *enhet, evb_date datum, int year,
		    int month, int typ, int antal)
{
	struct maltid *mt = VEC_PUSH(m.maltider);
	assert_non_null(mt);
	mt->person = person;
	mt->enhet = mu_str(enhet);
	mt->datum = datum;
	if (datum != DATE_NONE) {
		int d;
		date_to_ymd(datum, &year, &month, &d);
	}
	mt->manad = year * 12 + month - 1;
	mt->typ = (uint8_t)typ;
	mt->antal = antal;
	mt->src = (struct src){ m.maltider.n + 1, 0 };
}

/* Sets each decision's range in a related array, as export.c leaves them:
 * the records must have been added in decision order. */
#define MU_RANGES(vec, f) do { \
	for (uint32_t i = 0; i < m.vec.n; i++) \
		assert_true(i == 0 || m.vec.v[i - 1].beslut <= m.vec.v[i].beslut); \
	uint32_t k = 0; \
	for (uint32_t b = 0; b < m.beslut.n; b++) { \
		m.beslut.v[b].f##_first = k; \
		while (k < m.vec.n && m.vec.v[k].beslut == b) \
			k++; \
	} \
	assert_int_equal(k, m.vec.n); \
} while (0)

static inline void mu_finish(void)
{
	MU_RANGES(verkstalligheter, v);
	MU_RANGES(avbrott, a);
	MU_RANGES(handelser, h);
	MU_RANGES(bestallningar, o);
}

/* How many findings of a check the model holds. */
static inline int mu_count_findings(const char *key)
{
	int n = 0;
	for (uint32_t i = 0; i < m.findings.n; i++)
		n += strcmp(finding_check(&m, &m.findings.v[i]), key) == 0;
	return n;
}

#endif
