/* The command table (main.c dispatches, evb verify re-runs through it). */
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

const struct command *command_find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
