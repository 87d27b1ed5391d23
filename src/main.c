/* evb: the command table and global options; nothing else. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "diag.h"
#include "evb.h"
#include "phase.h"
#include "xml_in.h"

static void usage(FILE *f)
{
	fputs("usage: evb <command> [options]\n"
	      "       evb --version | --help | <command> --help\n\ncommands:\n", f);
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->help);
	fputs("\ncommon options: --in DIR|FILE (repeatable) --out DIR --config FILE\n"
	      "                --templates DIR --profile FILE --strict --quiet --csv --replace\n", f);
}

int main(int argc, char **argv)
{
	int status = 2;
	phase_mark(PHASE_SETUP);
	/* The record arrays grow by doubling: from 1 MiB on they are mapped
	 * pages of their own, which realloc moves without a copy and free gives
	 * back. (glibc raises this threshold as big blocks are freed, and then
	 * serves them from the heap, where a grown array leaves its old block
	 * behind.) Only a tuning: where it fails (under a sanitizer's
	 * allocator) nothing else changes. */
	(void)mallopt(M_MMAP_THRESHOLD, 1 << 20);
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
		const struct command *cmd = command_find(argv[1]);
		if (!cmd) {
			diag_msg("unknown command '%s'", argv[1]);
			usage(stderr);
			return 2;
		}
		status = cmd->fn(argc - 1, argv + 1);
		phase_mark(PHASE_WRITE);        /* the manifest, and freeing */
		phase_report();
	}
	xml_in_cleanup();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_msg("cannot write to standard output: %s", strerror(errno));
		return 2;
	}
	return status;
}
