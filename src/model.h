/*
 * The in-memory model of an export set: compact records (dates as day
 * numbers, strings interned as 32-bit references), indexes by id, and the
 * list of rejected records. Built by export.c from reader rows, then
 * finalised (duplicates, references) once every file is read.
 *
 * Ownership: struct model owns every record and string; model_release frees
 * everything at once. Pointers into the record arrays are invalidated by
 * adding records, so code holds indexes (uint32_t) until model_finalize.
 */
#ifndef EVB_MODEL_H
#define EVB_MODEL_H

#include <stdlib.h>
#include <string.h>

#include "evb.h"
#include "schema.h"

/* ---- interned strings ------------------------------------------------ */

/* A reference to an interned string; STR_NONE (0) is the absent string. */
typedef uint32_t str_ref;
#define STR_NONE 0u
#define IDX_NONE UINT32_MAX

struct intern {
	char *buf;            /* NUL-terminated strings back to back, each after a
			       * flags byte (intern_flags); offset 0 is "" */
	size_t len, cap;
	uint32_t *slots;      /* open addressing: offsets where tags[] is set */
	uint8_t *tags;        /* 7 bits of each slot's hash, odd; 0 = empty:
			       * a probe reads no string until a tag matches */
	size_t nslots, used;
	bool sealed;          /* intern_seal: no table, new strings appended */
	bool failed;          /* an allocation failed: the run must stop */
};

/* ---- codes ----------------------------------------------------------- */

enum lagrum { LAGRUM_SOL, LAGRUM_LSS };
enum utfall { UTFALL_BIFALL, UTFALL_DELVIS_BIFALL, UTFALL_AVSLAG };
enum avslutsorsak {
	ORSAK_NONE, ORSAK_AVLIDEN, ORSAK_FLYTTAT, ORSAK_ATERKALLAD,
	ORSAK_BEHOV_UPPHORT, ORSAK_LOPT_UT, ORSAK_NYTT_BESLUT, ORSAK_ANNAT,
	ORSAK__N
};
enum enhet {
	ENHET_NONE, ENHET_TIM_MAN, ENHET_TIM_VECKA, ENHET_TILLF_VECKA,
	ENHET_DYGN_MAN, ENHET_ST_MAN, ENHET__N
};
enum handelse_typ {
	HT_ERBJUDANDE, HT_TACKAT_JA, HT_TACKAT_NEJ, HT_KONTAKT,
	HT_SAMMANFATTNING, HT_DELVIS_VERKSTALLT, HT_KOMPENSERANDE_INSATS,
	HT_SKAL, HT__N
};
enum maltidstyp {
	MT_LUNCH, MT_FRUKOST, MT_MELLANMAL, MT_MIDDAG, MT_MATLADA, MT__N
};

/* Code tables (index = enum value); "" for ORSAK_NONE / ENHET_NONE. */
extern const char *const avslutsorsak_codes[ORSAK__N];
extern const char *const enhet_codes[ENHET__N];
extern const char *const handelse_typ_codes[HT__N];
extern const char *const maltidstyp_codes[MT__N];
/* Index of code in table (n entries), -1 if absent. */
int code_lookup(const char *const *table, int n, const char *code);

/* ---- records --------------------------------------------------------- */

/* Where a record came from: index into model.files, and its first line. */
struct src {
	uint32_t line;
	uint16_t file;
};

struct person {           /* 40 bytes: no padding */
	double avgiftsutrymme;  /* kr/month; NAN when unknown */
	str_ref pnr;            /* normalised 12 digits */
	str_ref fornamn, efternamn;
	evb_date fodelsedatum;  /* from personer, else from the personnummer */
	evb_date avliden;
	char kon;               /* 'K' / 'M' */
	bool skyddad;
	bool listed;            /* has a record in personer */
	bool samordning;
	struct src src;
};

struct beslut {
	str_ref id;
	uint32_t person;        /* index into persons */
	str_ref ersatter;       /* ersatter_beslut_id as given */
	uint32_t replaces;      /* resolved index, IDX_NONE */
	str_ref handlaggare, enhet;
	evb_date beslutsdatum, giltig_from, giltig_tom, avslutad_datum;
	double omfattning;      /* NAN when absent */
	uint16_t insats;        /* index into the catalogue */
	uint8_t lagrum, utfall, avslutsorsak, omfattning_enhet;
	bool forhandsbesked, verkstalls_externt;
	/* filled by export.c once every file is read: executions, avbrott,
	 * handelser and orders are sorted by decision, and this decision's
	 * begin at x_first; the next decision's x_first (or the array's end)
	 * ends them: beslut_v_n() and the like count them */
	uint32_t v_first, a_first, h_first, o_first;
	struct src src;
};

