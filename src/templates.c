/*
 * Templates: the insats and skäl catalogues, the Swedish texts and the sheet
 * layouts, loaded from templates/ and validated once at start so that a
 * broken template stops the run (exit 2) before anything is written.
 *
 * All strings live in one arena owned by struct templates. Texts and layout
 * entries are kept sorted for bsearch (templates_text is called per cell);
 * the insats and skäl catalogues keep their file order plus a sorted index.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "csv_in.h"
#include "field.h"
#include "model.h"
#include "sheet.h"
#include "template_keys.h"
#include "templates.h"

/* Limits: the template files are ours, but a runaway file must still be a
 * clean error. */
#define TEMPLATES_MAX_ROWS   20000          /* data rows per file */
#define TEMPLATES_MAX_BYTES  (8u << 20)     /* all strings together */
#define ARENA_BLOCK          (16u << 10)
#define SHEET_NAME_MAX       31             /* Excel's limit, in characters */

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
};

struct text_entry {
	const char *key, *text;
	long line;
};

/* A price of taxor.csv. */
enum { TAXA_INSATS, TAXA_MALTID };
struct taxa {
	int typ;                /* TAXA_INSATS / TAXA_MALTID */
	int code;               /* catalogue index or enum maltidstyp */
	int enhet;              /* enum enhet; ENHET_NONE = every unit */
	evb_date from;
	int64_t ore;
	long line;
};

struct maxtaxa {
	int year;
	int64_t pbb, kronor;
	long line;
};

struct layout_entry {
	const char *book, *sheet, *column;  /* column "" = the sheet's name */
	const char *text;
	long line;
};

/* A row of looks.csv: a sheet's kind (column "") or a column's look. */
enum look_kind { LOOK_TABELL, LOOK_NYCKELVARDE, LOOK_ID, LOOK_TEXT };
static const char *const look_names[] = { "tabell", "nyckelvarde", "id", "text" };
struct look_entry {
	const char *book, *sheet, *column;
	enum look_kind look;
	int width;              /* wrap width in characters, 0 = none */
	long line;
};

enum { KAT_KOMMUNEN, KAT_UTANFOR, KAT_ENSKILDE, KAT__N };
static const char *const kategori_codes[KAT__N] = {
	"kommunen", "utanfor_kommunen", "den_enskilde",
};

/* The codes of SPEC Appendix A and their lagrum: fixed by the specification
 * (exports and tests use them); everything else in insatser.csv is data. */
static const struct {
	const char *code, *lagrum;
} fixed_insatser[] = {
	{ "LSS9_2", "LSS" }, { "LSS9_3", "LSS" }, { "LSS9_4", "LSS" },
	{ "LSS9_5", "LSS" }, { "LSS9_6", "LSS" }, { "LSS9_7", "LSS" },
	{ "LSS9_8", "LSS" }, { "LSS9_9", "LSS" }, { "LSS9_10", "LSS" },
	{ "SOL_HEMTJANST", "SoL" }, { "SOL_DAGVERKSAMHET", "SoL" },
	{ "SOL_SARSKILT_BOENDE", "SoL" }, { "SOL_KORTTIDSVISTELSE", "SoL" },
	{ "SOL_LEDSAGNING", "SoL" }, { "SOL_AVLOSNING", "SoL" },
	{ "SOL_KONTAKTPERSON", "SoL" }, { "SOL_BOENDESTOD", "SoL" },
	{ "SOL_TRYGGHETSLARM", "SoL" }, { "SOL_MATDISTRIBUTION", "SoL" },
	{ "SOL_SYSSELSATTNING", "SoL" }, { "SOL_BOSTAD_SARSKILD_SERVICE", "SoL" },
};
#define N_FIXED_INSATSER ((int)(sizeof(fixed_insatser) / sizeof(fixed_insatser[0])))

enum { COND_ALL, COND_SKYDDAD, COND_EJ_SKYDDAD };

/* A line of the message body: literal text and {field}s, their fields
 * looked up once when the line is loaded (a quarter lays out hundreds of
 * thousands of messages). */
struct message_line {
	const char *text;
	const unsigned char *field;     /* of each {…} in text, in order */
	uint32_t fields;                /* bit i: field i is in the line */
	int cond;
};
_Static_assert(MF__N <= 32, "a message line's fields fit in 32 bits");

struct templates {
	char *xsd_path;
	char *layouts_path;         /* for errors of templates_layout */
	char *looks_path;           /* for errors of templates_look */
	struct arena_block *arena;
	size_t arena_bytes;

	struct insats_info *insatser;
	long *insats_line;
	const struct insats_info **insats_sorted; /* sorted by code */
	int n_insatser, cap_insatser;

	struct skal_info *skal;
	long *skal_line;
	const struct skal_info **skal_sorted;     /* sorted by (kategori, code) */
	int n_skal, cap_skal;
	const char *kategori_text[KAT__N];

	struct text_entry *texts;   /* sorted by key after loading */
	int n_texts, cap_texts;

	struct layout_entry *layouts; /* sorted by (book, sheet, column) */
	int n_layouts, cap_layouts;

	struct look_entry *looks;    /* sorted by (book, sheet, column) */
	int n_looks, cap_looks;

	struct taxa *taxor;          /* file order */
	int n_taxor, cap_taxor;

	struct maxtaxa *maxtaxa;     /* file order */
	int n_maxtaxa, cap_maxtaxa;

	struct message_line *message; /* file order */
	int n_message, cap_message;
};

/* ---- arena --------------------------------------------------------------------- */

/* n bytes from the arena, or NULL (out of memory, or the templates'
 * limit reached). */
static void *arena_alloc(struct templates *t, size_t n)
{
	if (t->arena_bytes + n > TEMPLATES_MAX_BYTES)
		return NULL;
	struct arena_block *b = t->arena;
	if (!b || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		struct arena_block *nb = malloc(sizeof(*nb) + size);
		if (!nb)
			return NULL;
		nb->next = t->arena;
		nb->used = 0;
		nb->size = size;
		t->arena = nb;
		b = nb;
	}
	char *p = b->data + b->used;
	b->used += n;
	t->arena_bytes += n;
	return p;
}

