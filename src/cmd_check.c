/* evb check: validate an export set and write kontroll-<date>.xlsx. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "checks.h"
#include "commands.h"
#include "run.h"

static const char usage[] =
	"evb check [--as-of DATE] [--in DIR|FILE]... [--out DIR] [--config FILE]\n"
	"                 [--templates DIR] [--profile FILE] [--strict] [--quiet] [--csv]\n"
	"                 [--replace]";

struct check_count {
	const char *key;
	long n;
};

static int cmp_count(const void *a, const void *b)
{
	const struct check_count *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* "Översikt" (SPEC 5.5): the findings counted per check, largest first. */
static int write_overview(struct run *r, struct book *b)
{
	static const char *const cols[] = { "kontroll", "allvar", "antal" };
	const struct model *m = &r->model;
	struct check_count *counts = calloc((size_t)m->findings.n + 1, sizeof(*counts));
	if (!counts)
		return EVB_ENOMEM;
	size_t n = 0;
	for (uint32_t i = 0; i < m->findings.n; i++) {
		const struct finding *f = &m->findings.v[i];
		if (!run_finding_shown(r, f, NULL))
			continue;
		size_t k = 0;
		/* a handful of checks: a linear search is enough */
		while (k < n && strcmp(counts[k].key, finding_check(m, f)) != 0)
			k++;
		if (k == n)
			counts[n++].key = finding_check(m, f);
		counts[k].n++;
	}
	sort_array(counts, n, sizeof(*counts), cmp_count);
	int ret = 0;
	struct sheet *s = run_sheet(r, b, "kontroll", "oversikt", cols, 3);
	if (!s)
		ret = EVB_ETEMPLATE;
	for (size_t i = 0; i < n && !ret; i++) {
		struct cell row[3] = {
			cell_text(templates_text(r->templates, counts[i].key)),
			cell_text(templates_text(r->templates, checks_information(counts[i].key)
							       ? "allvar.information" : "allvar.atgarda")),
			cell_int(counts[i].n),
		};
		ret = run_add_row(s, row);
	}
	free(counts);
	return ret;
}

static int fill(struct run *r, struct book *b, const void *ctx)
{
	(void)ctx;
	int ret;
	if ((ret = run_sheet_summary(r, b, "kontroll", NULL, 0)) ||
	    (ret = write_overview(r, b)) ||
	    (ret = run_sheet_inputs(r, b, "kontroll")) ||
	    (ret = run_sheet_rejects(r, b, "kontroll", true)) ||
	    (ret = run_sheet_checks(r, b, "kontroll", NULL, NULL)))
		return ret;
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct run r;
	int status = EXIT_FATAL;
	if (run_parse(&r, "check", OPT_ASOF, argc, argv, usage))
		goto out;
	if (r.opts.help) {
		command_help("check", usage, "Validates an export set: every record used or rejected with file,\n"
			     "line, column and reason, plus the data-quality checks.");
		status = EXIT_FINE;
		goto out;
	}
	if (run_setup(&r, false) || run_load(&r, NULL))
		goto out;
	run_print_summary(&r);
	if (run_strict_stop(&r))
		goto out;

	char date[11], name[64];
	date_format(r.eval, date);
	snprintf(name, sizeof(name), "kontroll-%s", date);
	status = run_write_book(&r, "kontroll", name, fill, NULL);
out:
	run_release(&r);
	return status;
}