/* How many executions (v), avbrott (a), handelser (h) and orders (o)
 * decision b, a pointer into m->beslut.v, has. */
#define BESLUT_COUNT(x, vec) \
static inline uint32_t beslut_##x##_n(const struct model *m, const struct beslut *b) \
{ \
	uint32_t end = b + 1 < m->beslut.v + m->beslut.n ? b[1].x##_first : m->vec.n; \
	return end - b->x##_first; \
}

struct bestallning {
	str_ref id;
	union {                 /* beslut_id as given while export.c loads; */
		str_ref beslut_ref;
		uint32_t beslut;  /* the decision's index once it resolved it */
	};
	str_ref utforare;
	int32_t skickad, bekraftad;   /* minutes since epoch; bekraftad INT32_MIN = none */
	evb_date avslutad_datum;
	struct src src;
};

struct verkstallighet {
	str_ref id;
	union {                 /* beslut_id as given while export.c loads; */
		str_ref beslut_ref;
		uint32_t beslut;  /* the decision's index once it resolved it */
	};
	str_ref bestallning_ref;  /* STR_NONE when not given */
	str_ref utforare;
	evb_date startdatum, slutdatum;   /* slutdatum DATE_NONE = ongoing */
	double omfattning;
	struct src src;
};

struct avbrott {
	str_ref id;
	union {                 /* beslut_id as given while export.c loads; */
		str_ref beslut_ref;
		uint32_t beslut;  /* the decision's index once it resolved it */
	};
	str_ref verkstallighet_ref;
	str_ref orsak;
	evb_date fran_datum, till_datum, registrerad_datum;
	struct src src;
};

struct handelse {
	str_ref id;
	union {                 /* beslut_id as given while export.c loads; */
		str_ref beslut_ref;
		uint32_t beslut;  /* the decision's index once it resolved it */
	};
	evb_date datum;
	str_ref text;
	uint8_t typ;
	uint16_t skal;          /* the skal_kategori/skal_orsak pair: its row
				 * in templates/skal.csv + 1, 0 = none */
	struct src src;
};

struct maltid {
	uint32_t person;
	str_ref enhet;
	evb_date datum;         /* DATE_NONE for a monthly count */
	int32_t manad;          /* year * 12 + (month - 1) */
	int32_t antal;
	uint8_t typ;
	struct src src;
};

/* A rejected record or a problem at reader level. */
struct reject {
	struct src src;
	int8_t kind;            /* enum kind, -1 unknown */
	const char *column;     /* static string or NULL */
	str_ref value;          /* shortened value */
	const char *reason_key; /* "reject.*" text key (static) */
	str_ref reason;         /* English reason */
};

/* A data-quality finding for the "Kontroller" sheets (SPEC 5.5). Its
 * "Uppgift" is the check's text (texts.csv "uppgift.<check>") with the
 * fields below put in: {beslut} {beslutsdatum} {datum} {varde} {annan}
 * {fran} {till}. */
/* A finding names its check by an index into the model's check_keys
 * (a county-wide export holds hundreds of thousands of findings: 44
 * bytes each). */
struct finding {
	struct src src;         /* src.file = UINT16_MAX when none */
	uint8_t check;          /* the check: finding_check() */
	int8_t kind;
	str_ref id;             /* Post-id: the record found, STR_NONE if none
				 * (never a personnummer) */
	uint32_t beslut;        /* the decision it concerns, IDX_NONE if none */
	uint32_t person;        /* IDX_NONE if none */
	evb_date datum;
	str_ref detail;         /* {varde}: a Swedish text or a number */
	str_ref other;          /* {annan}: the other record's id */
	evb_date from, to;      /* {fran} {till}: the other record's period */
};

struct input_file {
	char *path;             /* as given on the command line / found in --in */
	char *display;          /* shown in messages and reports */
	char sha256[65];
	uint64_t size;
	int kind;               /* CSV: enum kind; XML: -1 */
	bool xml, cp1252, bom;
	char delimiter;
	long read[K__COUNT], used[K__COUNT], rejected[K__COUNT];
};

#define MODEL_MAX_CHECKS 64   /* distinct checks a run can find */

#define VEC(T) struct { T *v; uint32_t n, cap; }

struct u32map {
	uint64_t *slots;        /* key << 32 | value; key 0 = empty */
	size_t nslots, used;
};

