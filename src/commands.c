/* The command table (main.c dispatches, evb verify re-runs through it)
 * and the help every command prints. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

const struct command commands[] = {
	{ "ivo", cmd_ivo, "quarterly IVO report and statistics (ivo-YYYYQn/)" },
	{ "meals", cmd_meals, "monthly meal report for the fee unit (maltider-YYYY-MM/)" },
	{ "fees", cmd_fees, "monthly fee basis (avgift-YYYY-MM/)" },
	{ "due", cmd_due, "working list: what is coming due (bevakning-DATE/)" },
	{ "check", cmd_check, "validate an export set (kontroll-<date>.xlsx)" },
	{ "verify", cmd_verify, "re-run a recorded run and compare its outputs" },
	{ "diff", cmd_diff, "compare two IVO runs of one period (diff-YYYYQn/)" },
	{ "profile", cmd_profile, "write a starting import profile for an unknown export" },
	{ NULL, NULL, NULL },
};

/* Which commands take an option. */
enum {
	C_IVO = 1 << 0, C_MEALS = 1 << 1, C_FEES = 1 << 2, C_DUE = 1 << 3,
	C_CHECK = 1 << 4, C_VERIFY = 1 << 5, C_DIFF = 1 << 6,
	C_RUNS = C_IVO | C_MEALS | C_FEES | C_DUE | C_CHECK,
};

static const struct {
	unsigned cmds;
	const char *option, *text;
} option_help[] = {
	{ C_IVO, "--period YYYYQn", "the quarter to report (required), e.g. 2026Q3" },
	{ C_MEALS | C_FEES, "--month YYYY-MM", "the month (required), e.g. 2026-10; evaluated on its last day" },
	{ C_IVO, "--as-of DATE", "evaluation date YYYY-MM-DD (default: the quarter's cut-off,\n"
	  "                    or today when that is earlier: a preliminary report)" },
	{ C_DUE | C_CHECK, "--as-of DATE", "evaluation date YYYY-MM-DD (default: today)" },
	{ C_RUNS, "--in DIR|FILE", "export folder or file, repeatable (required)" },
	{ C_VERIFY, "--in DIR", "where the run's archived export is now (default: the\n"
	  "                    paths the manifest records)" },
	{ C_RUNS | C_DIFF, "--out DIR", "output folder, one subfolder per run (default: out)" },
	{ C_RUNS | C_VERIFY | C_DIFF, "--config FILE", "configuration (default: evb.conf in the working folder\n"
	  "                    when present)" },
	{ C_RUNS | C_VERIFY | C_DIFF, "--templates DIR", "templates (default: templates/ in the working folder,\n"
	  "                    else the one installed beside the program)" },
	{ C_RUNS, "--profile FILE", "import profile for a vendor's CSV export (default: the\n"
	  "                    configuration key profile, else none)" },
	{ C_RUNS, "--strict", "any rejected record stops the run before writing (exit 2)\n"
	  "                    (default: off)" },
	{ C_RUNS | C_DIFF, "--replace", "replace an existing run folder, swapped whole (default:\n"
	  "                    an existing run folder stops the run, exit 2)" },
	{ C_RUNS | C_DIFF, "--quiet", "no summary on stdout (default: off)" },
	{ C_RUNS | C_DIFF, "--csv", "also write every sheet as <workbook>.<sheet>.csv (default: off)" },
	{ C_RUNS | C_VERIFY | C_DIFF, "--help", "this help" },
};

static unsigned command_bit(const char *command)
{
	static const char *const names[] = { "ivo", "meals", "fees", "due", "check", "verify",
					     "diff" };
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], command) == 0)
			return 1u << i;
	return 0;
}

void command_help(const char *command, const char *usage, const char *about)
{
	unsigned bit = command_bit(command);
	printf("usage: %s\n\n%s\n\noptions:\n", usage, about);
	for (size_t i = 0; i < sizeof(option_help) / sizeof(option_help[0]); i++)
		if (option_help[i].cmds & bit)
			printf("  %-17s %s\n", option_help[i].option, option_help[i].text);
	fputs("\nexit status:\n", stdout);
	if (bit & C_DIFF)
		fputs("  0  the two runs agree\n  1  they differ\n"
		      "  2  they cannot be compared (usage, manifest, export or write error)\n", stdout);
	else if (bit & C_VERIFY)
		fputs("  0  every output identical\n  1  an output differs\n"
		      "  2  the run cannot be verified\n", stdout);
	else
		fputs("  0  all fine\n"
		      "  1  reports written, but records were rejected (the summary says how\n"
		      "     many and where they are listed)\n"
		      "  2  usage, configuration, template or fatal input error, or a failed\n"
		      "     write: nothing new is written; with --strict, any rejected record\n"
		      "     is exit 2\n", stdout);
}

const struct command *command_find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