static const char *arena_strdup(struct templates *t, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(t, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

/* Grows *v (of *cap elements of size elem) to hold one more than n. */
static int grow(void **v, int *cap, int n, size_t elem)
{
	if (n < *cap)
		return 0;
	if (n >= TEMPLATES_MAX_ROWS)
		return EVB_ETOOBIG;
	int nc = *cap ? *cap * 2 : 32;
	if (nc > TEMPLATES_MAX_ROWS)
		nc = TEMPLATES_MAX_ROWS;
	void *nv = realloc(*v, (size_t)nc * elem);
	if (!nv)
		return EVB_ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}

/* ---- small validators ----------------------------------------------------------- */

static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		int n;
		unsigned min;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			min = 0x80;
			c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			min = 0x800;
			c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			min = 0x10000;
			c &= 0x07;
		} else {
			return false;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			c = (c << 6) | (p[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Layout keys: a-z, 0-9 and '_'. */
static bool is_layout_key(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Text keys and codes: printable ASCII without blanks and ';'. */
static bool is_ascii_key(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == ';')
			return false;
	return true;
}

static bool ascii_case_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

static int kategori_index(const char *code)
{
	for (int i = 0; i < KAT__N; i++)
		if (strcmp(kategori_codes[i], code) == 0)
			return i;
	return -1;
}

/* ---- reading one file ------------------------------------------------------------ */

struct load_ctx {
	struct templates *t;
	const char *path;
	const char *const *header;  /* expected column names */
	int ncols;
	bool header_seen;
	int (*row)(struct load_ctx *c, long line, const char *const *f);
	struct evb_error err;       /* our own errors (the reader's go to its err) */
	bool failed;
};

#define LOAD_FAIL(c, line, col, ...) \
	((c)->failed = true, \
	 evb_error_set(&(c)->err, EVB_ETEMPLATE, (c)->path, (line), (col), __VA_ARGS__))

static int store_failure(struct load_ctx *c, long line, int ret)
{
	if (ret == EVB_ETOOBIG)
		return LOAD_FAIL(c, line, NULL, "too many rows (at most %d)",
				 TEMPLATES_MAX_ROWS);
	if (ret == EVB_ENOMEM)
		return LOAD_FAIL(c, line, NULL, "out of memory or template files over %u bytes: "
				 "close other programs, or check the templates folder",
				 TEMPLATES_MAX_BYTES);
	return ret;
}

static int on_record(void *ctx, long line, int nfields, const char *const *fields)
{
	struct load_ctx *c = ctx;
	if (!c->header_seen) {
		c->header_seen = true;
		for (int i = 0; i < c->ncols; i++)
			if (i >= nfields || !ascii_case_equal(fields[i], c->header[i]))
				return LOAD_FAIL(c, line, c->header[i],
						 "wrong header: expected '%s' in column %d, found '%.64s'",
						 c->header[i], i + 1, i < nfields ? fields[i] : "");
		if (nfields > c->ncols)
			return LOAD_FAIL(c, line, NULL,
					 "wrong header: unexpected column %d '%.64s'",
					 c->ncols + 1, fields[c->ncols]);
		return 0;
	}
	if (nfields != c->ncols)
		return LOAD_FAIL(c, line, NULL, "expected %d fields, found %d",
				 c->ncols, nfields);
	for (int i = 0; i < nfields; i++) {
		if (!utf8_valid(fields[i]))
			return LOAD_FAIL(c, line, c->header[i], "invalid UTF-8");
		if (has_control(fields[i]))
			return LOAD_FAIL(c, line, c->header[i], "control character in value");
	}
	return c->row(c, line, fields);
}

/* Reads one template file through the table reader. Any failure is
 * EVB_ETEMPLATE with the file (and line, column when known) in err. */
static int load_file(struct load_ctx *c, struct evb_error *err)
{
	struct evb_error rerr = { 0 };
	int ret = csv_in_read_table(c->path, on_record, c, &rerr);
	if (c->failed) {
		if (err)
			*err = c->err;
		return EVB_ETEMPLATE;
	}
	if (ret) {
		/* the reader's own error (cannot open, not UTF-8, bad quoting, ...) */
		if (!rerr.message[0])
			snprintf(rerr.message, sizeof(rerr.message),
				 "cannot read template (error %d)", ret);
		if (!rerr.file[0])
			snprintf(rerr.file, sizeof(rerr.file), "%s", c->path);
		rerr.code = EVB_ETEMPLATE;
		if (err)
			*err = rerr;
		return EVB_ETEMPLATE;
	}
	if (!c->header_seen)
		return evb_error_set(err, EVB_ETEMPLATE, c->path, 0, NULL,
				     "empty template: no header row");
	return 0;
}

/* ---- insatser.csv ---------------------------------------------------------------- */

enum { I_CODE, I_LAGRUM, I_PARAGRAF, I_NAMN, I_KORTNAMN, I_ANSVARIG,
       I_ANSVARIG_EXT, I_RAPP, I__N };
static const char *const insats_header[I__N] = {
	"code", "lagrum", "paragraf", "namn", "kortnamn", "ansvarig",
	"ansvarig_externt", "rapporteringspliktig",
};

static int fixed_insats(const char *code)
{
	for (int i = 0; i < N_FIXED_INSATSER; i++)
		if (strcmp(fixed_insatser[i].code, code) == 0)
			return i;
	return -1;
}

static int insats_row(struct load_ctx *c, long line, const char *const *f)
{
	struct templates *t = c->t;
	for (int i = 0; i < I__N; i++)
		if (i != I_PARAGRAF && !*f[i])
			return LOAD_FAIL(c, line, insats_header[i], "empty value");
	int fx = fixed_insats(f[I_CODE]);
	if (fx < 0)
		return LOAD_FAIL(c, line, "code",
				 "unknown insats code '%s' (the codes are fixed by the specification)",
				 f[I_CODE]);
	for (int i = 0; i < t->n_insatser; i++)
		if (strcmp(t->insatser[i].code, f[I_CODE]) == 0)
			return LOAD_FAIL(c, line, "code",
					 "duplicate insats code '%s' (first on line %ld)",
					 f[I_CODE], t->insats_line[i]);
	if (strcmp(f[I_LAGRUM], "SoL") != 0 && strcmp(f[I_LAGRUM], "LSS") != 0)
		return LOAD_FAIL(c, line, "lagrum", "lagrum '%s' is neither 'SoL' nor 'LSS'",
				 f[I_LAGRUM]);
	if (strcmp(f[I_LAGRUM], fixed_insatser[fx].lagrum) != 0)
		return LOAD_FAIL(c, line, "lagrum", "insats '%s' belongs to %s, not '%s'",
				 f[I_CODE], fixed_insatser[fx].lagrum, f[I_LAGRUM]);
	if (strcmp(f[I_RAPP], "0") != 0 && strcmp(f[I_RAPP], "1") != 0)
		return LOAD_FAIL(c, line, "rapporteringspliktig",
				 "rapporteringspliktig '%s' is neither 0 nor 1", f[I_RAPP]);

	int n = t->n_insatser, ret;
	int cap = t->cap_insatser;
	if ((ret = grow((void **)&t->insatser, &cap, n, sizeof(*t->insatser))))
		return store_failure(c, line, ret);
	if (cap != t->cap_insatser) {
		long *nl = realloc(t->insats_line, (size_t)cap * sizeof(*nl));
		if (!nl)
			return store_failure(c, line, EVB_ENOMEM);
		t->insats_line = nl;
		t->cap_insatser = cap;
	}
	struct insats_info *ii = &t->insatser[n];
	const char **dst[I__N - 1] = {
		&ii->code, &ii->lagrum, &ii->paragraph, &ii->name, &ii->short_name,
		&ii->ansvarig, &ii->ansvarig_externt,
	};
	for (int i = 0; i < I_RAPP; i++)
		if (!(*dst[i] = arena_strdup(t, f[i])))
			return store_failure(c, line, EVB_ENOMEM);
	ii->rapporteringspliktig = f[I_RAPP][0] == '1';
	t->insats_line[n] = line;
	t->n_insatser = n + 1;
	return 0;
}

/* ---- skal.csv -------------------------------------------------------------------- */

enum { S_KATEGORI, S_KATEGORI_TEXT, S_KOD, S_TEXT, S__N };
static const char *const skal_header[S__N] = { "kategori", "kategori_text", "kod", "text" };

static int skal_row(struct load_ctx *c, long line, const char *const *f)
{
	struct templates *t = c->t;
	for (int i = 0; i < S__N; i++)
		if (!*f[i])
			return LOAD_FAIL(c, line, skal_header[i], "empty value");
	int k = kategori_index(f[S_KATEGORI]);
	if (k < 0)
		return LOAD_FAIL(c, line, "kategori",
				 "unknown kategori '%s' (expected kommunen, utanfor_kommunen or den_enskilde)",
				 f[S_KATEGORI]);
	if (!is_ascii_key(f[S_KOD]))
		return LOAD_FAIL(c, line, "kod", "code '%s' must be ASCII without blanks",
				 f[S_KOD]);
	for (int i = 0; i < t->n_skal; i++)
		if (strcmp(t->skal[i].kategori, f[S_KATEGORI]) == 0 &&
		    strcmp(t->skal[i].code, f[S_KOD]) == 0)
			return LOAD_FAIL(c, line, "kod",
					 "duplicate skal '%s/%s' (first on line %ld)",
					 f[S_KATEGORI], f[S_KOD], t->skal_line[i]);
	if (t->kategori_text[k] && strcmp(t->kategori_text[k], f[S_KATEGORI_TEXT]) != 0)
		return LOAD_FAIL(c, line, "kategori_text",
				 "kategori '%s' has two texts: '%s' and '%s'",
				 f[S_KATEGORI], t->kategori_text[k], f[S_KATEGORI_TEXT]);

	int n = t->n_skal, ret;
	int cap = t->cap_skal;
	if ((ret = grow((void **)&t->skal, &cap, n, sizeof(*t->skal))))
		return store_failure(c, line, ret);
	if (cap != t->cap_skal) {
		long *nl = realloc(t->skal_line, (size_t)cap * sizeof(*nl));
		if (!nl)
			return store_failure(c, line, EVB_ENOMEM);
		t->skal_line = nl;
		t->cap_skal = cap;
	}
	struct skal_info *si = &t->skal[n];
	if (!t->kategori_text[k] &&
	    !(t->kategori_text[k] = arena_strdup(t, f[S_KATEGORI_TEXT])))
		return store_failure(c, line, EVB_ENOMEM);
	si->kategori = kategori_codes[k];
	si->kategori_text = t->kategori_text[k];
	if (!(si->code = arena_strdup(t, f[S_KOD])) ||
	    !(si->text = arena_strdup(t, f[S_TEXT])))
		return store_failure(c, line, EVB_ENOMEM);
	t->skal_line[n] = line;
	t->n_skal = n + 1;
	return 0;
}

/* ---- texts.csv ------------------------------------------------------------------- */

static const char *const text_header[2] = { "key", "text" };

static int text_row(struct load_ctx *c, long line, const char *const *f)
{
	struct templates *t = c->t;
	if (!*f[0])
		return LOAD_FAIL(c, line, "key", "empty value");
	if (!is_ascii_key(f[0]))
		return LOAD_FAIL(c, line, "key", "key '%s' must be ASCII without blanks", f[0]);
	if (!*f[1])
		return LOAD_FAIL(c, line, "text", "empty text for key '%s'", f[0]);
	int ret = grow((void **)&t->texts, &t->cap_texts, t->n_texts, sizeof(*t->texts));
	if (ret)
		return store_failure(c, line, ret);
	struct text_entry *e = &t->texts[t->n_texts];
	if (!(e->key = arena_strdup(t, f[0])) || !(e->text = arena_strdup(t, f[1])))
		return store_failure(c, line, EVB_ENOMEM);
	e->line = line;
	t->n_texts++;
	return 0;
}

static int cmp_text(const void *a, const void *b)
{
	const struct text_entry *x = a, *y = b;
	int r = strcmp(x->key, y->key);
	if (r)
		return r;
	return (x->line > y->line) - (x->line < y->line);
}

static const struct text_entry *text_find(const struct templates *t, const char *key)
{
	size_t lo = 0, hi = (size_t)t->n_texts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(t->texts[mid].key, key);
		if (r == 0)
			return &t->texts[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- layouts.csv ----------------------------------------------------------------- */

enum { L_BOOK, L_SHEET, L_COLUMN, L_TEXT, L__N };
static const char *const layout_header[L__N] = { "book", "sheet", "column", "text" };

static int layout_row(struct load_ctx *c, long line, const char *const *f)
{
	struct templates *t = c->t;
	for (int i = 0; i < L__N; i++) {
		if (i == L_COLUMN && !*f[i])
			continue;
		if (!*f[i])
			return LOAD_FAIL(c, line, layout_header[i], "empty value");
		if (i != L_TEXT && !is_layout_key(f[i]))
			return LOAD_FAIL(c, line, layout_header[i],
					 "key '%s' may only hold a-z, 0-9 and '_'", f[i]);
	}
	if (!*f[L_COLUMN]) {
		const char *name = f[L_TEXT];
		if (utf8_chars(name) > SHEET_NAME_MAX)
			return LOAD_FAIL(c, line, "text",
					 "sheet name '%s' is longer than %d characters",
					 name, SHEET_NAME_MAX);
		if (strpbrk(name, "[]:*?/\\"))
			return LOAD_FAIL(c, line, "text",
					 "sheet name '%s' holds one of []:*?/\\", name);
		if (name[0] == '\'' || name[strlen(name) - 1] == '\'')
			return LOAD_FAIL(c, line, "text",
					 "sheet name '%s' starts or ends with an apostrophe", name);
	}
	int ret = grow((void **)&t->layouts, &t->cap_layouts, t->n_layouts,
		       sizeof(*t->layouts));
	if (ret)
		return store_failure(c, line, ret);
	struct layout_entry *e = &t->layouts[t->n_layouts];
	if (!(e->book = arena_strdup(t, f[L_BOOK])) ||
	    !(e->sheet = arena_strdup(t, f[L_SHEET])) ||
	    !(e->column = arena_strdup(t, f[L_COLUMN])) ||
	    !(e->text = arena_strdup(t, f[L_TEXT])))
		return store_failure(c, line, EVB_ENOMEM);
	e->line = line;
	t->n_layouts++;
	return 0;
}

static int cmp_layout_key(const char *book, const char *sheet, const char *column,
			  const struct layout_entry *e)
{
	int r = strcmp(book, e->book);
	if (!r)
		r = strcmp(sheet, e->sheet);
	if (!r)
		r = strcmp(column, e->column);
	return r;
}

static int cmp_layout(const void *a, const void *b)
{
	const struct layout_entry *x = a, *y = b;
	int r = cmp_layout_key(x->book, x->sheet, x->column, y);
	if (r)
		return r;
	return (x->line > y->line) - (x->line < y->line);
}

static const struct layout_entry *layout_find(const struct templates *t, const char *book,
					      const char *sheet, const char *column)
{
	size_t lo = 0, hi = (size_t)t->n_layouts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp_layout_key(book, sheet, column, &t->layouts[mid]);
		if (r == 0)
			return &t->layouts[mid];
		if (r > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- looks.csv --------------------------------------------------------------------- */

enum { K_BOOK, K_SHEET, K_COLUMN, K_LOOK, K_WIDTH, K__N };
static const char *const look_header[K__N] = { "book", "sheet", "column", "look", "width" };

static int look_row(struct load_ctx *c, long line, const char *const *f)
{
	struct templates *t = c->t;
	for (int i = K_BOOK; i <= K_COLUMN; i++)
		if ((*f[i] || i != K_COLUMN) && !is_layout_key(f[i]))
			return LOAD_FAIL(c, line, look_header[i],
					 "key '%s' may only hold a-z, 0-9 and '_'", f[i]);
	if (!layout_find(t, f[K_BOOK], f[K_SHEET], f[K_COLUMN]))
		return LOAD_FAIL(c, line, f[K_COLUMN][0] ? "column" : "sheet",
				 "'%s/%s%s%s' is not in layouts.csv", f[K_BOOK], f[K_SHEET],
				 f[K_COLUMN][0] ? "/" : "", f[K_COLUMN]);
	bool sheet_row = !f[K_COLUMN][0];
	int look = -1;
	for (int i = 0; i < (int)(sizeof(look_names) / sizeof(look_names[0])); i++)
		if (strcmp(f[K_LOOK], look_names[i]) == 0)
			look = i;
	if (look < 0 || sheet_row != (look == LOOK_TABELL || look == LOOK_NYCKELVARDE))
		return LOAD_FAIL(c, line, "look", "unknown look '%s' for a %s (use %s)", f[K_LOOK],
				 sheet_row ? "sheet" : "column",
				 sheet_row ? "tabell or nyckelvarde" : "id or text");
	long width = 0;
	if (*f[K_WIDTH]) {
		char *end;
		width = strtol(f[K_WIDTH], &end, 10);
		if (sheet_row || *end || end == f[K_WIDTH] || width < SHEET_WRAP_MIN ||
		    width > SHEET_WRAP_MAX)
			return LOAD_FAIL(c, line, "width",
					 "width '%s' is not a column's wrap width (%d to %d)",
					 f[K_WIDTH], SHEET_WRAP_MIN, SHEET_WRAP_MAX);
	}
	for (int i = 0; i < t->n_looks; i++) {
		const struct look_entry *q = &t->looks[i];
		if (!strcmp(q->book, f[K_BOOK]) && !strcmp(q->sheet, f[K_SHEET]) &&
		    !strcmp(q->column, f[K_COLUMN]))
			return LOAD_FAIL(c, line, "column", "'%s/%s%s%s' twice (first on line %ld)",
					 f[K_BOOK], f[K_SHEET], f[K_COLUMN][0] ? "/" : "",
					 f[K_COLUMN], q->line);
	}
	int ret = grow((void **)&t->looks, &t->cap_looks, t->n_looks, sizeof(*t->looks));
	if (ret)
		return store_failure(c, line, ret);
	struct look_entry *e = &t->looks[t->n_looks];
	if (!(e->book = arena_strdup(t, f[K_BOOK])) ||
	    !(e->sheet = arena_strdup(t, f[K_SHEET])) ||
	    !(e->column = arena_strdup(t, f[K_COLUMN])))
		return store_failure(c, line, EVB_ENOMEM);
	e->look = (enum look_kind)look;
	e->width = (int)width;
	e->line = line;
	t->n_looks++;
	return 0;
}

static const struct look_entry *look_find(const struct templates *t, const char *book,
					  const char *sheet, const char *column)
{
	for (int i = 0; i < t->n_looks; i++) {
		const struct look_entry *e = &t->looks[i];
		if (!strcmp(e->book, book) && !strcmp(e->sheet, sheet) && !strcmp(e->column, column))
			return e;
	}
	return NULL;
}

/* ---- checks after a whole file ---------------------------------------------------- */

static int cmp_insats_ptr(const void *a, const void *b)
{
	const struct insats_info *x = *(const struct insats_info *const *)a;
	const struct insats_info *y = *(const struct insats_info *const *)b;
	return strcmp(x->code, y->code);
}

static int cmp_skal_pair(const char *kat, const char *code, const struct skal_info *s)
{
	int r = strcmp(kat, s->kategori);
	return r ? r : strcmp(code, s->code);
}

static int cmp_skal_ptr(const void *a, const void *b)
{
	const struct skal_info *x = *(const struct skal_info *const *)a;
	const struct skal_info *y = *(const struct skal_info *const *)b;
	return cmp_skal_pair(x->kategori, x->code, y);
}

static int finish_insatser(struct templates *t, const char *path, struct evb_error *err)
{
	for (int i = 0; i < N_FIXED_INSATSER; i++) {
		bool found = false;
		for (int j = 0; j < t->n_insatser && !found; j++)
			found = strcmp(t->insatser[j].code, fixed_insatser[i].code) == 0;
		if (!found)
			return evb_error_set(err, EVB_ETEMPLATE, path, 0, "code",
					     "missing insats code '%s'", fixed_insatser[i].code);
	}
	t->insats_sorted = malloc(((size_t)t->n_insatser + 1) * sizeof(*t->insats_sorted));
	if (!t->insats_sorted)
		return evb_error_set(err, EVB_ENOMEM, path, 0, NULL, EVB_NOMEM_TEXT);
	for (int i = 0; i < t->n_insatser; i++)
		t->insats_sorted[i] = &t->insatser[i];
	qsort(t->insats_sorted, (size_t)t->n_insatser, sizeof(*t->insats_sorted),
	      cmp_insats_ptr);
	return 0;
}

static int finish_skal(struct templates *t, const char *path, struct evb_error *err)
{
	for (int k = 0; k < KAT__N; k++)
		if (!t->kategori_text[k])
			return evb_error_set(err, EVB_ETEMPLATE, path, 0, "kategori",
					     "no skal for kategori '%s'", kategori_codes[k]);
	t->skal_sorted = malloc(((size_t)t->n_skal + 1) * sizeof(*t->skal_sorted));
	if (!t->skal_sorted)
		return evb_error_set(err, EVB_ENOMEM, path, 0, NULL, EVB_NOMEM_TEXT);
	for (int i = 0; i < t->n_skal; i++)
		t->skal_sorted[i] = &t->skal[i];
	qsort(t->skal_sorted, (size_t)t->n_skal, sizeof(*t->skal_sorted), cmp_skal_ptr);
	return 0;
}

static int finish_texts(struct templates *t, const char *path, struct evb_error *err)
{
	if (t->n_texts > 0)     /* t->texts is NULL for a file without rows */
		qsort(t->texts, (size_t)t->n_texts, sizeof(*t->texts), cmp_text);
	/* report the duplicate that comes first in the file */
	const struct text_entry *dup = NULL;
	long first = 0;
	for (int i = 1; i < t->n_texts; i++)
		if (strcmp(t->texts[i - 1].key, t->texts[i].key) == 0 &&
		    (!dup || t->texts[i].line < dup->line)) {
			dup = &t->texts[i];
			first = t->texts[i - 1].line;
		}
	if (dup)
		return evb_error_set(err, EVB_ETEMPLATE, path, dup->line, "key",
				     "duplicate text key '%s' (first on line %ld)",
				     dup->key, first);
	for (const char *const *k = template_required_texts; *k; k++)
		if (!text_find(t, *k))
			return evb_error_set(err, EVB_ETEMPLATE, path, 0, "key",
					     "missing required text '%s'", *k);
	return 0;
}

/* Splits a required layout entry "book/sheet[/column]" and looks it up. */
static bool layout_required_present(const struct templates *t, const char *entry)
{
	char buf[192];
	size_t n = strlen(entry);
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, entry, n + 1);
	char *sheet = strchr(buf, '/');
	if (!sheet)
		return false;
	*sheet++ = '\0';
	char *column = strchr(sheet, '/');
	if (column)
		*column++ = '\0';
	return layout_find(t, buf, sheet, column ? column : "") != NULL;
}

enum layout_problem { LP_NONE, LP_DUPLICATE, LP_NO_NAME, LP_HEADER, LP_SHEET_NAME };

/* The first problem of sorted entry i, if any: *bad is the entry later in
 * the file, *first the line of the earlier entry it conflicts with. */
static enum layout_problem layout_problem(const struct templates *t, int i,
					  const struct layout_entry **bad, long *first)
{
	const struct layout_entry *e = &t->layouts[i];
	const struct layout_entry *p = i ? &t->layouts[i - 1] : NULL;
	bool same_sheet = p && strcmp(p->book, e->book) == 0 &&
			  strcmp(p->sheet, e->sheet) == 0;
	*bad = e;
	*first = 0;
	/* equal keys sort by line, so p is the earlier one */
	if (same_sheet && strcmp(p->column, e->column) == 0) {
		*first = p->line;
		return LP_DUPLICATE;
	}
	/* a sheet's name row ("" column) sorts first in its group */
	if (!same_sheet && e->column[0]) {
		/* name the sheet's first row in the file */
		for (int j = i + 1; j < t->n_layouts; j++) {
			const struct layout_entry *q = &t->layouts[j];
			if (strcmp(q->book, e->book) || strcmp(q->sheet, e->sheet))
				break;
			if (q->line < (*bad)->line)
				*bad = q;
		}
		return LP_NO_NAME;
	}
	for (int j = i - 1; j >= 0; j--) {
		const struct layout_entry *q = &t->layouts[j];
		bool clash;
		if (e->column[0]) {
			/* the headers of one sheet differ */
			if (strcmp(q->book, e->book) || strcmp(q->sheet, e->sheet))
				break;
			clash = q->column[0] && strcmp(q->text, e->text) == 0;
		} else {
			/* the sheet names of one book differ (Excel ignores case) */
			if (strcmp(q->book, e->book))
				break;
			clash = !q->column[0] && ascii_case_equal(q->text, e->text);
		}
		if (clash) {
			*bad = q->line > e->line ? q : e;
			*first = q->line > e->line ? e->line : q->line;
			return e->column[0] ? LP_HEADER : LP_SHEET_NAME;
		}
	}
	return LP_NONE;
}

static int finish_layouts(struct templates *t, const char *path, struct evb_error *err)
{
	if (t->n_layouts > 0)   /* t->layouts is NULL for a file without rows */
		qsort(t->layouts, (size_t)t->n_layouts, sizeof(*t->layouts), cmp_layout);
	/* report the problem that comes first in the file */
	enum layout_problem why = LP_NONE;
	const struct layout_entry *bad = NULL;
	long first = 0;
	for (int i = 0; i < t->n_layouts; i++) {
		const struct layout_entry *b;
		long f;
		enum layout_problem w = layout_problem(t, i, &b, &f);
		if (w != LP_NONE && (!bad || b->line < bad->line)) {
			why = w;
			bad = b;
			first = f;
		}
	}
	switch (why) {
	case LP_NONE:
		break;
	case LP_DUPLICATE:
		return evb_error_set(err, EVB_ETEMPLATE, path, bad->line, "column",
				     "duplicate layout entry '%s/%s%s%s' (first on line %ld)",
				     bad->book, bad->sheet, bad->column[0] ? "/" : "",
				     bad->column, first);
	case LP_NO_NAME:
		return evb_error_set(err, EVB_ETEMPLATE, path, bad->line, "sheet",
				     "sheet '%s/%s' has no name row (empty column)",
				     bad->book, bad->sheet);
	case LP_HEADER:
		return evb_error_set(err, EVB_ETEMPLATE, path, bad->line, "text",
				     "header '%s' used twice in sheet '%s/%s' (first on line %ld)",
				     bad->text, bad->book, bad->sheet, first);
	case LP_SHEET_NAME:
		return evb_error_set(err, EVB_ETEMPLATE, path, bad->line, "text",
				     "sheet name '%s' used twice in book '%s' (first on line %ld)",
				     bad->text, bad->book, first);
	}
	for (const char *const *k = template_required_layouts; *k; k++) {
		if (layout_required_present(t, *k))
			continue;
		const char *slash = strchr(*k, '/');
		if (slash && strchr(slash + 1, '/'))
			return evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL,
					     "missing required column header '%s'", *k);
		return evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL,
				     "missing required sheet name '%s'", *k);
	}
	return 0;
}

static int check_xsd(const char *path, struct evb_error *err)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL,
				     "cannot read template: %s", strerror(errno));
	struct stat st;
	int ret = 0;
	if (fstat(fd, &st) != 0)
		ret = evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL,
				    "cannot read template: %s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		ret = evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL,
				    "template is not a regular file");
	else if (st.st_size == 0)
		ret = evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL, "empty template");
	if (close(fd) != 0 && !ret)
		ret = evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL,
				    "cannot read template: %s", strerror(errno));
	return ret;
}

