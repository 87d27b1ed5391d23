/*
 * evb profile --in DIR [--out FILE]: a starting import profile (SPEC 4.2)
 * for an unknown export. Reads every CSV file of DIR, decides each file's
 * kind (by its name and its headers), matches headers to evb's columns by
 * name with case, å/ä/ö, blanks, '_', '-' and '.' ignored (an evb column
 * "x_id" also answers to "x(s)nummer", "x(s)nr" and "x(s)id"), proposes
 * date formats from the values, and lists what it cannot decide as
 * commented lines to fill in: headers with no column ("# beslut.? =
 * Beslut"), values of code columns that are no evb code ("#
 * code.beslut.utfall.? = Beviljat"), and the formats and few values of
 * the unmatched columns.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "csv_in.h"
#include "diag.h"
#include "export.h"
#include "hash.h"
#include "model.h"
#include "profile.h"
#include "run.h"
#include "runfolder.h"
#include "sheet.h"

static const char usage[] = "evb profile --in DIR [--out FILE] [--templates DIR]";

#define MAX_FILES 256
#define MAX_VALUES 64     /* distinct values kept per column */
#define FEW_VALUES 12     /* an unmatched column with at most this many is listed */
#define NAME_LEN 256

/* Date formats recognised in the values ('9' any digit, else literal). */
static const struct {
	const char *shape, *format;
} date_shapes[] = {
	{ "99.99.9999", "DD.MM.YYYY" }, { "99/99/9999", "DD/MM/YYYY" },
	{ "99-99-9999", "DD-MM-YYYY" }, { "9999.99.99", "YYYY.MM.DD" },
	{ "9999/99/99", "YYYY/MM/DD" }, { "99.99.99", "DD.MM.YY" },
	{ "99/99/99", "DD/MM/YY" },
};
#define NSHAPES (sizeof(date_shapes) / sizeof(date_shapes[0]))

struct column_stat {
	char *header;
	int col;                       /* evb column, -1 when not matched */
	char *values[MAX_VALUES];
	int nvalues;
	bool more;                     /* more distinct values than kept */
	bool numeric;                  /* every value is a number */
	long nonempty, iso, timed;
	long shape[NSHAPES];
};

struct file_stat {
	char *name;
	int kind;
	bool xml, header_done;
	int ncols;
	struct column_stat *cols;
};

struct scan {
	struct file_stat files[MAX_FILES];
	int nfiles;
	const struct templates *t;
};

/* ---- values ------------------------------------------------------------------ */

/* s after the shape ('9' any digit, else that character), NULL when s
 * does not start with it. */
static const char *skip_shape(const char *s, const char *shape)
{
	for (; *shape; shape++, s++)
		if (*shape == '9' ? !(*s >= '0' && *s <= '9') : *s != *shape)
			return NULL;
	return s;
}

/* Whether s has the shape, optionally followed by a time " HH:MM[:SS]"
 * (or with 'T'; *timed set). */
static bool has_shape(const char *s, const char *shape, bool *timed)
{
	*timed = false;
	if (!(s = skip_shape(s, shape)))
		return false;
	if (!*s)
		return true;
	if ((*s != ' ' && *s != 'T') || !(s = skip_shape(s + 1, "99:99")))
		return false;
	*timed = true;
	return !*s || ((s = skip_shape(s, ":99")) && !*s);
}

/* Counts v in the column's statistics. 0 or EVB_ENOMEM. */
static int add_value(struct column_stat *c, const char *v)
{
	if (!*v)
		return 0;
	c->nonempty++;
	bool timed = false, any_timed = false;
	if (has_shape(v, "9999-99-99", &timed) || has_shape(v, "99999999", &timed))
		c->iso++;
	any_timed |= timed;
	for (size_t i = 0; i < NSHAPES; i++) {
		if (has_shape(v, date_shapes[i].shape, &timed))
			c->shape[i]++;
		any_timed |= timed;
	}
	c->timed += any_timed;
	if (c->nonempty == 1)
		c->numeric = true;
	c->numeric = c->numeric && strspn(v, "0123456789-+,.") == strlen(v);
	for (int i = 0; i < c->nvalues; i++)
		if (strcmp(c->values[i], v) == 0)
			return 0;
	if (c->nvalues == MAX_VALUES || strlen(v) > 200) {
		c->more = true;
		return 0;
	}
	if (!(c->values[c->nvalues] = strdup(v)))
		return EVB_ENOMEM;
	c->nvalues++;
	return 0;
}

/* The date format of the column's values when they are dates but not all
 * ISO; NULL otherwise. */
