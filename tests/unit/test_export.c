/*
 * Unit tests: from export files to the model (src/export.c) and the
 * data-quality checks on it (src/checks.c is tested in test_checks.c).
 * Every record read is used or rejected: read = used + rejected per kind.
 */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "calendar.h"
#include "export.h"
#include "hash.h"
#include "templates.h"
#include "threadfail.h"

#include <sys/stat.h>

static struct templates *tpl;

/* test_export is linked with -Wl,--wrap=stat (Makefile): stat says one
 * byte more for the file grown names, as if it grew after it was read, a
 * modification time a second later for the file touched names, as if it
 * was written to again at the same size, and another inode for the file
 * replaced names */
static const char *grown, *touched, *replaced;
int __real_stat(const char *path, struct stat *st);
int __wrap_stat(const char *path, struct stat *st);
int __wrap_stat(const char *path, struct stat *st)
{
	int r = __real_stat(path, st);
	if (r == 0 && grown && strcmp(path, grown) == 0)
		st->st_size++;
	if (r == 0 && touched && strcmp(path, touched) == 0)
		st->st_mtim.tv_sec++;
	if (r == 0 && replaced && strcmp(path, replaced) == 0)
		st->st_ino++;
	return r;
}
static char dir[64];

static int setup(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	if (tmpdir_make(dir, "export"))
		return -1;
	tpl = templates_load("../templates", &err);
	return tpl ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	templates_free(tpl);
	return tmpdir_remove(dir);
}

static void put(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void clear(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -f '%s'/*", dir);
	assert_int_equal(system(cmd), 0);
}

static int load(struct model *m, struct evb_error *err)
{
	const char *inputs[] = { dir };
	model_init(m, D("2026-11-22"));
	return export_read(m, tpl, NULL, inputs, 1, err);
}

static bool balanced(const struct model *m)
{
	for (int k = 0; k < K__COUNT; k++)
		if (m->read[k] != m->used[k] + m->rejected[k])
			return false;
	return true;
}

static const struct reject *find_reject(const struct model *m, const char *key)
{
	for (uint32_t i = 0; i < m->rejects.n; i++)
		if (strcmp(m->rejects.v[i].reason_key, key) == 0)
			return &m->rejects.v[i];
	return NULL;
}

#define BESLUT_HEAD "beslut_id;person_id;lagrum;insats;beslutsdatum;utfall;giltig_tom;avslutad_datum;avslutsorsak;giltig_from\n"

static void test_values_validated(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", BESLUT_HEAD
	    "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"
	    "B2;19121212-1212;SoL;SOL_HEMTJANST;2026-02-30;bifall;;;;\n"     /* impossible date */
	    "B3;19121212-1213;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"     /* Luhn */
	    "B4;19121212-1212;SoL;OKAND;2026-01-05;bifall;;;;\n"             /* unknown insats */
	    "B5;19121212-1212;LSS;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"     /* lagrum mismatch */
	    "B6;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;kanske;;;;\n"     /* enum */
	    "B7;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;2025-12-01;;;2026-01-10\n" /* end before start */
	    "B8;;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"                  /* missing value */
	    "B9;121212+1212;SoL;SOL_HEMTJANST;20260105;bifall;;2026-03-01;;\n");
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(m.read[K_BESLUT], 9);
	assert_int_equal(m.used[K_BESLUT], 2);
	assert_true(balanced(&m));
	assert_non_null(find_reject(&m, "reject.invalid_date"));
	assert_non_null(find_reject(&m, "reject.invalid_personnr"));
	assert_non_null(find_reject(&m, "reject.unknown_insats"));
	assert_non_null(find_reject(&m, "reject.lagrum_mismatch"));
	assert_non_null(find_reject(&m, "reject.unknown_value"));
	assert_non_null(find_reject(&m, "reject.end_before_start"));
	assert_non_null(find_reject(&m, "reject.missing_value"));
	const struct reject *r = find_reject(&m, "reject.invalid_date");
	assert_int_equal(r->src.line, 3);
	assert_string_equal(r->column, "beslutsdatum");
	/* the messages name the value they reject (SPEC 6) */
	assert_non_null(strstr(str_get(&m, r->reason), "'2026-02-30'"));
	assert_non_null(strstr(str_get(&m, find_reject(&m, "reject.unknown_value")->reason),
			       "unknown value 'kanske' for 'utfall'"));
	/* '+' and the 10-digit form give the same person as 19121212-1212;
	 * avslutad_datum without avslutsorsak counts as annat */
	assert_int_equal(m.persons.n, 1);
	assert_int_equal(m.beslut.v[1].avslutsorsak, ORSAK_ANNAT);
	model_release(&m);
}

