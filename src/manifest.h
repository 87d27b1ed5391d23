/*
 * manifest.json, both ways (jansson lives only here): written at the end of
 * every run (program version, command, the options in canonical form,
 * evaluation date, each input's name, size, SHA-256 and record counts, the
 * templates' SHA-256, the outputs with size and SHA-256), and read back
 * for evb verify and evb diff; anything that is not a manifest of this
 * program is an error naming what is wrong.
 */
#ifndef EVB_MANIFEST_H
#define EVB_MANIFEST_H

#include "evb.h"
#include "model.h"

struct manifest_file {
	char *file;             /* as recorded: a name, or a path */
	char sha256[65];
};

struct manifest {
	char *dir;              /* the folder holding manifest.json */
	char *version;          /* of the program that wrote it */
	char *command;
	char **args;            /* the recorded arguments (without --out) */
	size_t nargs;
	struct manifest_file *inputs, *outputs, *templates;
	size_t ninputs, noutputs, ntemplates;
	struct manifest_file profile;   /* the import profile; file NULL if none */
	evb_date eval;
};

/* An output of the run, for writing. */
struct manifest_output {
	const char *file;       /* bare name in the run folder */
	uint64_t size;
	const char *sha256;
};

struct manifest_info {
	const char *command;
	const char *const *args;   /* canonical: "--name" then its value */
	size_t nargs;
	evb_date eval;
	const struct model *model; /* inputs and record counts */
	const char *templates_dir; /* its files' SHA-256 are recorded */
	const char *profile_file;  /* the import profile as given, or NULL */
	uint64_t profile_size;
	const char *profile_sha256;
	const struct manifest_output *outputs;
	size_t noutputs;
};

/* The templates whose SHA-256 a manifest records (every file that
 * templates_load reads). NULL-terminated. */
extern const char *const manifest_template_files[];

/* The text of manifest.json (the caller frees it), or NULL with err. */
char *manifest_format(const struct manifest_info *mi, size_t *len, struct evb_error *err);

/* Reads path. Names of outputs and templates must be bare file names (no
 * folder, not manifest.json, no duplicates), outputs at least one. */
int manifest_read(const char *path, struct manifest *mf, struct evb_error *err);
void manifest_release(struct manifest *mf);

/* The value of a recorded option ("--period" -> "2026Q3"); NULL if
 * absent. */
const char *manifest_option(const struct manifest *mf, const char *name);

/* Compares the recorded templates with the files in dir: 0 all equal,
 * else EVB_EINVAL with the first difference in err. */
int manifest_check_templates(const struct manifest *mf, const char *dir,
			     struct evb_error *err);

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
 * and the import profile's,
 * printing a line on stdout for each one missing, unreadable or changed.
 * *paths gets the paths found (free with manifest_free_paths). Returns the
 * worst of what it found, in this order: some missing, some there but not
 * readable (the reason printed), some changed, all fine; or EVB_ENOMEM
 * (nothing printed: not a finding about the inputs).
 */
enum {
	MANIFEST_INPUTS_OK = 0,
	MANIFEST_INPUTS_CHANGED = 1,
	MANIFEST_INPUTS_MISSING = 2,
	MANIFEST_INPUTS_UNREADABLE = 3,
};
int manifest_check_inputs(const struct manifest *mf, const char *dir, char ***paths);
void manifest_free_paths(char **paths, size_t n);

/*
 * The arguments for re-running the recorded command: argv[0] is the
 * command; of the recorded options only those of a fixed list are taken
 * (--period, --month, --as-of, --strict, --csv), spelled canonically, and
 * any other is an error (EVB_EINVAL, naming it in err): the re-run reads
 * nothing but the given inputs (which replace the recorded --in), and the
 * configuration and templates given here (the recorded --config and
 * --templates are dropped), and the recorded profile (checked by
 * manifest_check_inputs) in place of a recorded --profile. --out is out; the recorded evaluation date is
 * passed as --as-of when the command takes one and none was recorded, and
 * --quiet is added. *argv is NULL-ended; free with manifest_free_argv.
 */
int manifest_rerun_argv(const struct manifest *mf, char *const *inputs, size_t ninputs,
			const char *out, const char *config, const char *templates,
			int *argc, char ***argv, struct evb_error *err);
void manifest_free_argv(int argc, char **argv);

#endif
