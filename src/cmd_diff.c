/*
 * evb diff OLD_RUN NEW_RUN: what changed between two IVO runs of one period
 * (say the report from the October export and a rerun on a later export
 * with backdated registrations). Both runs are recomputed from their
 * manifests and archived exports (checked by SHA-256 first), so the
 * comparison rests on the same facts as the reports; cases only in one run
 * and cases whose rapporttyp or dates changed go to stdout and to
 * diff-<period>.xlsx.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "calendar.h"
#include "commands.h"
#include "diag.h"
#include "ivo.h"
#include "manifest.h"
#include "personnr.h"
#include "run.h"

static const char usage[] =
	"evb diff OLD_RUN NEW_RUN [--out DIR] [--config FILE] [--templates DIR]\n"
	"                [--quiet] [--csv] [--replace]";

enum { SIDE_OLD, SIDE_NEW };

/* One IVO run, recomputed. */
struct side {
	const char *arg;        /* the run folder or manifest as given */
	struct manifest mf;
	char **inputs;
	int argc;
	char **argv;
	struct run r;
	struct ivo_report rep;
	bool loaded;
};

enum change { ONLY_OLD, ONLY_NEW, CHANGED };

struct change_row {
	uint8_t change;
	const struct ivo_row *old, *new;   /* NULL when absent on that side */
};

struct diff {
	struct side s[2];
	const char *out, *config, *templates;
	bool quiet, csv, replace;
	VEC(struct change_row) changes;
	long n[3];
};

/* ---- loading ------------------------------------------------------------------ */

static int load_side(struct diff *d, struct side *s)
{
	struct evb_error err = { 0 };
	char path[4096];
	struct stat st;
	bool found = stat(s->arg, &st) == 0;
	if (!found && errno != ENOENT && errno != ENOTDIR) {
		/* there, but not to be looked at: not a manifest to read */
		diag_msg("cannot read %s: %s", s->arg, strerror(errno));
		return EXIT_FATAL;
	}
	snprintf(path, sizeof(path), "%s%s", s->arg,
		 found && S_ISDIR(st.st_mode) ? "/manifest.json" : "");
	if (manifest_read(path, &s->mf, &err)) {
		diag_error(&err);
		return EXIT_FATAL;
	}
	if (strcmp(s->mf.command, "ivo") != 0) {
		diag_msg("%s: a run of '%s', not of 'ivo'", path, s->mf.command);
		return EXIT_FATAL;
	}
	int in = manifest_check_inputs(&s->mf, NULL, &s->inputs);
	if (in == EVB_ENOMEM) {
		diag_msg(EVB_NOMEM_TEXT);
		return EXIT_FATAL;
	}
	if (in) {
		diag_msg("%s: the run's export is %s: check it with 'evb verify %s'", path,
			 in == MANIFEST_INPUTS_CHANGED ? "changed"
			 : in == MANIFEST_INPUTS_MISSING ? "missing" : "not readable", path);
		return EXIT_FATAL;
	}
	/* the re-run writes nothing: only the loading half of evb ivo is used */
	if (manifest_rerun_argv(&s->mf, s->inputs, s->mf.ninputs, d->out, d->config,
				d->templates, &s->argc, &s->argv, &err)) {
		diag_error(&err);
		return EXIT_FATAL;
	}
	s->loaded = true;
	diag_set_mute_notes(true);
	int ret = ivo_load_run(&s->r, s->argc, s->argv, &s->rep);
	diag_set_mute_notes(false);
	return ret ? EXIT_FATAL : 0;
}

/* ---- comparing ----------------------------------------------------------------- */

struct key {
	const char *beslut_id;
	uint8_t kind;
	evb_date start;
	const struct ivo_row *row;
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(x->beslut_id, y->beslut_id);
	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static struct key *keys_of(const struct side *s)
{
	uint32_t n = s->rep.rows.n;
	struct key *k = malloc(((size_t)n + 1) * sizeof(*k));
	if (!k)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		const struct ivo_row *row = &s->rep.rows.v[i];
		k[i] = (struct key){ str_get(&s->r.model, s->r.model.beslut.v[row->beslut].id),
				     row->kind, row->start, row };
	}
	sort_array(k, n, sizeof(*k), cmp_key);
	return k;
}

static bool same_row(const struct ivo_row *a, const struct ivo_row *b)
{
	return a->r.typ == b->r.typ && a->r.milestone == b->r.milestone &&
	       a->r.title_date == b->r.title_date && a->r.executed == b->r.executed &&
	       a->r.ended == b->r.ended;
}

static int add_change(struct diff *d, enum change c, const struct ivo_row *o,
		      const struct ivo_row *n)
{
	struct change_row *x = VEC_PUSH(d->changes);
	if (!x)
		return EVB_ENOMEM;
	*x = (struct change_row){ (uint8_t)c, o, n };
	d->n[c]++;
	return 0;
}