/*
 * Codes are matched ignoring the case of ASCII letters, and of nothing
 * else: "SOL" and "Sol" are SoL, "BIFALL" is bifall and "Delvis_Bifall"
 * delvis_bifall; "bifal" (a prefix), "bifalls" (one letter more) and
 * "delvis" DEL "bifall" (DEL is '_' with bit 0x20 set, which a fold by
 * setting that bit would take for '_') are unknown values.
 */
static void test_codes_ignore_case(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", BESLUT_HEAD
	    "B1;19121212-1212;SOL;SOL_HEMTJANST;2026-01-05;BIFALL;;;;\n"
	    "B2;19121212-1212;Sol;SOL_HEMTJANST;2026-01-05;Delvis_Bifall;;;;\n"
	    "B3;19121212-1212;lss;LSS9_2;2026-01-05;AvSlAg;;;;\n"
	    "B4;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifal;;;;\n"
	    "B5;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifalls;;;;\n"
	    "B6;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;delvis\x7f" "bifall;;;;\n"
	    "B7;19121212-1212;So;SOL_HEMTJANST;2026-01-05;bifall;;;;\n");
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(m.read[K_BESLUT], 7);
	assert_int_equal(m.used[K_BESLUT], 3);
	assert_true(balanced(&m));
	assert_int_equal(m.beslut.v[0].lagrum, LAGRUM_SOL);
	assert_int_equal(m.beslut.v[0].utfall, UTFALL_BIFALL);
	assert_int_equal(m.beslut.v[1].lagrum, LAGRUM_SOL);
	assert_int_equal(m.beslut.v[1].utfall, UTFALL_DELVIS_BIFALL);
	assert_int_equal(m.beslut.v[2].lagrum, LAGRUM_LSS);
	assert_int_equal(m.beslut.v[2].utfall, UTFALL_AVSLAG);
	model_release(&m);
}

/*
 * A date's ten bytes are parsed once and kept (get_date, get_datetime): what
 * is kept must be exactly what parsing gives. 2026-02-30 is rejected each
 * time it comes (a failure is not kept); 2026-01-05 and 2026-01-06 share
 * their first eight bytes and keep their own days; 20260105 is the same
 * day as 2026-01-05. A date and time whose date was seen before is checked
 * after it as before: "2026-01-05 10:30" is 2026-01-05 plus 630 minutes,
 * "2026-01-0510:30" (a digit right after the date) and "2026-01-05 25:00"
 * are rejected, and a bare "2026-01-06" is its midnight.
 */
static void test_dates_kept_once_parsed(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", BESLUT_HEAD
	    "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"
	    "B2;19121212-1212;SoL;SOL_HEMTJANST;2026-02-30;bifall;;;;\n"
	    "B3;19121212-1212;SoL;SOL_HEMTJANST;2026-02-30;bifall;;;;\n"
	    "B4;19121212-1212;SoL;SOL_HEMTJANST;2026-01-06;bifall;;;;2026-01-05\n"
	    "B5;19121212-1212;SoL;SOL_HEMTJANST;20260105;bifall;;;;2026-01-06\n");
	put("bestallningar.csv", "bestallning_id;beslut_id;utforare;skickad;bekraftad\n"
	    "O1;B1;Hemtjänst Norr;2026-01-05 10:30;2026-01-06\n"
	    "O2;B1;Hemtjänst Norr;2026-01-0510:30;\n"
	    "O3;B1;Hemtjänst Norr;2026-01-05 25:00;\n");
	assert_int_equal(load(&m, &err), 0);
	assert_true(balanced(&m));
	assert_int_equal(m.used[K_BESLUT], 3);
	assert_int_equal(m.rejected[K_BESLUT], 2);
	assert_int_equal(m.beslut.v[0].beslutsdatum, D("2026-01-05"));
	assert_int_equal(m.beslut.v[1].beslutsdatum, D("2026-01-06"));
	assert_int_equal(m.beslut.v[1].giltig_from, D("2026-01-05"));
	assert_int_equal(m.beslut.v[2].beslutsdatum, D("2026-01-05"));
	assert_int_equal(m.beslut.v[2].giltig_from, D("2026-01-06"));
	assert_int_equal(m.used[K_BESTALLNING], 1);
	assert_int_equal(m.rejected[K_BESTALLNING], 2);
	assert_int_equal(m.bestallningar.v[0].skickad, D("2026-01-05") * 1440 + 630);
	assert_int_equal(m.bestallningar.v[0].bekraftad, D("2026-01-06") * 1440);
	uint32_t dates = 0, datetimes = 0;
	for (uint32_t i = 0; i < m.rejects.n; i++) {
		dates += strcmp(m.rejects.v[i].reason_key, "reject.invalid_date") == 0;
		datetimes += strcmp(m.rejects.v[i].reason_key, "reject.invalid_datetime") == 0;
	}
	assert_int_equal(dates, 2);
	assert_int_equal(datetimes, 2);
	model_release(&m);
}

