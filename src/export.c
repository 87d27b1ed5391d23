/* Export set -> model: file discovery, rows -> records, finalisation. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "calendar.h"
#include "csv_in.h"
#include "diag.h"
#include "export.h"
#include "progress.h"
#include "field.h"
#include "hash.h"
#include "personnr.h"
#include "phase.h"
#include "profile.h"
#include "relay.h"
#include "runfolder.h"
#include "xml_in.h"

#define VALUE_SHOWN 80   /* bytes of a rejected value kept for the report */

struct loader {
	struct model *m;
	const struct templates *t;
	const struct profile *profile;  /* NULL: evb's own names and codes */
	const struct row *as_read;      /* the row before the profile translated it */
	struct xml_in *xml;
	uint16_t file;
	/* id -> record index, and ids seen with conflicting content, per kind */
	struct u32map ids[K__COUNT];
	struct u32map conflicts[K__COUNT];
	/* str_ref -> person index, for a personnummer interned before as
	 * another value (person_find) */
	struct u32map person_by_pnr;
	/* the string each column of each kind had last: related records come
	 * in runs (one decision's events, one provider's executions), and a
	 * value equal to the last one needs no look-up */
	str_ref last[K__COUNT][SCHEMA_MAX_COLUMNS];
	struct u32map beslut_by_id;    /* str_ref -> beslut index */
	/* dates parsed before, by their ten bytes (date10) */
	struct date_memo *dates;
	/* the personnummer text get_person saw last, and its person */
	char last_pnr[32];
	size_t last_pnr_len;           /* 0: none (an empty text is no person) */
	uint32_t last_person;
	int fatal;               /* EVB_ENOMEM once memory ran out */
	char reason[160];        /* a reject reason naming its value */
};

/* ---- small helpers ------------------------------------------------------ */

static const char *val(const struct row *r, int c)
{
	return r->val[c] ? r->val[c] : "";
}

/* A value as a message shows it: at most SHOWN_MAX bytes, cut before a
 * character, not inside it. */
