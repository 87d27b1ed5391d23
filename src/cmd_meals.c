/* evb meals: maltider-YYYY-MM.xlsx (SPEC 5.2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "diag.h"
#include "meals.h"
#include "personnr.h"
#include "run.h"

static const char usage[] =
	"evb meals --month YYYY-MM [--in DIR|FILE]... [--out DIR] [--config FILE]\n"
	"                 [--templates DIR] [--profile FILE] [--strict] [--quiet] [--csv]\n"
	"                 [--replace]";

static int write_rows(struct run *r, struct book *b, const struct meal_report *rep)
{
	static const char *const cols[] = { "enhet", "personnummer", "namn", "maltidstyp",
					    "antal", "pris", "belopp" };
	struct sheet *s = run_sheet(r, b, "maltider", "maltider", cols, 7);
	if (!s)
		return EVB_ETEMPLATE;
	const struct model *m = &r->model;
	for (uint32_t i = 0; i < rep->rows.n; i++) {
		const struct meal_row *row = &rep->rows.v[i];
		const struct person *p = &m->persons.v[row->person];
		char pnr[14], name[512], key[48];
		pnr_format_digits(str_get(m, p->pnr), pnr);
		run_person_name(r, p, name, sizeof(name));
		snprintf(key, sizeof(key), "maltidstyp.%s", maltidstyp_codes[row->typ]);
		struct cell cells[7] = {
			cell_text(str_get(m, row->enhet)), cell_text(pnr), cell_text(name),
			cell_text(templates_text(r->templates, key)), cell_int(row->antal),
			cell_money(row->pris), cell_money(row->belopp),
		};
		int ret = run_add_row(s, cells);
		if (ret)
			return ret;
	}
	return 0;
}

/* Month, totals, then antal and belopp per enhet. */
static int write_summary(struct run *r, struct book *b, const struct meal_report *rep)
{
	const struct model *m = &r->model;
	size_t n = 6 + 2 * (size_t)rep->units.n;
	struct summary_item *items = calloc(n, sizeof(*items));
	char (*labels)[320] = calloc(2 * (size_t)rep->units.n + 1, sizeof(*labels));
	int ret = EVB_ENOMEM, k = 0;
	if (!items || !labels)
		goto out;
	items[k++] = (struct summary_item){ "summary.manad", NULL, cell_text(r->opts.month) };
	items[k++] = (struct summary_item){ "summary.antal_personer", NULL,
					    cell_int(rep->persons) };
	items[k++] = (struct summary_item){ "summary.antal_maltider", NULL, cell_int(rep->antal) };
	items[k++] = (struct summary_item){ "summary.belopp", NULL, cell_money(rep->belopp) };
	items[k++] = (struct summary_item){ "summary.antal_avvisade", NULL,
					    cell_int(m->rejects.n) };
	for (uint32_t i = 0; i < rep->units.n; i++) {
		const struct meal_unit *u = &rep->units.v[i];
		const char *unit = str_get(m, u->enhet);
		snprintf(labels[2 * i], sizeof(labels[0]), "%s: %s", unit,
			 templates_text(r->templates, "summary.antal_maltider"));
		snprintf(labels[2 * i + 1], sizeof(labels[0]), "%s: %s", unit,
			 templates_text(r->templates, "summary.belopp"));
		items[k++] = (struct summary_item){ NULL, labels[2 * i], cell_int(u->antal) };
		items[k++] = (struct summary_item){ NULL, labels[2 * i + 1], cell_money(u->belopp) };
	}
	ret = run_sheet_summary(r, b, "maltider", items, k);
out:
	free(items);
	free(labels);
	return ret;
}

static int fill(struct run *r, struct book *b, const void *ctx)
{
	const struct meal_report *rep = ctx;
	int ret;
	if ((ret = write_rows(r, b, rep)) ||
	    (ret = write_summary(r, b, rep)) ||
	    (ret = run_sheet_checks(r, b, "maltider", meals_check_keys, NULL)) ||
	    (ret = run_sheet_rejects(r, b, "maltider", true)))
		return ret;
	return 0;
}

int cmd_meals(int argc, char **argv)
{
	struct run r;
	struct meal_report rep;
	int status = EXIT_FATAL;
	memset(&rep, 0, sizeof(rep));
	if (run_parse(&r, "meals", OPT_MONTH, argc, argv, usage))
		goto out;
	if (r.opts.help) {
		command_help("meals", usage, "Writes the month's meals per enhet, person and måltidstyp with\n"
			     "prices from templates/taxor.csv (maltider-YYYY-MM.xlsx).");
		status = EXIT_FINE;
		goto out;
	}
	if (run_setup(&r, false) || run_load(&r, meals_check_keys))
		goto out;
	/* checked by now, and a meal report reads neither */
	model_drop(&r.model, K_HANDELSE);
	model_drop(&r.model, K_BESTALLNING);
	if (meals_build(&r.model, r.templates, r.opts.year, r.opts.mon, &rep)) {
		diag_msg(EVB_NOMEM_TEXT);
		goto out;
	}
	run_print_summary(&r);
	if (!r.opts.quiet)
		printf("meals %s: %u rows, %lld meals\n", r.opts.month, rep.rows.n,
		       (long long)rep.antal);
	if (run_strict_stop(&r))
		goto out;
	char name[64];
	snprintf(name, sizeof(name), "maltider-%s", r.opts.month);
	status = run_write_book(&r, "maltider", name, fill, &rep);
out:
	meals_release(&rep);
	run_release(&r);
	return status;
}