/* Every day from 1990 to 2029 (14 610 dates, more than the 4 096 kept, so
 * that each place is taken by one date after another), forwards and then
 * backwards: each decision keeps its own day, whatever was kept before. */
static void test_every_day_kept_apart(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	enum { DAYS = 14610 };
	size_t cap = 100 + 2 * DAYS * 80, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	len += (size_t)snprintf(text, cap, "%s", BESLUT_HEAD);
	evb_date first = D("1990-01-01");
	for (int i = 0; i < 2 * DAYS; i++) {
		int y, mo, d;
		date_to_ymd(first + (i < DAYS ? i : 2 * DAYS - 1 - i), &y, &mo, &d);
		len += (size_t)snprintf(text + len, cap - len,
					"B%d;19121212-1212;SoL;SOL_HEMTJANST;%04d-%02d-%02d;bifall;;;;\n",
					i, y, mo, d);
		assert_true(len < cap);
	}
	clear();
	put("beslut.csv", text);
	free(text);
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(m.used[K_BESLUT], 2 * DAYS);
	for (uint32_t i = 0; i < m.beslut.n; i++) {
		/* the decisions stay in file order: B<i> is line i + 2 */
		uint32_t k = m.beslut.v[i].src.line - 2;
		assert_int_equal(m.beslut.v[i].beslutsdatum,
				 first + (k < DAYS ? (int)k : 2 * DAYS - 1 - (int)k));
	}
	model_release(&m);
}

/* A long rejected value is shown cut to 40 bytes, before a character and
 * not inside it: 39 x 'a' then 'å' (2 bytes) shows the 39 'a' only. */
static void test_long_value_in_message(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", BESLUT_HEAD
	    "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xC3\xA5xyz;;;;\n");
	assert_int_equal(load(&m, &err), 0);
	const struct reject *r = find_reject(&m, "reject.unknown_value");
	assert_non_null(r);
	assert_non_null(strstr(str_get(&m, r->reason),
			       "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' for 'utfall'"));
	model_release(&m);
}


/* SPEC 4.1: omfattning, antal and avgiftsutrymme below zero reject their
 * record; "-0" (and "-0,00") is zero; an avgiftsutrymme of 0 is valid. */
static void test_negative_amounts(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", "beslut_id;person_id;lagrum;insats;beslutsdatum;utfall;omfattning;omfattning_enhet\n"
	    "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;-5;tim/man\n"
	    "B2;19121212-1212;SoL;SOL_HEMTJANST;2026-01-06;bifall;-0,00;tim/man\n"
	    "B3;19121212-1212;SoL;SOL_HEMTJANST;2026-01-07;bifall;-0,5;tim/man\n");
	put("personer.csv", "person_id;avgiftsutrymme\n19121212-1212;-0\n19390721-3353;-350,00\n"
	    "19430109-1486;0\n");
	put("maltider.csv", "person_id;enhet;manad;antal\n19121212-1212;Linden;2026-10;-0\n"
	    "19121212-1212;Linden;2026-09;-2\n");
	assert_int_equal(load(&m, &err), 0);
	assert_true(balanced(&m));
	assert_int_equal(m.used[K_BESLUT], 1);
	assert_string_equal(str_get(&m, m.beslut.v[0].id), "B2");
	assert_true(m.beslut.v[0].omfattning == 0.0 && !signbit(m.beslut.v[0].omfattning));
	assert_int_equal(m.rejected[K_PERSON], 1);
	assert_int_equal(m.used[K_MALTID], 1);
	assert_int_equal(m.maltider.v[0].antal, 0);
	int negative = 0;
	for (uint32_t i = 0; i < m.rejects.n; i++)
		negative += strcmp(m.rejects.v[i].reason_key, "reject.negative_amount") == 0;
	assert_int_equal(negative, 3);   /* B1, B3, 19390721-3353 */
	assert_non_null(find_reject(&m, "reject.negative_count"));
	model_release(&m);
}