static const char *date_format_of(const struct column_stat *c)
{
	size_t best = NSHAPES;
	for (size_t i = 0; i < NSHAPES; i++)
		if (c->shape[i] && (best == NSHAPES || c->shape[i] > c->shape[best]))
			best = i;
	/* nine in ten values dates (the rest may be export errors) */
	if (best == NSHAPES || (c->shape[best] + c->iso) * 10 < c->nonempty * 9)
		return NULL;
	return date_shapes[best].format;
}

/* ---- names and kinds ----------------------------------------------------------- */

static void folded(const char *s, char *out)
{
	profile_fold_name(s, out, NAME_LEN);
}

/* Whether folded header h names column `name` ("beslut_id" also as
 * "beslutsnummer", "beslutnr", "beslutsid"). */
static bool names_column(const char *h, const char *name, bool loose_ids)
{
	char c[NAME_LEN];
	folded(name, c);
	if (strcmp(h, c) == 0)
		return true;
	size_t n = strlen(name);
	if (!loose_ids || n < 4 || strcmp(name + n - 3, "_id") != 0)
		return false;
	c[strlen(c) - 2] = '\0';            /* "beslutid" -> "beslut" */
	size_t k = strlen(c);
	if (strncmp(h, c, k) != 0)
		return false;
	const char *rest = h + k;
	if (*rest == 's')
		rest++;
	return strcmp(rest, "nummer") == 0 || strcmp(rest, "nr") == 0 || strcmp(rest, "id") == 0;
}

/* The column of kind k a header names: exact names first, then ids. */
static int match_column(int k, const char *header)
{
	const struct kind_info *ki = schema_kind(k);
	char h[NAME_LEN];
	folded(header, h);
	for (int pass = 0; pass < 2; pass++)
		for (int c = 0; c < ki->ncolumns; c++)
			if (names_column(h, ki->columns[c].name, pass == 1))
				return c;
	return -1;
}

/* The kind by its name (evb's own file names, or the kind's word in the
 * name) and by how many headers name its columns; -1 when undecided. */
static int guess_kind(const struct file_stat *f)
{
	char name[NAME_LEN];
	folded(f->name, name);
	int best = -1, best_score = 0;
	bool tie = false;
	int own = schema_kind_from_filename(f->name);
	for (int k = 0; k < K__COUNT; k++) {
		const struct kind_info *ki = schema_kind(k);
		int score = own == k ? 100 : 0;
		if (strstr(name, ki->element) || strstr(name, ki->name))
			score += 2;
		for (int i = 0; i < f->ncols; i++)
			score += match_column(k, f->cols[i].header) >= 0;
		if (score > best_score) {
			best = k;
			best_score = score;
			tie = false;
		} else if (score == best_score && score > 0) {
			tie = true;
		}
	}
	return tie ? -1 : best;
}

/* ---- reading ------------------------------------------------------------------- */

static int on_record(void *ctx, long line, int nfields, const char *const *fields)
{
	struct file_stat *f = ctx;
	(void)line;
	if (!f->header_done) {
		f->header_done = true;
		if (!(f->cols = calloc((size_t)(nfields ? nfields : 1), sizeof(*f->cols))))
			return EVB_ENOMEM;
		for (int i = 0; i < nfields; i++) {
			if (!(f->cols[i].header = strdup(fields[i])))
				return EVB_ENOMEM;
			f->cols[i].col = -1;
			f->ncols = i + 1;
		}
		return 0;
	}
	int ret = 0;
	for (int i = 0; i < nfields && i < f->ncols && !ret; i++)
		ret = add_value(&f->cols[i], fields[i]);
	return ret;
}