/* ---- taxor.csv ------------------------------------------------------------------ */

enum { T_TYP, T_KOD, T_ENHET, T_PRIS, T_GILTIG_FROM, T__N };
static const char *const taxa_header[T__N] = { "typ", "kod", "enhet", "pris", "giltig_from" };

/* "123", "123.5", "123,50": kronor with at most two decimals, as öre. */
static bool parse_kronor(const char *s, int64_t *ore)
{
	int64_t kr = 0, dec = 0;
	int digits = 0, decimals = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > 9)
			return false;
		kr = kr * 10 + (*s - '0');
	}
	if (digits == 0)
		return false;
	if (*s == '.' || *s == ',') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (++decimals > 2)
				return false;
			dec = dec * 10 + (*s - '0');
		}
		if (decimals == 0)
			return false;
	}
	if (*s)
		return false;
	*ore = kr * 100 + (decimals == 1 ? dec * 10 : dec);
	return true;
}

static int taxa_row(struct load_ctx *c, long line, const char *const *f)
{
	struct templates *t = c->t;
	struct taxa x = { .line = line, .enhet = ENHET_NONE };
	if (strcmp(f[T_TYP], "insats") == 0) {
		x.typ = TAXA_INSATS;
		if ((x.code = templates_insats_find(t, f[T_KOD])) < 0)
			return LOAD_FAIL(c, line, "kod", "unknown insats code '%s'", f[T_KOD]);
		if (*f[T_ENHET] &&
		    (x.enhet = code_lookup(enhet_codes, ENHET__N, f[T_ENHET])) <= ENHET_NONE)
			return LOAD_FAIL(c, line, "enhet",
					 "unknown omfattning_enhet '%s' (tim/man, tim/vecka, "
					 "tillf/vecka, dygn/man, st/man or empty for every unit)",
					 f[T_ENHET]);
	} else if (strcmp(f[T_TYP], "maltid") == 0) {
		x.typ = TAXA_MALTID;
		if ((x.code = code_lookup(maltidstyp_codes, MT__N, f[T_KOD])) < 0)
			return LOAD_FAIL(c, line, "kod", "unknown maltidstyp '%s'", f[T_KOD]);
		if (*f[T_ENHET])
			return LOAD_FAIL(c, line, "enhet", "a meal price has no enhet");
	} else {
		return LOAD_FAIL(c, line, "typ", "typ '%s' is neither 'insats' nor 'maltid'",
				 f[T_TYP]);
	}
	if (!parse_kronor(f[T_PRIS], &x.ore))
		return LOAD_FAIL(c, line, "pris",
				 "price '%s' is not kronor with at most two decimals", f[T_PRIS]);
	if (strlen(f[T_GILTIG_FROM]) != 10 || field_date(f[T_GILTIG_FROM], &x.from))
		return LOAD_FAIL(c, line, "giltig_from", "date '%s' is not YYYY-MM-DD",
				 f[T_GILTIG_FROM]);
	for (int i = 0; i < t->n_taxor; i++) {
		const struct taxa *o = &t->taxor[i];
		if (o->typ == x.typ && o->code == x.code && o->enhet == x.enhet &&
		    o->from == x.from)
			return LOAD_FAIL(c, line, "giltig_from",
					 "two prices for %s %s %s from %s (first on line %ld)",
					 f[T_TYP], f[T_KOD], f[T_ENHET], f[T_GILTIG_FROM], o->line);
	}
	int ret = grow((void **)&t->taxor, &t->cap_taxor, t->n_taxor, sizeof(*t->taxor));
	if (ret)
		return store_failure(c, line, ret);
	t->taxor[t->n_taxor++] = x;
	return 0;
}