/* Every entry of an --in folder is a regular file, or the run stops
 * naming it: a FIFO, a dangling link, a link loop, a folder. */
static void test_non_regular_entries(void **state)
{
	(void)state;
	static const struct { const char *make, *name, *why; } cases[] = {
		{ "mkfifo '%s/fifo.csv'", "fifo.csv", "a FIFO (named pipe)" },
		{ "ln -s nowhere '%s/gone.csv'", "gone.csv", "a symbolic link to nothing" },
		{ "ln -s loop2 '%s/loop1' && ln -s loop1 '%s/loop2'", "loop1", "a loop of symbolic links" },
		{ "mkdir '%s/sub'", "sub", "a folder" },
	};
	char cmd_rm[160];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'/* && ", dir);
		size_t n = strlen(cmd);
		snprintf(cmd + n, sizeof(cmd) - n, cases[i].make, dir, dir);
		assert_int_equal(system(cmd), 0);
		put("beslut.csv", BESLUT_HEAD);
		struct model m;
		struct evb_error err = { 0 };
		assert_int_equal(load(&m, &err), EVB_EIO);
		if (!strstr(err.file, cases[i].name) || !strstr(err.message, cases[i].why))
			fail_msg("%s: got '%s: %s'", cases[i].name, err.file, err.message);
		model_release(&m);
	}
	snprintf(cmd_rm, sizeof(cmd_rm), "rm -rf '%s'/*", dir);
	assert_int_equal(system(cmd_rm), 0);
	/* given as --in itself: refused without being opened (no hang) */
	char fifo[128];
	snprintf(fifo, sizeof(fifo), "%s/in.fifo", dir);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "mkfifo '%s'", fifo);
	assert_int_equal(system(cmd), 0);
	const char *inputs[] = { fifo };
	struct model m;
	struct evb_error err = { 0 };
	model_init(&m, D("2026-11-22"));
	assert_int_equal(export_read(&m, tpl, NULL, inputs, 1, &err), EVB_EIO);
	assert_non_null(strstr(err.message, "a FIFO"));
	model_release(&m);
	assert_int_equal(unlink(fifo), 0);
}

static void test_duplicates(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", BESLUT_HEAD
	    "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"
	    "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"     /* exact: merged */
	    "B2;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"
	    "B2;19121212-1212;SoL;SOL_HEMTJANST;2026-01-06;bifall;;;;\n"     /* conflict */
	    "B2;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n");
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(m.read[K_BESLUT], 5);
	assert_int_equal(m.merged[K_BESLUT], 1);
	/* B1 once; every copy of B2 rejected */
	assert_int_equal(m.beslut.n, 1);
	assert_int_equal(m.rejected[K_BESLUT], 3);
	assert_true(m.used[K_BESLUT] + m.rejected[K_BESLUT] == m.read[K_BESLUT]);
	/* every copy of B2 names the id, the first one too */
	for (uint32_t i = 0; i < m.rejects.n; i++)
		assert_non_null(strstr(str_get(&m, m.rejects.v[i].reason), "id 'B2' occurs again"));
	bool merged_check = false;
	for (uint32_t i = 0; i < m.findings.n; i++)
		merged_check |= strcmp(finding_check(&m, &m.findings.v[i]), "check.dubblett_sammanslagen") == 0;
	assert_true(merged_check);
	model_release(&m);
}