static int scan_dir(struct scan *s, const char *dir)
{
	/* the files an evb run would read, refused as a run refuses them */
	char **paths = NULL;
	size_t n = 0, cap = 0;
	struct evb_error cerr = { 0 };
	int ret = export_collect(dir, &paths, &n, &cap, &cerr);
	if (ret == EVB_ENOMEM)
		diag_msg(EVB_NOMEM_TEXT);
	else if (ret)
		diag_error(&cerr);
	if (!ret && n > MAX_FILES) {
		diag_at(dir, 0, NULL, "more than %d files", MAX_FILES);
		ret = EVB_ETOOBIG;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		const char *slash = strrchr(paths[i], '/');
		struct file_stat *f = &s->files[s->nfiles];
		memset(f, 0, sizeof(*f));
		if (!(f->name = strdup(slash ? slash + 1 : paths[i]))) {
			diag_msg(EVB_NOMEM_TEXT);
			ret = EVB_ENOMEM;
		} else {
			s->nfiles++;
		}
	}
	for (int i = 0; i < s->nfiles && !ret; i++) {
		struct file_stat *f = &s->files[i];
		const char *path = paths[i];
		f->kind = -1;
		size_t len = strlen(f->name);
		f->xml = len > 4 && strcasecmp(f->name + len - 4, ".xml") == 0;
		if (f->xml)
			continue;
		struct evb_error err = { 0 };
		char hex[SHA256_HEX_LEN + 1];
		bool utf8 = true;
		if ((ret = hash_file(path, hex, NULL, &utf8, &err)) ||
		    (ret = csv_in_read_raw(path, !utf8, on_record, f, &err))) {
			diag_error(&err);
			break;
		}
		f->kind = guess_kind(f);
		for (int c = 0; f->kind >= 0 && c < f->ncols; c++)
			f->cols[c].col = match_column(f->kind, f->cols[c].header);
		/* a column named twice keeps its first header */
		for (int c = 0; f->kind >= 0 && c < f->ncols; c++)
			for (int o = 0; o < c; o++)
				if (f->cols[o].col == f->cols[c].col)
					f->cols[c].col = -1;
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return ret;
}

/* ---- writing ------------------------------------------------------------------- */

/* The file name with each run of digits as '*' ("Beslut_2026.csv" ->
 * "Beslut_*.csv"). */
static void pattern_of(const char *name, char *out, size_t size)
{
	size_t o = 0;
	for (const char *s = name; *s && o + 1 < size; s++) {
		if (*s >= '0' && *s <= '9') {
			if (o == 0 || out[o - 1] != '*')
				out[o++] = '*';
			continue;
		}
		out[o++] = *s;
	}
	out[o] = '\0';
}

static void write_column(FILE *o, const struct scan *s, const char *kind, int k,
			 const struct column_stat *c)
{
	const struct kind_info *ki = schema_kind(k);
	const char *fmt = date_format_of(c);
	const char *time = c->timed ? " HH:MM" : "";
	if (c->col >= 0) {
		const char *name = ki->columns[c->col].name;
		fprintf(o, "%s.%s = %s\n", kind, name, c->header);
		if (fmt)
			fprintf(o, "format.%s.%s = %s%s\n", kind, name, fmt, time);
		bool code_column = false;
		for (int i = 0; i < c->nvalues; i++)
			if (!profile_is_code(s->t, k, c->col, c->values[i], &code_column) &&
			    code_column)
				fprintf(o, "# code.%s.%s.? = %s\n", kind, name, c->values[i]);
		if (c->more && code_column)
			fprintf(o, "# (more values of '%s' than listed here)\n", c->header);
		return;
	}
	fprintf(o, "# %s.? = %s\n", kind, c->header);
	if (fmt)
		fprintf(o, "# format.%s.? = %s%s\n", kind, fmt, time);
	else if (!c->more && !c->numeric && c->nvalues <= FEW_VALUES)
		for (int i = 0; i < c->nvalues; i++)
			fprintf(o, "# code.%s.?.? = %s\n", kind, c->values[i]);
}

static void write_profile(FILE *o, const struct scan *s, const char *dir)
{
	fprintf(o, "# Import profile for the export in %s, started by evb profile.\n"
		"# Lines starting with '#' are what could not be matched: fill in the\n"
		"# evb column or code for '?' and remove the '#' (see README.md,\n"
		"# 'Import profiles'); leave out what is not needed.\n", dir);
	for (int k = 0; k < K__COUNT; k++) {
		const char *kind = schema_kind(k)->name;
		bool any = false;
		for (int i = 0; i < s->nfiles; i++) {
			const struct file_stat *f = &s->files[i];
			if (f->kind != k)
				continue;
			char pat[NAME_LEN];
			pattern_of(f->name, pat, sizeof(pat));
			if (!any)
				fprintf(o, "\n# %s\nfile.%s = %s", kind, kind, pat);
			else
				fprintf(o, " | %s", pat);
			any = true;
		}
		if (!any)
			continue;
		fputc('\n', o);
		/* every header once (files of one kind share their headers) */
		for (int i = 0; i < s->nfiles; i++) {
			const struct file_stat *f = &s->files[i];
			for (int c = 0; f->kind == k && c < f->ncols; c++) {
				bool dup = false;
				for (int j = 0; j <= i && !dup; j++)
					for (int d = 0; d < (j < i ? s->files[j].ncols : c) && !dup; d++)
						dup = s->files[j].kind == k &&
						      strcasecmp(s->files[j].cols[d].header,
								 f->cols[c].header) == 0;
				if (!dup)
					write_column(o, s, kind, k, &f->cols[c]);
			}
		}
		const struct kind_info *ki = schema_kind(k);
		for (int c = 0; c < ki->ncolumns; c++) {
			bool found = false;
			for (int i = 0; i < s->nfiles && !found; i++)
				for (int d = 0; s->files[i].kind == k && d < s->files[i].ncols; d++)
					found |= s->files[i].cols[d].col == c;
			if (!found && ki->columns[c].required)
				fprintf(o, "# required column '%s' not found\n", ki->columns[c].name);
		}
	}
	for (int i = 0; i < s->nfiles; i++) {
		const struct file_stat *f = &s->files[i];
		if (f->xml)
			fprintf(o, "\n# %s: XML exports use evb's own schema (no profile needed)\n",
				f->name);
		else if (f->kind < 0)
			fprintf(o, "\n# %s: kind not recognised (file.KIND = %s)\n", f->name, f->name);
	}
}

static void scan_release(struct scan *s)
{
	for (int i = 0; i < s->nfiles; i++) {
		struct file_stat *f = &s->files[i];
		for (int c = 0; c < f->ncols; c++) {
			free(f->cols[c].header);
			for (int v = 0; v < f->cols[c].nvalues; v++)
				free(f->cols[c].values[v]);
		}
		free(f->cols);
		free(f->name);
	}
}

/* Writes text to path (mode 0600, via a temporary file), or stdout. */
static int emit(const char *path, const char *text, size_t len)
{
	if (!path) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
			diag_msg("cannot write to standard output: %s", strerror(errno));
			return EVB_EIO;
		}
		return 0;
	}
	struct evb_error err = { 0 };
	int ret = write_new_file(path, text, len, &err);
	if (ret)
		diag_error(&err);
	return ret;
}

