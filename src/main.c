/* evb: the command table and global options; nothing else. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "diag.h"
#include "evb.h"
#include "xml_in.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "ivo", cmd_ivo, "quarterly IVO report and statistics (ivo-YYYYQn/)" },
	{ "meals", cmd_meals, "monthly meal report for the fee unit (maltider-YYYY-MM/)" },
	{ "fees", cmd_fees, "monthly fee basis (avgift-YYYY-MM/)" },
	{ "due", cmd_due, "working list: what is coming due (bevakning-DATE/)" },
	{ "check", cmd_check, "validate an export set (kontroll-<date>.xlsx)" },
};

static void usage(FILE *f)
{
	fputs("usage: evb <command> [options]\n"
	      "       evb --version | --help | <command> --help\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
	fputs("\ncommon options: --in DIR|FILE (repeatable) --out DIR --config FILE\n"
	      "                --templates DIR --strict --quiet --csv\n", f);
}

int main(int argc, char **argv)
{
	int status = 2;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("evb %s\n", EVB_VERSION);
		status = 0;
	} else if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		status = 0;
	} else {
		const struct command *cmd = NULL;
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcmp(argv[1], commands[i].name) == 0)
				cmd = &commands[i];
		if (!cmd) {
			diag_msg("unknown command '%s'", argv[1]);
			usage(stderr);
			return 2;
		}
		status = cmd->fn(argc - 1, argv + 1);
	}
	xml_in_cleanup();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_msg("cannot write to standard output: %s", strerror(errno));
		return 2;
	}
	return status;
}
