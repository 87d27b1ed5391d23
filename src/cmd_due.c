/* evb due: bevakning-<date>.xlsx, the working list (SPEC 5.4). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "checks.h"
#include "commands.h"
#include "diag.h"
#include "due.h"
#include "ivo.h"
#include "personnr.h"
#include "run.h"

static const char usage[] =
	"evb due [--as-of DATE] [--in DIR|FILE]... [--out DIR] [--config FILE]\n"
	"               [--templates DIR] [--profile FILE] [--strict] [--quiet] [--csv]\n"
	"               [--replace]";

/* What every sheet shows of a decision's person. */
struct who {
	char pnr[14], name[512];
	const struct insats_info *insats;
};

static void who_of(const struct run *r, uint32_t beslut, struct who *w)
{
	const struct model *m = &r->model;
	const struct beslut *b = &m->beslut.v[beslut];
	const struct person *p = &m->persons.v[b->person];
	pnr_format_digits(str_get(m, p->pnr), w->pnr);
	run_person_name(r, p, w->name, sizeof(w->name));
	w->insats = templates_insats(r->templates, b->insats);
}

/* A step of the cycle (SPEC 5.4): its date, with " (sen)" when after the
 * due date; "Saknas" when missing after the due date; else empty. */
static void step_text(const struct run *r, evb_date done, evb_date due, bool missing,
		      char buf[static 48])
{
	char d[11];
	if (done != DATE_NONE)
		snprintf(buf, 48, done > due ? "%s (%s)" : "%s", date_format(done, d),
			 templates_text(r->templates, "due.sen"));
	else
		snprintf(buf, 48, "%s", missing ? templates_text(r->templates, "due.saknas") : "");
}

/* "Klar", or "Saknas: kontakt, sammanfattning, skäl" naming the steps
 * missing after their due date. */
static void status_text(const struct run *r, uint8_t missing, char *buf, size_t size)
{
	static const struct {
		uint8_t flag;
		const char *key;
	} steps[] = {
		{ DUE_MISSING_CONTACT, "due.steg.kontakt" },
		{ DUE_MISSING_SUMMARY, "due.steg.sammanfattning" },
		{ DUE_MISSING_SKAL, "due.steg.skal" },
	};
	if (!missing) {
		snprintf(buf, size, "%s", templates_text(r->templates, "due.klar"));
		return;
	}
	size_t n = (size_t)snprintf(buf, size, "%s: ", templates_text(r->templates, "due.saknas"));
	const char *sep = "";
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && n < size; i++) {
		if (!(missing & steps[i].flag))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", sep,
				      templates_text(r->templates, steps[i].key));
		sep = ", ";
	}
}

