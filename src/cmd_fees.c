/* evb fees: avgift-YYYY-MM.xlsx (SPEC 5.3). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "diag.h"
#include "fees.h"
#include "ivo.h"
#include "personnr.h"
#include "run.h"

static const char usage[] =
	"evb fees --month YYYY-MM [--in DIR|FILE]... [--out DIR] [--config FILE]\n"
	"                [--templates DIR] [--profile FILE] [--strict] [--quiet] [--csv]\n"
	"                [--replace]";

/* Both "Avgiftsunderlag" and "Nya och avslutade" have these columns. */
static const char *const row_cols[] = {
	"personnummer", "namn", "beslut_id", "insats", "utforare", "verkstalld_fran",
	"avslutad", "debiterbara_dagar", "avbrottsdagar", "beviljad_omfattning", "enhet",
	"debiterbar_omfattning", "handelse", "belopp",
};
enum { NROWCOLS = sizeof(row_cols) / sizeof(row_cols[0]) };

/* "Ny, Avbrott, Avslut - slutfaktura" in the order of the spec. */
static void events_text(const struct run *r, uint8_t events, char *buf, size_t size)
{
	static const struct {
		uint8_t flag;
		const char *key;
	} names[] = {
		{ FEE_NY, "avgift_handelse.ny" },
		{ FEE_NYTT_BESLUT, "avgift_handelse.nytt_beslut" },
		{ FEE_AVBROTT, "avgift_handelse.avbrott" },
		{ FEE_AVSLUT, "avgift_handelse.avslut" },
		{ FEE_AVSLUT_LARM, "avgift_handelse.avslut_larm" },
	};
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(events & names[i].flag))
			continue;
		int n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
				 templates_text(r->templates, names[i].key));
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
	}
}

/* The texts of the fee rows' "enhet" and "handelse" columns, each made
 * once: a month has hundreds of thousands of rows and few such texts. */
struct fee_texts {
	const char *unit[ENHET__N];
	char events[FEE__COMBINATIONS][160];   /* by FEE_* flags, made when first needed */
	bool made[FEE__COMBINATIONS];
};

static void fee_texts_init(const struct run *r, struct fee_texts *t)
{
	memset(t->made, 0, sizeof(t->made));
	for (unsigned u = 0; u < ENHET__N; u++)
		t->unit[u] = templates_enhet(r->templates, u);
}

static const char *fee_events(const struct run *r, struct fee_texts *t, uint8_t events)
{
	events &= FEE__COMBINATIONS - 1;
	if (!t->made[events]) {
		events_text(r, events, t->events[events], sizeof(t->events[events]));
		t->made[events] = true;
	}
	return t->events[events];
}

static int write_fee_rows(struct run *r, struct book *b, const struct fee_report *rep,
			  const char *sheet, bool only_new_or_ended)
{
	struct sheet *s = run_sheet(r, b, "avgift", sheet, row_cols, NROWCOLS);
	if (!s)
		return EVB_ETEMPLATE;
	const struct model *m = &r->model;
	struct fee_texts texts;
	fee_texts_init(r, &texts);
	for (uint32_t i = 0; i < rep->rows.n; i++) {
		const struct fee_row *row = &rep->rows.v[i];
		if (only_new_or_ended && !(row->events & (FEE_NY | FEE_NYTT_BESLUT | FEE_AVSLUT | FEE_AVSLUT_LARM)))
			continue;
		/* the rows are in personnummer order and what they show lies
		 * anywhere in the model: fetched ahead, as the IVO sheets are
		 * (not for the few rows of "Nya och avslutade": far apart) */
		if (!only_new_or_ended)
			ivo_prefetch_ahead(m, rep->rows.v, sizeof(*rep->rows.v),
					   offsetof(struct fee_row, beslut), i, rep->rows.n);
		const struct beslut *bs = &m->beslut.v[row->beslut];
		const struct person *p = &m->persons.v[row->person];
		char pnr[14], name[512];
		pnr_format_digits(str_get(m, p->pnr), pnr);
		run_person_name(r, p, name, sizeof(name));
		struct cell cells[NROWCOLS] = {
			cell_text(pnr),
			cell_text(name),
			cell_text(str_get(m, bs->id)),
			cell_text(templates_insats(r->templates, bs->insats)->name),
			cell_text(str_get(m, row->utforare)),
			cell_date(row->verkstalld_fran),
			cell_date(row->avslutad),
			cell_int(row->days),
			cell_int(row->pause_days),
			bs->omfattning == bs->omfattning ? cell_num(bs->omfattning, 2) : cell_blank(),
			bs->omfattning_enhet != ENHET_NONE
				? cell_text(texts.unit[bs->omfattning_enhet]) : cell_blank(),
			cell_cents(row->units),
			cell_text(fee_events(r, &texts, row->events)),
			cell_money(row->belopp),
		};
		int ret = run_add_row(s, cells);
		if (ret)
			return ret;
	}
	return 0;
}

