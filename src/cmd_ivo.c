/* evb ivo: ivo-YYYYQn.xlsx and statistik-YYYYQn.xlsx (SPEC 5.1). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "checks.h"
#include "commands.h"
#include "diag.h"
#include "ivo.h"
#include "personnr.h"
#include "pseudonym.h"
#include "run.h"

/* A message body: the fixed lines and up to seven texts of EVB_MAX_TEXT
 * characters (four bytes each at most). */
#define EVENT_MAX (EVB_MAX_TEXT * 4 + 16)
#define MESSAGE_MAX (EVENT_MAX * 8)

static const char usage[] =
	"evb ivo --period YYYYQn [--as-of DATE] [--in DIR|FILE]... [--out DIR]\n"
	"               [--config FILE] [--templates DIR] [--profile FILE] [--strict] [--quiet]\n"
	"               [--csv] [--replace]";

struct ivo_ctx {
	struct run *r;
	struct ivo_report rep;
	char period[8];
	char *body;             /* a message body (MESSAGE_MAX bytes) */
	char (*ev)[EVENT_MAX];  /* texts of events, one per handelse typ */
	struct finding_scope scope;   /* what "Kontroller" lists */
};

static const char *txt(const struct ivo_ctx *x, const char *key)
{
	return templates_text(x->r->templates, key);
}

/* What every sheet shows of a decision's person: personnummer, name and
 * IVO-id. */
struct who {
	char pnr[14], name[512], ivo_id[14];
};

static void who_of(const struct ivo_ctx *x, uint32_t person, struct who *w)
{
	const struct model *m = &x->r->model;
	const struct person *p = &m->persons.v[person];
	pnr_format_digits(str_get(m, p->pnr), w->pnr);
	run_person_name(x->r, p, w->name, sizeof(w->name));
	pseudonym_format(p->fodelsedatum, x->rep.ids[person], w->ivo_id);
}

/* Copies at most EVB_MAX_TEXT characters of s to buf (room for
 * EVB_MAX_TEXT * 4 + 1 bytes). */
static const char *cut_text(const char *s, char *buf)
{
	size_t chars = 0, i = 0;
	while (s[i] && chars < EVB_MAX_TEXT) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	memcpy(buf, s, i);
	buf[i] = '\0';
	return buf;
}

/* An event as "ÅÅÅÅ-MM-DD: text" (text cut at EVB_MAX_TEXT characters), or
 * its date alone when it has no text or with_text is false; "" when none. */
static const char *event_text(const struct ivo_ctx *x, const struct journal *j,
			      int typ, bool with_text)
{
	const struct handelse *h = j->last[typ];
	char *buf = x->ev[typ];
	buf[0] = '\0';
	if (!h)
		return buf;
	date_format(h->datum, buf);
	const char *text = str_get(&x->r->model, h->text);
	if (with_text && *text) {
		memcpy(buf + 10, ": ", 3);
		cut_text(text, buf + 12);
	}
	return buf;
}

static const char *const rapporttyp_keys[RT__N] = {
	"rapporttyp.ny", "rapporttyp.ny_avbrott", "rapporttyp.ater",
	"rapporttyp.slut_verkstallt", "rapporttyp.slut_avslutat",
};

static const char *kon_text(const struct ivo_ctx *x, char kon)
{
	return kon == 'K' ? txt(x, "kon.K") : kon == 'M' ? txt(x, "kon.M") : "";
}

static const char *title_of(const struct ivo_ctx *x, uint32_t beslut,
			    const struct insats_info *ins, uint8_t typ, evb_date date,
			    char *buf, size_t size)
{
	return ivo_title(x->r->templates, typ, date, x->r->model.beslut.v[beslut].forhandsbesked,
			 ins->short_name, buf, size);
}

/* The decisions of the report's rows some rows after row i, on their way
 * into the cache (ivo_prefetch_ahead). */
static void prefetch_row(const struct ivo_ctx *x, uint32_t i)
{
	ivo_prefetch_ahead(&x->r->model, x->rep.rows.v, sizeof(*x->rep.rows.v),
			   offsetof(struct ivo_row, beslut), i, x->rep.rows.n);
}