static int write_decisions(struct run *r, struct book *bk, const struct due_report *rep)
{
	static const char *const cols[] = {
		"ansvarig", "handlaggare", "personnummer", "namn", "lagrum", "insats",
		"beslut_id", "beslutsdatum", "avbrottsdatum", "vantetid_dagar", "kontakt_senast",
		"sammanfattning_senast", "meddelande_senast", "nasta_tremanadersdatum", "kvartal",
		"kontakt", "sammanfattning", "skal", "status", "utforare", "senaste_erbjudande",
	};
	enum { NCOLS = sizeof(cols) / sizeof(cols[0]) };
	struct sheet *s = run_sheet(r, bk, "bevakning", "beslut", cols, NCOLS);
	if (!s)
		return EVB_ETEMPLATE;
	const struct model *m = &r->model;
	for (uint32_t i = 0; i < rep->rows.n; i++) {
		ivo_prefetch_ahead(m, rep->rows.v, sizeof(*rep->rows.v), offsetof(struct due_row, beslut),
				   i, rep->rows.n);
		const struct due_row *row = &rep->rows.v[i];
		const struct beslut *b = &m->beslut.v[row->beslut];
		struct who w;
		struct journal j;
		who_of(r, row->beslut, &w);
		ivo_journal(m, b, row->start, rep->eval, &j);
		int y, mo, d;
		date_to_ymd(row->milestone, &y, &mo, &d);
		char quarter[24], kontakt[48], summary[48], status[160];
		snprintf(quarter, sizeof(quarter), "%04dQ%d", y, (mo - 1) / 3 + 1);
		step_text(r, row->kontakt, row->contact, row->missing & DUE_MISSING_CONTACT, kontakt);
		step_text(r, row->sammanfattning, row->summary,
			  row->missing & DUE_MISSING_SUMMARY, summary);
		status_text(r, row->missing, status, sizeof(status));
		const struct skal_info *skal = row->skal != IDX_NONE
			? templates_skal(r->templates, m->handelser.v[row->skal].skal - 1) : NULL;
		char skal_text[512];
		snprintf(skal_text, sizeof(skal_text), "%s%s%s", skal ? skal->kategori_text : "",
			 skal ? " – " : "",
			 skal ? skal->text : row->missing & DUE_MISSING_SKAL
			 ? templates_text(r->templates, "due.saknas") : "");
		struct cell cells[NCOLS] = {
			cell_text(ivo_ansvarig(w.insats, b->verkstalls_externt)),
			cell_text(str_get(m, b->handlaggare)),
			cell_text(w.pnr),
			cell_text(w.name),
			cell_text(b->lagrum == LAGRUM_LSS ? "LSS" : "SoL"),
			cell_text(w.insats->name),
			cell_text(str_get(m, b->id)),
			cell_date(b->beslutsdatum),
			cell_date(row->kind == CASE_AVBROTT ? row->start : DATE_NONE),
			cell_int(rep->eval - row->start),
			cell_date(row->contact),
			cell_date(row->summary),
			cell_date(row->message),
			cell_date(row->milestone),
			cell_text(quarter),
			cell_text(kontakt),
			cell_text(summary),
			cell_text(skal_text),
			cell_text(status),
			cell_text(str_get(m, j.utforare)),
			cell_date(j.last[HT_ERBJUDANDE] ? j.last[HT_ERBJUDANDE]->datum : DATE_NONE),
		};
		int ret = run_add_row(s, cells);
		if (ret)
			return ret;
	}
	/* the rows with a step missing after its due date stand out */
	struct evb_error err = { 0 };
	int status_col = 0;
	while (strcmp(cols[status_col], "status") != 0)
		status_col++;
	if (sheet_highlight_rows(s, status_col, templates_text(r->templates, "due.saknas"), &err)) {
		diag_error(&err);
		return EVB_EIO;
	}
	return 0;
}

static int write_orders(struct run *r, struct book *bk, const struct due_report *rep)
{
	static const char *const cols[] = {
		"bestallning_id", "beslut_id", "personnummer", "namn", "insats", "utforare",
		"skickad", "bekraftas_senast", "bekraftad", "status", "timmar_sent",
	};
	enum { NCOLS = sizeof(cols) / sizeof(cols[0]) };
	struct sheet *s = run_sheet(r, bk, "bevakning", "bestallningar", cols, NCOLS);
	if (!s)
		return EVB_ETEMPLATE;
	const struct model *m = &r->model;
	for (uint32_t i = 0; i < rep->orders.n; i++) {
		const struct due_order *x = &rep->orders.v[i];
		const struct bestallning *o = &m->bestallningar.v[x->order];
		struct who w;
		who_of(r, x->beslut, &w);
		bool confirmed = o->bekraftad != INT32_MIN &&
				 o->bekraftad < ((int64_t)rep->eval + 1) * 1440;
		/* hours late, a started hour counted whole */
		int64_t late = confirmed ? (o->bekraftad - x->deadline + 59) / 60 : 0;
		struct cell cells[NCOLS] = {
			cell_text(str_get(m, o->id)), cell_text(str_get(m, m->beslut.v[x->beslut].id)),
			cell_text(w.pnr), cell_text(w.name), cell_text(w.insats->name),
			cell_text(str_get(m, o->utforare)), cell_datetime(o->skickad),
			cell_datetime(x->deadline),
			confirmed ? cell_datetime(o->bekraftad) : cell_blank(),
			cell_text(templates_text(r->templates, confirmed ? "due.bekraftad_sent"
									 : "due.ej_bekraftad")),
			confirmed ? cell_int(late) : cell_blank(),
		};
		int ret = run_add_row(s, cells);
		if (ret)
			return ret;
	}
	return 0;
}

