/*
 * Reading a run's manifest.json back (written by run.c) for evb verify and
 * evb diff: the command, its arguments, the inputs and outputs with their
 * SHA-256, and the evaluation date. Parsed with jansson; anything that is
 * not a manifest of this program is an error naming what is wrong.
 */
#ifndef EVB_MANIFEST_H
#define EVB_MANIFEST_H

#include "evb.h"

struct manifest_file {
	char *file;             /* as recorded: a name, or a path */
	char sha256[65];
};

struct manifest {
	char *dir;              /* the folder holding manifest.json */
	char *command;
	char **args;            /* the recorded arguments (without --out) */
	size_t nargs;
	struct manifest_file *inputs, *outputs;
	size_t ninputs, noutputs;
	struct manifest_file profile;   /* the import profile; file NULL if none */
	evb_date eval;
};

int manifest_read(const char *path, struct manifest *mf, struct evb_error *err);
void manifest_release(struct manifest *mf);

/* The value of a recorded option ("--period" -> "2026Q3", also in the
 * "--period=2026Q3" form); NULL if absent. */
const char *manifest_option(const struct manifest *mf, const char *name);

/*
 * Where a recorded input is now: in `dir` when given (by its name), else
 * through the recorded --in arguments (a folder holding it, or that very
 * file), else as recorded. Returns a path the caller frees (it may not
 * exist), NULL on ENOMEM.
 */
char *manifest_input_path(const struct manifest *mf, const struct manifest_file *f,
			  const char *dir);

/*
 * Finds every recorded input (manifest_input_path) and checks its SHA-256,
 * and the import profile's, printing a line on stdout for each one
 * missing, unreadable or changed.
 * *paths gets the paths found (free with manifest_free_paths). Returns 0
 * all fine, 1 some changed, 2 some missing or unreadable (or ENOMEM).
 */
int manifest_check_inputs(const struct manifest *mf, const char *dir, char ***paths);
void manifest_free_paths(char **paths, size_t n);

/*
 * The arguments for re-running the recorded command: argv[0] is the
 * command, every recorded --in is replaced by the given input files,
 * --out by out, --config / --templates by the given ones when not NULL,
 * --profile by the recorded profile (the one checked), 
 * the recorded evaluation date is passed as --as-of when the command takes
 * one and none was recorded, and --quiet is added. *argv is NULL-ended;
 * free with manifest_free_argv. 0 or EVB_ENOMEM.
 */
int manifest_rerun_argv(const struct manifest *mf, char *const *inputs, size_t ninputs,
			const char *out, const char *config, const char *templates,
			int *argc, char ***argv);
void manifest_free_argv(int argc, char **argv);

#endif