static int write_individrapporter(struct ivo_ctx *x, struct book *bk)
{
	static const char *const cols[] = {
		"rapporttyp", "meddelanderubrik", "ansvarig", "ivo_id", "personnummer",
		"namn", "kon", "lagrum", "insats", "beslut_id", "beslutsdatum",
		"forhandsbesked", "avbrottsdatum", "tremanadersdatum",
		"meddelande_senast", "verkstallt_datum", "avslutat_datum",
		"avslutsorsak", "vantetid_dagar", "huvudsakligt_skal", "orsak",
		"senaste_kontakt", "senaste_erbjudande", "tackat_ja", "tackat_nej",
		"delvis_verkstallt", "kompenserande_insats", "tidigare_beslut",
		"forsta_beslutsdatum", "utforare", "skyddade_personuppgifter",
		"sammanfattning",
	};
	enum { NCOLS = sizeof(cols) / sizeof(cols[0]) };
	struct run *r = x->r;
	const struct model *m = &r->model;
	struct sheet *s = run_sheet(r, bk, "ivo", "individrapporter", cols, NCOLS);
	if (!s)
		return EVB_ETEMPLATE;
	for (uint32_t i = 0; i < x->rep.rows.n; i++) {
		prefetch_row(x, i);
		const struct ivo_row *row = &x->rep.rows.v[i];
		const struct beslut *b = &m->beslut.v[row->beslut];
		const struct person *p = &m->persons.v[row->person];
		const struct beslut_facts *f = &x->rep.cases.facts[row->beslut];
		struct journal j;
		ivo_journal(m, b, row->start, x->rep.eval, &j);

		struct who w;
		char title[256], previous[256] = "";
		who_of(x, row->person, &w);
		title_of(x, row->beslut, row->insats, row->r.typ, row->r.title_date,
			 title, sizeof(title));
		evb_date wait_end = row->closed != DATE_NONE ? row->closed : x->rep.eval;
		bool chain = f->previous != IDX_NONE;
		if (chain) {
			const struct beslut *o = &m->beslut.v[f->previous];
			char d[11], d0[11];
			snprintf(previous, sizeof(previous), "%s: %s (%s); %ld %s (%s)",
				 txt(x, "tidigare_beslut.ej_verkstallt"), str_get(m, o->id),
				 date_format(o->beslutsdatum, d), (long)(wait_end - f->chain_first),
				 txt(x, "tidigare_beslut.vantetid"),
				 date_format(f->chain_first, d0));
		}
		const struct handelse *sk = j.last[HT_SKAL];
		const struct skal_info *skal = sk ? templates_skal(r->templates, sk->skal - 1) : NULL;
		const struct handelse *sum = j.last[HT_SAMMANFATTNING];
		struct cell cells[NCOLS] = {
			cell_text(txt(x, rapporttyp_keys[row->r.typ])),
			cell_text(title),
			cell_text(row->ansvarig),
			cell_text(w.ivo_id),
			cell_text(w.pnr),
			cell_text(w.name),
			cell_text(kon_text(x, p->kon)),
			cell_text(b->lagrum == LAGRUM_LSS ? "LSS" : "SoL"),
			cell_text(row->insats->name),
			cell_text(str_get(m, b->id)),
			cell_date(b->beslutsdatum),
			cell_text(txt(x, b->forhandsbesked ? "ja" : "nej")),
			cell_date(row->kind == CASE_AVBROTT ? row->start : DATE_NONE),
			cell_date(row->r.milestone),
			cell_date(next_working_day_after(row->r.title_date)),
			cell_date(row->r.executed),
			cell_date(row->r.ended),
			cell_text(row->r.ended != DATE_NONE ? templates_orsak(x->r->templates, row->orsak) : ""),
			cell_int(wait_end - row->start),
			cell_text(skal ? skal->kategori_text : ""),
			cell_text(skal ? skal->text : ""),
			cell_date(j.last[HT_KONTAKT] ? j.last[HT_KONTAKT]->datum : DATE_NONE),
			cell_date(j.last[HT_ERBJUDANDE] ? j.last[HT_ERBJUDANDE]->datum : DATE_NONE),
			cell_date(j.last[HT_TACKAT_JA] ? j.last[HT_TACKAT_JA]->datum : DATE_NONE),
			cell_date(j.last[HT_TACKAT_NEJ] ? j.last[HT_TACKAT_NEJ]->datum : DATE_NONE),
			cell_text(event_text(x, &j, HT_DELVIS_VERKSTALLT, true)),
			cell_text(event_text(x, &j, HT_KOMPENSERANDE_INSATS, true)),
			cell_text(previous),
			cell_date(chain ? f->chain_first : DATE_NONE),
			cell_text(str_get(m, j.utforare)),
			cell_text(txt(x, p->skyddad ? "ja" : "nej")),
			cell_text(sum ? cut_text(str_get(m, sum->text), x->ev[HT_SAMMANFATTNING]) : ""),
		};
		int ret = run_add_row(s, cells);
		if (ret)
			return ret;
	}
	return 0;
}