static int compare(struct diff *d)
{
	struct key *ko = keys_of(&d->s[SIDE_OLD]), *kn = keys_of(&d->s[SIDE_NEW]);
	uint32_t no = d->s[SIDE_OLD].rep.rows.n, nn = d->s[SIDE_NEW].rep.rows.n;
	uint32_t i = 0, j = 0;
	int ret = !ko || !kn ? EVB_ENOMEM : 0;
	while (!ret && (i < no || j < nn)) {
		int c = i >= no ? 1 : j >= nn ? -1 : cmp_key(&ko[i], &kn[j]);
		if (c < 0)
			ret = add_change(d, ONLY_OLD, ko[i++].row, NULL);
		else if (c > 0)
			ret = add_change(d, ONLY_NEW, NULL, kn[j++].row);
		else {
			if (!same_row(ko[i].row, kn[j].row))
				ret = add_change(d, CHANGED, ko[i].row, kn[j].row);
			i++;
			j++;
		}
	}
	free(ko);
	free(kn);
	return ret;
}

/* ---- output ---------------------------------------------------------------------- */

static const char *const rapporttyp_keys[RT__N] = {
	"rapporttyp.ny", "rapporttyp.ny_avbrott", "rapporttyp.ater",
	"rapporttyp.slut_verkstallt", "rapporttyp.slut_avslutat",
};
static const char *const change_keys[3] = {
	"diff.bara_tidigare", "diff.bara_ny", "diff.andrad",
};

/* The side that holds a change's row (the new one when both do). */
static const struct side *holder(const struct diff *d, const struct change_row *c)
{
	return c->new ? &d->s[SIDE_NEW] : &d->s[SIDE_OLD];
}

static void print_changes(const struct diff *d)
{
	static const char *const what[3] = { "only in the old run", "only in the new run",
					     "changed" };
	for (uint32_t i = 0; i < d->changes.n; i++) {
		const struct change_row *c = &d->changes.v[i];
		const struct side *s = holder(d, c);
		const struct ivo_row *row = c->new ? c->new : c->old;
		char d1[11], d2[11];
		printf("%s: %s %s %s", what[c->change],
		       str_get(&s->r.model, s->r.model.beslut.v[row->beslut].id),
		       row->kind == CASE_AVBROTT ? "avbrott" : "beslut", date_format(row->start, d1));
		if (c->change == CHANGED)
			printf(": %s %s -> %s %s",
			       templates_text(s->r.templates, rapporttyp_keys[c->old->r.typ]),
			       date_format(c->old->r.title_date, d1),
			       templates_text(s->r.templates, rapporttyp_keys[c->new->r.typ]),
			       date_format(c->new->r.title_date, d2));
		else
			printf(": %s %s", templates_text(s->r.templates, rapporttyp_keys[row->r.typ]),
			       date_format(row->r.title_date, d1));
		putchar('\n');
	}
	printf("diff: %ld only in the old run, %ld only in the new run, %ld changed\n",
	       d->n[ONLY_OLD], d->n[ONLY_NEW], d->n[CHANGED]);
}

static int write_changes(const struct diff *d, struct run *out, struct book *bk)
{
	static const char *const cols[] = {
		"andring", "beslut_id", "personnummer", "namn", "insats", "arendetyp",
		"startdatum", "rapporttyp_tidigare", "rapporttyp_ny", "tremanadersdatum_tidigare",
		"tremanadersdatum_ny", "verkstallt_tidigare", "verkstallt_ny",
		"avslutat_tidigare", "avslutat_ny",
	};
	enum { NCOLS = sizeof(cols) / sizeof(cols[0]) };
	struct sheet *sh = run_sheet(out, bk, "diff", "skillnader", cols, NCOLS);
	if (!sh)
		return EVB_ETEMPLATE;
	const struct templates *t = out->templates;
	for (uint32_t i = 0; i < d->changes.n; i++) {
		const struct change_row *c = &d->changes.v[i];
		const struct side *s = holder(d, c);
		const struct ivo_row *row = c->new ? c->new : c->old;
		const struct model *m = &s->r.model;
		const struct person *p = &m->persons.v[row->person];
		char pnr[14], name[512];
		pnr_format_digits(str_get(m, p->pnr), pnr);
		run_person_name(&s->r, p, name, sizeof(name));
		const struct ivo_row *o = c->old, *n = c->new;
		struct cell cells[NCOLS] = {
			cell_text(templates_text(t, change_keys[c->change])),
			cell_text(str_get(m, m->beslut.v[row->beslut].id)),
			cell_text(pnr),
			cell_text(name),
			cell_text(row->insats->name),
			cell_text(templates_text(t, row->kind == CASE_AVBROTT ? "arendetyp.avbrott"
										  : "arendetyp.beslut")),
			cell_date(row->start),
			cell_text(o ? templates_text(t, rapporttyp_keys[o->r.typ]) : ""),
			cell_text(n ? templates_text(t, rapporttyp_keys[n->r.typ]) : ""),
			cell_date(o ? o->r.milestone : DATE_NONE),
			cell_date(n ? n->r.milestone : DATE_NONE),
			cell_date(o ? o->r.executed : DATE_NONE),
			cell_date(n ? n->r.executed : DATE_NONE),
			cell_date(o ? o->r.ended : DATE_NONE),
			cell_date(n ? n->r.ended : DATE_NONE),
		};
		int ret = run_add_row(sh, cells);
		if (ret)
			return ret;
	}
	return 0;
}

