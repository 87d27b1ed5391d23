/*
 * Reading an export set into the model: finds the files (--in DIR|FILE),
 * hashes them, sends each to the CSV or XML reader, turns rows into typed
 * records (every value validated; a bad record is rejected with file, line,
 * column, value and reason), then finalises the model: conflicting
 * duplicate ids are rejected (all copies), exact duplicates merged,
 * references to beslut resolved, related records indexed per decision.
 */
#ifndef EVB_EXPORT_H
#define EVB_EXPORT_H

#include "model.h"
#include "templates.h"

struct profile;

/*
 * Reads every input into m (model_init'ed with the evaluation date).
 * inputs: paths of folders or files. Fatal errors (missing or unreadable
 * input, a file that cannot be parsed at all, a missing required column)
 * return a negative code and fill err; record-level problems become
 * rejects and findings in m. profile (may be NULL) says how CSV files
 * are named and written (SPEC 4.2).
 */
int export_read(struct model *m, const struct templates *t,
		const struct profile *profile, const char *const *inputs,
		int ninputs, struct evb_error *err);

/* Fills in every input file's SHA-256 (model.files[].sha256), which
 * export_read leaves being computed while the run goes on: call it before
 * they are shown or recorded. Fails (err filled) when a file cannot be read
 * again or its size changed since it was parsed. */
int export_digests(struct model *m, struct evb_error *err);

/* Appends to list (*n used of *cap, grown as needed) the files of one --in
 * argument: a folder's regular files in name order, hidden files skipped;
 * or the file itself. Anything else in the folder (a subfolder, a FIFO, a
 * dangling link, ...) is an error naming it: nothing is skipped silently
 * (SPEC 4.1). Returns 0 or a negative code (err filled, except on
 * EVB_ENOMEM). */
int export_collect(const char *input, char ***list, size_t *n, size_t *cap,
		   struct evb_error *err);

#endif
