/* Shared machinery of every command: options, loading, common sheets,
 * run folder, manifest, exit status. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "checks.h"
#include "diag.h"
#include "export.h"
#include "field.h"
#include "hash.h"
#include "manifest.h"
#include "personnr.h"
#include "phase.h"
#include "profile.h"
#include "progress.h"
#include "run.h"

#define REJECTS_SHOWN 50   /* rejected records printed on stderr */

/* ---- options ---------------------------------------------------------------- */

enum { O_IN = 'i', O_OUT = 'o', O_CONFIG = 'c', O_TEMPLATES = 't',
       O_HELP = 'h', O_STRICT = 256, O_QUIET, O_CSV, O_PERIOD, O_MONTH, O_ASOF,
       O_PROFILE, O_REPLACE };

static const struct option long_options[] = {
	{ "in", required_argument, NULL, O_IN },
	{ "out", required_argument, NULL, O_OUT },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "templates", required_argument, NULL, O_TEMPLATES },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "csv", no_argument, NULL, O_CSV },
	{ "period", required_argument, NULL, O_PERIOD },
	{ "month", required_argument, NULL, O_MONTH },
	{ "as-of", required_argument, NULL, O_ASOF },
	{ "replace", no_argument, NULL, O_REPLACE },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static evb_date today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	if (now == (time_t)-1 || !localtime_r(&now, &tm))
		return DATE_NONE;
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
	char msg[256];
	snprintf(msg, sizeof(msg), fmt, arg);
	diag_msg("%s", msg);
	fprintf(stderr, "usage: %s\n", usage);
	return EVB_EUSAGE;
}

int run_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts, int *longindex)
{
	/* shortopts starts with '+' or '-': no permutation, so the option
	 * just parsed is argv[optind before the call] */
	int before = optind, li = -1;
	int c = getopt_long(argc, argv, shortopts, longopts, &li);
	if (longindex)
		*longindex = li;
	if (c == -1 || c == '?' || c == ':' || li < 0 || before >= argc)
		return c;
	const char *tok = argv[before], *name = longopts[li].name;
	size_t n = strlen(name);
	if (strncmp(tok, "--", 2) != 0 || strncmp(tok + 2, name, n) != 0 ||
	    (tok[2 + n] != '\0' && tok[2 + n] != '=')) {
		optind = before + 1;   /* the message names argv[optind - 1] */
		return '?';
	}
	return c;
}