/* The body of a message from templates/meddelande.csv (SPEC 5.1): for a
 * protected person the IVO-id instead of name and personnummer, and no
 * free text. */
static int message_body(struct ivo_ctx *x, const struct ivo_message *msg,
			const struct who *w)
{
	struct run *r = x->r;
	const struct model *m = &r->model;
	const struct beslut *b = &m->beslut.v[msg->beslut];
	bool prot = m->persons.v[msg->person].skyddad;
	struct journal j;
	ivo_journal(m, b, msg->start, x->rep.eval, &j);
	char beslutsdatum[11], avbrott[11] = "", rubrikdatum[11], verkstallt[11] = "",
	     avslutat[11] = "", skal[512] = "";
	const struct handelse *sk = j.last[HT_SKAL];
	const struct skal_info *si = sk ? templates_skal(r->templates, sk->skal - 1) : NULL;
	if (si)
		snprintf(skal, sizeof(skal), "%s – %s", si->kategori_text, si->text);
	if (msg->kind == CASE_AVBROTT)
		date_format(msg->start, avbrott);
	if (msg->msg.typ == RT_SLUT_VERKSTALLT)
		date_format(msg->msg.date, verkstallt);
	if (msg->msg.typ == RT_SLUT_AVSLUTAT)
		date_format(msg->msg.date, avslutat);
	const char *v[MF__N] = {
		[MF_NAMN] = w->name,
		[MF_PERSONNUMMER] = w->pnr,
		[MF_IVO_ID] = w->ivo_id,
		[MF_INSATS] = msg->insats->name,
		[MF_LAGRUM] = msg->insats->lagrum,
		[MF_BESLUT_ID] = str_get(m, b->id),
		[MF_BESLUTSDATUM] = date_format(b->beslutsdatum, beslutsdatum),
		[MF_AVBROTTSDATUM] = avbrott,
		[MF_RUBRIK] = txt(x, rapporttyp_keys[msg->msg.typ]),
		[MF_RUBRIKDATUM] = date_format(msg->msg.date, rubrikdatum),
		[MF_SKAL] = skal,
		[MF_KONTAKT] = event_text(x, &j, HT_KONTAKT, !prot),
		[MF_ERBJUDANDE] = event_text(x, &j, HT_ERBJUDANDE, !prot),
		[MF_TACKAT_JA] = event_text(x, &j, HT_TACKAT_JA, !prot),
		[MF_TACKAT_NEJ] = event_text(x, &j, HT_TACKAT_NEJ, !prot),
		[MF_DELVIS_VERKSTALLT] = event_text(x, &j, HT_DELVIS_VERKSTALLT, !prot),
		[MF_KOMPENSERANDE_INSATS] = event_text(x, &j, HT_KOMPENSERANDE_INSATS, !prot),
		[MF_VERKSTALLT] = verkstallt,
		[MF_AVSLUTAT] = avslutat,
		[MF_AVSLUTSORSAK] = msg->msg.typ == RT_SLUT_AVSLUTAT ? templates_orsak(x->r->templates, msg->orsak) : "",
		[MF_SAMMANFATTNING] = event_text(x, &j, HT_SAMMANFATTNING, !prot),
	};
	if (templates_message(r->templates, prot, v, x->body, MESSAGE_MAX)) {
		diag_msg("message body of decision '%s' longer than %d bytes",
			 str_get(m, b->id), MESSAGE_MAX);
		return EVB_ETOOBIG;
	}
	return 0;
}