static int write_pauses(struct run *r, struct book *bk, const struct due_report *rep)
{
	static const char *const cols[] = {
		"avbrott_id", "beslut_id", "personnummer", "namn", "insats", "fran_datum",
		"registrerad_datum", "dagar_till_registrering",
	};
	struct sheet *s = run_sheet(r, bk, "bevakning", "uppehall", cols, 8);
	if (!s)
		return EVB_ETEMPLATE;
	const struct model *m = &r->model;
	for (uint32_t i = 0; i < rep->pauses.n; i++) {
		const struct due_pause *x = &rep->pauses.v[i];
		const struct avbrott *a = &m->avbrott.v[x->avbrott];
		struct who w;
		who_of(r, x->beslut, &w);
		struct cell cells[8] = {
			cell_text(str_get(m, a->id)), cell_text(str_get(m, m->beslut.v[x->beslut].id)),
			cell_text(w.pnr), cell_text(w.name), cell_text(w.insats->name),
			cell_date(a->fran_datum), cell_date(a->registrerad_datum), cell_int(x->days),
		};
		int ret = run_add_row(s, cells);
		if (ret)
			return ret;
	}
	return 0;
}

static int write_summary(struct run *r, struct book *bk, const struct due_report *rep)
{
	long waiting = 0, paused = 0;
	for (uint32_t i = 0; i < rep->rows.n; i++)
		if (rep->rows.v[i].kind == CASE_BESLUT)
			waiting++;
		else
			paused++;
	struct summary_item items[] = {
		{ "summary.antal_vantande", NULL, cell_int(waiting) },
		{ "summary.antal_avbrott", NULL, cell_int(paused) },
		{ "summary.antal_bestallningar", NULL, cell_int(rep->orders.n) },
		{ "summary.antal_uppehall", NULL, cell_int(rep->pauses.n) },
		{ "summary.antal_avvisade", NULL, cell_int(r->model.rejects.n) },
	};
	return run_sheet_summary(r, bk, "bevakning", items, sizeof(items) / sizeof(items[0]));
}

static int fill(struct run *r, struct book *bk, const void *ctx)
{
	const struct due_report *rep = ctx;
	int ret;
	if ((ret = write_decisions(r, bk, rep)) ||
	    (ret = write_orders(r, bk, rep)) ||
	    (ret = write_pauses(r, bk, rep)) ||
	    (ret = write_summary(r, bk, rep)) ||
	    (ret = run_sheet_checks(r, bk, "bevakning", checks_case_keys, NULL)) ||
	    (ret = run_sheet_rejects(r, bk, "bevakning", true)))
		return ret;
	return 0;
}

int cmd_due(int argc, char **argv)
{
	struct run r;
	struct due_report rep;
	int status = EXIT_FATAL;
	memset(&rep, 0, sizeof(rep));
	if (run_parse(&r, "due", OPT_ASOF, argc, argv, usage))
		goto out;
	if (r.opts.help) {
		command_help("due", usage, "Writes the working list (bevakning-DATE.xlsx): decisions not yet\n"
			     "executed and interruptions not yet resumed with the routine's due dates,\n"
			     "hemtjänst orders not confirmed within 24 hours of working days, and pauses\n"
			     "registered more than seven days late.");
		status = EXIT_FINE;
		goto out;
	}
	if (run_setup(&r, false) || run_load(&r, checks_case_keys))
		goto out;
	if (due_build(&r.model, r.templates, r.eval, &rep)) {
		diag_msg(EVB_NOMEM_TEXT);
		goto out;
	}
	run_print_summary(&r);
	if (!r.opts.quiet)
		printf("due: %u %s, %u %s, %u %s\n", rep.rows.n,
		       rep.rows.n == 1 ? "decision or interruption" : "decisions and interruptions",
		       rep.orders.n, rep.orders.n == 1 ? "order" : "orders",
		       rep.pauses.n, rep.pauses.n == 1 ? "pause" : "pauses");
	if (run_strict_stop(&r))
		goto out;
	char date[11], name[64];
	snprintf(name, sizeof(name), "bevakning-%s", date_format(r.eval, date));
	status = run_write_book(&r, "bevakning", name, fill, &rep);
out:
	due_release(&rep);
	run_release(&r);
	return status;
}
