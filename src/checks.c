/* Data-quality checks (SPEC 5.5) on a finalised model. */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "checks.h"

const char *const checks_case_keys[] = {
	"check.dubbla_beslut", "check.verkstallighet_fore_beslut",
	"check.avbrott_utan_verkstallighet", "check.avslutat_fore_beslut",
	"check.person_saknas", "check.ivo_id_kollision", "check.text_avkortad",
	"check.okant_ersatt_beslut", "check.verkstallighet_utan_bestallning",
	"check.dokumentation_saknas", NULL,
};

bool checks_key_listed(const char *const *keys, const char *key)
{
	if (!keys)
		return true;
	for (; *keys; keys++)
		if (strcmp(*keys, key) == 0)
			return true;
	return false;
}

bool checks_case_listed(const char *const *keys)
{
	for (const char *const *k = checks_case_keys; *k; k++)
		if (checks_key_listed(keys, *k))
			return true;
	return false;
}

size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static bool in_scope(const struct beslut *b)
{
	return b->utfall != UTFALL_AVSLAG;
}

static evb_date period_start(const struct beslut *b)
{
	return b->giltig_from != DATE_NONE ? b->giltig_from : b->beslutsdatum;
}

/* The decision's own end (without the evaluation date): earliest of
 * avslutad_datum and giltig_tom; INT32_MAX when open. */
static evb_date own_end(const struct beslut *b)
{
	evb_date e = INT32_MAX;
	if (b->avslutad_datum != DATE_NONE && b->avslutad_datum < e)
		e = b->avslutad_datum;
	if (b->giltig_tom != DATE_NONE && b->giltig_tom < e)
		e = b->giltig_tom;
	return e;
}

static const struct model *sort_model;   /* qsort has no context argument */

static int cmp_person_insats(const void *a, const void *b)
{
	const struct beslut *x = &sort_model->beslut.v[*(const uint32_t *)a];
	const struct beslut *y = &sort_model->beslut.v[*(const uint32_t *)b];
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	if (x->insats != y->insats)
		return x->insats < y->insats ? -1 : 1;
	evb_date sx = period_start(x), sy = period_start(y);
	if (sx != sy)
		return sx < sy ? -1 : 1;
	return strcmp(sort_model->strings.buf + x->id, sort_model->strings.buf + y->id);
}

static bool replaces(const struct model *m, uint32_t a, uint32_t b)
{
	return m->beslut.v[a].replaces == b || m->beslut.v[b].replaces == a;
}

/* The favourable decisions in cmp_person_insats order; NULL on ENOMEM. */
static uint32_t *by_person_insats(const struct model *m, uint32_t *nout)
{
	sort_model = m;
	return model_beslut_by_person(m, in_scope, cmp_person_insats, nout);
}

/* Overlapping favourable decisions for one person and insats. */
static int check_dubbla_beslut(struct model *m)
{
	uint32_t n, *idx = by_person_insats(m, &n);
	if (!idx)
		return EVB_ENOMEM;
	int ret = 0;
	uint32_t open = IDX_NONE;   /* the decision reaching furthest so far */
	for (uint32_t k = 0; k < n && !ret; k++) {
		const struct beslut *b = &m->beslut.v[idx[k]];
		if (open != IDX_NONE) {
			const struct beslut *o = &m->beslut.v[open];
			if (o->person != b->person || o->insats != b->insats)
				open = IDX_NONE;
		}
		if (open != IDX_NONE && period_start(b) <= own_end(&m->beslut.v[open]) &&
		    !replaces(m, open, idx[k])) {
			const struct beslut *o = &m->beslut.v[open];
			struct finding *f = model_add_beslut_finding(m, "check.dubbla_beslut", b->src,
								     K_BESLUT, b->id, idx[k],
								     period_start(b));
			if (!f) {
				ret = EVB_ENOMEM;
				break;
			}
			f->other = o->id;
			f->from = period_start(o);
			f->to = own_end(o) != INT32_MAX ? own_end(o) : DATE_NONE;
		}
		if (open == IDX_NONE || own_end(b) > own_end(&m->beslut.v[open]))
			open = idx[k];
	}
	free(idx);
	return ret;
}