struct hash_queue;

struct model {
	struct intern strings;
	VEC(struct input_file) files;
	struct hash_queue *digests;    /* the files' SHA-256 being computed: export_digests */
	VEC(struct person) persons;
	VEC(struct beslut) beslut;
	VEC(struct bestallning) bestallningar;
	VEC(struct verkstallighet) verkstalligheter;
	VEC(struct avbrott) avbrott;
	VEC(struct handelse) handelser;
	VEC(struct maltid) maltider;
	VEC(struct reject) rejects;
	VEC(struct finding) findings;
	const char *check_keys[MODEL_MAX_CHECKS];   /* "check.*" text keys (static) */
	int ncheck_keys;
	/* per-kind counts over all files */
	long read[K__COUNT], used[K__COUNT], rejected[K__COUNT], merged[K__COUNT];
	bool has_personer;             /* some personer records were read */
	evb_date asof;                 /* evaluation date used for parsing */
};

BESLUT_COUNT(v, verkstalligheter)
BESLUT_COUNT(a, avbrott)
BESLUT_COUNT(h, handelser)
BESLUT_COUNT(o, bestallningar)
#undef BESLUT_COUNT

/* Gives back the records of kind K_BESTALLNING, K_VERKSTALLIGHET,
 * K_AVBROTT, K_HANDELSE or K_MALTID once the rest of a run reads them no
 * more (the checks and counts are done by then): the array is freed and
 * every decision's range of that kind is empty. */
void model_drop(struct model *m, enum kind kind);

void model_init(struct model *m, evb_date asof);
void model_release(struct model *m);

str_ref intern_str(struct intern *in, const char *s, size_t len);
/*
 * Interns s[0..len) as a key: a string first interned this way keeps a
 * 32-bit value beside it (after its NUL; INTERN_KEYED in its flags), so a
 * look-up that finds the string has the value in the same cache line,
 * where a map from reference to value would cost a second miss. *keyed
 * says whether it has that value (IDX_NONE until set), false when s was
 * interned as a plain string first: the caller keeps the value elsewhere.
 * STR_NONE as intern_str.
 */
str_ref intern_key(struct intern *in, const char *s, size_t len, bool *keyed);
/* The value of key r, of len bytes, interned by intern_key (keyed). */
static inline uint32_t intern_value_get(const struct intern *in, str_ref r, size_t len)
{
	uint32_t v;
	memcpy(&v, in->buf + r + len + 1, sizeof(v));
	return v;
}
static inline void intern_value_set(struct intern *in, str_ref r, size_t len, uint32_t v)
{
	memcpy(in->buf + r + len + 1, &v, sizeof(v));
}
/* Starts loading the part of the table where s would be looked up. */
void intern_prefetch(const struct intern *in, const char *s, size_t len);
/* Before the first string: about n strings will be interned, so the table
 * starts that large instead of growing to it (each growth reads every
 * string again, and for a moment holds the old table and the new). */
void intern_expect(struct intern *in, size_t n);
/* Gives the look-up table back once the export is read: the strings the
 * records compare by reference are all in. A string interned after this
 * is a text to show (a reason, a detail): it is appended, not looked up,
 * so it may equal an older string under another reference. */
void intern_seal(struct intern *in);
/* A byte of flags that belongs to an interned string (r != STR_NONE),
 * zero when the string is first interned but for INTERN_KEYED; export.c
 * marks in its low seven bits the kinds of record that use the string as
 * their id. */
#define INTERN_KEYED 0x80u
static inline uint8_t *intern_flags(struct intern *in, str_ref r)
{
	return (uint8_t *)in->buf + r - 1;
}
static inline const char *str_get(const struct model *m, str_ref r)
{
	return r != STR_NONE ? m->strings.buf + r : "";
}
/* memcmp(a, b, len) == 0, with two overlapping words for 8 to 16 bytes
 * (most ids) instead of a call. */