/* ---- maxtaxa.csv ----------------------------------------------------------------- */

enum { X_AR, X_PBB, X_MAXTAXA, X__N };
static const char *const maxtaxa_header[X__N] = { "ar", "prisbasbelopp", "maxtaxa" };

/* Maxtaxa per month: 0.5392 x prisbasbelopp / 12, rounded to whole kronor. */
static int64_t maxtaxa_formula(int64_t pbb)
{
	return (5392 * pbb + 60000) / 120000;
}

static int maxtaxa_row(struct load_ctx *c, long line, const char *const *f)
{
	struct templates *t = c->t;
	int64_t v[X__N];
	for (int i = 0; i < X__N; i++)
		if (field_count(f[i], &v[i]) || v[i] > 100000000)
			return LOAD_FAIL(c, line, maxtaxa_header[i],
					 "'%s' is not a whole number", f[i]);
	if (v[X_AR] < 1953 || v[X_AR] > 2199)
		return LOAD_FAIL(c, line, "ar", "year %s outside 1953-2199", f[X_AR]);
	if (v[X_MAXTAXA] != maxtaxa_formula(v[X_PBB]))
		return LOAD_FAIL(c, line, "maxtaxa",
				 "maxtaxa %s does not match 0.5392 x %s / 12 = %lld kr",
				 f[X_MAXTAXA], f[X_PBB], (long long)maxtaxa_formula(v[X_PBB]));
	for (int i = 0; i < t->n_maxtaxa; i++)
		if (t->maxtaxa[i].year == (int)v[X_AR])
			return LOAD_FAIL(c, line, "ar", "year %s twice (first on line %ld)",
					 f[X_AR], t->maxtaxa[i].line);
	int ret = grow((void **)&t->maxtaxa, &t->cap_maxtaxa, t->n_maxtaxa,
		       sizeof(*t->maxtaxa));
	if (ret)
		return store_failure(c, line, ret);
	t->maxtaxa[t->n_maxtaxa++] = (struct maxtaxa){
		.year = (int)v[X_AR], .pbb = v[X_PBB], .kronor = v[X_MAXTAXA], .line = line,
	};
	return 0;
}