/* A person listed twice with other content: every copy is rejected, the
 * first one too, and the person keeps what the personnummer says
 * (19121212-1212: born 1912-12-12, a man) and nothing from the rows. A
 * person listed twice alike is merged. */
static void test_person_conflict(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("personer.csv", "person_id;fornamn;efternamn;kon;skyddad;avliden_datum;avgiftsutrymme\n"
	    "19121212-1212;Tolvan;Tolvansson;M;0;;1850\n"
	    "19121212-1212;Tolvan;Tolvansson;M;0;;2000\n"      /* conflict */
	    "19121212-1212;Tolvan;Tolvansson;M;0;;1850\n"      /* a third copy */
	    "19380715-4046;Eva;Nilsson;K;0;;900\n"
	    "19380715-4046;Eva;Nilsson;K;0;;900\n");            /* exact: merged */
	assert_int_equal(load(&m, &err), 0);
	assert_true(balanced(&m));
	assert_int_equal(m.read[K_PERSON], 5);
	assert_int_equal(m.rejected[K_PERSON], 3);
	assert_int_equal(m.merged[K_PERSON], 1);
	uint32_t conflicts = 0;
	bool first = false;
	for (uint32_t i = 0; i < m.rejects.n; i++) {
		if (strcmp(m.rejects.v[i].reason_key, "reject.duplicate_conflict") != 0)
			continue;
		conflicts++;
		first |= m.rejects.v[i].src.line == 2;
	}
	assert_int_equal(conflicts, 3);
	assert_true(first);
	assert_int_equal(m.persons.n, 2);
	for (uint32_t i = 0; i < m.persons.n; i++) {
		const struct person *p = &m.persons.v[i];
		if (strcmp(str_get(&m, p->pnr), "191212121212") == 0) {
			assert_false(p->listed);
			assert_int_equal(p->fornamn, STR_NONE);
			assert_true(isnan(p->avgiftsutrymme));
			assert_int_equal(p->fodelsedatum, D("1912-12-12"));
			assert_int_equal(p->kon, 'M');
		} else {
			assert_true(p->listed);
			assert_string_equal(str_get(&m, p->fornamn), "Eva");
		}
	}
	model_release(&m);
}

/* One string as the id of records of different kinds is no duplicate;
 * a duplicate found late is still found (the kind's id map is built from
 * the records stored so far only when the first duplicate turns up). */
static void test_same_id_in_two_kinds(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", BESLUT_HEAD
	    "X1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"
	    "X2;19121212-1212;SoL;SOL_HEMTJANST;2026-01-06;bifall;;;;\n"
	    "X3;19121212-1212;SoL;SOL_HEMTJANST;2026-01-07;bifall;;;;\n"
	    "X2;19121212-1212;SoL;SOL_HEMTJANST;2026-01-06;bifall;;;;\n");
	put("verkstalligheter.csv", "verkstallighet_id;beslut_id;startdatum\n"
	    "X1;X1;2026-02-01\nX3;X3;2026-02-01\nX1;X1;2026-02-01\n");
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(m.beslut.n, 3);
	assert_int_equal(m.merged[K_BESLUT], 1);
	assert_int_equal(m.verkstalligheter.n, 2);
	assert_int_equal(m.merged[K_VERKSTALLIGHET], 1);
	assert_int_equal(m.rejects.n, 0);
	model_release(&m);
}

/* A personnummer is interned as a key that holds its person's index; one
 * interned first as another value (here a decision's id, read before the
 * decision's person) has no room for it, and its person is still one
 * person: found again in another spelling, by a meal and by its personer
 * row, which describes it. Persons between keep their own indexes. */