#define SHOWN_MAX 40
static const char *shown(const char *s, char buf[static SHOWN_MAX + 1])
{
	size_t len = strlen(s), n = utf8_cut(s, len, SHOWN_MAX);
	if (n == len)
		return s;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

static uint32_t line_of(const struct row *r, int c)
{
	long l = (c >= 0 && r->vline[c] > 0) ? r->vline[c] : r->line;
	return l > 0 && l < (long)UINT32_MAX ? (uint32_t)l : 0;
}

static const char *column_name(int kind, int c)
{
	const struct kind_info *ki = schema_kind(kind);
	return ki && c >= 0 && c < ki->ncolumns ? ki->columns[c].name : NULL;
}

/* Cuts s to at most VALUE_SHOWN bytes on a UTF-8 boundary, adding "…". */
static str_ref shorten(struct model *m, const char *s)
{
	size_t n = strlen(s);
	if (n <= VALUE_SHOWN)
		return intern_str(&m->strings, s, n);
	char buf[VALUE_SHOWN + 4];
	size_t k = utf8_cut(s, n, VALUE_SHOWN);
	memcpy(buf, s, k);
	memcpy(buf + k, "\xE2\x80\xA6", 3);
	return intern_str(&m->strings, buf, k + 3);
}

static str_ref intern_fmt(struct model *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static str_ref intern_fmt(struct model *m, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return STR_NONE;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	return intern_str(&m->strings, buf, (size_t)n);
}

static int push_reject(struct model *m, struct src src, int kind,
		       const char *column, str_ref value, const char *key,
		       str_ref reason)
{
	struct reject *rj = VEC_PUSH(m->rejects);
	if (!rj)
		return EVB_ENOMEM;
	rj->src = src;
	rj->kind = (int8_t)kind;
	rj->column = column;
	rj->value = value;
	rj->reason_key = key;
	rj->reason = reason;
	return 0;
}

static void count(struct loader *ld, int kind, long *file_counts, long *model_counts)
{
	(void)ld;
	if (kind >= 0 && kind < K__COUNT) {
		file_counts[kind]++;
		model_counts[kind]++;
	}
}

/* Rejects the record in row r because of column c. Returns 1 (rejected) or
 * a negative code. */
static int rej(struct loader *ld, const struct row *r, int c, const char *key,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int rej(struct loader *ld, const struct row *r, int c, const char *key,
	       const char *fmt, ...)
{
	struct model *m = ld->m;
	char reason[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	struct src src = { line_of(r, c), ld->file };
	/* the value as the file has it, also when a profile translated it */
	const struct row *shown = ld->as_read ? ld->as_read : r;
	int ret = push_reject(m, src, r->kind, column_name(r->kind, c),
			      c >= 0 ? shorten(m, val(shown, c)) : STR_NONE, key,
			      intern_str(&m->strings, reason, strlen(reason)));
	if (ret)
		return ret;
	count(ld, r->kind, m->files.v[ld->file].rejected, m->rejected);
	return 1;
}

/* ---- typed field getters: 0 ok, 1 rejected, < 0 fatal -------------------- */

#define TRY(x) do { int ret_ = (x); if (ret_) return ret_; } while (0)

static int need(struct loader *ld, const struct row *r, int c)
{
	if (*val(r, c))
		return 0;
	return rej(ld, r, c, "reject.missing_value", "missing value for '%s'",
		   column_name(r->kind, c));
}

static int get_str(struct loader *ld, const struct row *r, int c, bool required,
		   str_ref *out)
{
	int ret = required ? need(ld, r, c) : 0;
	if (ret)
		return ret;
	const char *s = val(r, c);
	size_t len = r->vlen[c];
	str_ref *last = &ld->last[r->kind][c];
	if (intern_is(&ld->m->strings, *last, s, len)) {
		*out = *last;
		return 0;
	}
	*out = *last = intern_str(&ld->m->strings, s, len);
	return ld->m->strings.failed ? EVB_ENOMEM : 0;
}

/*
 * A date as "YYYY-MM-DD" is ten bytes, and an export holds a few thousand
 * distinct dates in millions of fields: each valid one is kept by its bytes
 * in a direct-mapped table, so that most are parsed once. A text parses to
 * the same date wherever it stands, so the table only saves the work.
 */
#define DATE_MEMO_BITS 12
struct date_memo {
	uint64_t head;          /* bytes 0..7; 0 = empty (a value holds no NUL) */
	uint16_t tail;          /* bytes 8..9 */
	evb_date date;
};

/* Whether s's first ten bytes (s has them) are a valid "YYYY-MM-DD", as
 * field_date parses it; *out gets the date. */
static bool date10(struct loader *ld, const char *s, evb_date *out)
{
	uint64_t head;
	uint16_t tail;
	if (s[4] != '-')
		return false;   /* "YYYYMMDD": parsed as it comes */
	memcpy(&head, s, sizeof(head));
	memcpy(&tail, s + 8, sizeof(tail));
	uint64_t h = (head ^ (head >> 29) ^ ((uint64_t)tail << 48)) * 0x9e3779b97f4a7c15ULL;
	struct date_memo *memo = &ld->dates[h >> (64 - DATE_MEMO_BITS)];
	if (memo->head == head && memo->tail == tail) {
		*out = memo->date;
		return true;
	}
	char ten[11];
	memcpy(ten, s, 10);
	ten[10] = '\0';
	if (field_date(ten, out) != FIELD_OK)
		return false;
	memo->head = head;
	memo->tail = tail;
	memo->date = *out;
	return true;
}

static int get_date(struct loader *ld, const struct row *r, int c, bool required,
		    evb_date *out)
{
	*out = DATE_NONE;
	const char *s = val(r, c);
	if (!*s)
		return required ? need(ld, r, c) : 0;
	if (r->vlen[c] == 10 && date10(ld, s, out))
		return 0;
	int e = field_date(s, out);
	if (e) {
		char b[SHOWN_MAX + 1];
		return rej(ld, r, c, "reject.invalid_date", "%s: '%s'", field_strerror(e),
			   shown(s, b));
	}
	return 0;
}

static int get_datetime(struct loader *ld, const struct row *r, int c,
			bool required, int32_t *out)
{
	*out = INT32_MIN;
	const char *s = val(r, c);
	if (!*s)
		return required ? need(ld, r, c) : 0;
	int64_t minutes;
	evb_date d;
	int e = r->vlen[c] >= 10 && date10(ld, s, &d) ? field_datetime_at(d, s + 10, &minutes)
						       : field_datetime(s, &minutes);
	if (e) {
		char b[SHOWN_MAX + 1];
		return rej(ld, r, c, "reject.invalid_datetime", "%s: '%s'", field_strerror(e),
			   shown(s, b));
	}
	if (minutes <= INT32_MIN || minutes > INT32_MAX) {
		char b[SHOWN_MAX + 1];
		return rej(ld, r, c, "reject.invalid_datetime", "date and time out of range: '%s'",
			   shown(s, b));
	}
	*out = (int32_t)minutes;
	return 0;
}

static int get_bool(struct loader *ld, const struct row *r, int c, bool *out)
{
	*out = false;
	int e = field_bool(val(r, c), out);
	if (e)
		return rej(ld, r, c, "reject.invalid_bool", "%s", field_strerror(e));
	return 0;
}

static int get_number(struct loader *ld, const struct row *r, int c, double *out)
{
	*out = NAN;
	const char *s = val(r, c);
	if (!*s)
		return 0;
	int e = field_number(s, out);
	if (e)
		return rej(ld, r, c, "reject.invalid_number", "%s", field_strerror(e));
	return 0;
}

/* An amount that cannot be below zero (omfattning, avgiftsutrymme): "-0"
 * is zero (field_number), anything below it rejects the record. */
static int get_amount(struct loader *ld, const struct row *r, int c, double *out)
{
	int ret = get_number(ld, r, c, out);
	if (!ret && *out < 0) {
		*out = NAN;
		return rej(ld, r, c, "reject.negative_amount", "%s is negative",
			   column_name(r->kind, c));
	}
	return ret;
}

/* Whether s is the code, ignoring case. Most values compared are another
 * code, told apart by the first byte without a library call (a byte equal
 * but for case is equal with 0x20 set). */
static bool same_code(const char *code, const char *s)
{
	return (code[0] | 0x20) == (s[0] | 0x20) && strcasecmp(code, s) == 0;
}

/* An enum value from a code table, case-insensitive; empty -> dflt (or a
 * reject when dflt < 0). */
static int get_code(struct loader *ld, const struct row *r, int c,
		    const char *const *table, int n, int dflt, uint8_t *out)
{
	const char *s = val(r, c);
	if (!*s) {
		if (dflt < 0)
			return need(ld, r, c);
		*out = (uint8_t)dflt;
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (*table[i] && same_code(table[i], s)) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	char b[SHOWN_MAX + 1];
	return rej(ld, r, c, "reject.unknown_value", "unknown value '%s' for '%s'", shown(s, b),
		   column_name(r->kind, c));
}

/*
 * The person whose personnummer (12 digits) is `digits`: interned as a key
 * whose value is the person's index, so a look-up reads the string and the
 * index together. Sets *key, *keyed and *idx (IDX_NONE for a new person,
 * whose index person_bind then sets).
 */
static int person_find(struct loader *ld, const char *digits, str_ref *key, bool *keyed,
		       uint32_t *idx)
{
	struct intern *in = &ld->m->strings;
	*key = intern_key(in, digits, 12, keyed);
	if (in->failed)
		return EVB_ENOMEM;
	/* a string met first in another column has no room for the index */
	*idx = *keyed ? intern_value_get(in, *key, 12) : u32map_get(&ld->person_by_pnr, *key);
	return 0;
}

static int person_bind(struct loader *ld, str_ref key, bool keyed, uint32_t idx)
{
	if (keyed) {
		intern_value_set(&ld->m->strings, key, 12, idx);
		return 0;
	}
	return u32map_put(&ld->person_by_pnr, key, idx) ? EVB_ENOMEM : 0;
}

/* Finds or creates the person of a personnummer column. */
static int get_person(struct loader *ld, const struct row *r, int c, uint32_t *idx)
{
	struct model *m = ld->m;
	int ret = need(ld, r, c);
	if (ret)
		return ret;
	/* a person's records come one after the other: the same text is the
	 * same person, without parsing and looking it up again */
	size_t len = r->vlen[c];
	if (len == ld->last_pnr_len && memcmp(ld->last_pnr, val(r, c), len) == 0) {
		*idx = ld->last_person;
		return 0;
	}
	struct pnr p;
	int e = pnr_parse(val(r, c), m->asof, &p);
	if (e)
		return rej(ld, r, c, "reject.invalid_personnr", "%s", pnr_strerror(e));
	str_ref key;
	bool keyed;
	TRY(person_find(ld, p.digits, &key, &keyed, idx));
	if (*idx == IDX_NONE) {
		struct person *ps = VEC_PUSH(m->persons);
		if (!ps)
			return EVB_ENOMEM;
		ps->pnr = key;
		ps->fodelsedatum = p.birth;
		ps->avliden = DATE_NONE;
		ps->avgiftsutrymme = NAN;
		ps->kon = p.sex;
		ps->samordning = p.samordning;
		ps->src = (struct src){ line_of(r, c), ld->file };
		*idx = m->persons.n - 1;
		TRY(person_bind(ld, key, keyed, *idx));
	}
	if (len < sizeof(ld->last_pnr)) {
		memcpy(ld->last_pnr, val(r, c), len);
		ld->last_pnr_len = len;
		ld->last_person = *idx;
	}
	return 0;
}

/* ---- duplicates ----------------------------------------------------------- */

enum { DUP_NEW, DUP_MERGED, DUP_CONFLICT };

/*
 * Looks the record's id up among the kind's records read so far. `rec` is
 * the new record, `arr` the kind's array, `cmp_len` the bytes that must be
 * equal for an exact duplicate (the record up to its src). Returns DUP_NEW
 * (and registers the id for index `next`), DUP_MERGED or DUP_CONFLICT.
 */
/* The id -> index map of a kind, built from the records stored so far
 * (every record array starts with its id; duplicates are never stored). */
static int build_ids(struct loader *ld, int kind, const void *arr, size_t elem, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		str_ref id = *(const str_ref *)((const char *)arr + (size_t)i * elem);
		if (u32map_put(&ld->ids[kind], id, i))
			return EVB_ENOMEM;
	}
	return 0;
}

/* A record whose id was seen before (old): DUP_MERGED when it is the
 * same record and no conflict was seen for the id, else DUP_CONFLICT. */
static int same_record(struct loader *ld, int kind, str_ref id, const void *rec,
		       const void *old, size_t cmp_len)
{
	if (u32map_get(&ld->conflicts[kind], id) == IDX_NONE &&
	    memcmp(old, rec, cmp_len) == 0)
		return DUP_MERGED;
	if (u32map_put(&ld->conflicts[kind], id, 1))
		return EVB_ENOMEM;
	return DUP_CONFLICT;
}

static int dup_check(struct loader *ld, int kind, str_ref id, const void *rec,
		     const void *arr, size_t elem, size_t cmp_len, uint32_t next)
{
	/* A person comes here only when listed before: load_person passes
	 * that person's index as `next` (person_by_pnr finds it). */
	if (kind == K_PERSON)
		return same_record(ld, kind, id, rec, (const char *)arr + (size_t)next * elem,
				   cmp_len);
	/* Most ids occur once: the string's flags say whether a record of
	 * this kind used it before, and the map is only built (and then kept)
	 * for a kind once a duplicate turns up. */
	if (id != STR_NONE) {
		uint8_t *flags = intern_flags(&ld->m->strings, id);
		uint8_t bit = (uint8_t)(1u << kind);
		if (!(*flags & bit)) {
			*flags |= bit;
			if (ld->ids[kind].nslots && u32map_put(&ld->ids[kind], id, next))
				return EVB_ENOMEM;
			return DUP_NEW;
		}
		if (!ld->ids[kind].nslots && build_ids(ld, kind, arr, elem, next))
			return EVB_ENOMEM;
	}
	uint32_t prev = u32map_get(&ld->ids[kind], id);
	if (prev == IDX_NONE) {
		if (u32map_put(&ld->ids[kind], id, next))
			return EVB_ENOMEM;
		return DUP_NEW;
	}
	return same_record(ld, kind, id, rec, (const char *)arr + (size_t)prev * elem, cmp_len);
}

/* Stores a new record after its duplicate check. Returns 0 used, 1 rejected,
 * < 0 fatal. */
#define STORE(ld, r, kind, idcol, vec, recp) \
	store_record((ld), (r), (kind), (idcol), (recp)->id, (recp), \
		     (void **)&(vec).v, &(vec).n, &(vec).cap, sizeof(*(recp)), \
		     offsetof(__typeof__(*(recp)), src))

static int store_record(struct loader *ld, const struct row *r, int kind,
			int idcol, str_ref id, const void *rec, void **arr,
			uint32_t *n, uint32_t *cap, size_t elem, size_t cmp_len)
{
	struct model *m = ld->m;
	int d = dup_check(ld, kind, id, rec, *arr, elem, cmp_len, *n);
	if (d < 0)
		return d;
	if (d == DUP_CONFLICT)
		return rej(ld, r, idcol, "reject.duplicate_conflict",
			   "id '%s' occurs again with other content: every copy is rejected",
			   val(r, idcol));
	if (d == DUP_MERGED) {
		struct src src = { (uint32_t)r->line, ld->file };
		int ret = model_add_finding(m, "check.dubblett_sammanslagen", src, kind, id,
					    IDX_NONE, DATE_NONE, STR_NONE);
		if (ret)
			return ret;
		m->merged[kind]++;
		count(ld, kind, m->files.v[ld->file].used, m->used);
		return 0;
	}
	if (!vec_grow(arr, cap, *n, elem))
		return EVB_ENOMEM;
	memcpy((char *)*arr + (size_t)*n * elem, rec, elem);
	(*n)++;
	count(ld, kind, m->files.v[ld->file].used, m->used);
	return 0;
}

/* ---- one function per kind: 0 used, 1 rejected, < 0 fatal ---------------- */

static int load_person(struct loader *ld, const struct row *r)
{
	struct model *m = ld->m;
	struct pnr p;
	TRY(need(ld, r, P_PERSON_ID));
	int e = pnr_parse(val(r, P_PERSON_ID), m->asof, &p);
	if (e)
		return rej(ld, r, P_PERSON_ID, "reject.invalid_personnr", "%s", pnr_strerror(e));
	struct person ps;
	memset(&ps, 0, sizeof(ps));
	bool keyed;
	uint32_t idx;
	TRY(person_find(ld, p.digits, &ps.pnr, &keyed, &idx));
	ps.kon = p.sex;
	ps.samordning = p.samordning;
	TRY(get_str(ld, r, P_FORNAMN, false, &ps.fornamn));
	TRY(get_str(ld, r, P_EFTERNAMN, false, &ps.efternamn));
	const char *kon = val(r, P_KON);
	if (*kon) {
		if (same_code("K", kon))
			ps.kon = 'K';
		else if (same_code("M", kon))
			ps.kon = 'M';
		else
			return rej(ld, r, P_KON, "reject.unknown_value",
				   "unknown value for 'kon' (K or M)");
	}
	TRY(get_date(ld, r, P_FODELSEDATUM, false, &ps.fodelsedatum));
	if (ps.fodelsedatum == DATE_NONE)
		ps.fodelsedatum = p.birth;
	TRY(get_bool(ld, r, P_SKYDDAD, &ps.skyddad));
	TRY(get_date(ld, r, P_AVLIDEN_DATUM, false, &ps.avliden));
	TRY(get_amount(ld, r, P_AVGIFTSUTRYMME, &ps.avgiftsutrymme));
	ps.listed = true;
	ps.src = (struct src){ (uint32_t)r->line, ld->file };
	if (m->strings.failed)
		return EVB_ENOMEM;

	m->has_personer = true;
	if (idx != IDX_NONE && m->persons.v[idx].listed) {
		int d = dup_check(ld, K_PERSON, ps.pnr, &ps, m->persons.v,
				  sizeof(ps), offsetof(struct person, src), idx);
		if (d < 0)
			return d;
		if (d == DUP_CONFLICT)
			return rej(ld, r, P_PERSON_ID, "reject.duplicate_conflict",
				   "person occurs again with other content: every copy is rejected");
		TRY(model_add_finding(m, "check.dubblett_sammanslagen", ps.src, K_PERSON,
				      STR_NONE, idx, DATE_NONE, STR_NONE));
		m->merged[K_PERSON]++;
	} else if (idx != IDX_NONE) {
		/* implied by an earlier decision or meal: now described */
		m->persons.v[idx] = ps;
	} else {
		struct person *np = VEC_PUSH(m->persons);
		if (!np)
			return EVB_ENOMEM;
		*np = ps;
		idx = m->persons.n - 1;
		TRY(person_bind(ld, ps.pnr, keyed, idx));
	}
	count(ld, K_PERSON, m->files.v[ld->file].used, m->used);
	return 0;
}

static int load_beslut(struct loader *ld, const struct row *r)
{
	struct model *m = ld->m;
	struct beslut b;
	memset(&b, 0, sizeof(b));
	TRY(get_str(ld, r, B_BESLUT_ID, true, &b.id));
	TRY(get_person(ld, r, B_PERSON_ID, &b.person));
	TRY(need(ld, r, B_LAGRUM));
	const char *lagrum = val(r, B_LAGRUM);
	if (same_code("SoL", lagrum))
		b.lagrum = LAGRUM_SOL;
	else if (same_code("LSS", lagrum))
		b.lagrum = LAGRUM_LSS;
	else
		return rej(ld, r, B_LAGRUM, "reject.unknown_value",
			   "unknown value for 'lagrum' (SoL or LSS)");
	TRY(need(ld, r, B_INSATS));
	int ins = templates_insats_find(ld->t, val(r, B_INSATS));
	if (ins < 0)
		return rej(ld, r, B_INSATS, "reject.unknown_insats",
			   "unknown insats code (see templates/insatser.csv)");
	const struct insats_info *ii = templates_insats(ld->t, ins);
	if (!same_code(ii->lagrum, lagrum))
		return rej(ld, r, B_LAGRUM, "reject.lagrum_mismatch",
			   "lagrum '%s' does not match insats %s (%s)", lagrum,
			   ii->code, ii->lagrum);
	b.insats = (uint16_t)ins;
	TRY(get_date(ld, r, B_BESLUTSDATUM, true, &b.beslutsdatum));
	static const char *const utfall[] = { "bifall", "delvis_bifall", "avslag" };
	TRY(get_code(ld, r, B_UTFALL, utfall, 3, -1, &b.utfall));
	TRY(get_bool(ld, r, B_FORHANDSBESKED, &b.forhandsbesked));
	TRY(get_date(ld, r, B_GILTIG_FROM, false, &b.giltig_from));
	TRY(get_date(ld, r, B_GILTIG_TOM, false, &b.giltig_tom));
	TRY(get_date(ld, r, B_AVSLUTAD_DATUM, false, &b.avslutad_datum));
	TRY(get_code(ld, r, B_AVSLUTSORSAK, avslutsorsak_codes, ORSAK__N,
		     ORSAK_NONE, &b.avslutsorsak));
	if (b.avslutad_datum != DATE_NONE && b.avslutsorsak == ORSAK_NONE)
		b.avslutsorsak = ORSAK_ANNAT;
	TRY(get_str(ld, r, B_ERSATTER_BESLUT_ID, false, &b.ersatter));
	b.replaces = IDX_NONE;
	TRY(get_amount(ld, r, B_OMFATTNING, &b.omfattning));
	TRY(get_code(ld, r, B_OMFATTNING_ENHET, enhet_codes, ENHET__N, ENHET_NONE,
		     &b.omfattning_enhet));
	TRY(get_bool(ld, r, B_VERKSTALLS_EXTERNT, &b.verkstalls_externt));
	TRY(get_str(ld, r, B_HANDLAGGARE, false, &b.handlaggare));
	TRY(get_str(ld, r, B_ENHET, false, &b.enhet));
	if (b.giltig_from != DATE_NONE && b.giltig_tom != DATE_NONE &&
	    b.giltig_tom < b.giltig_from)
		return rej(ld, r, B_GILTIG_TOM, "reject.end_before_start",
			   "giltig_tom is before giltig_from");
	if (b.ersatter == b.id && b.id != STR_NONE)
		return rej(ld, r, B_ERSATTER_BESLUT_ID, "reject.unknown_beslut",
			   "a decision cannot replace itself");
	b.src = (struct src){ (uint32_t)r->line, ld->file };
	if (m->strings.failed)
		return EVB_ENOMEM;
	return STORE(ld, r, K_BESLUT, B_BESLUT_ID, m->beslut, &b);
}

static int load_bestallning(struct loader *ld, const struct row *r)
{
	struct model *m = ld->m;
	struct bestallning o;
	memset(&o, 0, sizeof(o));
	TRY(get_str(ld, r, O_BESTALLNING_ID, true, &o.id));
	TRY(get_str(ld, r, O_BESLUT_ID, true, &o.beslut_ref));
	TRY(get_str(ld, r, O_UTFORARE, true, &o.utforare));
	TRY(get_datetime(ld, r, O_SKICKAD, true, &o.skickad));
	TRY(get_datetime(ld, r, O_BEKRAFTAD, false, &o.bekraftad));
	TRY(get_date(ld, r, O_AVSLUTAD_DATUM, false, &o.avslutad_datum));
	if (o.bekraftad != INT32_MIN && o.bekraftad < o.skickad)
		return rej(ld, r, O_BEKRAFTAD, "reject.end_before_start",
			   "bekraftad is before skickad");
	o.src = (struct src){ (uint32_t)r->line, ld->file };
	if (m->strings.failed)
		return EVB_ENOMEM;
	return STORE(ld, r, K_BESTALLNING, O_BESTALLNING_ID, m->bestallningar, &o);
}

static int load_verkstallighet(struct loader *ld, const struct row *r)
{
	struct model *m = ld->m;
	struct verkstallighet v;
	memset(&v, 0, sizeof(v));
	TRY(get_str(ld, r, V_VERKSTALLIGHET_ID, true, &v.id));
	TRY(get_str(ld, r, V_BESLUT_ID, true, &v.beslut_ref));
	TRY(get_date(ld, r, V_STARTDATUM, true, &v.startdatum));
	TRY(get_str(ld, r, V_BESTALLNING_ID, false, &v.bestallning_ref));
	TRY(get_str(ld, r, V_UTFORARE, false, &v.utforare));
	TRY(get_date(ld, r, V_SLUTDATUM, false, &v.slutdatum));
	TRY(get_amount(ld, r, V_OMFATTNING, &v.omfattning));
	if (v.slutdatum != DATE_NONE && v.slutdatum < v.startdatum)
		return rej(ld, r, V_SLUTDATUM, "reject.end_before_start",
			   "slutdatum is before startdatum");
	v.src = (struct src){ (uint32_t)r->line, ld->file };
	if (m->strings.failed)
		return EVB_ENOMEM;
	return STORE(ld, r, K_VERKSTALLIGHET, V_VERKSTALLIGHET_ID, m->verkstalligheter, &v);
}

static int load_avbrott(struct loader *ld, const struct row *r)
{
	struct model *m = ld->m;
	struct avbrott a;
	memset(&a, 0, sizeof(a));
	TRY(get_str(ld, r, A_AVBROTT_ID, true, &a.id));
	TRY(get_str(ld, r, A_BESLUT_ID, true, &a.beslut_ref));
	TRY(get_date(ld, r, A_FRAN_DATUM, true, &a.fran_datum));
	TRY(get_str(ld, r, A_VERKSTALLIGHET_ID, false, &a.verkstallighet_ref));
	TRY(get_date(ld, r, A_TILL_DATUM, false, &a.till_datum));
	TRY(get_str(ld, r, A_ORSAK, false, &a.orsak));
	TRY(get_date(ld, r, A_REGISTRERAD_DATUM, false, &a.registrerad_datum));
	if (a.till_datum != DATE_NONE && a.till_datum < a.fran_datum)
		return rej(ld, r, A_TILL_DATUM, "reject.end_before_start",
			   "till_datum is before fran_datum");
	a.src = (struct src){ (uint32_t)r->line, ld->file };
	if (m->strings.failed)
		return EVB_ENOMEM;
	return STORE(ld, r, K_AVBROTT, A_AVBROTT_ID, m->avbrott, &a);
}

static int load_handelse(struct loader *ld, const struct row *r)
{
	struct model *m = ld->m;
	struct handelse h;
	memset(&h, 0, sizeof(h));
	TRY(get_str(ld, r, H_HANDELSE_ID, true, &h.id));
	TRY(get_str(ld, r, H_BESLUT_ID, true, &h.beslut_ref));
	TRY(get_date(ld, r, H_DATUM, true, &h.datum));
	TRY(get_code(ld, r, H_TYP, handelse_typ_codes, HT__N, -1, &h.typ));
	const char *kat = val(r, H_SKAL_KATEGORI), *ors = val(r, H_SKAL_ORSAK);
	if (h.typ == HT_SKAL || *kat || *ors) {
		if (h.typ == HT_SKAL)
			TRY(need(ld, r, *kat ? H_SKAL_ORSAK : H_SKAL_KATEGORI));
		int row = templates_skal_index(ld->t, kat, ors);
		if (row < 0 || row >= UINT16_MAX - 1)
			return rej(ld, r, *kat ? H_SKAL_ORSAK : H_SKAL_KATEGORI,
				   "reject.unknown_skal",
				   "unknown skal_kategori/skal_orsak pair (see templates/skal.csv)");
		h.skal = (uint16_t)(row + 1);
	}
	TRY(get_str(ld, r, H_TEXT, false, &h.text));
	h.src = (struct src){ (uint32_t)r->line, ld->file };
	if (m->strings.failed)
		return EVB_ENOMEM;
	return STORE(ld, r, K_HANDELSE, H_HANDELSE_ID, m->handelser, &h);
}

static int load_maltid(struct loader *ld, const struct row *r)
{
	struct model *m = ld->m;
	struct maltid mt;
	memset(&mt, 0, sizeof(mt));
	TRY(get_person(ld, r, M_PERSON_ID, &mt.person));
	TRY(get_str(ld, r, M_ENHET, true, &mt.enhet));
	TRY(get_date(ld, r, M_DATUM, false, &mt.datum));
	const char *manad = val(r, M_MANAD);
	int y, mo, d;
	if (mt.datum != DATE_NONE) {
		date_to_ymd(mt.datum, &y, &mo, &d);
		mt.manad = y * 12 + mo - 1;
		if (*manad) {
			int e = field_month(manad, &y, &mo);
			if (e)
				return rej(ld, r, M_MANAD, "reject.invalid_month", "%s",
					   field_strerror(e));
			if (y * 12 + mo - 1 != mt.manad)
				return rej(ld, r, M_MANAD, "reject.invalid_month",
					   "manad does not match datum");
		}
	} else {
		if (!*manad)
			return rej(ld, r, M_DATUM, "reject.missing_value",
				   "missing value for 'datum' or 'manad'");
		int e = field_month(manad, &y, &mo);
		if (e)
			return rej(ld, r, M_MANAD, "reject.invalid_month", "%s",
				   field_strerror(e));
		mt.manad = y * 12 + mo - 1;
	}
	TRY(need(ld, r, M_ANTAL));
	const char *antal = val(r, M_ANTAL);
	int64_t n;
	const char *digits = antal;
	if (antal[0] == '-' && antal[1] && antal[1 + strspn(antal + 1, "0")] == '\0')
		digits = antal + 1;   /* "-0" is zero, not negative */
	int e = field_count(digits, &n);
	if (e && antal[0] == '-')
		return rej(ld, r, M_ANTAL, "reject.negative_count", "antal is negative");
	if (e)
		return rej(ld, r, M_ANTAL, "reject.invalid_number", "%s", field_strerror(e));
	if (n > 100000)
		return rej(ld, r, M_ANTAL, "reject.invalid_number", "antal is implausibly large");
	mt.antal = (int32_t)n;
	TRY(get_code(ld, r, M_MALTIDSTYP, maltidstyp_codes, MT__N, MT_LUNCH, &mt.typ));
	mt.src = (struct src){ (uint32_t)r->line, ld->file };
	if (m->strings.failed)
		return EVB_ENOMEM;
	struct maltid *p = VEC_PUSH(m->maltider);
	if (!p)
		return EVB_ENOMEM;
	*p = mt;
	count(ld, K_MALTID, m->files.v[ld->file].used, m->used);
	return 0;
}

/* ---- reader sink ------------------------------------------------------------ */

static int sink_row(void *ctx, const struct row *r)
{
	struct loader *ld = ctx;
	struct model *m = ld->m;
	count(ld, r->kind, m->files.v[ld->file].read, m->read);
	struct profile_row translated;
	ld->as_read = NULL;
	if (ld->profile && !m->files.v[ld->file].xml) {
		ld->as_read = r;
		r = profile_apply(ld->profile, r, &translated, m->asof);
	}
	int ret;
	switch (r->kind) {
	case K_PERSON: ret = load_person(ld, r); break;
	case K_BESLUT: ret = load_beslut(ld, r); break;
	case K_BESTALLNING: ret = load_bestallning(ld, r); break;
	case K_VERKSTALLIGHET: ret = load_verkstallighet(ld, r); break;
	case K_AVBROTT: ret = load_avbrott(ld, r); break;
	case K_HANDELSE: ret = load_handelse(ld, r); break;
	case K_MALTID: ret = load_maltid(ld, r); break;
	default: ret = EVB_EINVAL; break;
	}
	ld->as_read = NULL;
	if (m->strings.failed)
		ret = EVB_ENOMEM;
	return ret < 0 ? ret : 0;
}

/* The columns whose values are ids, references or personnummer (12 digits
 * already are the form a person is interned in): new strings, or strings
 * looked up far from the last, so the table has to be read from memory. */
static const int8_t lookup_columns[K__COUNT][4] = {
	[K_PERSON] = { P_PERSON_ID, -1 },
	[K_BESLUT] = { B_BESLUT_ID, B_PERSON_ID, B_ERSATTER_BESLUT_ID, -1 },
	[K_BESTALLNING] = { O_BESTALLNING_ID, O_BESLUT_ID, -1 },
	[K_VERKSTALLIGHET] = { V_VERKSTALLIGHET_ID, V_BESLUT_ID, V_BESTALLNING_ID, -1 },
	[K_AVBROTT] = { A_AVBROTT_ID, A_BESLUT_ID, A_VERKSTALLIGHET_ID, -1 },
	[K_HANDELSE] = { H_HANDELSE_ID, H_BESLUT_ID, -1 },
	[K_MALTID] = { M_PERSON_ID, -1 },
};

static void sink_prefetch(void *ctx, const struct row *r)
{
	struct loader *ld = ctx;
	if (r->kind < 0 || r->kind >= K__COUNT)
		return;
	for (const int8_t *c = lookup_columns[r->kind]; *c >= 0; c++)
		if (r->val[*c])
			intern_prefetch(&ld->m->strings, r->val[*c], r->vlen[*c]);
}

static int sink_reject(void *ctx, int kind, const char *file, long line,
		       const char *column, const char *value,
		       const char *reason_key, const char *reason)
{
	struct loader *ld = ctx;
	struct model *m = ld->m;
	(void)file;
	if (kind >= 0 && kind < K__COUNT) {
		count(ld, kind, m->files.v[ld->file].read, m->read);
		count(ld, kind, m->files.v[ld->file].rejected, m->rejected);
	}
	/* column names from readers are transient: keep the schema's copy */
	const char *col = NULL;
	if (column && kind >= 0 && kind < K__COUNT) {
		int c = schema_column(kind, column, strlen(column));
		col = column_name(kind, c);
	}
	struct src src = { line > 0 && line < (long)UINT32_MAX ? (uint32_t)line : 0, ld->file };
	str_ref v = value ? shorten(m, value) : STR_NONE;
	str_ref rs = intern_str(&m->strings, reason, strlen(reason));
	int ret = push_reject(m, src, kind, col, v, reason_key, rs);
	if (!ret && m->strings.failed)
		ret = EVB_ENOMEM;
	return ret;
}

static void sink_note(void *ctx, const char *file, long line, const char *column,
		      int position, const char *message)
{
	struct loader *ld = ctx;
	struct src src = { line > 0 && line < (long)UINT32_MAX ? (uint32_t)line : 0, ld->file };
	/* an ignored column is a finding, named by the column, or for a
	 * column without a name by its place; other notes are said on the
	 * terminal */
	if (column) {
		str_ref d = *column ? intern_str(&ld->m->strings, column, strlen(column))
				    : intern_fmt(ld->m, "%d", position);
		if (model_add_finding(ld->m, *column ? "check.okand_kolumn"
						     : "check.kolumn_utan_namn",
				      src, -1, STR_NONE, IDX_NONE, DATE_NONE, d) ||
		    ld->m->strings.failed)
			ld->fatal = EVB_ENOMEM;
	}
	diag_note_at(file, line, NULL, "%s", message);
}

/* ---- files ------------------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Why path (a link as named, followed by stat) cannot be an input file,
 * or NULL when it is a regular file. Nothing is opened: a FIFO or device
 * is never read (reading a FIFO would wait for a writer). */
static const char *not_regular(const char *path, struct stat *st)
{
	if (stat(path, st) != 0) {
		struct stat lst;
		if (errno == ENOENT && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			return "a symbolic link to nothing (dangling)";
		if (errno == ELOOP)
			return "a loop of symbolic links";
		return strerror(errno);
	}
	if (S_ISREG(st->st_mode))
		return NULL;
	return S_ISDIR(st->st_mode) ? "a folder" : S_ISFIFO(st->st_mode) ? "a FIFO (named pipe)"
	     : S_ISSOCK(st->st_mode) ? "a socket" : "a device";
}

int export_collect(const char *input, char ***list, size_t *n, size_t *cap,
		   struct evb_error *err)
{
	struct stat st;
	if (stat(input, &st) != 0)
		return evb_error_set(err, EVB_EIO, input, 0, NULL,
				     "cannot read input: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		const char *why = not_regular(input, &st);
		if (why)
			return evb_error_set(err, EVB_EIO, input, 0, NULL,
					     "not a file or folder to read: %s", why);
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			char **nl = realloc(*list, nc * sizeof(*nl));
			if (!nl)
				return EVB_ENOMEM;
			*list = nl;
			*cap = nc;
		}
		if (!((*list)[*n] = strdup(input)))
			return EVB_ENOMEM;
		(*n)++;
		return 0;
	}
	DIR *d = opendir(input);
	if (!d)
		return evb_error_set(err, EVB_EIO, input, 0, NULL,
				     "cannot read folder: %s", strerror(errno));
	size_t first = *n;
	struct dirent *e;
	int ret = 0, listed;
	while ((e = dir_next(d, &listed))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = evb_path_join(input, e->d_name);
		if (!p) {
			ret = EVB_ENOMEM;
			break;
		}
		const char *why = not_regular(p, &st);
		if (why) {
			ret = evb_error_set(err, EVB_EIO, p, 0, NULL,
					    "not a file to read: %s", why);
			free(p);
			break;
		}
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			char **nl = realloc(*list, nc * sizeof(*nl));
			if (!nl) {
				free(p);
				ret = EVB_ENOMEM;
				break;
			}
			*list = nl;
			*cap = nc;
		}
		(*list)[(*n)++] = p;
	}
	if (!ret && listed)
		ret = evb_error_set(err, EVB_EIO, input, 0, NULL,
				    "cannot read folder: %s", strerror(listed));
	closedir(d);
	if (!ret && *n > first)
		qsort(*list + first, *n - first, sizeof(**list), cmp_names);
	return ret;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether the files' names (without folders) are all different, in
 * *unique. Then reports name inputs by file name only, so that the same
 * export gives the same reports wherever it is stored (an archive moved
 * elsewhere). */
static int names_unique(char **files, size_t n, bool *unique)
{
	const char **names = malloc((n ? n : 1) * sizeof(*names));
	if (!names)
		return EVB_ENOMEM;
	for (size_t i = 0; i < n; i++)
		names[i] = base_name(files[i]);
	qsort(names, n, sizeof(*names), cmp_str_ptr);
	*unique = true;
	for (size_t i = 1; i < n && *unique; i++)
		*unique = strcmp(names[i - 1], names[i]) != 0;
	free(names);
	return 0;
}

/* The readers as relay_run runs them: each file is split into rows on a
 * second thread while this one builds the records (relay.h).
 *
 * From CSV, libcsv's thread is the longer of the two (`check` at 1 M:
 * 1.6 s of CPU against 1.5 s for the records), but the records fall
 * behind in places (the intern table's first writes, the decisions): with
 * four batches libcsv's thread waited 0.09 to 0.26 s in all, with sixteen
 * (4 MiB) 0.02 to 0.10 s. From XML, libxml2's thread takes ten times as
 * long as the records and never waits: four batches, which hold less
 * memory. */
#define CSV_BATCHES RELAY_BATCHES_MAX
struct csv_job {
	const char *path, *display;
	enum kind kind;
	const struct profile *profile;
	bool cp1252;
	struct input_info *info;
};

static int read_csv(void *arg, const struct reader_sink *sink, struct evb_error *err)
{
	const struct csv_job *j = arg;
	return csv_in_read(j->path, j->display, j->kind, j->profile, j->cp1252, sink,
			   j->info, err);
}

struct xml_job {
	struct xml_in *xml;
	const char *path, *display;
	struct input_info *info;
};

static int read_xml(void *arg, const struct reader_sink *sink, struct evb_error *err)
{
	const struct xml_job *j = arg;
	return xml_in_read(j->xml, j->path, j->display, sink, j->info, err);
}

/* Reads file i of the export (path), hashed ahead by hq. */
static int read_file(struct loader *ld, struct hash_queue *hq, size_t i,
		     const char *path, const char *display, struct evb_error *err)
{
	struct model *m = ld->m;
	if (m->files.n >= UINT16_MAX - 1)
		return evb_error_set(err, EVB_ETOOBIG, path, 0, NULL,
				     "too many input files (at most %d)", UINT16_MAX - 2);
	struct input_file *f = VEC_PUSH(m->files);
	if (!f)
		return EVB_ENOMEM;
	ld->file = (uint16_t)(m->files.n - 1);
	f->kind = -1;
	if (!(f->path = strdup(path)) || !(f->display = strdup(display)))
		return EVB_ENOMEM;
	bool utf8;
	int ret = hash_queue_get(hq, i, &f->size, &utf8, err);
	if (ret)
		return ret;
	const char *base = base_name(path);
	struct reader_sink sink = { ld, sink_row, sink_reject, sink_note, NULL };
	struct input_info info;
	memset(&info, 0, sizeof(info));
	struct src src = { 0, ld->file };
	/* a profile's file patterns first, then evb's own names */
	int kind = ld->profile && !has_suffix(base, ".xml")
		? profile_file_kind(ld->profile, base, err) : -1;
	if (kind == -2)
		return EVB_ECONFIG;
	if (kind < 0 && has_suffix(base, ".csv"))
		kind = schema_kind_from_filename(base);
	if (kind >= 0) {
		f->kind = kind;
		progress_start("reading", f->display, f->size);
		struct csv_job job = { path, f->display, (enum kind)f->kind, ld->profile, !utf8,
				       &info };
		ret = relay_run(read_csv, &job, &sink, sink_prefetch, CSV_BATCHES, err);
		progress_end();
		f = &m->files.v[ld->file];
		f->cp1252 = info.cp1252 || !utf8;
		f->bom = info.bom;
		f->delimiter = info.delimiter;
		if (!ret && f->cp1252) {
			/* said once, here; the summary's Inläsning sheet shows it too */
			diag_note_at(f->display, 0, NULL,
				     "not valid UTF-8: read as Windows-1252 and converted");
			ret = model_add_finding(m, "check.teckenkodning", src, f->kind,
						STR_NONE, IDX_NONE, DATE_NONE, STR_NONE);
		}
	} else if (has_suffix(base, ".xml")) {
		f->xml = true;
		if (!ld->xml && !(ld->xml = xml_in_new(templates_xsd_path(ld->t), err)))
			return err && err->code ? err->code : EVB_ETEMPLATE;
		progress_start("reading", f->display, f->size);
		struct xml_job job = { ld->xml, path, f->display, &info };
		ret = relay_run(read_xml, &job, &sink, sink_prefetch, RELAY_BATCHES, err);
		progress_end();
	} else {
		diag_note_at(f->display, 0, NULL, "unknown kind of file: ignored");
		ret = model_add_finding(m, "check.okand_fil", src, -1, STR_NONE,
					IDX_NONE, DATE_NONE, STR_NONE);
	}
	if (!ret && ld->fatal)
		ret = ld->fatal;
	f = &m->files.v[ld->file];
	if (!ret && (f->kind >= 0 || f->xml))
		ret = hash_queue_unchanged(hq, i, f->display, err);
	return ret;
}

/* ---- finalisation -------------------------------------------------------------- */

static void uncount(struct model *m, int kind, uint16_t file)
{
	m->used[kind]--;
	m->rejected[kind]++;
	m->files.v[file].used[kind]--;
	m->files.v[file].rejected[kind]++;
}

/*
 * Keeps the records of one kind that pass `keep`, rejecting the others with
 * the reason keep() gives. Generic over the record type through offsets.
 */
typedef const char *(*keep_fn)(struct model *m, void *rec, struct loader *ld,
			       const char **reason);

static int filter(struct loader *ld, int kind, void *arr, uint32_t *n,
		  size_t elem, size_t src_off, size_t id_off, int idcol,
		  keep_fn keep)
{
	struct model *m = ld->m;
	uint32_t w = 0;
	for (uint32_t i = 0; i < *n; i++) {
		char *rec = (char *)arr + (size_t)i * elem;
		const char *reason = NULL;
		const char *key = keep(m, rec, ld, &reason);
		if (key) {
			struct src src;
			str_ref id;
			memcpy(&src, rec + src_off, sizeof(src));
			memcpy(&id, rec + id_off, sizeof(id));
			int ret = push_reject(m, src, kind, column_name(kind, idcol),
					      shorten(m, str_get(m, id)), key,
					      intern_str(&m->strings, reason, strlen(reason)));
			if (ret)
				return ret;
			uncount(m, kind, src.file);
			continue;
		}
		if (w != i)
			memmove((char *)arr + (size_t)w * elem, rec, elem);
		w++;
	}
	*n = w;
	return m->strings.failed ? EVB_ENOMEM : 0;
}

static const char *keep_unconflicted(struct model *m, void *rec, struct loader *ld,
				     const char **reason, int kind, str_ref id)
{
	(void)rec;
	if (u32map_get(&ld->conflicts[kind], id) == IDX_NONE)
		return NULL;
	char b[SHOWN_MAX + 1];
	snprintf(ld->reason, sizeof(ld->reason),
		 "id '%s' occurs again with other content: every copy is rejected",
		 shown(str_get(m, id), b));
	*reason = ld->reason;
	return "reject.duplicate_conflict";
}

#define KEEP_FNS(T, K) \
static const char *keep_##T(struct model *m, void *rec, struct loader *ld, \
			    const char **reason) \
{ \
	return keep_unconflicted(m, rec, ld, reason, K, ((struct T *)rec)->id); \
}
KEEP_FNS(beslut, K_BESLUT)
KEEP_FNS(bestallning, K_BESTALLNING)
KEEP_FNS(verkstallighet, K_VERKSTALLIGHET)
KEEP_FNS(avbrott, K_AVBROTT)
KEEP_FNS(handelse, K_HANDELSE)

/* A loop looking up keys in a big map prefetches the slot of the key this
 * many records ahead. */
#define PREFETCH_AHEAD 16

/* A record whose decision is not in the export: rejected once every kind
 * is resolved, in the order of the kinds. */
struct miss {
	struct src src;
	str_ref ref;
};

/* One kind's records as linked to their decisions: resolved, then sorted
 * (link_sort), each step on a thread beside the other kinds' when it can. */
struct link {
	struct loader *ld;
	int kind, refcol;
	void *arr;
	uint32_t *n;
	size_t elem, src_off, ref_off, beslut_off;
	int (*cmp)(const void *, const void *);
	VEC(struct miss) misses;
	uint32_t *ends;         /* link_sort's: the end of each decision's run */
	int (*step)(struct link *);     /* what link_start runs */
	double cpu;             /* seconds of CPU on the thread it ran on */
	int ret;
};

/* Resolves each record's beslut_ref (at ref_off) into its decision's
 * index (at beslut_off) and keeps the records whose decision exists, in
 * order; the others go to l->misses.
 * Reads the decision map, the records and nothing else of the model, so
 * that kinds can be resolved side by side. */
static int resolve(struct link *l)
{
	const struct u32map *map = &l->ld->beslut_by_id;
	size_t elem = l->elem;
	char *arr = l->arr;
	uint32_t w = 0, n = *l->n;
	for (uint32_t i = 0; i < n; i++) {
		char *rec = arr + (size_t)i * elem;
		str_ref ref;
		if (i + PREFETCH_AHEAD < n) {
			memcpy(&ref, rec + PREFETCH_AHEAD * elem + l->ref_off, sizeof(ref));
			u32map_prefetch(map, ref);
		}
		memcpy(&ref, rec + l->ref_off, sizeof(ref));
		uint32_t b = u32map_get(map, ref);
		if (b == IDX_NONE) {
			struct miss *x = VEC_PUSH(l->misses);
			if (!x)
				return EVB_ENOMEM;
			memcpy(&x->src, rec + l->src_off, sizeof(x->src));
			x->ref = ref;
			continue;
		}
		memcpy(rec + l->beslut_off, &b, sizeof(b));
		if (w != i)
			memmove(arr + (size_t)w * elem, rec, elem);
		w++;
	}
	*l->n = w;
	return 0;
}

/* The rejects of the records resolve left out. */
static int reject_misses(struct link *l)
{
	struct model *m = l->ld->m;
	for (uint32_t i = 0; i < l->misses.n; i++) {
		const struct miss *x = &l->misses.v[i];
		int ret = push_reject(m, x->src, l->kind, column_name(l->kind, l->refcol),
				      shorten(m, str_get(m, x->ref)), "reject.unknown_beslut",
				      intern_fmt(m, "no decision with beslut_id '%s'",
						 str_get(m, x->ref)));
		if (ret)
			return ret;
		uncount(m, l->kind, x->src.file);
	}
	return m->strings.failed ? EVB_ENOMEM : 0;
}

/* Related records sorted by (decision, date, source position): a total order
 * independent of the order files were given in beyond their names. */
#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))
#define SRC_CMP(x, y) \
	((x)->src.file != (y)->src.file ? CMP((x)->src.file, (y)->src.file) \
					: CMP((x)->src.line, (y)->src.line))

static int cmp_v(const void *a, const void *b)
{
	const struct verkstallighet *x = a, *y = b;
	if (x->beslut != y->beslut) return CMP(x->beslut, y->beslut);
	if (x->startdatum != y->startdatum) return CMP(x->startdatum, y->startdatum);
	if (x->src.file != y->src.file || x->src.line != y->src.line) return SRC_CMP(x, y);
	return CMP(x->id, y->id);
}
static int cmp_a(const void *a, const void *b)
{
	const struct avbrott *x = a, *y = b;
	if (x->beslut != y->beslut) return CMP(x->beslut, y->beslut);
	if (x->fran_datum != y->fran_datum) return CMP(x->fran_datum, y->fran_datum);
	if (x->src.file != y->src.file || x->src.line != y->src.line) return SRC_CMP(x, y);
	return CMP(x->id, y->id);
}
static int cmp_h(const void *a, const void *b)
{
	const struct handelse *x = a, *y = b;
	if (x->beslut != y->beslut) return CMP(x->beslut, y->beslut);
	if (x->datum != y->datum) return CMP(x->datum, y->datum);
	if (x->src.file != y->src.file || x->src.line != y->src.line) return SRC_CMP(x, y);
	return CMP(x->id, y->id);
}
static int cmp_o(const void *a, const void *b)
{
	const struct bestallning *x = a, *y = b;
	if (x->beslut != y->beslut) return CMP(x->beslut, y->beslut);
	if (x->skickad != y->skickad) return CMP(x->skickad, y->skickad);
	if (x->src.file != y->src.file || x->src.line != y->src.line) return SRC_CMP(x, y);
	return CMP(x->id, y->id);
}

/* Sorts arr[0..n) with cmp: insertion sort, as a run is short and nearly in
 * order; qsort for a long one. */
static void sort_run(char *arr, uint32_t n, size_t elem, char *tmp,
		     int (*cmp)(const void *, const void *))
{
	if (n > 32) {
		qsort(arr, n, elem, cmp);
		return;
	}
	for (uint32_t i = 1; i < n; i++) {
		uint32_t j = i;
		if (cmp(arr + (size_t)(j - 1) * elem, arr + (size_t)i * elem) <= 0)
			continue;
		memcpy(tmp, arr + (size_t)i * elem, elem);
		while (j > 0 && cmp(arr + (size_t)(j - 1) * elem, tmp) > 0) {
			memcpy(arr + (size_t)j * elem, arr + (size_t)(j - 1) * elem, elem);
			j--;
		}
		memcpy(arr + (size_t)j * elem, tmp, elem);
	}
}

/*
 * Sorts the records related to decisions (whose beslut index is at
 * beslut_off) by cmp, which orders by decision first, and gives the end of
 * each decision's run in *ends (nb + 1 places, the caller frees it). A
 * counting sort by decision, in place, then each decision's run by cmp:
 * linear, and it needs 4 bytes per record and per decision where qsort
 * copies the whole array.
 */
static int sort_by_beslut(struct model *m, void *arr, uint32_t n, size_t elem,
			  size_t beslut_off, int (*cmp)(const void *, const void *),
			  uint32_t **ends)
{
	uint32_t nb = m->beslut.n;
	uint32_t *start = calloc((size_t)nb + 1, sizeof(*start));
	uint32_t *dest = malloc((size_t)(n ? n : 1) * sizeof(*dest));
	char *tmp = malloc(elem);
	int ret = EVB_ENOMEM;
	if (!start || !dest || !tmp)
		goto out;
	char *a = arr;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t b;
		memcpy(&b, a + (size_t)i * elem + beslut_off, sizeof(b));
		start[b + 1]++;
	}
	for (uint32_t b = 0; b < nb; b++)
		start[b + 1] += start[b];
	/* the place of each record, in reading order within its decision;
	 * start[b] moves on to the end of decision b's run */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t b;
		memcpy(&b, a + (size_t)i * elem + beslut_off, sizeof(b));
		dest[i] = start[b]++;
	}
	array_permute(a, dest, n, elem, tmp);
	for (uint32_t b = 0, first = 0; b < nb; b++) {
		if (start[b] - first > 1)
			sort_run(a + (size_t)first * elem, start[b] - first, elem, tmp, cmp);
		first = start[b];
	}
	*ends = start;
	start = NULL;
	ret = 0;
out:
	free(start);
	free(dest);
	free(tmp);
	return ret;
}

/* a kind none of whose ids conflicted has nothing to filter */
#define FILTER(ld, K, vec, T, idcol, fn) \
	((ld)->conflicts[K].used == 0 ? 0 : \
	 filter((ld), (K), (vec).v, &(vec).n, sizeof(struct T), \
		offsetof(struct T, src), offsetof(struct T, id), (idcol), (fn)))
#define LINK(loader, K, vec, T, col, cmpfn) \
	((struct link){ .ld = (loader), .kind = (K), .refcol = (col), .arr = (vec).v, \
			.n = &(vec).n, .elem = sizeof(struct T), \
			.src_off = offsetof(struct T, src), \
			.ref_off = offsetof(struct T, beslut_ref), \
			.beslut_off = offsetof(struct T, beslut), .cmp = (cmpfn) })

static int link_sort(struct link *l)
{
	return sort_by_beslut(l->ld->m, l->arr, *l->n, l->elem, l->beslut_off, l->cmp, &l->ends);
}

/* A step of linking (resolve or link_sort) as a thread runs it: l->ret,
 * and l->cpu. */
static void *link_thread(void *arg)
{
	struct link *l = arg;
	double t0 = phase_thread_cpu();
	l->ret = l->step(l);
	l->cpu = phase_thread_cpu() - t0;
	return NULL;
}

/* Runs step(l) on a thread of its own, or on this one when no thread can
 * be made; true when a thread runs it (link_join waits for it). */
static bool link_start(pthread_t *t, int (*step)(struct link *), struct link *l)
{
	l->step = step;
	if (pthread_create(t, NULL, link_thread, l) == 0)
		return true;
	link_thread(l);
	return false;
}

/* Waits for a thread link_start started; its CPU counts as linking (on
 * this thread, the caller's count has it). */
static void link_join(pthread_t t, bool started, const struct link *l)
{
	if (!started)
		return;
	if (pthread_join(t, NULL) != 0)
		abort();        /* a joinable thread of ours: a programming error */
	phase_count(PHASE_CPU_LINK, l->cpu);
}

/* Frees the loader's id maps; beslut_by_id too when `all`. */
static void release_maps(struct loader *ld, bool all)
{
	for (int k = 0; k < K__COUNT; k++) {
		u32map_release(&ld->ids[k]);
		u32map_release(&ld->conflicts[k]);
	}
	u32map_release(&ld->person_by_pnr);
	if (all)
		u32map_release(&ld->beslut_by_id);
}

static int finalize(struct loader *ld)
{
	struct model *m = ld->m;
	int ret;

	/* every string a record holds is in: what comes now is reasons and
	 * details to show */
	intern_seal(&m->strings);

	/* persons whose personer rows conflicted fall back to what their
	 * personnummer says; their rows were rejected as they came in, the
	 * first copy is rejected here */
	for (uint32_t i = 0; ld->conflicts[K_PERSON].used && i < m->persons.n; i++) {
		struct person *p = &m->persons.v[i];
		if (!p->listed || u32map_get(&ld->conflicts[K_PERSON], p->pnr) == IDX_NONE)
			continue;
		struct pnr pn;
		if ((ret = push_reject(m, p->src, K_PERSON, column_name(K_PERSON, P_PERSON_ID),
				       shorten(m, str_get(m, p->pnr)), "reject.duplicate_conflict",
				       intern_fmt(m, "person occurs again with other content: every copy is rejected"))))
			return ret;
		uncount(m, K_PERSON, p->src.file);
		if (pnr_parse(str_get(m, p->pnr), m->asof, &pn) == 0) {
			p->fodelsedatum = pn.birth;
			p->kon = pn.sex;
		}
		p->fornamn = p->efternamn = STR_NONE;
		p->avliden = DATE_NONE;
		p->avgiftsutrymme = NAN;
		p->skyddad = false;
		p->listed = false;
	}

	if ((ret = FILTER(ld, K_BESLUT, m->beslut, beslut, B_BESLUT_ID, keep_beslut)) ||
	    (ret = FILTER(ld, K_BESTALLNING, m->bestallningar, bestallning, O_BESTALLNING_ID, keep_bestallning)) ||
	    (ret = FILTER(ld, K_VERKSTALLIGHET, m->verkstalligheter, verkstallighet, V_VERKSTALLIGHET_ID, keep_verkstallighet)) ||
	    (ret = FILTER(ld, K_AVBROTT, m->avbrott, avbrott, A_AVBROTT_ID, keep_avbrott)) ||
	    (ret = FILTER(ld, K_HANDELSE, m->handelser, handelse, H_HANDELSE_ID, keep_handelse)))
		return ret;

	/* what is looked up by id from here on is a decision: the other maps
	 * go before the big arrays are sorted */
	release_maps(ld, false);
	if ((ret = u32map_reserve(&ld->beslut_by_id, m->beslut.n)))
		return ret;
	for (uint32_t i = 0; i < m->beslut.n; i++) {
		if (i + PREFETCH_AHEAD < m->beslut.n)
			u32map_prefetch(&ld->beslut_by_id, m->beslut.v[i + PREFETCH_AHEAD].id);
		if ((ret = u32map_put(&ld->beslut_by_id, m->beslut.v[i].id, i)))
			return ret;
	}

	/* the events (the most records) are resolved, then sorted, on a
	 * thread of their own while this one does the other three kinds */
	struct link l[4] = {
		LINK(ld, K_BESTALLNING, m->bestallningar, bestallning, O_BESLUT_ID, cmp_o),
		LINK(ld, K_VERKSTALLIGHET, m->verkstalligheter, verkstallighet, V_BESLUT_ID, cmp_v),
		LINK(ld, K_AVBROTT, m->avbrott, avbrott, A_BESLUT_ID, cmp_a),
		LINK(ld, K_HANDELSE, m->handelser, handelse, H_BESLUT_ID, cmp_h),
	};
	enum { EVENTS = 3 };
	pthread_t t;
	bool threaded = link_start(&t, resolve, &l[EVENTS]);
	for (int k = 0; k < EVENTS && !ret; k++)
		ret = l[k].ret = resolve(&l[k]);
	for (uint32_t i = 0; i < m->beslut.n && !ret; i++) {
		struct beslut *b = &m->beslut.v[i];
		if (b->ersatter == STR_NONE)
			continue;
		b->replaces = u32map_get(&ld->beslut_by_id, b->ersatter);
		if (b->replaces == IDX_NONE) {
			struct finding *f = model_add_beslut_finding(m, "check.okant_ersatt_beslut",
								     b->src, K_BESLUT, b->id,
								     i,
								     b->beslutsdatum);
			if (!f)
				ret = EVB_ENOMEM;
			else
				f->other = b->ersatter;
		}
	}
	link_join(t, threaded, &l[EVENTS]);
	for (int k = 0; k < 4 && !ret; k++)
		ret = l[k].ret ? l[k].ret : reject_misses(&l[k]);
	for (int k = 0; k < 4; k++) {
		free(l[k].misses.v);
		l[k].misses.v = NULL;
	}
	if (ret)
		return ret;
	release_maps(ld, true);

	/* each decision's first related record of each kind is set in one
	 * pass over the decisions, not one a kind */
	threaded = link_start(&t, link_sort, &l[EVENTS]);
	for (int k = 0; k < EVENTS; k++)
		l[k].ret = link_sort(&l[k]);
	link_join(t, threaded, &l[EVENTS]);
	for (int k = 0; k < 4 && !ret; k++)
		ret = l[k].ret;
	if (!ret) {
		const uint32_t *o = l[0].ends, *v = l[1].ends, *a = l[2].ends, *h = l[3].ends;
		for (uint32_t i = 0; i < m->beslut.n; i++) {
			struct beslut *b = &m->beslut.v[i];
			b->v_first = i ? v[i - 1] : 0;
			b->a_first = i ? a[i - 1] : 0;
			b->h_first = i ? h[i - 1] : 0;
			b->o_first = i ? o[i - 1] : 0;
		}
	}
	for (int k = 0; k < 4; k++)
		free(l[k].ends);
	return ret;
}

/* Distinct strings an export of these files holds, about: the bench sets
 * hold one in 75 bytes of CSV and one in 250 bytes of XML (ids, mostly).
 * A sixth more is expected, so that the table is not grown at the end,
 * and it is then no larger than growing would have made it. */
#define CSV_BYTES_PER_STRING 64
#define XML_BYTES_PER_STRING 215

static size_t expected_strings(char **files, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(files[i], &st) != 0 || st.st_size <= 0)
			continue;
		total += (size_t)st.st_size /
			 (has_suffix(files[i], ".xml") ? XML_BYTES_PER_STRING : CSV_BYTES_PER_STRING);
	}
	return total;
}

