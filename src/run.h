/*
 * What every command shares: the common options, loading configuration,
 * templates and the export set, the run summary on stdout and stderr, the
 * common sheets (Sammanfattning, Inläsning, Avvisade rader, Kontroller),
 * the run folder and manifest.json, and the exit status.
 */
#ifndef EVB_RUN_H
#define EVB_RUN_H

#include <getopt.h>

#include "config.h"
#include "model.h"
#include "runfolder.h"
#include "sheet.h"
#include "templates.h"

#define RUN_MAX_INPUTS 64

/* Options a command accepts besides the common ones. */
enum {
	OPT_PERIOD = 1 << 0,
	OPT_MONTH = 1 << 1,
	OPT_ASOF = 1 << 2,
};

struct run_opts {
	const char *inputs[RUN_MAX_INPUTS];
	int ninputs;
	const char *out, *config, *templates;
	const char *profile;    /* --profile, else the configuration's */
	const char *period, *month, *asof_text;
	bool strict, quiet, csv, help, replace;
	evb_date asof;          /* --as-of or today */
	int year, mon;          /* --month */
};

struct run {
	const char *command;
	struct run_opts opts;
	struct config config;
	struct templates *templates;
	struct profile *profile;  /* NULL: the export is in evb's own schema */
	struct model model;
	struct output_list outputs;
	struct runfolder folder;
	char *dir;              /* where the run writes: the hidden temporary
				 * folder beside the run folder out/ivo-2026Q3 */
	char *templates_dir;    /* the templates used */
	evb_date eval;          /* evaluation date of the report (for --month
				 * commands the month's last day) */
};

/* Exit statuses (SPEC section 6). */
enum { EXIT_FINE = 0, EXIT_REJECTS = 1, EXIT_FATAL = 2 };

/* Parses argv (argv[0] = the command name). Returns 0, or EVB_EUSAGE after
 * printing what is wrong. opts->help is set for --help. */
int run_parse(struct run *r, const char *command, unsigned allowed, int argc,
	      char **argv, const char *usage);
/* The templates folder when --templates is not given (buf holds it, of
 * size bytes, unless a constant is returned). */
const char *run_default_templates(char *buf, size_t size);
/* Loads configuration, templates and the import profile (--profile wins
 * over the configuration's); when need_key, an ivo_key is required. */
int run_setup(struct run *r, bool need_key);
/* Reads the export set into r->model with evaluation date r->eval and,
 * when `listed` (the checks the command's workbook lists, as for
 * run_sheet_checks; NULL for every check) holds a case check, runs the
 * data-quality checks of the cases (SPEC 5.5). Prints rejects (the first
 * ones) to stderr. */
int run_load(struct run *r, const char *const *listed);
/* Prints "records read = used + rejected" per kind (unless --quiet). */
void run_print_summary(const struct run *r);
/* With --strict and rejected records: the run must stop before writing. */
bool run_strict_stop(const struct run *r);
/* Starts the run folder <out>/<name> (runfolder.h): takes its lock,
 * removes leftovers of dead runs, refuses an existing one without
 * --replace, and creates the hidden temporary folder the run writes to. */
int run_open_dir(struct run *r, const char *name);
/* getopt_long that refuses abbreviated long options (getopt accepts any
 * unambiguous prefix): the matched option must be spelled in full, else
 * '?' with argv[optind - 1] the token. shortopts must start with '+' or
 * '-' (no permutation). */
int run_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts, int *longindex);
/* The templates folder used without --templates. buf: PATH_MAX bytes. */
const char *run_default_templates(char *buf, size_t size);

/* Opens <dir>/<name>.xlsx with title from texts.csv key "title.<book>". */
struct book *run_book(struct run *r, const char *book, const char *name);
/* The same, kept in memory until closed (small books with charts). */
struct book *run_book_small(struct run *r, const char *book, const char *name);
/* A sheet from layouts.csv: book/sheet with the given column keys. */
struct sheet *run_sheet(struct run *r, struct book *b, const char *book,
			const char *sheet, const char *const *keys, int ncols);

/* Adds a row; prints the error and returns it on failure. */
int run_add_row(struct sheet *s, const struct cell *cells);

/* A label/value pair for the summary sheet: label_key is a texts.csv key;
 * when it is NULL, label is the label's text itself. */
struct summary_item {
	const char *label_key;
	const char *label;
	struct cell value;
};
/* A person as reports name them: "Efternamn, Förnamn", the text for a
 * protected identity, or what is known. */
void run_person_name(const struct run *r, const struct person *p, char *buf, size_t size);

/* Common sheets. The summary lists municipality, evaluation date, version
 * and the items, then the input counts per kind. */
int run_sheet_summary(struct run *r, struct book *b, const char *book,
		      const struct summary_item *items, int nitems);
int run_sheet_inputs(struct run *r, struct book *b, const char *book);
/* Only when something was rejected. Without values for de-identified
 * workbooks (a rejected value may name a person). */
int run_sheet_rejects(struct run *r, struct book *b, const char *book,
		      bool with_values);
/* Which findings a report lists (the IVO report: SPEC 5.1): those about
 * a decision marked in beslut[] (per decision index), or naming no
 * decision and about a person marked in person[] (per person index); the
 * checks in person_checks (NULL-terminated, may be NULL) also when their
 * decision is not marked but their person is. */
struct finding_scope {
	const uint8_t *beslut, *person;
	const char *const *person_checks;
};
/* The finding's check is in keys (NULL-terminated; all when NULL) and it
 * is not dated after the evaluation date. */
bool run_finding_shown(const struct run *r, const struct finding *f, const char *const *keys);
/* The finding is in scope (every finding when scope is NULL). */
bool run_finding_in_scope(const struct run *r, const struct finding *f,
			  const struct finding_scope *scope);
/* "Kontroller" (SPEC 5.5): the findings shown and in scope. */
int run_sheet_checks(struct run *r, struct book *b, const char *book,
		     const char *const *keys, const struct finding_scope *scope);
/* Says a failure (code ret) that came back with nothing said since
 * diag_said() was `said`: "out of memory" for EVB_ENOMEM (an allocation
 * fails silently where it happens), else that the report could not be
 * written. A run that stops says why. */
void run_say_failure(int ret, unsigned said);
/* A run with one workbook: creates the run folder <out>/<name>, writes
 * <name>.xlsx of `book` with the sheets fill() adds (nothing is left when
 * it fails), then manifest.json. Returns the exit status. */
int run_write_book(struct run *r, const char *book, const char *name,
		   int (*fill)(struct run *r, struct book *b, const void *ctx), const void *ctx);
/* Closes the book into r->outputs; on error prints and returns < 0. */
int run_close_book(struct run *r, struct book *b);
/* Writes manifest.json last, flushes the run folder and renames it into
 * place; returns the exit status for a completed run. */
int run_finish(struct run *r);
/* Prints err, frees everything; returns EXIT_FATAL. */
int run_fail(struct run *r, const struct evb_error *err);
void run_release(struct run *r);

#endif