static void test_person_found_when_interned_before(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", BESLUT_HEAD
	    "191212121212;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"
	    "B2;19811218-9876;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"
	    "B3;191212121212;SoL;SOL_HEMTJANST;2026-01-06;bifall;;;;\n"
	    "B4;198112189876;SoL;SOL_HEMTJANST;2026-01-06;bifall;;;;\n");
	put("maltider.csv", "person_id;enhet;datum;antal\n"
	    "19121212-1212;Solgården;2026-10-01;1\n");
	put("personer.csv", "person_id;fornamn;efternamn\n"
	    "191212121212;Tolvan;Tolvansson\n");
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(m.rejects.n, 0);
	assert_int_equal(m.persons.n, 2);
	assert_int_equal(m.beslut.n, 4);
	uint32_t tolvan = m.beslut.v[0].person, other = m.beslut.v[1].person;
	assert_int_not_equal(tolvan, other);
	assert_int_equal(m.beslut.v[2].person, tolvan);
	assert_int_equal(m.beslut.v[3].person, other);
	assert_int_equal(m.maltider.v[0].person, tolvan);
	assert_true(m.persons.v[tolvan].listed);
	assert_string_equal(str_get(&m, m.persons.v[tolvan].fornamn), "Tolvan");
	assert_string_equal(str_get(&m, m.persons.v[tolvan].pnr), "191212121212");
	assert_false(m.persons.v[other].listed);
	model_release(&m);
}

static void test_references(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", BESLUT_HEAD "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n");
	put("verkstalligheter_2026.csv",
	    "verkstallighet_id;beslut_id;startdatum;slutdatum\n"
	    "V2;B1;2026-03-01;\nV1;B1;2026-02-01;2026-02-20\nV3;B9;2026-02-01;\n");
	put("readme.txt", "not an export file\n");
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(m.verkstalligheter.n, 2);
	assert_non_null(find_reject(&m, "reject.unknown_beslut"));
	/* executions indexed per decision, sorted by start */
	const struct beslut *b = &m.beslut.v[0];
	assert_int_equal(beslut_v_n(&m, b), 2);
	assert_string_equal(S(m.verkstalligheter.v[b->v_first].startdatum), "2026-02-01");
	bool unknown_file = false;
	for (uint32_t i = 0; i < m.findings.n; i++)
		unknown_file |= strcmp(finding_check(&m, &m.findings.v[i]), "check.okand_fil") == 0;
	assert_true(unknown_file);
	model_release(&m);
}

/* Records of every kind whose decision is not in the export are rejected
 * in the order of the kinds (bestallningar, verkstalligheter, avbrott,
 * handelser), each with its line; the others are linked to their
 * decisions. The same when the events are linked on a thread of their own
 * and when no thread can be made and the calling one links them too. */
static void test_unknown_decisions_on_one_thread_or_two(void **state)
{
	(void)state;
	clear();
	put("beslut.csv", BESLUT_HEAD
	    "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"
	    "B2;19121212-1212;SoL;SOL_HEMTJANST;2026-01-06;bifall;;;;\n");
	put("bestallningar.csv", "bestallning_id;beslut_id;utforare;skickad\n"
	    "O1;B1;Hemtjänst Norr;2026-01-06 10:00\nO9;B9;Hemtjänst Norr;2026-01-07 10:00\n");
	put("verkstalligheter.csv", "verkstallighet_id;beslut_id;startdatum;slutdatum\n"
	    "V9;B9;2026-02-01;\nV1;B2;2026-02-01;\n");
	put("avbrott.csv", "avbrott_id;beslut_id;fran_datum;till_datum\n"
	    "A1;B2;2026-03-01;2026-03-05\nA8;B8;2026-03-01;\n");
	put("handelser.csv", "handelse_id;beslut_id;datum;typ\n"
	    "H7;B7;2026-02-01;kontakt\nH1;B1;2026-02-01;kontakt\n"
	    "H2;B2;2026-02-02;kontakt\nH6;B6;2026-02-03;kontakt\n");
	static const struct { int kind; uint32_t line; } want[] = {
		{ K_BESTALLNING, 3 }, { K_VERKSTALLIGHET, 2 }, { K_AVBROTT, 3 },
		{ K_HANDELSE, 2 }, { K_HANDELSE, 5 },
	};
	for (int threads = 1; threads >= 0; threads--) {
		struct model m;
		struct evb_error err = { 0 };
		fail_thread_create = !threads;
		int ret = load(&m, &err);
		fail_thread_create = false;
		assert_int_equal(ret, 0);
		assert_true(balanced(&m));
		assert_int_equal(m.rejects.n, 5);
		for (uint32_t i = 0; i < 5; i++) {
			assert_string_equal(m.rejects.v[i].reason_key, "reject.unknown_beslut");
			assert_int_equal(m.rejects.v[i].kind, want[i].kind);
			assert_int_equal(m.rejects.v[i].src.line, want[i].line);
		}
		const struct beslut *b1 = &m.beslut.v[0], *b2 = &m.beslut.v[1];
		assert_int_equal(beslut_o_n(&m, b1), 1);
		assert_int_equal(beslut_h_n(&m, b1), 1);
		assert_string_equal(str_get(&m, m.handelser.v[b1->h_first].id), "H1");
		assert_int_equal(beslut_o_n(&m, b2), 0);
		assert_int_equal(beslut_v_n(&m, b2), 1);
		assert_int_equal(beslut_a_n(&m, b2), 1);
		assert_int_equal(beslut_h_n(&m, b2), 1);
		assert_string_equal(str_get(&m, m.handelser.v[b2->h_first].id), "H2");
		assert_int_equal(m.handelser.v[b2->h_first].beslut, 1);
		model_release(&m);
	}
}