static int finish_maxtaxa(struct templates *t, const char *path, struct evb_error *err)
{
	if (t->n_maxtaxa == 0)
		return evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL, "no year in maxtaxa");
	return 0;
}

/* ---- public ---------------------------------------------------------------------- */

/* ---- meddelande.csv ------------------------------------------------------------- */

const char *const template_message_fields[MF__N] = {
	"namn", "personnummer", "ivo_id", "insats", "lagrum", "beslut_id",
	"beslutsdatum", "avbrottsdatum", "rubrik", "rubrikdatum", "skal",
	"kontakt", "erbjudande", "tackat_ja", "tackat_nej", "delvis_verkstallt",
	"kompenserande_insats", "verkstallt", "avslutat", "avslutsorsak",
	"sammanfattning",
};

static const char *const message_header[2] = { "villkor", "rad" };

/* The field named s[0..len), or -1. Looked up for every field of every
 * message (hundreds of thousands a quarter): no strlen of every name. */
static int message_field(const char *s, size_t len)
{
	for (int i = 0; i < MF__N; i++) {
		const char *name = template_message_fields[i];
		if (strncmp(name, s, len) == 0 && name[len] == '\0')
			return i;
	}
	return -1;
}

static int message_row(struct load_ctx *c, long line, const char *const *f)
{
	struct templates *t = c->t;
	int cond;
	if (!*f[0])
		cond = COND_ALL;
	else if (strcmp(f[0], "skyddad") == 0)
		cond = COND_SKYDDAD;
	else if (strcmp(f[0], "ej_skyddad") == 0)
		cond = COND_EJ_SKYDDAD;
	else
		return LOAD_FAIL(c, line, "villkor",
				 "unknown villkor '%.64s' (use skyddad, ej_skyddad or nothing)", f[0]);
	if (!*f[1])
		return LOAD_FAIL(c, line, "rad", "empty line");
	size_t nfield = 0;
	for (const char *p = f[1]; *p; p++) {
		if (*p == '}')
			return LOAD_FAIL(c, line, "rad", "'}' without '{'");
		if (*p != '{')
			continue;
		const char *end = strchr(p + 1, '}');
		if (!end)
			return LOAD_FAIL(c, line, "rad", "'{' without '}'");
		if (message_field(p + 1, (size_t)(end - p - 1)) < 0)
			return LOAD_FAIL(c, line, "rad", "unknown field '{%.*s}'",
					 (int)(end - p - 1 < 64 ? end - p - 1 : 64), p + 1);
		nfield++;
		p = end;
	}
	int ret = grow((void **)&t->message, &t->cap_message, t->n_message,
		       sizeof(*t->message));
	if (ret)
		return store_failure(c, line, ret);
	struct message_line *ml = &t->message[t->n_message];
	unsigned char *field = arena_alloc(t, nfield ? nfield : 1);
	if (!field || !(ml->text = arena_strdup(t, f[1])))
		return store_failure(c, line, EVB_ENOMEM);
	ml->field = field;
	ml->fields = 0;
	for (const char *p = strchr(ml->text, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		int i = message_field(p + 1, (size_t)(end - p - 1));
		*field++ = (unsigned char)i;
		ml->fields |= 1u << i;
	}
	ml->cond = cond;
	t->n_message++;
	return 0;
}

static int finish_message(struct templates *t, const char *path, struct evb_error *err)
{
	if (t->n_message == 0)
		return evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL,
				     "the message body has no lines");
	return 0;
}