int export_digests(struct model *m, struct evb_error *err)
{
	if (!m->digests)
		return 0;
	int ret = 0;
	for (uint32_t i = 0; i < m->files.n && !ret; i++)
		ret = hash_queue_digest(m->digests, i, m->files.v[i].sha256, err);
	if (!ret) {
		hash_queue_free(m->digests);
		m->digests = NULL;
	}
	return ret;
}

int export_read(struct model *m, const struct templates *t,
		const struct profile *profile, const char *const *inputs,
		int ninputs, struct evb_error *err)
{
	struct loader ld;
	memset(&ld, 0, sizeof(ld));
	ld.m = m;
	ld.t = t;
	ld.profile = profile;
	char **files = NULL;
	size_t n = 0, cap = 0;
	int ret = 0;

	if (!(ld.dates = calloc((size_t)1 << DATE_MEMO_BITS, sizeof(*ld.dates))))
		ret = EVB_ENOMEM;
	for (int i = 0; i < ninputs && !ret; i++)
		ret = export_collect(inputs[i], &files, &n, &cap, err);
	bool by_name = false;
	if (!ret)
		ret = names_unique(files, n, &by_name);
	if (!ret)
		intern_expect(&m->strings, expected_strings(files, n));
	/* each file is checked for UTF-8 before it is parsed, but for XML,
	 * whose encoding libxml2 reads from the file itself (read_file) */
	bool *utf8_check = NULL;
	if (!ret && n && !(utf8_check = calloc(n, sizeof(*utf8_check))))
		ret = EVB_ENOMEM;
	for (size_t i = 0; i < n && !ret; i++)
		utf8_check[i] = !has_suffix(files[i], ".xml");
	struct hash_queue *hq = NULL;
	if (!ret && n && !(hq = hash_queue_start((const char *const *)files, utf8_check, n)))
		ret = EVB_ENOMEM;
	free(utf8_check);
	for (size_t i = 0; i < n && !ret; i++)
		ret = read_file(&ld, hq, i, files[i], by_name ? base_name(files[i]) : files[i], err);
	if (ret)
		hash_queue_free(hq);
	else
		m->digests = hq;        /* export_digests */
	double t0 = phase_thread_cpu();
	if (!ret)
		ret = finalize(&ld);
	phase_count(PHASE_CPU_LINK, phase_thread_cpu() - t0);
	if (ret == EVB_ENOMEM)
		evb_error_set(err, ret, NULL, 0, NULL, EVB_NOMEM_TEXT);

	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	release_maps(&ld, true);
	free(ld.dates);
	xml_in_free(ld.xml);
	return ret;
}
