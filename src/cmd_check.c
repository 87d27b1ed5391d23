/* evb check: validate an export set and write kontroll-<date>.xlsx. */
#include <stdio.h>

#include "calendar.h"
#include "commands.h"
#include "run.h"

static const char usage[] =
	"evb check [--as-of DATE] [--in DIR|FILE]... [--out DIR] [--config FILE]\n"
	"                 [--templates DIR] [--strict] [--quiet] [--csv] [--replace]";

static int fill(struct run *r, struct book *b, const void *ctx)
{
	(void)ctx;
	return run_sheet_summary(r, b, "kontroll", NULL, 0) ||
	       run_sheet_inputs(r, b, "kontroll") ||
	       run_sheet_rejects(r, b, "kontroll", true) ||
	       run_sheet_checks(r, b, "kontroll", NULL);
}

int cmd_check(int argc, char **argv)
{
	struct run r;
	int status = EXIT_FATAL;
	if (run_parse(&r, "check", OPT_ASOF, argc, argv, usage))
		goto out;
	if (r.opts.help) {
		printf("usage: %s\n\nValidates an export set: every record used or rejected with file,\n"
		       "line, column and reason, plus the data-quality checks.\n", usage);
		status = EXIT_FINE;
		goto out;
	}
	if (run_setup(&r, false) || run_load(&r))
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