static int write_meddelanden(struct ivo_ctx *x, struct book *bk)
{
	static const char *const cols[] = {
		"ansvarig", "mottagare", "meddelanderubrik", "datum_i_rubriken",
		"skicka_senast", "beslut_id", "avbrottsdatum", "ivo_id", "personnummer",
		"namn", "meddelandetext",
	};
	enum { NCOLS = sizeof(cols) / sizeof(cols[0]) };
	struct run *r = x->r;
	const struct model *m = &r->model;
	struct sheet *s = run_sheet(r, bk, "ivo", "meddelanden", cols, NCOLS);
	if (!s)
		return EVB_ETEMPLATE;
	for (uint32_t i = 0; i < x->rep.messages.n; i++) {
		ivo_prefetch_ahead(m, x->rep.messages.v, sizeof(*x->rep.messages.v),
				   offsetof(struct ivo_message, beslut), i, x->rep.messages.n);
		const struct ivo_message *msg = &x->rep.messages.v[i];
		const struct beslut *b = &m->beslut.v[msg->beslut];
		struct who w;
		char title[256];
		who_of(x, msg->person, &w);
		title_of(x, msg->beslut, msg->insats, msg->msg.typ, msg->msg.date,
			 title, sizeof(title));
		int ret = message_body(x, msg, &w);
		if (ret)
			return ret;
		struct cell cells[NCOLS] = {
			cell_text(msg->ansvarig), cell_text(r->config.ivo_mailbox),
			cell_text(title), cell_date(msg->msg.date), cell_date(msg->send_by),
			cell_text(str_get(m, b->id)),
			cell_date(msg->kind == CASE_AVBROTT ? msg->start : DATE_NONE),
			cell_text(w.ivo_id), cell_text(w.pnr), cell_text(w.name),
			cell_text(x->body),
		};
		if ((ret = run_add_row(s, cells)))
			return ret;
	}
	return 0;
}

/* Common summary items of both workbooks. */
static int period_items(struct ivo_ctx *x, struct summary_item *items)
{
	int n = 0;
	items[n++] = (struct summary_item){ "summary.period", NULL, cell_text(x->period) };
	items[n++] = (struct summary_item){ "summary.brytdatum", NULL, cell_date(x->rep.cutoff) };
	items[n++] = (struct summary_item){ "summary.rapportera_senast", NULL,
					    cell_date(x->rep.deadline) };
	items[n++] = (struct summary_item){ "summary.status", NULL,
					    cell_text(txt(x, x->rep.preliminary ? "summary.preliminar"
										: "summary.slutlig")) };
	return n;
}

/* "Sammanfattning" of the IVO workbook: counts per rapporttyp and insats,
 * messages per ansvarig, and the findings left out of "Kontroller" per
 * check. */
static int write_ivo_summary(struct ivo_ctx *x, struct book *bk)
{
	struct run *r = x->r;
	int ninsats = templates_insats_count(r->templates);
	size_t nkeys = 0;
	while (checks_case_keys[nkeys])
		nkeys++;
	/* one label per count: rapporttyp x insats, rapporttyp totals,
	 * ansvariga (at most one per insats and routing), checks */
	size_t nlabels = (size_t)ninsats * RT__N + RT__N + (size_t)ninsats * 2 + nkeys + 1;
	long *counts = calloc((size_t)ninsats * RT__N + 1, sizeof(*counts));
	long *outside = calloc(nkeys + 1, sizeof(*outside));
	struct summary_item *items = calloc(nlabels + 16, sizeof(*items));
	char (*labels)[160] = calloc(nlabels, sizeof(*labels));
	int ret = EVB_ENOMEM;
	if (!counts || !outside || !items || !labels)
		goto out;
	for (uint32_t i = 0; i < x->rep.rows.n; i++) {
		const struct ivo_row *row = &x->rep.rows.v[i];
		int idx = templates_insats_find(r->templates, row->insats->code);
		counts[(size_t)row->r.typ * ninsats + idx]++;
	}
	int n = period_items(x, items), nl = 0;
	if (r->config.ivo_mailbox[0])
		items[n++] = (struct summary_item){ "summary.ivo_brevlada", NULL,
						    cell_text(r->config.ivo_mailbox) };
	items[n++] = (struct summary_item){ "summary.antal_rader", NULL,
					    cell_int(x->rep.rows.n) };
	for (int t = 0; t < RT__N; t++) {
		long total = 0;
		for (int k = 0; k < ninsats; k++)
			total += counts[(size_t)t * ninsats + k];
		snprintf(labels[nl], sizeof(labels[nl]), "%s, %s", txt(x, rapporttyp_keys[t]),
			 txt(x, "summary.totalt"));
		items[n++] = (struct summary_item){ NULL, labels[nl++], cell_int(total) };
		for (int k = 0; k < ninsats; k++) {
			long c = counts[(size_t)t * ninsats + k];
			if (!c)
				continue;
			snprintf(labels[nl], sizeof(labels[nl]), "%s, %s (%s)",
				 txt(x, rapporttyp_keys[t]), templates_insats(r->templates, k)->name,
				 templates_insats(r->templates, k)->lagrum);
			items[n++] = (struct summary_item){ NULL, labels[nl++], cell_int(c) };
		}
	}
	/* messages per ansvarig: they are sorted by ansvarig */
	for (uint32_t i = 0, j; i < x->rep.messages.n && (size_t)nl < nlabels; i = j) {
		const char *a = x->rep.messages.v[i].ansvarig;
		for (j = i; j < x->rep.messages.n && strcmp(x->rep.messages.v[j].ansvarig, a) == 0; j++)
			;
		snprintf(labels[nl], sizeof(labels[nl]), "%s, %s", txt(x, "summary.meddelanden"), a);
		items[n++] = (struct summary_item){ NULL, labels[nl++], cell_int(j - i) };
	}
	const struct model *m = &r->model;
	for (uint32_t i = 0; i < m->findings.n; i++) {
		const struct finding *f = &m->findings.v[i];
		if (!run_finding_shown(r, f, checks_case_keys) || run_finding_in_scope(r, f, &x->scope))
			continue;
		for (size_t k = 0; k < nkeys; k++)
			if (strcmp(checks_case_keys[k], finding_check(m, f)) == 0)
				outside[k]++;
	}
	for (size_t k = 0; k < nkeys; k++) {
		if (!outside[k])
			continue;
		snprintf(labels[nl], sizeof(labels[nl]), "%s: %s", txt(x, "summary.ovriga_kontroller"),
			 txt(x, checks_case_keys[k]));
		items[n++] = (struct summary_item){ NULL, labels[nl++], cell_int(outside[k]) };
	}
	ret = run_sheet_summary(r, bk, "ivo", items, n);
out:
	free(counts);
	free(outside);
	free(items);
	free(labels);
	return ret;
}