static bool has_order(const struct model *m, const struct beslut *b, str_ref ref)
{
	if (beslut_o_n(m, b) == 0)
		return false;
	if (ref == STR_NONE)
		return true;
	for (uint32_t i = b->o_first; i < b->o_first + beslut_o_n(m, b); i++)
		if (m->bestallningar.v[i].id == ref)
			return true;
	return false;
}

static bool inside_execution(const struct model *m, const struct beslut *b,
			     evb_date d)
{
	for (uint32_t i = b->v_first; i < b->v_first + beslut_v_n(m, b); i++) {
		const struct verkstallighet *v = &m->verkstalligheter.v[i];
		if (v->startdatum <= d && (v->slutdatum == DATE_NONE || d <= v->slutdatum))
			return true;
	}
	return false;
}

/* Adds a finding about decision bi; 0 or EVB_ENOMEM. */
static int add(struct model *m, const char *key, struct src src, int kind, str_ref id,
	       uint32_t bi, evb_date datum, str_ref detail)
{
	struct finding *f = model_add_beslut_finding(m, key, src, kind, id, bi, datum);
	if (!f)
		return EVB_ENOMEM;
	f->detail = detail;
	return 0;
}

int checks_run(struct model *m)
{
	int ret = check_dubbla_beslut(m);
	for (uint32_t i = 0; i < m->beslut.n && !ret; i++) {
		const struct beslut *b = &m->beslut.v[i];
		if (b->avslutad_datum != DATE_NONE && b->avslutad_datum < b->beslutsdatum)
			ret = add(m, "check.avslutat_fore_beslut", b->src, K_BESLUT, b->id, i,
				  b->avslutad_datum, STR_NONE);
		for (uint32_t j = b->v_first; j < b->v_first + beslut_v_n(m, b) && !ret; j++) {
			const struct verkstallighet *v = &m->verkstalligheter.v[j];
			if (v->startdatum < b->beslutsdatum)
				ret = add(m, "check.verkstallighet_fore_beslut", v->src,
					  K_VERKSTALLIGHET, v->id, i, v->startdatum, STR_NONE);
			if (!ret && !has_order(m, b, v->bestallning_ref))
				ret = add(m, "check.verkstallighet_utan_bestallning", v->src,
					  K_VERKSTALLIGHET, v->id, i, v->startdatum, STR_NONE);
		}
		for (uint32_t j = b->a_first; j < b->a_first + beslut_a_n(m, b) && !ret; j++) {
			const struct avbrott *a = &m->avbrott.v[j];
			if (!inside_execution(m, b, a->fran_datum))
				ret = add(m, "check.avbrott_utan_verkstallighet", a->src, K_AVBROTT,
					  a->id, i, a->fran_datum, STR_NONE);
		}
		for (uint32_t j = b->h_first; j < b->h_first + beslut_h_n(m, b) && !ret; j++) {
			const struct handelse *h = &m->handelser.v[j];
			const char *text = str_get(m, h->text);
			size_t chars;
			/* no more characters than bytes: most texts are told
			 * by their length, without counting */
			if (strnlen(text, EVB_MAX_TEXT + 1) > EVB_MAX_TEXT &&
			    (chars = utf8_chars(text)) > EVB_MAX_TEXT)
				ret = add(m, "check.text_avkortad", h->src, K_HANDELSE, h->id, i,
					  h->datum, model_strf(m, "%zu", chars));
		}
	}
	for (uint32_t i = 0; i < m->persons.n && !ret; i++) {
		const struct person *p = &m->persons.v[i];
		if (m->has_personer && !p->listed)
			ret = model_add_finding(m, "check.person_saknas", p->src, -1,
						STR_NONE, i, DATE_NONE, STR_NONE);
	}
	if (!ret && m->strings.failed)
		ret = EVB_ENOMEM;
	return ret;
}

/* Checks whose findings are for information (nothing to correct). */
static const char *const information_keys[] = {
	"check.dubblett_sammanslagen", "check.okand_kolumn", "check.kolumn_utan_namn",
	"check.teckenkodning",
	"check.okand_fil", "check.dagverksamhet_utan_maltider", "check.ivo_id_kollision",
	"check.text_avkortad",
};

bool checks_information(const char *key)
{
	for (size_t i = 0; i < sizeof(information_keys) / sizeof(information_keys[0]); i++)
		if (strcmp(information_keys[i], key) == 0)
			return true;
	return false;
}