/* Appends n bytes of s to buf at *len, keeping a NUL; false when full. */
static bool append(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > size) {
		n = size - *len - 1;
		memcpy(buf + *len, s, n);
		*len += n;
		buf[*len] = '\0';
		return false;
	}
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
	return true;
}

int templates_message(const struct templates *t, bool skyddad,
		      const char *const *values, char *buf, size_t size)
{
	size_t len = 0;
	bool first = true;
	if (size == 0)
		return EVB_ETOOBIG;
	buf[0] = '\0';
	for (int i = 0; i < t->n_message; i++) {
		const struct message_line *ml = &t->message[i];
		if ((ml->cond == COND_SKYDDAD && !skyddad) ||
		    (ml->cond == COND_EJ_SKYDDAD && skyddad))
			continue;
		/* a line with fields is kept when one of them has a value */
		bool value = !ml->fields;
		for (uint32_t m = ml->fields; m && !value; m &= m - 1) {
			const char *v = values[__builtin_ctz(m)];
			value = v && *v;
		}
		if (!value)
			continue;
		if (!first && !append(buf, size, &len, "\n", 1))
			return EVB_ETOOBIG;
		first = false;
		const unsigned char *field = ml->field;
		for (const char *p = ml->text; *p;) {
			const char *open = strchr(p, '{');
			size_t lit = open ? (size_t)(open - p) : strlen(p);
			if (!append(buf, size, &len, p, lit))
				return EVB_ETOOBIG;
			if (!open)
				break;
			const char *v = values[*field++];
			if (v && !append(buf, size, &len, v, strlen(v)))
				return EVB_ETOOBIG;
			p = strchr(open, '}') + 1;
		}
	}
	return 0;
}

