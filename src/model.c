/* Interned strings, growable vectors, id maps and code tables. */
#define _DEFAULT_SOURCE   /* madvise, MADV_HUGEPAGE */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>

#include "model.h"
#include "hash.h"

const char *const avslutsorsak_codes[ORSAK__N] = {
	"", "avliden", "flyttat", "aterkallad", "behov_upphort", "lopt_ut",
	"nytt_beslut", "annat",
};
const char *const enhet_codes[ENHET__N] = {
	"", "tim/man", "tim/vecka", "tillf/vecka", "dygn/man", "st/man",
};
const char *const handelse_typ_codes[HT__N] = {
	"erbjudande", "tackat_ja", "tackat_nej", "kontakt", "sammanfattning",
	"delvis_verkstallt", "kompenserande_insats", "skal",
};
const char *const maltidstyp_codes[MT__N] = {
	"lunch", "frukost", "mellanmal", "middag", "matlada",
};

int code_lookup(const char *const *table, int n, const char *code)
{
	for (int i = 0; i < n; i++)
		if (strcmp(table[i], code) == 0)
			return i;
	return -1;
}

/* ---- big tables ------------------------------------------------------- */

#define HUGE_PAGE ((uintptr_t)2 << 20)

/*
 * Asks for 2 MiB pages under a table read at random places, once it is
 * known to be well filled or too big for the TLB anyway (intern_setup):
 * the intern table, the id maps. (Not the strings' buffer: grown by
 * realloc after the export is read, it then held 57 MB more in `ivo` at
 * 1 M.) With 4 KiB pages nearly every probe of a table of hundreds of MB
 * also misses the TLB, and under a hypervisor a page walk costs several
 * memory reads. Only the 2 MiB-aligned inside of the block (a block this
 * big is a mapping of its own, see main.c); a hint: where it is refused
 * nothing changes.
 */
static void huge_pages(void *p, size_t size)
{
	if (!p || size < 2 * HUGE_PAGE)
		return;
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t e = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);
	if (e > a)
		(void)madvise((void *)a, (size_t)(e - a), MADV_HUGEPAGE);
}

/* ---- vectors ---------------------------------------------------------- */

bool vec_grow(void *pv, uint32_t *cap, uint32_t n, size_t elem)
{
	void **p = pv;
	if (n < *cap)
		return true;
	if (n >= UINT32_MAX / 2)
		return false;
	uint32_t ncap = *cap ? *cap * 2 : 64;
	if (ncap > UINT32_MAX - 1)
		ncap = UINT32_MAX - 1;
	void *nv = realloc(*p, (size_t)ncap * elem);
	if (!nv)
		return false;
	*p = nv;
	*cap = ncap;
	return true;
}

void array_permute(void *arr, uint32_t *dest, uint32_t n, size_t elem, void *tmp)
{
	char *a = arr;
	for (uint32_t i = 0; i < n; i++) {
		while (dest[i] != i) {
			uint32_t j = dest[i];
			memcpy(tmp, a + (size_t)j * elem, elem);
			memcpy(a + (size_t)j * elem, a + (size_t)i * elem, elem);
			memcpy(a + (size_t)i * elem, tmp, elem);
			dest[i] = dest[j];
			dest[j] = j;
		}
	}
}

/* ---- hashing ---------------------------------------------------------- */

/* The len (1 to 7) bytes at s as one word: on a little-endian machine the
 * value memcpy into a zeroed word gives. Read with whole words, not byte
 * by byte: from s + len - 8 when `behind` (those bytes belong to the
 * string too), else with overlapping halves or single bytes. */
