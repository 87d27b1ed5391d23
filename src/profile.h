/*
 * Import profiles (SPEC 4.2): how a vendor's CSV export maps onto evb's
 * schema without editing it. A profile is a UTF-8 text file of
 * `key = value` lines and '#' comments:
 *
 *   file.KIND              = GLOB [| GLOB ...]   file name patterns
 *   KIND.COLUMN            = EXPORT COLUMN       column names
 *   code.KIND.COLUMN.CODE  = VALUE [| VALUE ...] code values
 *   format.KIND.COLUMN     = DD.MM.YYYY          date formats
 *
 * KIND is an export kind of schema.h ("beslut"), COLUMN one of its
 * columns. Every mistake in the profile is a fatal error naming its line;
 * so is an export that lacks a mapped column (profile_check_header).
 * The profile only changes how CSV files are read: which kind a file is,
 * which header is which column, and the values of code and date columns
 * (profile_apply turns them into evb's codes and ISO dates before the
 * records are parsed as usual, so a value that maps to nothing is rejected
 * as usual).
 */
#ifndef EVB_PROFILE_H
#define EVB_PROFILE_H

#include "hash.h"
#include "reader.h"
#include "templates.h"

struct profile;

/* Reads and checks the profile at path. NULL with err filled on any
 * error (the line is named). */
struct profile *profile_load(const char *path, struct evb_error *err);
void profile_free(struct profile *p);

/* The file as given, and its SHA-256 (recorded in the manifest). */
const char *profile_path(const struct profile *p);
const char *profile_sha256(const struct profile *p);
uint64_t profile_size(const struct profile *p);

/* The kind whose file pattern matches a file's base name (shell glob,
 * ASCII case ignored), -1 when none does. Patterns of two kinds matching
 * one file are an error (-2, err names both profile lines). */
int profile_file_kind(const struct profile *p, const char *basename,
		      struct evb_error *err);

/* The schema column of a CSV header name in a file of kind k: a mapped
 * export column gives its evb column; an evb column that is not mapped
 * keeps its own name; -1 for anything else. */
int profile_column(const struct profile *p, enum kind k, const char *header);

/* After a header: every column the profile maps for kind k must have been
 * found (seen[c] for the evb column c). 0, or EVB_ECONFIG naming the
 * profile line and the file. */
int profile_check_header(const struct profile *p, enum kind k, const bool *seen,
			 const char *file, struct evb_error *err);

/* Whether the profile translates values of kind k (codes or dates). */
bool profile_translates(const struct profile *p, enum kind k);

/* Values of one row after translation, with room for the rewritten dates. */
struct profile_row {
	struct row row;
	char date[SCHEMA_MAX_COLUMNS][32];
};

/*
 * The row with its values translated: an export value listed for a code
 * becomes that code; a date in the column's format becomes YYYY-MM-DD (a
 * time part kept), YY in the century that puts the date in the hundred
 * years up to asof (SPEC 4). Anything else is left as it was, for the
 * usual parsing to accept (evb's own codes, ISO dates) or reject.
 * Returns &out->row, or in itself when nothing of kind in->kind is
 * translated.
 */
const struct row *profile_apply(const struct profile *p, const struct row *in,
				struct profile_row *out, evb_date asof);

/* Whether v is one of evb's codes for column col of kind k (case
 * ignored; insats codes from the catalogue). *code_column tells whether
 * the column has a fixed list of codes at all. */
bool profile_is_code(const struct templates *t, enum kind k, int col, const char *v,
		     bool *code_column);
/* Every code the profile maps to must be one of evb's codes of its column
 * (where the column has a fixed list): 0, or EVB_ECONFIG naming the
 * profile line. */
int profile_check_codes(const struct profile *p, const struct templates *t,
			struct evb_error *err);

/* Folds a name for loose matching into out: ASCII and å, ä, ö, é lowercase
 * and without their accents, blanks, '_', '-' and '.' left out
 * ("Beslut datum" and "beslutsdatum" differ; "Beslutsdatum" and
 * "beslutsdatum" do not). */
void profile_fold_name(const char *s, char *out, size_t size);

#endif