/* The journal events of each decision, in order of (date, file, line, id)
 * whatever order they are read in: B2's events come first in the file,
 * two of B1's share a date (the earlier line first), a decision without
 * events has an empty range, and B3's 40 events (a run long enough for
 * qsort) are read newest first. */
static void test_related_order(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", BESLUT_HEAD
	    "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n"
	    "B2;19121212-1212;SoL;SOL_HEMTJANST;2026-01-06;bifall;;;;\n"
	    "B0;19121212-1212;SoL;SOL_HEMTJANST;2026-01-07;bifall;;;;\n"
	    "B3;19121212-1212;SoL;SOL_HEMTJANST;2026-01-08;bifall;;;;\n");
	char text[4096] = "handelse_id;beslut_id;datum;typ\n"
			  "H9;B2;2026-03-01;kontakt\n"
			  "H8;B1;2026-02-10;kontakt\n"
			  "H7;B2;2026-02-01;kontakt\n"
			  "H6;B1;2026-02-01;kontakt\n"
			  "H5;B1;2026-02-01;erbjudande\n";
	for (int i = 40; i >= 1; i--) {
		size_t len = strlen(text);
		snprintf(text + len, sizeof(text) - len, "E%02d;B3;2026-03-%02d;kontakt\n", i,
			 i <= 31 ? i : 31);
	}
	put("handelser.csv", text);
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(m.handelser.n, 45);
	const struct beslut *b1 = &m.beslut.v[0], *b2 = &m.beslut.v[1];
	const struct beslut *b0 = &m.beslut.v[2], *b3 = &m.beslut.v[3];
	assert_int_equal(beslut_h_n(&m, b0), 0);
	assert_int_equal(beslut_h_n(&m, b1), 3);
	assert_int_equal(beslut_h_n(&m, b2), 2);
	assert_int_equal(beslut_h_n(&m, b3), 40);
	/* B1: 02-01 (line 5, H6), 02-01 (line 6, H5), 02-10 */
	assert_string_equal(str_get(&m, m.handelser.v[b1->h_first].id), "H6");
	assert_string_equal(str_get(&m, m.handelser.v[b1->h_first + 1].id), "H5");
	assert_string_equal(str_get(&m, m.handelser.v[b1->h_first + 2].id), "H8");
	assert_string_equal(str_get(&m, m.handelser.v[b2->h_first].id), "H7");
	assert_string_equal(str_get(&m, m.handelser.v[b2->h_first + 1].id), "H9");
	/* B3: E01..E30 by date, then E40..E31 all on 03-31 by line (E40 first) */
	for (uint32_t i = 0; i < 40; i++) {
		char want[8];
		snprintf(want, sizeof(want), "E%02u", i < 30 ? i + 1 : 70 - i);
		assert_string_equal(str_get(&m, m.handelser.v[b3->h_first + i].id), want);
		assert_int_equal(m.handelser.v[b3->h_first + i].beslut, 3);
	}
	model_release(&m);
}

static void test_fatal_missing_column(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", "beslut_id;person_id;lagrum;beslutsdatum;utfall\n");
	assert_true(load(&m, &err) < 0);
	assert_string_equal(err.column, "insats");
	model_release(&m);
	memset(&err, 0, sizeof(err));
	const char *inputs[] = { "/nonexistent/evb" };
	model_init(&m, D("2026-11-22"));
	assert_true(export_read(&m, tpl, NULL, inputs, 1, &err) < 0);
	model_release(&m);
}

