/*
 * Every message the user sees on stderr goes through here, in the form
 *   evb: file:line: column: message
 * (parts that are unknown are left out). Informational messages are
 * suppressed by --quiet; warnings and errors never are.
 */
#ifndef EVB_DIAG_H
#define EVB_DIAG_H

#include <stdio.h>
#include "evb.h"

void diag_set_quiet(bool quiet);
bool diag_quiet(void);
/* While set, notes about the export's records (rejected records, a file
 * read as Windows-1252) are left out: evb verify and evb diff re-run
 * recorded runs, whose notes the runs themselves printed. Errors that stop
 * the re-run are still printed. */
void diag_set_mute_notes(bool mute);
/* A note about the export's records, as diag_at; left out while muted. */
void diag_note_at(const char *file, long line, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Redirect messages (tests); NULL restores stderr. */
void diag_set_stream(FILE *f);

/* An error described by err (file/line/column when set). */
void diag_error(const struct evb_error *err);
/* "evb: file:line: column: message"; file may be NULL, line 0, column NULL. */
void diag_at(const char *file, long line, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "evb: message" */
void diag_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* How many errors were said so far (diag_error, diag_at, diag_msg): a
 * failure that comes back with nothing said since can then be said. */
unsigned diag_said(void);
/* "evb: message", unless --quiet. */
void diag_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