/* ---- statistik -------------------------------------------------------- */

struct stat_row {
	uint16_t insats;
	uint8_t lagrum;
	char kon;
	uint8_t kind;
	int32_t days;
};

static const struct templates *sort_templates;

static int cmp_stat(const void *a, const void *b)
{
	const struct stat_row *x = a, *y = b;
	if (x->lagrum != y->lagrum)
		return x->lagrum < y->lagrum ? -1 : 1;
	if (x->insats != y->insats) {
		int c = strcmp(templates_insats(sort_templates, x->insats)->code,
			       templates_insats(sort_templates, y->insats)->code);
		if (c)
			return c;
	}
	if (x->kon != y->kon)
		return x->kon < y->kon ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->days < y->days ? 1 : x->days > y->days ? -1 : 0;
}

static int write_stat_beslut(struct ivo_ctx *x, struct book *bk)
{
	static const char *const cols[] = { "lagrum", "insats", "kon", "typ", "dagar" };
	struct run *r = x->r;
	const struct model *m = &r->model;
	const struct case_set *cs = &x->rep.cases;
	struct stat_row *rows = malloc(((size_t)cs->cases.n + 1) * sizeof(*rows));
	if (!rows)
		return EVB_ENOMEM;
	size_t n = 0;
	for (uint32_t i = 0; i < cs->cases.n; i++) {
		const struct evb_case *c = &cs->cases.v[i];
		if (case_first_milestone(c) > x->rep.eval || !case_open_at(c, x->rep.eval))
			continue;
		const struct beslut *b = &m->beslut.v[c->beslut];
		rows[n++] = (struct stat_row){
			.insats = b->insats, .lagrum = b->lagrum,
			.kon = m->persons.v[b->person].kon, .kind = c->kind,
			.days = x->rep.eval - c->start,
		};
	}
	sort_templates = r->templates;
	qsort(rows, n, sizeof(*rows), cmp_stat);
	sort_templates = NULL;
	int ret = 0;
	struct sheet *s = run_sheet(r, bk, "statistik", "beslut", cols, 5);
	if (!s)
		ret = EVB_ETEMPLATE;
	for (size_t i = 0; i < n && !ret; i++) {
		struct cell cells[5] = {
			cell_text(rows[i].lagrum == LAGRUM_LSS ? "LSS" : "SoL"),
			cell_text(templates_insats(r->templates, rows[i].insats)->name),
			cell_text(kon_text(x, rows[i].kon)),
			cell_text(txt(x, rows[i].kind == CASE_BESLUT ? "arendetyp.beslut"
								     : "arendetyp.avbrott")),
			cell_int(rows[i].days),
		};
		ret = run_add_row(s, cells);
	}
	free(rows);
	return ret;
}