static inline uint64_t tail_word(const char *s, size_t len, bool behind)
{
	uint64_t w;
	uint32_t lo, hi;
	if (behind) {
		memcpy(&w, s + len - 8, 8);
		return w >> (8 * (8 - len));
	}
	if (len >= 4) {
		memcpy(&lo, s, 4);
		memcpy(&hi, s + len - 4, 4);
		return lo | (uint64_t)hi << (8 * (len - 4));
	}
	return (uint64_t)(unsigned char)s[0] |
	       (uint64_t)(unsigned char)s[len / 2] << (8 * (len / 2)) |
	       (uint64_t)(unsigned char)s[len - 1] << (8 * (len - 1));
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	/* eight bytes at a time, each word mixed in by a multiplication (the
	 * strings are ids, dates and names: mostly 8 to 20 bytes), then a final
	 * mix so low bits are usable as a slot index */
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;
	bool behind = len >= 8;
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	if (len) {
		w = tail_word(s, len, behind);
		h = (h ^ w) * 0x94d049bb133111ebULL;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_u32(uint32_t k)
{
	uint64_t h = k * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/* ---- intern ----------------------------------------------------------- */

#define INTERN_MAX_BYTES ((size_t)UINT32_MAX - 1)

/*
 * The intern table: a slot is a string's offset, and beside it a tag of 7
 * bits of its hash (odd, so 0 marks an empty slot). A probe reads the tags
 * alone until one matches, so the table can be four fifths full; it grows
 * by half (any size: the slot is taken from the hash's high bits by a
 * multiplication), which leaves less of it unused than doubling would.
 */
#define INTERN_FIRST_SLOTS 4096
#define INTERN_HUGE_SLOTS (8u << 20)

static int intern_setup(struct intern *in)
{
	in->cap = 1 << 16;
	in->buf = malloc(in->cap);
	in->nslots = in->nslots > INTERN_FIRST_SLOTS ? in->nslots : INTERN_FIRST_SLOTS;
	in->slots = malloc(in->nslots * sizeof(*in->slots));
	in->tags = calloc(in->nslots, 1);
	if (!in->buf || !in->slots || !in->tags)
		return EVB_ENOMEM;
	/* the table is sized from the input's bytes: an input of a few huge
	 * fields has a big, nearly empty one, which 2 MiB pages would make
	 * resident. Only a table too big for the TLB anyway gets them (about
	 * 600 MB of CSV; a grown table is full enough) */
	if (in->nslots >= INTERN_HUGE_SLOTS) {
		huge_pages(in->slots, in->nslots * sizeof(*in->slots));
		huge_pages(in->tags, in->nslots);
	}
	in->buf[0] = '\0';
	in->len = 1;
	return 0;
}

static uint8_t hash_tag(uint64_t h)
{
	return (uint8_t)(h | 1);        /* the slot comes from the high bits */
}

static size_t hash_slot(uint64_t h, size_t nslots)
{
	return (size_t)(((h >> 32) * (uint64_t)nslots) >> 32);
}

/*
 * Grows the table by half. The strings are taken from the buffer in the
 * order they were stored (every string in it is in the table until the
 * seal), so the buffer is read from start to end instead of at random
 * places, one cache miss per slot.
 */
static bool intern_rehash(struct intern *in)
{
	size_t n = in->nslots + in->nslots / 2;
	if (n > UINT32_MAX)
		return false;
	uint32_t *ns = malloc(n * sizeof(*ns));
	uint8_t *nt = calloc(n, 1);
	if (!ns || !nt) {
		free(ns);
		free(nt);
		return false;
	}
	huge_pages(ns, n * sizeof(*ns));
	huge_pages(nt, n);
	/* offset 0 is ""; then a flags byte, the string, its NUL and, for a
	 * key, its value */
	for (size_t p = 1; p < in->len;) {
		uint32_t off = (uint32_t)p + 1;
		const char *s = in->buf + off;
		size_t len = strlen(s);
		uint64_t h = hash_bytes(s, len);
		size_t j = hash_slot(h, n);
		while (nt[j])
			j = j + 1 == n ? 0 : j + 1;
		ns[j] = off;
		nt[j] = hash_tag(h);
		p = off + len + 1 + (in->buf[p] & INTERN_KEYED ? sizeof(uint32_t) : 0);
	}
	free(in->slots);
	free(in->tags);
	in->slots = ns;
	in->tags = nt;
	in->nslots = n;
	return true;
}

static str_ref intern_fail(struct intern *in)
{
	in->failed = true;
	return STR_NONE;
}

/* Stores s[0..len) (len > 0) after the last string: a flags byte, its
 * bytes, a NUL and `extra` bytes (a key's value, IDX_NONE). */
static str_ref intern_append(struct intern *in, const char *s, size_t len, size_t extra)
{
	size_t need = len + 2 + extra;
	if (in->len + need > INTERN_MAX_BYTES)
		return intern_fail(in);
	if (in->len + need > in->cap) {
		size_t ncap = in->cap;
		while (in->len + need > ncap)
			ncap *= 2;
		if (ncap > INTERN_MAX_BYTES)
			ncap = INTERN_MAX_BYTES;
		char *nb = realloc(in->buf, ncap);
		if (!nb)
			return intern_fail(in);
		in->buf = nb;
		in->cap = ncap;
	}
	in->buf[in->len] = extra ? (char)INTERN_KEYED : 0;
	uint32_t off = (uint32_t)in->len + 1;
	memcpy(in->buf + off, s, len);
	in->buf[off + len] = '\0';
	memset(in->buf + off + len + 1, 0xff, extra);
	in->len += need;
	return off;
}

/* Finds s[0..len) or stores it with `extra` bytes after it. */
static str_ref intern_find(struct intern *in, const char *s, size_t len, size_t extra)
{
	if (len == 0 || in->failed)     /* after a failure the table may be partial */
		return STR_NONE;
	if (!in->buf && intern_setup(in) != 0)
		return intern_fail(in);
	if (in->sealed)
		return intern_append(in, s, len, extra);
	if (in->used * 5 >= in->nslots * 4 && !intern_rehash(in))
		return intern_fail(in);
	uint64_t h = hash_bytes(s, len);
	uint8_t tag = hash_tag(h);
	size_t j = hash_slot(h, in->nslots);
	for (; in->tags[j]; j = j + 1 == in->nslots ? 0 : j + 1) {
		if (in->tags[j] != tag)
			continue;
		if (intern_is(in, in->slots[j], s, len))
			return in->slots[j];
	}
	str_ref off = intern_append(in, s, len, extra);
	if (off != STR_NONE) {
		in->slots[j] = off;
		in->tags[j] = tag;
		in->used++;
	}
	return off;
}

/* Returns STR_NONE for ""; on ENOMEM also STR_NONE, with in->failed set. */
str_ref intern_str(struct intern *in, const char *s, size_t len)
{
	return intern_find(in, s, len, 0);
}

str_ref intern_key(struct intern *in, const char *s, size_t len, bool *keyed)
{
	str_ref r = intern_find(in, s, len, sizeof(uint32_t));
	*keyed = r != STR_NONE && (*intern_flags(in, r) & INTERN_KEYED);
	return r;
}

void intern_prefetch(const struct intern *in, const char *s, size_t len)
{
	if (len == 0 || !in->slots || in->sealed)
		return;
	size_t j = hash_slot(hash_bytes(s, len), in->nslots);
	__builtin_prefetch(&in->tags[j]);
	__builtin_prefetch(&in->slots[j]);
}

void intern_expect(struct intern *in, size_t n)
{
	if (!in->buf && n <= UINT32_MAX / 5 * 4)
		in->nslots = n + n / 4;
}

void intern_seal(struct intern *in)
{
	free(in->slots);
	free(in->tags);
	in->slots = NULL;
	in->tags = NULL;
	in->nslots = in->used = 0;
	in->sealed = true;
}

/* ---- u32 map ------------------------------------------------------------ */

/* Keys are str_refs (never 0 for a present string), so 0 marks an empty
 * slot. A map holds at most three keys in four slots. */
static bool u32map_resize(struct u32map *map, size_t n);

static bool u32map_rehash(struct u32map *map)
{
	return u32map_resize(map, map->nslots ? map->nslots * 2 : 1024);
}

int u32map_reserve(struct u32map *map, size_t n)
{
	size_t slots = 1024;
	while (slots / 4 * 3 < n)
		slots *= 2;
	return map->used == 0 && slots > map->nslots && !u32map_resize(map, slots) ? EVB_ENOMEM
										     : 0;
}

void u32map_prefetch(const struct u32map *map, uint32_t key)
{
	if (map->nslots)
		__builtin_prefetch(&map->slots[hash_u32(key) & (map->nslots - 1)]);
}

static bool u32map_resize(struct u32map *map, size_t n)
{
	uint64_t *ns = calloc(n, sizeof(*ns));
	if (!ns)
		return false;
	huge_pages(ns, n * sizeof(*ns));
	for (size_t i = 0; i < map->nslots; i++) {
		uint64_t e = map->slots[i];
		if (!e)
			continue;
		size_t j = hash_u32((uint32_t)(e >> 32)) & (n - 1);
		while (ns[j])
			j = (j + 1) & (n - 1);
		ns[j] = e;
	}
	free(map->slots);
	map->slots = ns;
	map->nslots = n;
	return true;
}

int u32map_put(struct u32map *map, uint32_t key, uint32_t value)
{
	if (key == 0)
		return EVB_EINVAL;
	if ((map->used + 1) * 4 > map->nslots * 3 && !u32map_rehash(map))
		return EVB_ENOMEM;
	size_t j = hash_u32(key) & (map->nslots - 1);
	while (map->slots[j]) {
		if ((uint32_t)(map->slots[j] >> 32) == key) {
			map->slots[j] = (uint64_t)key << 32 | value;
			return 0;
		}
		j = (j + 1) & (map->nslots - 1);
	}
	map->slots[j] = (uint64_t)key << 32 | value;
	map->used++;
	return 0;
}

uint32_t u32map_get(const struct u32map *map, uint32_t key)
{
	if (!map->nslots || key == 0)
		return IDX_NONE;
	size_t j = hash_u32(key) & (map->nslots - 1);
	while (map->slots[j]) {
		if ((uint32_t)(map->slots[j] >> 32) == key)
			return (uint32_t)map->slots[j];
		j = (j + 1) & (map->nslots - 1);
	}
	return IDX_NONE;
}

void u32map_release(struct u32map *map)
{
	free(map->slots);
	memset(map, 0, sizeof(*map));
}

str_ref model_strf(struct model *m, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return n < 0 ? STR_NONE : intern_str(&m->strings, buf, strlen(buf));
}

_Static_assert(sizeof(struct finding) == 44, "a finding is 44 bytes");

int model_add_finding(struct model *m, const char *check_key, struct src src,
		      int kind, str_ref id, uint32_t person, evb_date datum,
		      str_ref detail)
{
	int k = 0;
	while (k < m->ncheck_keys && m->check_keys[k] != check_key &&
	       strcmp(m->check_keys[k], check_key) != 0)
		k++;
	if (k == m->ncheck_keys) {
		if (k == MODEL_MAX_CHECKS)
			return EVB_EINVAL;   /* more checks than the program has */
		m->check_keys[m->ncheck_keys++] = check_key;
	}
	struct finding *f = VEC_PUSH(m->findings);
	if (!f)
		return EVB_ENOMEM;
	f->check = (uint8_t)k;
	f->src = src;
	f->kind = (int8_t)kind;
	f->id = id;
	f->beslut = IDX_NONE;
	f->person = person;
	f->datum = datum;
	f->detail = detail;
	f->from = f->to = DATE_NONE;
	return 0;
}

struct finding *model_add_beslut_finding(struct model *m, const char *check_key,
					 struct src src, int kind, str_ref id,
					 uint32_t beslut, evb_date datum)
{
	if (model_add_finding(m, check_key, src, kind, id, m->beslut.v[beslut].person,
			      datum, STR_NONE))
		return NULL;
	struct finding *f = &m->findings.v[m->findings.n - 1];
	f->beslut = beslut;
	return f;
}

/* ---- person order ------------------------------------------------------- */

struct pnr_key {
	uint64_t num;           /* the 12 digits as a number */
	uint32_t person;
};

/* Compared without reading the strings again (a sort of millions of
 * persons by strcmp went to memory for nearly every comparison). export.c
 * stores every person's personnummer as 12 digits; anything else sorts
 * last, by person. */
uint64_t model_pnr_number(const char *s)
{
	uint64_t v = 0;
	for (int i = 0; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9')
			return UINT64_MAX;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return s[12] == '\0' ? v : UINT64_MAX;
}

/* Radix digits of a key: a personnummer's number is below 10^12 < 2^40,
 * so three digits of 14 bits order every number, and UINT64_MAX (not 12
 * digits) has all 42 bits set: after every number. */
enum { RADIX_BITS = 14, RADIX_PASSES = 3, RADIX_SIZE = 1 << RADIX_BITS };
_Static_assert(RADIX_BITS * RADIX_PASSES >= 40, "2^40 - 1 > 999999999999");

static uint32_t radix_digit(const struct pnr_key *k, int pass)
{
	return (uint32_t)(k->num >> (pass * RADIX_BITS)) & (RADIX_SIZE - 1);
}

/*
 * Sorts keys[0..n) (n > 0) by number, with tmp (room for n keys) beside
 * them, and returns the one of the two that holds the result. A radix
 * sort from the least significant digit keeps keys with the same number
 * in the order they came in, person order here: the order of
 * model_cmp_pnr. It reads each key four times where a qsort compared it
 * some twenty times (2.4 M persons at 5 M decisions: 0.85 s).
 */
static struct pnr_key *sort_pnr_keys(struct pnr_key *keys, struct pnr_key *tmp, uint32_t n,
				     uint32_t (*count)[RADIX_SIZE])
{
	for (uint32_t i = 0; i < n; i++)
		for (int p = 0; p < RADIX_PASSES; p++)
			count[p][radix_digit(&keys[i], p)]++;
	struct pnr_key *from = keys, *to = tmp;
	for (int p = 0; p < RADIX_PASSES; p++) {
		uint32_t *c = count[p];
		if (c[radix_digit(&from[0], p)] == n)
			continue;       /* one digit for every key: nothing moves */
		uint32_t sum = 0;
		for (uint32_t d = 0; d < RADIX_SIZE; d++) {
			uint32_t k = c[d];
			c[d] = sum;
			sum += k;
		}
		for (uint32_t i = 0; i < n; i++)
			to[c[radix_digit(&from[i], p)]++] = from[i];
		struct pnr_key *t = from;
		from = to;
		to = t;
	}
	return from;
}

uint32_t *model_person_ranks(const struct model *m, const uint8_t *only)
{
	uint32_t n = m->persons.n, k = 0;
	uint32_t *rank = malloc(((size_t)n + 1) * sizeof(*rank));
	struct pnr_key *keys = malloc(((size_t)n + 1) * sizeof(*keys));
	struct pnr_key *tmp = malloc(((size_t)n + 1) * sizeof(*tmp));
	uint32_t (*count)[RADIX_SIZE] = calloc(RADIX_PASSES, sizeof(*count));
	if (!rank || !keys || !tmp || !count) {
		free(rank);
		rank = NULL;
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		/* the strings lie where each was first read: fetched ahead */
		if ((uint64_t)i + 16 < n)
			__builtin_prefetch(str_get(m, m->persons.v[i + 16].pnr));
		rank[i] = IDX_NONE;
		if (!only || only[i])
			keys[k++] = (struct pnr_key){ model_pnr_number(str_get(m, m->persons.v[i].pnr)), i };
	}
	const struct pnr_key *sorted = k ? sort_pnr_keys(keys, tmp, k, count) : keys;
	for (uint32_t i = 0; i < k; i++)
		rank[sorted[i].person] = i;
out:
	free(keys);
	free(tmp);
	free(count);
	return rank;
}

uint32_t *model_beslut_by_person(const struct model *m, bool (*keep)(const struct beslut *),
				 int (*cmp)(const void *, const void *), uint32_t *nout)
{
	uint32_t np = m->persons.n;
	uint32_t *idx = malloc(((size_t)m->beslut.n + 1) * sizeof(*idx));
	uint32_t *next = calloc((size_t)np + 1, sizeof(*next));
	if (!idx || !next) {
		free(idx);
		free(next);
		return NULL;
	}
	/* next[p + 1] counts person p's decisions; summed, next[p] is where
	 * person p's group starts */
	for (uint32_t i = 0; i < m->beslut.n; i++)
		if (!keep || keep(&m->beslut.v[i]))
			next[m->beslut.v[i].person + 1]++;
	for (uint32_t p = 0; p < np; p++)
		next[p + 1] += next[p];
	*nout = next[np];
	for (uint32_t i = 0; i < m->beslut.n; i++)
		if (!keep || keep(&m->beslut.v[i]))
			idx[next[m->beslut.v[i].person]++] = i;
	/* next[p] is now where person p's group ends */
	for (uint32_t p = 0, lo = 0; p < np; lo = next[p++]) {
		uint32_t k = next[p] - lo, *g = idx + lo;
		if (k > 8) {
			qsort(g, k, sizeof(*g), cmp);
			continue;
		}
		for (uint32_t i = 1; i < k; i++) {     /* insertion sort */
			uint32_t x = g[i], j = i;
			for (; j > 0 && cmp(&g[j - 1], &x) > 0; j--)
				g[j] = g[j - 1];
			g[j] = x;
		}
	}
	free(next);
	return idx;
}

void model_prefetch_person(const struct model *m, uint32_t person, int stage)
{
	const struct person *p = &m->persons.v[person];
	if (stage == 0) {
		__builtin_prefetch(p);
		return;
	}
	__builtin_prefetch(str_get(m, p->pnr));
	__builtin_prefetch(str_get(m, p->efternamn));
	__builtin_prefetch(str_get(m, p->fornamn));
}

/* ---- model -------------------------------------------------------------- */

#define DROP(vec, f) do { \
	free(m->vec.v); \
	m->vec.v = NULL; \
	m->vec.n = m->vec.cap = 0; \
	for (uint32_t i = 0; i < m->beslut.n; i++) \
		m->beslut.v[i].f##_first = 0; \
} while (0)

void model_drop(struct model *m, enum kind kind)
{
	switch (kind) {
	case K_BESTALLNING: DROP(bestallningar, o); break;
	case K_VERKSTALLIGHET: DROP(verkstalligheter, v); break;
	case K_AVBROTT: DROP(avbrott, a); break;
	case K_HANDELSE: DROP(handelser, h); break;
	case K_MALTID:
		free(m->maltider.v);
		m->maltider.v = NULL;
		m->maltider.n = m->maltider.cap = 0;
		break;
	default:
		break;  /* persons and decisions are read to the end */
	}
}
#undef DROP

void model_init(struct model *m, evb_date asof)
{
	memset(m, 0, sizeof(*m));
	m->asof = asof;
}

void model_release(struct model *m)
{
	hash_queue_free(m->digests);
	for (uint32_t i = 0; i < m->files.n; i++) {
		free(m->files.v[i].path);
		free(m->files.v[i].display);
	}
	free(m->files.v);
	free(m->persons.v);
	free(m->beslut.v);
	free(m->bestallningar.v);
	free(m->verkstalligheter.v);
	free(m->avbrott.v);
	free(m->handelser.v);
	free(m->maltider.v);
	free(m->rejects.v);
	free(m->findings.v);
	free(m->strings.buf);
	free(m->strings.slots);
	free(m->strings.tags);
	memset(m, 0, sizeof(*m));
}