int cmd_profile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "templates", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *in = NULL, *out = NULL, *tdir = NULL;
	opterr = 0;
	optind = 1;
	int c;
	while ((c = run_getopt(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': case 'o': case 't': {
			const char **slot = c == 'i' ? &in : c == 'o' ? &out : &tdir;
			if (*slot) {
				diag_msg("option '--%s' given twice",
					 c == 'i' ? "in" : c == 'o' ? "out" : "templates");
				fprintf(stderr, "usage: %s\n", usage);
				return EXIT_FATAL;
			}
			*slot = optarg;
			break;
		}
		case 'h':
			printf("usage: %s\n\n"
			       "Writes a starting import profile for an unknown export: reads the\n"
			       "headers and values of every CSV file of DIR, matches the headers to\n"
			       "evb's columns by name (case, å/ä/ö, blanks, '_', '-' and '.' ignored),\n"
			       "proposes date formats, and lists what it cannot match as commented\n"
			       "lines to fill in. Review it: it may list values of the export.\n\n"
			       "  --in DIR         the export folder (required)\n"
			       "  --out FILE       where to write the profile, a new file (default:\n"
			       "                   standard output)\n"
			       "  --templates DIR  catalogues for the insats codes (default: as for\n"
			       "                   the other commands)\n\n"
			       "Exit status: 0 written, 2 usage error or unreadable export.\n", usage);
			return EXIT_FINE;
		default:
			diag_msg("unknown or incomplete option '%s'", argv[optind - 1]);
			fprintf(stderr, "usage: %s\n", usage);
			return EXIT_FATAL;
		}
	}
	if (optind < argc || !in) {
		diag_msg(optind < argc ? "unexpected argument" : "no input: give --in DIR");
		fprintf(stderr, "usage: %s\n", usage);
		return EXIT_FATAL;
	}
	char buf[4096];
	struct evb_error err = { 0 };
	struct templates *t = templates_load(tdir ? tdir : run_default_templates(buf, sizeof(buf)),
					     &err);
	if (!t) {
		diag_error(&err);
		return EXIT_FATAL;
	}
	struct scan *s = calloc(1, sizeof(*s));
	char *text = NULL;
	size_t len = 0;
	int status = EXIT_FATAL;
	FILE *mem = NULL;
	if (!s || !(mem = open_memstream(&text, &len))) {
		diag_msg(EVB_NOMEM_TEXT);
		goto out;
	}
	s->t = t;
	if (scan_dir(s, in))
		goto out;
	write_profile(mem, s, in);
	if (fclose(mem) != 0) {
		mem = NULL;
		diag_msg(EVB_NOMEM_TEXT);
		goto out;
	}
	mem = NULL;
	if (!emit(out, text, len))
		status = EXIT_FINE;
out:
	if (mem)
		fclose(mem);
	free(text);
	if (s)
		scan_release(s);
	free(s);
	templates_free(t);
	return status;
}
