/*
 * CSV reader (libcsv lives only here): streams one file of one kind into
 * rows. Dialect of SPEC section 4: header row (names case-insensitive,
 * blanks ignored, unknown columns ignored with one note), delimiter ';', ','
 * or TAB detected from the header line, UTF-8 with or without BOM or
 * Windows-1252 (converted), CRLF or LF, quoted fields with delimiters,
 * doubled quotes and newlines. A record's line is its first physical line.
 */
#ifndef EVB_CSV_IN_H
#define EVB_CSV_IN_H

#include "reader.h"

struct profile;

/*
 * Reads `path` (shown as `display` in messages) as records of `kind`.
 * `profile` (may be NULL) names the columns (profile_column); a column it
 * maps that the header lacks is fatal (profile_check_header).
 * `cp1252`: the caller found the file not to be valid UTF-8 (hash.c), so
 * every value is converted from Windows-1252.
 * Fatal errors (cannot open, missing required column, a column twice in
 * the header, no header: an empty or blank file, a header that cannot be
 * parsed) return a negative code and fill err.
 * Record-level problems go to sink->reject and reading continues:
 *  - a record with more or fewer fields than the header;
 *  - a field longer than EVB_MAX_FIELD bytes;
 *  - a NUL byte in a field;
 *  - a misplaced quote (reading resumes at the next line);
 *  - an unterminated quoted field at the end of the file (one reject at
 *    the line where its record starts).
 */
int csv_in_read(const char *path, const char *display, enum kind kind,
		const struct profile *profile, bool cp1252, const struct reader_sink *sink,
		struct input_info *info, struct evb_error *err);

/*
 * Generic table reader for the program's own files (templates): same dialect
 * but the delimiter is always ';', the file must be valid UTF-8, and lines
 * whose first field starts with '#' are comments. fn gets every record after
 * the header (header included when with_header is false) with its first
 * line; returning non-zero stops reading and is returned.
 */
typedef int (*csv_table_fn)(void *ctx, long line, int nfields,
			    const char *const *fields);
int csv_in_read_table(const char *path, csv_table_fn fn, void *ctx,
		      struct evb_error *err);

/*
 * Any CSV file in the export dialect (delimiter detected, BOM skipped,
 * values trimmed, converted from Windows-1252 when cp1252), header
 * included, for looking at an unknown export (evb profile). Records that
 * cannot be read are skipped.
 */
int csv_in_read_raw(const char *path, bool cp1252, csv_table_fn fn, void *ctx,
		    struct evb_error *err);

/* Converts Windows-1252 bytes to UTF-8 into out (NUL-terminated).
 * out_size must be at least 3 * len + 1. Returns the output length. */
size_t cp1252_to_utf8(const char *in, size_t len, char *out, size_t out_size);

#endif