/* "Antal": per lagrum, insats and kön, in catalogue order, then a total. */
static int write_stat_antal(struct ivo_ctx *x, struct book *bk)
{
	static const char *const cols[] = { "lagrum", "insats", "kon", "manader_3_6",
					    "manader_6_12", "over_12", "totalt",
					    "verkstallda", "avslutade" };
	struct run *r = x->r;
	const struct model *m = &r->model;
	int ninsats = templates_insats_count(r->templates);
	struct ivo_counts *counts = calloc((size_t)ninsats * 2 + 1, sizeof(*counts));
	if (!counts)
		return EVB_ENOMEM;
	const struct case_set *cs = &x->rep.cases;
	for (uint32_t i = 0; i < cs->cases.n; i++) {
		const struct evb_case *c = &cs->cases.v[i];
		const struct beslut *b = &m->beslut.v[c->beslut];
		int sex = m->persons.v[b->person].kon == 'M';
		ivo_count(c, x->rep.prev_cutoff, x->rep.eval, &counts[b->insats * 2 + sex]);
	}
	struct ivo_counts total = { 0 };
	int ret = 0;
	struct sheet *s = run_sheet(r, bk, "statistik", "antal", cols, 9);
	if (!s)
		ret = EVB_ETEMPLATE;
	/* SoL before LSS, as in the statistics sheet "Beslut" */
	for (int lag = LAGRUM_SOL; lag <= LAGRUM_LSS && !ret; lag++) {
		for (int k = 0; k < ninsats && !ret; k++) {
			const struct insats_info *ins = templates_insats(r->templates, k);
			if ((strcmp(ins->lagrum, "LSS") == 0) != (lag == LAGRUM_LSS))
				continue;
			for (int sex = 0; sex < 2 && !ret; sex++) {
				const struct ivo_counts *c = &counts[k * 2 + sex];
				long open = c->open[0] + c->open[1] + c->open[2];
				if (!open && !c->executed && !c->ended)
					continue;
				for (int w = 0; w < WAIT__N; w++)
					total.open[w] += c->open[w];
				total.executed += c->executed;
				total.ended += c->ended;
				struct cell cells[9] = {
					cell_text(ins->lagrum), cell_text(ins->name),
					cell_text(kon_text(x, sex ? 'M' : 'K')),
					cell_int(c->open[0]), cell_int(c->open[1]), cell_int(c->open[2]),
					cell_int(open), cell_int(c->executed), cell_int(c->ended),
				};
				ret = run_add_row(s, cells);
			}
		}
	}
	struct evb_error err = { 0 };
	if (!ret && (ret = sheet_end_filter(s, &err)))   /* the totals row stays out */
		diag_error(&err);
	if (!ret) {
		struct cell cells[9] = {
			cell_text(txt(x, "summary.totalt")), cell_blank(), cell_blank(),
			cell_int(total.open[0]), cell_int(total.open[1]), cell_int(total.open[2]),
			cell_int(total.open[0] + total.open[1] + total.open[2]),
			cell_int(total.executed), cell_int(total.ended),
		};
		ret = run_add_row(s, cells);
	}
	free(counts);
	return ret;
}

#define TREND_QUARTERS 8

/* "Trend": the same counts for this quarter and the previous seven, from
 * the cases known on E, with a chart of open cases per quarter. */
static int write_stat_trend(struct ivo_ctx *x, struct book *bk)
{
	static const char *const cols[] = { "kvartal", "brytdatum", "manader_3_6",
					    "manader_6_12", "over_12", "totalt",
					    "verkstallda", "avslutade" };
	struct run *r = x->r;
	struct sheet *s = run_sheet(r, bk, "statistik", "trend", cols, 8);
	if (!s)
		return EVB_ETEMPLATE;
	const struct case_set *cs = &x->rep.cases;
	for (int q = TREND_QUARTERS - 1; q >= 0; q--) {
		int y = x->rep.year, qq = x->rep.quarter;
		quarter_step(&y, &qq, -q);
		int py = y, pq = qq;
		quarter_step(&py, &pq, -1);
		evb_date cut = quarter_cutoff(y, qq);
		evb_date at = cut < x->rep.eval ? cut : x->rep.eval;
		struct ivo_counts c = { 0 };
		for (uint32_t i = 0; i < cs->cases.n; i++)
			ivo_count(&cs->cases.v[i], quarter_cutoff(py, pq), at, &c);
		char label[16];
		snprintf(label, sizeof(label), "%04dQ%d", y, qq);
		struct cell cells[8] = {
			cell_text(label), cell_date(cut),
			cell_int(c.open[0]), cell_int(c.open[1]), cell_int(c.open[2]),
			cell_int(c.open[0] + c.open[1] + c.open[2]),
			cell_int(c.executed), cell_int(c.ended),
		};
		int ret = run_add_row(s, cells);
		if (ret)
			return ret;
	}
	struct evb_error err = { 0 };
	struct chart_spec chart = {
		.title = txt(x, "diagram.trend.titel"),
		.x_title = txt(x, "diagram.trend.kategori"),
		.y_title = txt(x, "diagram.trend.varde"),
		.category_col = 0, .value_col = 5, .nrows = TREND_QUARTERS,
	};
	if (sheet_add_chart(s, &chart, &err)) {
		diag_error(&err);
		return EVB_EIO;
	}
	return 0;
}