static int write_per_person(struct run *r, struct book *b, const struct fee_report *rep)
{
	static const char *const cols[] = { "personnummer", "namn", "omsorgsbelopp", "maxtaxa",
					    "avgiftsutrymme", "omsorgsavgift", "maltider",
					    "summa", "status" };
	struct sheet *s = run_sheet(r, b, "avgift", "per_person", cols, 9);
	if (!s)
		return EVB_ETEMPLATE;
	const struct model *m = &r->model;
	for (uint32_t i = 0; i < rep->persons.n; i++) {
		if ((uint64_t)i + 8 < rep->persons.n)
			model_prefetch_person(m, rep->persons.v[i + 8].person, 0);
		if ((uint64_t)i + 4 < rep->persons.n)
			model_prefetch_person(m, rep->persons.v[i + 4].person, 1);
		const struct fee_person *fp = &rep->persons.v[i];
		const struct person *p = &m->persons.v[fp->person];
		char pnr[14], name[512], status[160] = "";
		pnr_format_digits(str_get(m, p->pnr), pnr);
		run_person_name(r, p, name, sizeof(name));
		if (fp->missing)   /* "Ofullständig: belopp saknas för 2 beslut" */
			snprintf(status, sizeof(status), "%s %u %s",
				 templates_text(r->templates, "status.ofullstandig"), fp->missing,
				 templates_text(r->templates, "status.beslut"));
		struct cell cells[9] = {
			cell_text(pnr), cell_text(name), cell_money(fp->omsorgsbelopp),
			cell_money(rep->maxtaxa), cell_money(fp->utrymme),
			cell_money(fp->omsorgsavgift), cell_money(fp->maltider),
			cell_money(fp->summa), cell_text(status),
		};
		int ret = run_add_row(s, cells);
		if (ret)
			return ret;
	}
	return 0;
}

static int write_summary(struct run *r, struct book *b, const struct fee_report *rep)
{
	struct summary_item items[] = {
		{ "summary.manad", NULL, cell_text(r->opts.month) },
		{ "summary.maxtaxa", NULL, cell_money(rep->maxtaxa) },
		{ "summary.prisbasbelopp", NULL, cell_money(rep->prisbasbelopp * 100) },
		{ "summary.antal_rader_avgift", NULL, cell_int(rep->rows.n) },
		{ "summary.antal_nya_avslutade", NULL, cell_int(rep->new_or_ended) },
		{ "summary.antal_personer", NULL, cell_int(rep->persons.n) },
		{ "summary.summa_omsorgsavgift", NULL, cell_money(rep->sum_avgift) },
		{ "summary.summa_maltider", NULL, cell_money(rep->sum_maltider) },
		{ "summary.summa", NULL, cell_money(rep->sum_total) },
		{ "summary.ofullstandiga", NULL, cell_int(rep->incomplete) },
		{ "summary.antal_avvisade", NULL, cell_int(r->model.rejects.n) },
	};
	return run_sheet_summary(r, b, "avgift", items, sizeof(items) / sizeof(items[0]));
}

static int fill(struct run *r, struct book *b, const void *ctx)
{
	const struct fee_report *rep = ctx;
	int ret;
	if ((ret = write_fee_rows(r, b, rep, "avgiftsunderlag", false)) ||
	    (ret = write_per_person(r, b, rep)) ||
	    (ret = write_fee_rows(r, b, rep, "nya_och_avslutade", true)) ||
	    (ret = run_sheet_checks(r, b, "avgift", fees_check_keys, NULL)) ||
	    (ret = write_summary(r, b, rep)) ||
	    (ret = run_sheet_rejects(r, b, "avgift", true)))
		return ret;
	return 0;
}

int cmd_fees(int argc, char **argv)
{
	struct run r;
	struct meal_report meals;
	struct fee_report rep;
	int status = EXIT_FATAL;
	memset(&meals, 0, sizeof(meals));
	memset(&rep, 0, sizeof(rep));
	if (run_parse(&r, "fees", OPT_MONTH, argc, argv, usage))
		goto out;
	if (r.opts.help) {
		command_help("fees", usage, "Writes the month's fee basis for the fee unit (avgift-YYYY-MM.xlsx):\n"
			     "billable days and omfattning per decision, the fee per person under the\n"
			     "maxtaxa and avgiftsutrymme, and the meals on top.");
		status = EXIT_FINE;
		goto out;
	}
	if (run_setup(&r, false))
		goto out;
	if (templates_maxtaxa(r.templates, r.opts.year, NULL) < 0) {
		diag_msg("templates/maxtaxa.csv has no maxtaxa for %d: add the year's row "
			 "(ar;prisbasbelopp;maxtaxa) before running fees for %s",
			 r.opts.year, r.opts.month);
		goto out;
	}
	if (run_load(&r, fees_check_keys))
		goto out;
	/* the journal is checked by now and bills nothing */
	model_drop(&r.model, K_HANDELSE);
	int ret = meals_build(&r.model, r.templates, r.opts.year, r.opts.mon, &meals);
	if (!ret)
		ret = fees_build(&r.model, r.templates, r.opts.year, r.opts.mon, &meals, &rep);
	if (ret) {
		diag_msg(EVB_NOMEM_TEXT);
		goto out;
	}
	run_print_summary(&r);
	if (!r.opts.quiet)
		printf("fees %s: %u decisions billed, %u persons\n", r.opts.month, rep.rows.n,
		       rep.persons.n);
	if (run_strict_stop(&r))
		goto out;
	char name[64];
	snprintf(name, sizeof(name), "avgift-%s", r.opts.month);
	status = run_write_book(&r, "avgift", name, fill, &rep);
out:
	fees_release(&rep);
	meals_release(&meals);
	run_release(&r);
	return status;
}