int run_parse(struct run *r, const char *command, unsigned allowed, int argc,
	      char **argv, const char *usage)
{
	memset(r, 0, sizeof(*r));
	runfolder_init(&r->folder);
	r->command = command;
	struct run_opts *o = &r->opts;
	o->out = "out";
	o->asof = DATE_NONE;
	opterr = 0;
	optind = 1;
	int c, li;
	bool seen[sizeof(long_options) / sizeof(long_options[0])] = { false };
	while ((c = run_getopt(argc, argv, "+:h", long_options, &li)) != -1) {
		if (li >= 0 && c != O_IN && seen[li])
			return usage_error(usage, "option '--%s' given twice", long_options[li].name);
		if (li >= 0)
			seen[li] = true;
		else if (c == O_HELP && o->help)
			return usage_error(usage, "option '%s' given twice", "-h");
		switch (c) {
		case O_IN:
			if (o->ninputs == RUN_MAX_INPUTS)
				return usage_error(usage, "too many --in options (at most %s)", "64");
			o->inputs[o->ninputs++] = optarg;
			break;
		case O_OUT: o->out = optarg; break;
		case O_CONFIG: o->config = optarg; break;
		case O_TEMPLATES: o->templates = optarg; break;
		case O_PROFILE: o->profile = optarg; break;
		case O_STRICT: o->strict = true; break;
		case O_QUIET: o->quiet = true; break;
		case O_CSV: o->csv = true; break;
		case O_REPLACE: o->replace = true; break;
		case O_HELP: o->help = true; break;
		case O_PERIOD:
			if (!(allowed & OPT_PERIOD))
				return usage_error(usage, "option '%s' is not for this command", "--period");
			o->period = optarg;
			break;
		case O_MONTH:
			if (!(allowed & OPT_MONTH))
				return usage_error(usage, "option '%s' is not for this command", "--month");
			o->month = optarg;
			break;
		case O_ASOF:
			if (!(allowed & OPT_ASOF))
				return usage_error(usage, "option '%s' is not for this command", "--as-of");
			o->asof_text = optarg;
			if (field_date(optarg, &o->asof) != 0 || strlen(optarg) != 10)
				return usage_error(usage, "invalid --as-of date '%s' (use YYYY-MM-DD)", optarg);
			break;
		case ':':
			return usage_error(usage, "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(usage, "unexpected argument '%s'", argv[optind]);
	if (o->help)
		return 0;
	diag_set_quiet(o->quiet);
	progress_enable(!o->quiet);
	if (o->asof == DATE_NONE && (o->asof = today()) == DATE_NONE)
		return usage_error(usage, "%s", "cannot read today's date: give --as-of");
	r->eval = o->asof;
	if (allowed & OPT_MONTH) {
		/* a monthly report is evaluated on the month's last day */
		if (!o->month || !*o->month)
			return usage_error(usage, "%s", "missing --month (use e.g. --month 2026-10)");
		if (field_month(o->month, &o->year, &o->mon) || o->year < 1953)
			return usage_error(usage, "invalid --month '%s' (use YYYY-MM, e.g. 2026-10)",
					   o->month);
		r->eval = date_from_ymd(o->year, o->mon, days_in_month(o->year, o->mon));
	}
	if ((allowed & OPT_PERIOD) && (!o->period || !*o->period))
		return usage_error(usage, "%s", "missing --period (use e.g. --period 2026Q3)");
	if (o->ninputs == 0)
		return usage_error(usage, "%s", "no input: give --in DIR or --in FILE");
	return 0;
}

/* ---- set-up ----------------------------------------------------------------- */

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* templates/ in the working folder; else, for an installed binary
 * (PREFIX/bin/evb), PREFIX/share/evb/templates; else beside the binary's
 * folder (build/evb -> templates/). */
const char *run_default_templates(char *buf, size_t size)
{
	if (is_dir("templates"))
		return "templates";
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			int len = snprintf(buf, size, "%s/../share/evb/templates", exe);
			if (len > 0 && (size_t)len < size && is_dir(buf))
				return buf;
			*slash = '/';
		}
		for (int up = 0; up < 3; up++) {
			slash = strrchr(exe, '/');
			if (!slash)
				break;
			*slash = '\0';
			size_t len = strlen(exe);
			if (len + sizeof("/templates") > size)
				break;
			memcpy(buf, exe, len);
			memcpy(buf + len, "/templates", sizeof("/templates"));
			if (is_dir(buf))
				return buf;
		}
	}
	return "templates";
}

int run_setup(struct run *r, bool need_key)
{
	struct evb_error err = { 0 };
	if (config_load(&r->config, r->opts.config, &err) ||
	    (need_key && config_require_key(&r->config, &err))) {
		diag_error(&err);
		return EVB_ECONFIG;
	}
	if (r->config.shared)
		diag_at(r->config.path, 0, NULL, "warning: group or others can read the "
			"configuration (it may hold the IVO key): chmod 600 it");
	char buf[PATH_MAX];
	const char *dir = r->opts.templates ? r->opts.templates
					    : run_default_templates(buf, sizeof(buf));
	if (!(r->templates_dir = strdup(dir))) {
		diag_msg(EVB_NOMEM_TEXT);
		return EVB_ENOMEM;
	}
	if (!(r->templates = templates_load(dir, &err))) {
		diag_error(&err);
		return EVB_ETEMPLATE;
	}
	const char *profile = r->opts.profile ? r->opts.profile
			      : r->config.profile[0] ? r->config.profile : NULL;
	if (profile && (!(r->profile = profile_load(profile, &err)) ||
			profile_check_codes(r->profile, r->templates, &err))) {
		diag_error(&err);
		return EVB_ECONFIG;
	}
	return 0;
}

static const struct reject *sort_rejects_base;

static int cmp_reject(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct reject *x = &sort_rejects_base[i], *y = &sort_rejects_base[j];
	if (x->src.file != y->src.file)
		return x->src.file < y->src.file ? -1 : 1;
	if (x->src.line != y->src.line)
		return x->src.line < y->src.line ? -1 : 1;
	return i < j ? -1 : i > j;
}

static int sort_rejects(struct model *m)
{
	uint32_t n = m->rejects.n;
	if (n < 2)
		return 0;
	uint32_t *idx = malloc((size_t)n * sizeof(*idx));
	struct reject *sorted = malloc((size_t)n * sizeof(*sorted));
	if (!idx || !sorted) {
		free(idx);
		free(sorted);
		return EVB_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		idx[i] = i;
	sort_rejects_base = m->rejects.v;
	qsort(idx, n, sizeof(*idx), cmp_reject);
	sort_rejects_base = NULL;
	for (uint32_t i = 0; i < n; i++)
		sorted[i] = m->rejects.v[idx[i]];
	free(m->rejects.v);
	m->rejects.v = sorted;
	m->rejects.cap = n;
	free(idx);
	return 0;
}

int run_load(struct run *r, const char *const *listed)
{
	struct evb_error err = { 0 };
	model_init(&r->model, r->eval);
	phase_mark(PHASE_SETUP);
	int ret = export_read(&r->model, r->templates, r->profile,
			      (const char *const *)r->opts.inputs, r->opts.ninputs, &err);
	phase_mark(PHASE_READ);
	if (!ret && checks_case_listed(listed) && checks_run(&r->model))
		ret = evb_error_set(&err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
	if (ret) {
		diag_error(&err);
		return ret;
	}
	struct model *m = &r->model;
	/* by file and line; rejects of one line keep their order (the reject
	 * array is in reading order, so the position is the last key) */
	if ((ret = sort_rejects(m))) {
		diag_msg(EVB_NOMEM_TEXT);
		return ret;
	}
	for (uint32_t i = 0; i < m->rejects.n && i < REJECTS_SHOWN; i++) {
		const struct reject *rj = &m->rejects.v[i];
		diag_note_at(m->files.v[rj->src.file].display, rj->src.line, rj->column,
			     "%s: record rejected", str_get(m, rj->reason));
	}
	if (m->rejects.n > REJECTS_SHOWN)
		diag_note_at(NULL, 0, NULL, "%u more rejected records: see the sheet 'Avvisade rader'",
			     m->rejects.n - REJECTS_SHOWN);
	phase_mark(PHASE_CHECKS);
	/* a run on an empty or wrong folder must not write an empty report
	 * that looks final (SPEC 4.1); check reports what it found */
	bool meals = strcmp(r->command, "meals") == 0;
	if (strcmp(r->command, "check") != 0 && m->used[meals ? K_MALTID : K_BESLUT] == 0) {
		diag_msg("no %s accepted from the export set (%ld read): no report written",
			 meals ? "meal record" : "decision", m->read[meals ? K_MALTID : K_BESLUT]);
		return EVB_EINVAL;
	}
	return 0;
}

void run_print_summary(const struct run *r)
{
	if (r->opts.quiet)
		return;
	const struct model *m = &r->model;
	for (int k = 0; k < K__COUNT; k++) {
		if (!m->read[k])
			continue;
		printf("%-17s %8ld read = %8ld used + %6ld rejected",
		       schema_kind(k)->name, m->read[k], m->used[k], m->rejected[k]);
		if (m->merged[k])
			printf(" (%ld exact duplicate%s merged)", m->merged[k],
			       m->merged[k] == 1 ? "" : "s");
		putchar('\n');
	}
	/* a file read as Windows-1252 was said on stderr while reading */
}

bool run_strict_stop(const struct run *r)
{
	if (!r->opts.strict || r->model.rejects.n == 0)
		return false;
	diag_msg("--strict: %u records rejected, no report written",
		 r->model.rejects.n);
	return true;
}

int run_open_dir(struct run *r, const char *name)
{
	struct evb_error err = { 0 };
	int ret = runfolder_open(&r->folder, r->opts.out, name, r->opts.replace, &err);
	if (ret) {
		diag_error(&err);
		return ret;
	}
	if (!(r->dir = strdup(r->folder.tmp_path))) {
		diag_msg(EVB_NOMEM_TEXT);
		return EVB_ENOMEM;
	}
	return 0;
}

/* ---- books and common sheets -------------------------------------------------- */

static const char *txt(const struct run *r, const char *key)
{
	return templates_text(r->templates, key);
}

static struct book *open_run_book(struct run *r, const char *book, const char *name,
				  bool small)
{
	char key[64];
	snprintf(key, sizeof(key), "title.%s", book);
	struct evb_error err = { 0 };
	phase_mark(PHASE_COMPUTE);
	const char *title = templates_text(r->templates, key);
	struct book *b = small
		? book_open_small(r->dir, name, title, r->eval, r->opts.csv, &err)
		: book_open(r->dir, name, title, r->eval, r->opts.csv, &err);
	if (!b) {
		diag_error(&err);
		return NULL;
	}
	/* printed pages: municipality, report and period; evaluation date */
	char date[11], head[512], foot[160];
	date_format(r->eval, date);
	const char *period = r->opts.period ? r->opts.period : r->opts.month ? r->opts.month : date;
	snprintf(key, sizeof(key), "utskrift.titel.%s", book);
	snprintf(head, sizeof(head), "%s %s", txt(r, key), period);
	snprintf(foot, sizeof(foot), "%s %s", txt(r, "summary.utvarderingsdatum"), date);
	struct page_texts pt = {
		.head_left = r->config.municipality, .head_center = head, .foot_left = foot,
		.page = txt(r, "utskrift.sida"), .of = txt(r, "utskrift.av"),
	};
	if (book_set_page_texts(b, &pt, &err)) {
		diag_error(&err);
		book_abort(b);
		return NULL;
	}
	progress_start("writing", name, 0);
	return b;
}

struct book *run_book(struct run *r, const char *book, const char *name)
{
	return open_run_book(r, book, name, false);
}

struct book *run_book_small(struct run *r, const char *book, const char *name)
{
	return open_run_book(r, book, name, true);
}

struct sheet *run_sheet(struct run *r, struct book *b, const char *book,
			const char *sheet, const char *const *keys, int ncols)
{
	struct evb_error err = { 0 };
	const char *name, *headers[64];
	struct sheet_look look;
	if (ncols > 64 || templates_layout(r->templates, book, sheet, keys, ncols,
					   &name, headers, &err) ||
	    templates_look(r->templates, book, sheet, keys, ncols, &look, &err)) {
		diag_error(&err);
		return NULL;
	}
	struct sheet *s = book_add_sheet_look(b, name, headers, ncols, &look, &err);
	if (!s)
		diag_error(&err);
	return s;
}

int run_add_row(struct sheet *s, const struct cell *cells)
{
	struct evb_error err = { 0 };
	int ret = sheet_add_row(s, cells, &err);
	if (ret)
		diag_error(&err);
	return ret;
}

static const char *kind_text(const struct run *r, int kind)
{
	char key[64];
	if (kind < 0 || kind >= K__COUNT)
		return "";
	snprintf(key, sizeof(key), "kind.%s", schema_kind(kind)->name);
	return txt(r, key);
}

int run_sheet_summary(struct run *r, struct book *b, const char *book,
		      const struct summary_item *items, int nitems)
{
	static const char *const keys[] = { "uppgift", "varde" };
	struct sheet *s = run_sheet(r, b, book, "sammanfattning", keys, 2);
	if (!s)
		return EVB_ETEMPLATE;
	const struct model *m = &r->model;
	int ret = 0;
	struct cell row[2];
#define ROW(label, value) do { row[0] = cell_text(label); row[1] = (value); \
	if ((ret = run_add_row(s, row))) return ret; } while (0)
	ROW(txt(r, "summary.kommun"), cell_text(r->config.municipality));
	for (int i = 0; i < nitems; i++)
		ROW(items[i].label_key ? txt(r, items[i].label_key) : items[i].label,
		    items[i].value);
	ROW(txt(r, "summary.utvarderingsdatum"), cell_date(r->eval));
	ROW(txt(r, "summary.program_version"), cell_text("evb " EVB_VERSION));
	for (int k = 0; k < K__COUNT; k++) {
		if (!m->read[k])
			continue;
		char label[160];
		snprintf(label, sizeof(label), "%s: %s", kind_text(r, k),
			 txt(r, "summary.poster_lasta"));
		ROW(label, cell_int(m->read[k]));
		snprintf(label, sizeof(label), "%s: %s", kind_text(r, k),
			 txt(r, "summary.poster_anvanda"));
		ROW(label, cell_int(m->used[k]));
		snprintf(label, sizeof(label), "%s: %s", kind_text(r, k),
			 txt(r, "summary.poster_avvisade"));
		ROW(label, cell_int(m->rejected[k]));
	}
#undef ROW
	return ret;
}

void run_person_name(const struct run *r, const struct person *p, char *buf, size_t size)
{
	const struct model *m = &r->model;
	const char *fn = str_get(m, p->fornamn), *en = str_get(m, p->efternamn);
	if (p->skyddad)
		snprintf(buf, size, "%s", txt(r, "skyddad_identitet"));
	else if (*fn && *en)
		snprintf(buf, size, "%s, %s", en, fn);
	else
		snprintf(buf, size, "%s%s", en, fn);
}

int run_sheet_inputs(struct run *r, struct book *b, const char *book)
{
	static const char *const keys[] = { "fil", "typ", "teckenkodning", "lasta",
					    "anvanda", "avvisade", "sha256" };
	struct sheet *s = run_sheet(r, b, book, "inlasning", keys, 7);
	if (!s)
		return EVB_ETEMPLATE;
	struct evb_error err = { 0 };
	int ret = export_digests(&r->model, &err);
	if (ret) {
		diag_error(&err);
		return ret;
	}
	const struct model *m = &r->model;
	for (uint32_t i = 0; i < m->files.n; i++) {
		const struct input_file *f = &m->files.v[i];
		long rd = 0, us = 0, rj = 0;
		for (int k = 0; k < K__COUNT; k++) {
			rd += f->read[k];
			us += f->used[k];
			rj += f->rejected[k];
		}
		struct cell row[7] = {
			cell_text(f->display),
			cell_text(f->xml ? "XML" : f->kind >= 0 ? kind_text(r, f->kind) : ""),
			cell_text(f->cp1252 ? "Windows-1252" : "UTF-8"),
			cell_int(rd), cell_int(us), cell_int(rj),
			cell_text(f->sha256),
		};
		if ((ret = run_add_row(s, row)))
			return ret;
	}
	return 0;
}

int run_sheet_rejects(struct run *r, struct book *b, const char *book,
		      bool with_values)
{
	const struct model *m = &r->model;
	if (m->rejects.n == 0)
		return 0;
	static const char *const keys[] = { "fil", "rad", "typ", "kolumn", "orsak", "varde" };
	int ncols = with_values ? 6 : 5;
	struct sheet *s = run_sheet(r, b, book, "avvisade", keys, ncols);
	if (!s)
		return EVB_ETEMPLATE;
	for (uint32_t i = 0; i < m->rejects.n; i++) {
		const struct reject *rj = &m->rejects.v[i];
		struct cell row[6] = {
			cell_text(m->files.v[rj->src.file].display),
			rj->src.line ? cell_int(rj->src.line) : cell_blank(),
			cell_text(kind_text(r, rj->kind)),
			cell_text(rj->column),
			cell_text(txt(r, rj->reason_key)),
			cell_text(str_get(m, rj->value)),
		};
		int ret = run_add_row(s, row);
		if (ret)
			return ret;
	}
	return 0;
}

static const struct model *sort_findings_model;

/* Findings in the order: check (by key), file, line. */
static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = *(const struct finding *const *)a;
	const struct finding *y = *(const struct finding *const *)b;
	int c = x->check == y->check ? 0
		: strcmp(finding_check(sort_findings_model, x),
			 finding_check(sort_findings_model, y));
	if (c)
		return c;
	if (x->src.file != y->src.file)
		return x->src.file < y->src.file ? -1 : 1;
	if (x->src.line != y->src.line)
		return x->src.line < y->src.line ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Puts the finding's fields into its check's "uppgift.*" text. */
static void finding_text(const struct run *r, const struct finding *f, char *buf, size_t size)
{
	const struct model *m = &r->model;
	char key[80], d[4][11] = { "", "", "", "" };
	snprintf(key, sizeof(key), "uppgift.%s", finding_check(m, f) + strlen("check."));
	const struct beslut *b = f->beslut != IDX_NONE ? &m->beslut.v[f->beslut] : NULL;
	const char *values[] = {
		"beslut", b ? str_get(m, b->id) : "",
		"beslutsdatum", b ? date_format(b->beslutsdatum, d[0]) : "",
		"datum", f->datum != DATE_NONE ? date_format(f->datum, d[1]) : "",
		"varde", str_get(m, f->detail),
		"annan", str_get(m, f->other),
		"fran", f->from != DATE_NONE ? date_format(f->from, d[2]) : "",
		"till", f->to != DATE_NONE ? date_format(f->to, d[3])
			: f->from != DATE_NONE ? txt(r, "uppgift.tills_vidare") : "",
	};
	size_t n = 0;
	buf[0] = '\0';
	for (const char *p = txt(r, key); *p && n + 1 < size;) {
		const char *open = strchr(p, '{'), *close = open ? strchr(open, '}') : NULL;
		size_t lit = close ? (size_t)(open - p) : strlen(p);
		n += (size_t)snprintf(buf + n, size - n, "%.*s", (int)lit, p);
		if (!close || n + 1 >= size)
			break;
		for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i += 2)
			if (strlen(values[i]) == (size_t)(close - open - 1) &&
			    memcmp(values[i], open + 1, (size_t)(close - open - 1)) == 0)
				n += (size_t)snprintf(buf + n, size - n, "%s", values[i + 1]);
		p = close + 1;
	}
	if (n >= size)
		buf[size - 1] = '\0';
}

bool run_finding_shown(const struct run *r, const struct finding *f, const char *const *keys)
{
	/* facts dated after the evaluation date do not exist for the run
	 * (SPEC 3), so neither do findings about them */
	return checks_key_listed(keys, finding_check(&r->model, f)) &&
	       (f->datum == DATE_NONE || f->datum <= r->eval);
}

bool run_finding_in_scope(const struct run *r, const struct finding *f,
			  const struct finding_scope *scope)
{
	if (!scope)
		return true;
	if (f->beslut != IDX_NONE)
		return scope->beslut[f->beslut] ||
		       (scope->person_checks && checks_key_listed(scope->person_checks, finding_check(&r->model, f)) &&
			scope->person[f->person]);
	return f->person != IDX_NONE && scope->person[f->person];
}

int run_sheet_checks(struct run *r, struct book *b, const char *book,
		     const char *const *keys, const struct finding_scope *scope)
{
	static const char *const cols[] = { "kontroll", "allvar", "beslut_id", "post_id",
					    "personnummer", "namn", "datum", "uppgift",
					    "fil", "rad" };
	enum { NCOLS = sizeof(cols) / sizeof(cols[0]) };
	struct sheet *s = run_sheet(r, b, book, "kontroller", cols, NCOLS);
	if (!s)
		return EVB_ETEMPLATE;
	const struct model *m = &r->model;
	const struct finding **list = malloc(((size_t)m->findings.n + 1) * sizeof(*list));
	if (!list)
		return EVB_ENOMEM;
	size_t n = 0;
	for (uint32_t i = 0; i < m->findings.n; i++) {
		const struct finding *f = &m->findings.v[i];
		if (run_finding_shown(r, f, keys) && run_finding_in_scope(r, f, scope))
			list[n++] = f;
	}
	sort_findings_model = m;
	qsort(list, n, sizeof(*list), cmp_finding);
	sort_findings_model = NULL;
	int ret = 0;
	for (size_t i = 0; i < n && !ret; i++) {
		const struct finding *f = list[i];
		char pnr[14] = "", name[512] = "", text[1024];
		if (f->person != IDX_NONE) {
			const struct person *p = &m->persons.v[f->person];
			pnr_format_digits(str_get(m, p->pnr), pnr);
			run_person_name(r, p, name, sizeof(name));
		}
		finding_text(r, f, text, sizeof(text));
		bool has_file = f->src.file < m->files.n;
		struct cell row[NCOLS] = {
			cell_text(txt(r, finding_check(m, f))),
			cell_text(txt(r, checks_information(finding_check(m, f)) ? "allvar.information"
									  : "allvar.atgarda")),
			cell_text(f->beslut != IDX_NONE ? str_get(m, m->beslut.v[f->beslut].id) : ""),
			cell_text(str_get(m, f->id)),
			cell_text(pnr),
			cell_text(name),
			cell_date(f->datum),
			cell_text(text),
			cell_text(has_file ? m->files.v[f->src.file].display : ""),
			has_file && f->src.line ? cell_int(f->src.line) : cell_blank(),
		};
		ret = run_add_row(s, row);
	}
	free(list);
	return ret;
}

void run_say_failure(int ret, unsigned said)
{
	if (ret && diag_said() == said)
		diag_msg("%s", ret == EVB_ENOMEM ? EVB_NOMEM_TEXT : "cannot write the report");
}

int run_write_book(struct run *r, const char *book, const char *name,
		   int (*fill)(struct run *r, struct book *b, const void *ctx), const void *ctx)
{
	if (run_open_dir(r, name))
		return EXIT_FATAL;
	struct book *b = run_book(r, book, name);
	if (!b)
		return EXIT_FATAL;
	unsigned said = diag_said();
	int ret = fill(r, b, ctx);
	if (ret) {
		run_say_failure(ret, said);
		book_abort(b);
		return EXIT_FATAL;
	}
	if (run_close_book(r, b))
		return EXIT_FATAL;
	return run_finish(r);
}

int run_close_book(struct run *r, struct book *b)
{
	struct evb_error err = { 0 };
	int ret = book_close(b, &r->outputs, &err);
	progress_end();
	if (ret)
		diag_error(&err);
	phase_mark(PHASE_WRITE);
	return ret;
}

/* ---- manifest ------------------------------------------------------------------ */

/* The options as the manifest records them: canonical long names, each
 * value in its own argument, in a fixed order; without --out, --quiet and
 * --replace (a run's outputs do not depend on them). */
static size_t canonical_args(const struct run *r, const char **v)
{
	const struct run_opts *o = &r->opts;
	size_t n = 0;
	for (int i = 0; i < o->ninputs; i++) {
		v[n++] = "--in";
		v[n++] = o->inputs[i];
	}
#define OPT(name, value) do { if (value) { v[n++] = name; v[n++] = value; } } while (0)
	OPT("--period", o->period);
	OPT("--month", o->month);
	OPT("--as-of", o->asof_text);
	OPT("--config", o->config);
	OPT("--templates", o->templates);
	OPT("--profile", o->profile);
#undef OPT
	if (o->strict)
		v[n++] = "--strict";
	if (o->csv)
		v[n++] = "--csv";
	return n;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int run_finish(struct run *r)
{
	const char *args[2 * RUN_MAX_INPUTS + 16];
	struct manifest_output *outs = calloc(r->outputs.n + 1, sizeof(*outs));
	char (*hex)[SHA256_HEX_LEN + 1] = calloc(r->outputs.n + 1, sizeof(*hex));
	struct evb_error err = { 0 };
	char *text = NULL;
	size_t len = 0;
	int ret = 0;
	if (!outs || !hex) {
		ret = evb_error_set(&err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	if ((ret = export_digests(&r->model, &err)))
		goto out;
	for (size_t i = 0; i < r->outputs.n && !ret; i++) {
		outs[i].file = base_name(r->outputs.paths[i]);
		outs[i].sha256 = hex[i];
		ret = hash_file(r->outputs.paths[i], hex[i], &outs[i].size, NULL, &err);
	}
	if (ret)
		goto out;
	struct manifest_info mi = {
		.command = r->command, .eval = r->eval, .model = &r->model,
		.templates_dir = r->templates_dir, .outputs = outs, .noutputs = r->outputs.n,
		.args = args, .nargs = canonical_args(r, args),
		.profile_file = r->profile ? profile_path(r->profile) : NULL,
		.profile_sha256 = r->profile ? profile_sha256(r->profile) : NULL,
		.profile_size = r->profile ? profile_size(r->profile) : 0,
	};
	if (!(text = manifest_format(&mi, &len, &err)) ||
	    (ret = runfolder_write_file(&r->folder, "manifest.json", text, len, &err)) ||
	    (ret = runfolder_commit(&r->folder, &err)))
		ret = ret ? ret : EVB_EIO;
out:
	free(text);
	free(outs);
	free(hex);
	if (ret) {
		diag_error(&err);
		if (r->folder.hidden)
			diag_msg("nothing new written, but the earlier run could not be renamed "
				 "back: it is kept complete in %s as %s, which the next run there "
				 "puts back as %s", r->folder.out, r->folder.hidden,
				 r->folder.final_path);
		else
			diag_msg("nothing written: %s is as it was", r->folder.final_path
				 ? r->folder.final_path : r->opts.out);
		return EXIT_FATAL;
	}
	if (r->folder.unflushed) {
		/* a failed flush is exit 2 (SPEC 5), though here something new
		 * is visible: said as it is */
		diag_msg("%s: cannot flush the output folder (%s), nor take the new run back: "
			 "%s is in place and complete, but a crash now could undo it: check it "
			 "with 'evb verify %s/manifest.json'", r->folder.out,
			 strerror(r->folder.unflushed), r->folder.final_path,
			 r->folder.final_path);
		if (r->folder.left)
			diag_msg("the replaced run is kept in %s as %s until then, which the next "
				 "run there removes", r->folder.out, r->folder.left);
		return EXIT_FATAL;
	}
	if (r->folder.left)
		diag_msg("the replaced run could not be removed (%s): it is left in %s as %s, "
			 "which the next run there removes", strerror(r->folder.left_errno),
			 r->folder.out, r->folder.left);
	if (!r->opts.quiet)
		printf("report written to %s/\n", r->folder.final_path);
	if (!r->opts.quiet && r->model.rejects.n) {
		/* how many were rejected and where they are listed */
		const char *sheet = "";
		struct evb_error err = { 0 };
		if (templates_layout(r->templates, "kontroll", "avvisade", NULL, 0, &sheet, NULL,
				     &err))
			diag_error(&err);   /* a required layout: cannot happen */
		printf("%u record%s rejected: listed in the sheet '%s' of", r->model.rejects.n,
		       r->model.rejects.n == 1 ? "" : "s", sheet);
		const char *sep = " ";
		for (size_t i = 0; i < r->outputs.n; i++) {
			const char *f = base_name(r->outputs.paths[i]);
			size_t n = strlen(f);
			if (n > 5 && strcmp(f + n - 5, ".xlsx") == 0) {
				printf("%s%s", sep, f);
				sep = ", ";
			}
		}
		printf("\n");
	}
	if (fflush(stdout) != 0) {
		diag_msg("cannot write to standard output: %s", strerror(errno));
		return EXIT_FATAL;
	}
	return r->model.rejects.n ? EXIT_REJECTS : EXIT_FINE;
}

int run_fail(struct run *r, const struct evb_error *err)
{
	if (err)
		diag_error(err);
	(void)r;
	return EXIT_FATAL;
}

void run_release(struct run *r)
{
	config_wipe(&r->config);
	templates_free(r->templates);
	profile_free(r->profile);
	r->profile = NULL;
	model_release(&r->model);
	output_list_release(&r->outputs);
	/* an unfinished run leaves nothing, or says what it left */
	if (runfolder_discard(&r->folder) != 0)
		diag_msg("the unfinished run could not be removed (%s): it is left in %s as %s, "
			 "which the next run there removes", strerror(errno), r->folder.out,
			 r->folder.tmp_name);
	runfolder_release(&r->folder);
	free(r->dir);
	free(r->templates_dir);
	r->templates = NULL;
	r->dir = NULL;
	r->templates_dir = NULL;
}