static int write_stat_summary(struct ivo_ctx *x, struct book *bk)
{
	struct summary_item items[8];
	int n = period_items(x, items);
	items[n++] = (struct summary_item){ "summary.antal_avvisade", NULL,
					    cell_int(x->r->model.rejects.n) };
	return run_sheet_summary(x->r, bk, "statistik", items, n);
}

/* What the IVO "Kontroller" lists (SPEC 5.1): findings about the
 * decisions and persons in "Individrapporter", and "Dokumentation saknas"
 * for a reported case without a skal event in [start, E] or, for
 * Återrapportering, without a sammanfattning after the previous
 * milestone. */
static const char *const person_checks[] = {
	"check.ivo_id_kollision", "check.text_avkortad", NULL,
};

static int ivo_scope(struct ivo_ctx *x)
{
	struct model *m = &x->r->model;
	uint8_t *beslut = calloc((size_t)m->beslut.n + 1, 1);
	uint8_t *person = calloc((size_t)m->persons.n + 1, 1);
	x->scope = (struct finding_scope){ beslut, person, person_checks };
	if (!beslut || !person)
		goto enomem;
	for (uint32_t i = 0; i < x->rep.rows.n; i++) {
		prefetch_row(x, i);
		const struct ivo_row *row = &x->rep.rows.v[i];
		const struct beslut *b = &m->beslut.v[row->beslut];
		beslut[row->beslut] = person[row->person] = 1;
		struct journal j;
		ivo_journal(m, b, row->start, x->rep.eval, &j);
		bool no_skal = !j.last[HT_SKAL], no_summary = false;
		if (row->r.typ == RT_ATER) {
			/* the milestone before this quarter's one */
			int k = 2;
			while (add_months(row->start, 3 * k) < row->r.milestone)
				k++;
			evb_date prev = add_months(row->start, 3 * (k - 1));
			const struct handelse *sum = j.last[HT_SAMMANFATTNING];
			no_summary = !sum || sum->datum <= prev;
		}
		if (!no_skal && !no_summary)
			continue;
		struct finding *f = model_add_beslut_finding(m, "check.dokumentation_saknas", b->src,
							     K_BESLUT, STR_NONE, row->beslut,
							     row->r.title_date);
		if (!f)
			goto enomem;
		f->detail = model_strf(m, "%s%s%s", no_skal ? txt(x, "dokumentation.skal") : "",
				       no_skal && no_summary ? "; " : "",
				       no_summary ? txt(x, "dokumentation.sammanfattning") : "");
		if (m->strings.failed)
			goto enomem;
	}
	return 0;
enomem:
	diag_msg(EVB_NOMEM_TEXT);
	return EVB_ENOMEM;
}