static int write_summary(const struct diff *d, struct run *out, struct book *bk)
{
	struct summary_item items[] = {
		{ "summary.period", NULL, cell_text(out->opts.period) },
		{ "summary.tidigare_korning", NULL, cell_date(d->s[SIDE_OLD].r.eval) },
		{ "summary.ny_korning", NULL, cell_date(d->s[SIDE_NEW].r.eval) },
		{ "summary.antal_bara_tidigare", NULL, cell_int(d->n[ONLY_OLD]) },
		{ "summary.antal_bara_ny", NULL, cell_int(d->n[ONLY_NEW]) },
		{ "summary.antal_andrade", NULL, cell_int(d->n[CHANGED]) },
	};
	return run_sheet_summary(out, bk, "diff", items, sizeof(items) / sizeof(items[0]));
}

static int fill(struct run *out, struct book *bk, const void *ctx)
{
	const struct diff *d = ctx;
	return write_changes(d, out, bk) || write_summary(d, out, bk) ||
	       run_sheet_rejects(out, bk, "diff", true);
}

/* The workbook goes through the new run's set-up (templates, its export's
 * inputs in the manifest), recorded as this diff command. */
static int write_book(struct diff *d)
{
	struct run *out = &d->s[SIDE_NEW].r;
	out->command = "diff";
	out->opts.out = d->out;
	out->opts.csv = d->csv;
	out->opts.quiet = d->quiet;
	out->opts.replace = d->replace;
	char name[64];
	snprintf(name, sizeof(name), "diff-%s", out->opts.period);
	return run_write_book(out, "diff", name, fill, d);
}

static int parse(struct diff *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 'c' },
		{ "templates", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "csv", no_argument, NULL, 'v' },
		{ "replace", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	d->out = "out";
	opterr = 0;
	optind = 1;
	int c, nruns = 0;
	while ((c = run_getopt(argc, argv, "-:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': d->out = optarg; break;
		case 'c': d->config = optarg; break;
		case 't': d->templates = optarg; break;
		case 'q': d->quiet = true; break;
		case 'v': d->csv = true; break;
		case 'r': d->replace = true; break;
		case 1:   /* a run folder, in order */
			if (nruns == 2) {
				diag_msg("give two run folders (or their manifest.json)");
				fprintf(stderr, "usage: %s\n", usage);
				return -1;
			}
			d->s[nruns++].arg = optarg;
			break;
		case 'h':
			command_help("diff", usage, "Compares two IVO runs of one period, each recomputed from its\n"
				     "manifest and archived export: cases only in one run and cases whose\n"
				     "rapporttyp or dates changed (stdout and diff-YYYYQn.xlsx).");
			return 1;
		default:
			diag_msg("unknown or incomplete option '%s'", argv[optind - 1]);
			fprintf(stderr, "usage: %s\n", usage);
			return -1;
		}
	}
	if (nruns != 2) {
		diag_msg("give two run folders (or their manifest.json)");
		fprintf(stderr, "usage: %s\n", usage);
		return -1;
	}
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct diff d;
	memset(&d, 0, sizeof(d));
	int status = EXIT_FATAL, p = parse(&d, argc, argv);
	if (p)
		return p > 0 ? EXIT_FINE : EXIT_FATAL;
	if (load_side(&d, &d.s[SIDE_OLD]) || load_side(&d, &d.s[SIDE_NEW]))
		goto out;
	const char *po = d.s[SIDE_OLD].r.opts.period, *pn = d.s[SIDE_NEW].r.opts.period;
	if (d.s[SIDE_OLD].rep.year != d.s[SIDE_NEW].rep.year ||
	    d.s[SIDE_OLD].rep.quarter != d.s[SIDE_NEW].rep.quarter) {
		diag_msg("the runs are of different periods (%s and %s)", po, pn);
		goto out;
	}
	diag_set_quiet(d.quiet);
	if (compare(&d)) {
		diag_msg(EVB_NOMEM_TEXT);
		goto out;
	}
	if (!d.quiet)
		print_changes(&d);
	status = write_book(&d);
	/* rejected records of the exports are the runs' business, not a
	 * difference: 0 when the runs agree, 1 when they differ */
	if (status == EXIT_FINE || status == EXIT_REJECTS)
		status = d.n[ONLY_OLD] + d.n[ONLY_NEW] + d.n[CHANGED] ? EXIT_REJECTS : EXIT_FINE;
out:
	for (int i = 0; i < 2; i++) {
		struct side *s = &d.s[i];
		ivo_release(&s->rep);
		if (s->loaded)
			run_release(&s->r);
		manifest_free_argv(s->argc, s->argv);
		manifest_free_paths(s->inputs, s->mf.ninputs);
		manifest_release(&s->mf);
	}
	free(d.changes.v);
	return status;
}