struct templates *templates_load(const char *dir, struct evb_error *err)
{
	static const struct {
		const char *name;
		const char *const *header;
		int ncols;
		int (*row)(struct load_ctx *, long, const char *const *);
		int (*finish)(struct templates *, const char *, struct evb_error *);
	} files[] = {
		{ "insatser.csv", insats_header, I__N, insats_row, finish_insatser },
		{ "skal.csv", skal_header, S__N, skal_row, finish_skal },
		{ "texts.csv", text_header, 2, text_row, finish_texts },
		{ "layouts.csv", layout_header, L__N, layout_row, finish_layouts },
		{ "looks.csv", look_header, K__N, look_row, NULL },
		{ "taxor.csv", taxa_header, T__N, taxa_row, NULL },
		{ "maxtaxa.csv", maxtaxa_header, X__N, maxtaxa_row, finish_maxtaxa },
		{ "meddelande.csv", message_header, 2, message_row, finish_message },
	};
	struct templates *t = calloc(1, sizeof(*t));
	char *path = NULL;
	int ret = 0;
	if (!t) {
		evb_error_set(err, EVB_ENOMEM, dir, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	if (!(t->layouts_path = evb_path_join(dir, "layouts.csv")) ||
	    !(t->looks_path = evb_path_join(dir, "looks.csv"))) {
		ret = evb_error_set(err, EVB_ENOMEM, dir, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!(path = evb_path_join(dir, files[i].name))) {
			ret = evb_error_set(err, EVB_ENOMEM, dir, 0, NULL, EVB_NOMEM_TEXT);
			goto out;
		}
		struct load_ctx c = {
			.t = t, .path = path, .header = files[i].header,
			.ncols = files[i].ncols, .row = files[i].row,
		};
		if ((ret = load_file(&c, err)) ||
		    (files[i].finish && (ret = files[i].finish(t, path, err))))
			goto out;
		free(path);
		path = NULL;
	}
	if (!(t->xsd_path = evb_path_join(dir, "evb-export.xsd"))) {
		ret = evb_error_set(err, EVB_ENOMEM, dir, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	ret = check_xsd(t->xsd_path, err);
out:
	free(path);
	if (ret) {
		templates_free(t);
		t = NULL;
	}
	return t;
}

void templates_free(struct templates *t)
{
	if (!t)
		return;
	while (t->arena) {
		struct arena_block *next = t->arena->next;
		free(t->arena);
		t->arena = next;
	}
	free(t->insatser);
	free(t->insats_line);
	free(t->insats_sorted);
	free(t->skal);
	free(t->skal_line);
	free(t->skal_sorted);
	free(t->texts);
	free(t->layouts);
	free(t->looks);
	free(t->taxor);
	free(t->maxtaxa);
	free(t->message);
	free(t->xsd_path);
	free(t->layouts_path);
	free(t->looks_path);
	free(t);
}

int templates_insats_count(const struct templates *t)
{
	return t->n_insatser;
}

const struct insats_info *templates_insats(const struct templates *t, int idx)
{
	if (idx < 0 || idx >= t->n_insatser)
		return NULL;
	return &t->insatser[idx];
}

int templates_insats_find(const struct templates *t, const char *code)
{
	int lo = 0, hi = t->n_insatser;
	if (!t->insats_sorted)
		return -1;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		const struct insats_info *ii = t->insats_sorted[mid];
		int r = strcmp(ii->code, code);
		if (r == 0)
			return (int)(ii - t->insatser);
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const struct skal_info *templates_skal_find(const struct templates *t,
					    const char *kategori, const char *code)
{
	int lo = 0, hi = t->n_skal;
	if (!t->skal_sorted)
		return NULL;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		const struct skal_info *s = t->skal_sorted[mid];
		int r = cmp_skal_pair(kategori, code, s);
		if (r == 0)
			return s;
		if (r > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int templates_skal_index(const struct templates *t, const char *kategori, const char *code)
{
	const struct skal_info *s = templates_skal_find(t, kategori, code);
	return s ? (int)(s - t->skal) : -1;
}

const struct skal_info *templates_skal(const struct templates *t, int idx)
{
	return idx >= 0 && idx < t->n_skal ? &t->skal[idx] : NULL;
}

const char *templates_kategori_text(const struct templates *t, const char *kategori)
{
	int k = kategori_index(kategori);
	return k < 0 ? NULL : t->kategori_text[k];
}

const char *templates_text(const struct templates *t, const char *key)
{
	const struct text_entry *e = text_find(t, key);
	return e ? e->text : key;
}

const char *templates_enhet(const struct templates *t, unsigned enhet)
{
	if (enhet == ENHET_NONE || enhet >= ENHET__N)
		return "";
	char key[48];
	snprintf(key, sizeof(key), "omfattning_enhet.%s", enhet_codes[enhet]);
	/* every omfattning_enhet key is required at load: never missing */
	const struct text_entry *e = text_find(t, key);
	return e ? e->text : "";
}

const char *templates_orsak(const struct templates *t, unsigned orsak)
{
	char key[48];
	snprintf(key, sizeof(key), "avslutsorsak.%s",
		 avslutsorsak_codes[orsak > ORSAK_NONE && orsak < ORSAK__N ? orsak : ORSAK_ANNAT]);
	/* every avslutsorsak key is required at load: never missing */
	const struct text_entry *e = text_find(t, key);
	return e ? e->text : "";
}

int templates_layout(const struct templates *t, const char *book,
		     const char *sheet, const char *const *column_keys,
		     int ncols, const char **name, const char **headers,
		     struct evb_error *err)
{
	const struct layout_entry *e = layout_find(t, book, sheet, "");
	if (!e)
		return evb_error_set(err, EVB_ETEMPLATE, t->layouts_path, 0, NULL,
				     "no sheet '%s/%s' in the layouts", book, sheet);
	if (name)
		*name = e->text;
	for (int i = 0; i < ncols; i++) {
		const struct layout_entry *c = column_keys[i] && column_keys[i][0]
			? layout_find(t, book, sheet, column_keys[i]) : NULL;
		if (!c)
			return evb_error_set(err, EVB_ETEMPLATE, t->layouts_path, 0,
					     column_keys[i],
					     "no column '%s' in sheet '%s/%s' of the layouts",
					     column_keys[i] ? column_keys[i] : "", book, sheet);
		headers[i] = c->text;
	}
	return 0;
}

const char *templates_xsd_path(const struct templates *t)
{
	return t->xsd_path;
}

/* The row of typ/code/enhet with the latest giltig_from on or before `on`. */
static const struct taxa *taxa_find(const struct templates *t, int typ, int code,
				    int enhet, evb_date on)
{
	const struct taxa *best = NULL;
	for (int i = 0; i < t->n_taxor; i++) {
		const struct taxa *x = &t->taxor[i];
		if (x->typ == typ && x->code == code && x->enhet == enhet &&
		    x->from <= on && (!best || x->from > best->from))
			best = x;
	}
	return best;
}

int64_t templates_price_insats(const struct templates *t, int insats, int enhet,
			       evb_date on)
{
	const struct taxa *x = NULL;
	if (enhet != ENHET_NONE)
		x = taxa_find(t, TAXA_INSATS, insats, enhet, on);
	if (!x)
		x = taxa_find(t, TAXA_INSATS, insats, ENHET_NONE, on);
	return x ? x->ore : -1;
}

int64_t templates_price_maltid(const struct templates *t, int maltidstyp, evb_date on)
{
	const struct taxa *x = taxa_find(t, TAXA_MALTID, maltidstyp, ENHET_NONE, on);
	return x ? x->ore : -1;
}

int64_t templates_maxtaxa(const struct templates *t, int year, int64_t *pbb)
{
	for (int i = 0; i < t->n_maxtaxa; i++)
		if (t->maxtaxa[i].year == year) {
			if (pbb)
				*pbb = t->maxtaxa[i].pbb;
			return t->maxtaxa[i].kronor;
		}
	return -1;
}

int templates_look(const struct templates *t, const char *book, const char *sheet,
		   const char *const *column_keys, int ncols, struct sheet_look *look,
		   struct evb_error *err)
{
	memset(look, 0, sizeof(*look));
	if (ncols > SHEET_MAX_COLS)
		return evb_error_set(err, EVB_ETEMPLATE, t->looks_path, 0, NULL,
				     "sheet '%s/%s' has more than %d columns", book, sheet,
				     SHEET_MAX_COLS);
	const struct look_entry *e = look_find(t, book, sheet, "");
	look->key_value = e && e->look == LOOK_NYCKELVARDE;
	int last_id = -1;
	for (int i = 0; i < ncols; i++) {
		e = column_keys[i] ? look_find(t, book, sheet, column_keys[i]) : NULL;
		look->wrap[i] = e ? (unsigned char)e->width : 0;
		if (!e || e->look != LOOK_ID)
			continue;
		if (last_id >= 0 && last_id != i - 1)
			return evb_error_set(err, EVB_ETEMPLATE, t->looks_path, e->line, "look",
					     "identifying column '%s' of '%s/%s' is not next to "
					     "the other identifying columns", column_keys[i], book,
					     sheet);
		if (last_id < 0)
			look->id_first = i;
		last_id = i;
		look->nid++;
	}
	if (look->nid && last_id == ncols - 1)
		return evb_error_set(err, EVB_ETEMPLATE, t->looks_path, 0, NULL,
				     "the last column of '%s/%s' is identifying: nothing is "
				     "left to scroll", book, sheet);
	return 0;
}