static int write_books(struct ivo_ctx *x)
{
	struct run *r = x->r;
	char name[64];
	snprintf(name, sizeof(name), "ivo-%s", x->period);
	struct book *bk = run_book(r, "ivo", name);
	if (!bk)
		return EVB_EIO;
	unsigned said = diag_said();
	int ret;
	if ((ret = ivo_scope(x)) || (ret = write_individrapporter(x, bk)) ||
	    (ret = write_meddelanden(x, bk)) || (ret = write_ivo_summary(x, bk)) ||
	    (ret = run_sheet_checks(r, bk, "ivo", checks_case_keys, &x->scope)) ||
	    (ret = run_sheet_rejects(r, bk, "ivo", true))) {
		run_say_failure(ret, said);
		book_abort(bk);
		return EVB_EIO;
	}
	if (run_close_book(r, bk))
		return EVB_EIO;

	/* the statistics read the cases, decisions and persons only, and
	 * libxlsxwriter holds that workbook in memory (for the chart): the
	 * related records go first */
	model_drop(&r->model, K_BESTALLNING);
	model_drop(&r->model, K_VERKSTALLIGHET);
	model_drop(&r->model, K_AVBROTT);
	model_drop(&r->model, K_HANDELSE);
	model_drop(&r->model, K_MALTID);

	/* de-identified: rejected records without their values */
	snprintf(name, sizeof(name), "statistik-%s", x->period);
	if (!(bk = run_book_small(r, "statistik", name)))
		return EVB_EIO;
	said = diag_said();
	if ((ret = write_stat_beslut(x, bk)) || (ret = write_stat_antal(x, bk)) ||
	    (ret = write_stat_trend(x, bk)) || (ret = write_stat_summary(x, bk)) ||
	    (ret = run_sheet_rejects(r, bk, "statistik", false))) {
		run_say_failure(ret, said);
		book_abort(bk);
		return EVB_EIO;
	}
	return run_close_book(r, bk) ? EVB_EIO : 0;
}

int ivo_load_run(struct run *r, int argc, char **argv, struct ivo_report *rep)
{
	int year = 0, quarter = 0;
	memset(rep, 0, sizeof(*rep));
	if (run_parse(r, "ivo", OPT_PERIOD | OPT_ASOF, argc, argv, usage))
		return EXIT_FATAL;
	if (r->opts.help) {
		command_help("ivo", usage, "Writes the quarterly report of ej verkställda beslut to IVO\n"
			     "(ivo-YYYYQn.xlsx) and the de-identified statistics for the council\n"
			     "(statistik-YYYYQn.xlsx).");
		return -1;
	}
	if (quarter_parse(r->opts.period, &year, &quarter)) {   /* given: run_parse */
		diag_msg("invalid --period '%s' (use e.g. --period 2026Q3)", r->opts.period);
		fprintf(stderr, "usage: %s\n", usage);
		return EXIT_FATAL;
	}
	r->eval = ivo_eval_date(year, quarter, r->opts.asof);
	if (run_setup(r, true) || run_load(r, checks_case_keys))
		return EXIT_FATAL;
	int ret = ivo_build(&r->model, r->templates, year, quarter, r->opts.asof,
			    r->config.ivo_key, r->config.ivo_key_len, rep);
	if (ret) {
		diag_msg("%s", ret == EVB_ENOMEM ? EVB_NOMEM_TEXT
			 : ret == EVB_ETOOBIG ? "more persons of one sex share a birth date than there "
			 "are IVO-ids (500 a day and sex): check fodelsedatum in the export's personer"
			 : "cannot compute IVO-ids (crypto library error)");
		return EXIT_FATAL;
	}
	return 0;
}

int cmd_ivo(int argc, char **argv)
{
	struct run r;
	struct ivo_ctx x;
	int status = EXIT_FATAL;
	memset(&x, 0, sizeof(x));
	x.r = &r;
	int ret = ivo_load_run(&r, argc, argv, &x.rep);
	if (ret) {
		status = ret < 0 ? EXIT_FINE : EXIT_FATAL;
		goto out;
	}
	snprintf(x.period, sizeof(x.period), "%04dQ%d", x.rep.year, x.rep.quarter);
	if (!(x.body = malloc(MESSAGE_MAX)) || !(x.ev = malloc(sizeof(*x.ev) * HT__N))) {
		diag_msg(EVB_NOMEM_TEXT);
		goto out;
	}
	run_print_summary(&r);
	if (!r.opts.quiet)
		printf("ivo %s: %u report rows%s\n", x.period, x.rep.rows.n,
		       x.rep.preliminary ? " (preliminary: as-of date before the cut-off)" : "");
	if (run_strict_stop(&r))
		goto out;
	/* a preliminary run never takes the final report's folder */
	char name[64], asof[11];
	snprintf(name, sizeof(name), "ivo-%s%s%s", x.period,
		 x.rep.preliminary ? "-preliminar-" : "",
		 x.rep.preliminary ? date_format(r.opts.asof, asof) : "");
	if (run_open_dir(&r, name) || write_books(&x))
		goto out;
	status = run_finish(&r);
out:
	ivo_release(&x.rep);
	free(x.body);
	free(x.ev);
	free((void *)x.scope.beslut);
	free((void *)x.scope.person);
	run_release(&r);
	return status;
}