/* Every file's SHA-256 comes in when export_digests is called (the hash
 * queue makes it after the read), the same as hash_file gives; a file
 * whose size is not, once it is parsed, the size it had before ("beslut.csv"
 * of 162 bytes, then 163, made so by stat's wrapper), or that was written
 * to again at the same size (its modification time a second later) or
 * replaced by another (another inode), stops the read, naming it: the
 * records read might not be those of the file its digest is of. */
static void test_digests_of_what_was_read(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("beslut.csv", BESLUT_HEAD
	    "B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall;;;;\n");
	put("avbrott.csv", "avbrott_id;beslut_id;fran_datum;till_datum\n");
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(m.files.n, 2);
	assert_int_equal(export_digests(&m, &err), 0);
	for (uint32_t i = 0; i < m.files.n; i++) {
		char want[65];
		uint64_t size;
		assert_int_equal(hash_file(m.files.v[i].path, want, &size, NULL, &err), 0);
		assert_string_equal(m.files.v[i].sha256, want);
		assert_int_equal(m.files.v[i].size, size);
	}
	/* asked again: nothing more to do */
	assert_int_equal(export_digests(&m, &err), 0);
	model_release(&m);

	char path[128];
	snprintf(path, sizeof(path), "%s/beslut.csv", dir);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	char said[96];
	snprintf(said, sizeof(said), "changed while it was read (%lld bytes, then %lld)",
		 (long long)st.st_size, (long long)st.st_size + 1);
	grown = path;
	assert_int_equal(load(&m, &err), EVB_EIO);
	grown = NULL;
	assert_string_equal(err.file, "beslut.csv");
	assert_non_null(strstr(err.message, said));
	model_release(&m);
	for (int k = 0; k < 2; k++) {
		memset(&err, 0, sizeof(err));
		*(k ? &replaced : &touched) = path;
		assert_int_equal(load(&m, &err), EVB_EIO);
		touched = replaced = NULL;
		assert_string_equal(err.file, "beslut.csv");
		assert_non_null(strstr(err.message, "written to or replaced at the same size"));
		model_release(&m);
	}

	/* a file gone when its digest is made (no thread, so the digest is
	 * made when asked for): export_digests fails, naming it */
	fail_thread_create = true;
	memset(&err, 0, sizeof(err));
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(export_digests(&m, &err), EVB_EIO);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.message, "cannot open"));
	model_release(&m);
	fail_thread_create = false;
}

static void test_maltider_datum_or_manad(void **state)
{
	(void)state;
	struct model m;
	struct evb_error err = { 0 };
	clear();
	put("maltider.csv", "person_id;enhet;datum;manad;antal;maltidstyp\n"
	    "19121212-1212;Solrosen;2026-10-05;;1;\n"
	    "19121212-1212;Solrosen;;2026-10;20;middag\n"
	    "19121212-1212;Solrosen;;;1;\n"              /* neither */
	    "19121212-1212;Solrosen;2026-10-05;2026-11;1;\n"  /* disagree */
	    "19121212-1212;Solrosen;2026-10-06;;-1;\n");  /* negative */
	assert_int_equal(load(&m, &err), 0);
	assert_int_equal(m.maltider.n, 2);
	assert_int_equal(m.maltider.v[0].typ, MT_LUNCH);   /* default */
	assert_int_equal(m.maltider.v[1].datum, DATE_NONE);
	assert_true(balanced(&m));
	model_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_validated),
		cmocka_unit_test(test_codes_ignore_case),
		cmocka_unit_test(test_dates_kept_once_parsed),
		cmocka_unit_test(test_every_day_kept_apart),
		cmocka_unit_test(test_negative_amounts),
		cmocka_unit_test(test_non_regular_entries),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_person_conflict),
		cmocka_unit_test(test_long_value_in_message),
		cmocka_unit_test(test_same_id_in_two_kinds),
		cmocka_unit_test(test_unknown_decisions_on_one_thread_or_two),
		cmocka_unit_test(test_related_order),
		cmocka_unit_test(test_person_found_when_interned_before),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_fatal_missing_column),
		cmocka_unit_test(test_digests_of_what_was_read),
		cmocka_unit_test(test_maltider_datum_or_manad),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