static inline bool intern_same(const char *a, const char *b, size_t len)
{
	if (len < 8 || len > 16)
		return memcmp(a, b, len) == 0;
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, a, 8);
	memcpy(&b0, b, 8);
	memcpy(&a1, a + len - 8, 8);
	memcpy(&b1, b + len - 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

/* Whether the interned string r is s[0..len) (s holds no NUL). A string
 * of len bytes starts len + 1 bytes or more before the buffer's end, and
 * only then are len bytes compared and one more read. */
static inline bool intern_is(const struct intern *in, str_ref r, const char *s, size_t len)
{
	return r != STR_NONE && r + len < in->len && intern_same(in->buf + r, s, len) &&
	       in->buf[r + len] == '\0';
}

/* Interns a formatted detail text (at most 255 bytes); STR_NONE on a
 * formatting error, and m->strings.failed on ENOMEM. */
str_ref model_strf(struct model *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Adds a data-quality finding; 0 or EVB_ENOMEM. */
/* The "check.*" text key of a finding. */
static inline const char *finding_check(const struct model *m, const struct finding *f)
{
	return m->check_keys[f->check];
}

int model_add_finding(struct model *m, const char *check_key, struct src src,
		      int kind, str_ref id, uint32_t person, evb_date datum,
		      str_ref detail);
/* Adds a finding about decision `beslut` (its person too) and returns it
 * for the caller to fill in the rest; NULL on ENOMEM. */
struct finding *model_add_beslut_finding(struct model *m, const char *check_key,
					 struct src src, int kind, str_ref id,
					 uint32_t beslut, evb_date datum);

/* A personnummer's 12 digits as a number, ordered as the strings are;
 * UINT64_MAX for anything but 12 digits (sorts last). */
uint64_t model_pnr_number(const char *s);

/* The order persons are ranked in everywhere: by model_pnr_number(), then
 * by their index (a total order); as strcmp's result. */
static inline int model_cmp_pnr(uint64_t anum, uint32_t aperson, uint64_t bnum,
				uint32_t bperson)
{
	if (anum != bnum)
		return anum < bnum ? -1 : 1;
	return aperson < bperson ? -1 : aperson > bperson;
}

/* Each person's position in personnummer order (a total order), for
 * sorting report rows without a comparison context. With `only`, just the
 * persons i with only[i] != 0 are ranked, among themselves (in the same
 * order), and the others get IDX_NONE. Caller frees; NULL on ENOMEM. */
uint32_t *model_person_ranks(const struct model *m, const uint8_t *only);

/*
 * The decisions i with keep(&m->beslut.v[i]) (all of them when keep is
 * NULL) in person order, each person's by cmp (a qsort comparator of
 * decision indices): grouped with a counting sort, since persons are
 * indices, then each person's few sorted. The order of a qsort of them
 * all by person and then cmp, when cmp is a total order. *nout gets their
 * number. Caller frees; NULL on ENOMEM.
 */
uint32_t *model_beslut_by_person(const struct model *m, bool (*keep)(const struct beslut *),
				 int (*cmp)(const void *, const void *), uint32_t *nout);

/* Brings what a report row shows of person `person` into the cache some
 * rows before the row is written: stage 0 the person, stage 1 (a few rows
 * later, the person in the cache) its personnummer and names. Out of line
 * on purpose: GCC 12 finds a function of the same file that only
 * prefetches to have no effect (ipa-modref) and drops the calls. */
void model_prefetch_person(const struct model *m, uint32_t person, int stage);

/* Makes room for one more element in a VEC(): *pv points at the VEC's
 * array pointer. Returns false on ENOMEM or when the count would pass
 * UINT32_MAX - 1 (the vector is left as it was). */
bool vec_grow(void *pv, uint32_t *cap, uint32_t n, size_t elem);
/* Appends a zeroed element and returns a pointer to it, NULL on ENOMEM. */
#define VEC_PUSH(vec) \
	(((vec).n < (vec).cap || vec_grow(&(vec).v, &(vec).cap, (vec).n, sizeof(*(vec).v))) \
	 ? memset(&(vec).v[(vec).n++], 0, sizeof(*(vec).v)) : NULL)

/* Moves element i of arr (n elements of elem bytes) to place dest[i], for
 * every i, in place; dest must be a permutation and is used up (every
 * dest[i] ends as i); tmp holds one element. */
void array_permute(void *arr, uint32_t *dest, uint32_t n, size_t elem, void *tmp);

/* qsort that accepts an empty (NULL) array. */
static inline void sort_array(void *base, size_t n, size_t size,
			      int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

int u32map_put(struct u32map *map, uint32_t key, uint32_t value);
/* IDX_NONE if absent */
uint32_t u32map_get(const struct u32map *map, uint32_t key);
/* Sizes an empty map for n keys, so that putting them grows it no more. */
int u32map_reserve(struct u32map *map, size_t n);
/* Asks for the memory where key is looked for: a loop over many keys
 * prefetches some ahead of the one it looks up, and the slots come from
 * memory side by side instead of one after the other. */
void u32map_prefetch(const struct u32map *map, uint32_t key);
void u32map_release(struct u32map *map);

#endif
