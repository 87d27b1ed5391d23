/* Import profiles: parsing, and applying them to CSV headers and rows. */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "model.h"
#include "profile.h"

#define PROFILE_MAX_SIZE (1u << 20)   /* a bigger file is not a profile */
#define NAME_MAX_LEN 256               /* folded names and values compared */

/* A date format: year, month and day fields and literal separators,
 * optionally followed by a time part (copied as it is). */
enum { F_YEAR4 = 1, F_YEAR2, F_MONTH, F_DAY, F_LIT };
struct date_format {
	unsigned char item[24];   /* F_* */
	char lit[24];             /* the separator of an F_LIT item */
	int n;
	bool set;
	long line;
};

struct file_rule {
	char **patterns;          /* folded */
	int n;
	long line;
};

struct column_map {
	char *name;               /* the export column, as written */
	char *folded;
	long line;
};

struct code_map {
	int kind, col;
	char *code;
	char **values;            /* folded */
	int n;
	long line;
};

struct profile {
	char *path;
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t size;            /* bytes of the file, for the manifest */
	struct file_rule file[K__COUNT];
	struct column_map col[K__COUNT][SCHEMA_MAX_COLUMNS];
	struct date_format format[K__COUNT][SCHEMA_MAX_COLUMNS];
	struct code_map *codes;
	size_t ncodes, capcodes;
	bool translates[K__COUNT];
	bool has_codes[K__COUNT][SCHEMA_MAX_COLUMNS];   /* a code map exists */
};

/* ---- names ----------------------------------------------------------------- */

/* Lowercase (ASCII, Å Ä Ö É) into out; with loose, also without accents
 * and without blanks, '_', '-' and '.'. Stops before size - 2 bytes (never
 * cuts a character): out needs strlen(s) + 3 bytes for all of s. */
static void fold(const char *s, char *out, size_t size, bool loose)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 2 < size; p++) {
		unsigned char c = *p;
		if (c == 0xC3 && p[1]) {
			unsigned char d = p[1];
			/* Å Ä Ö É -> å ä ö é */
			if (d == 0x85 || d == 0x84 || d == 0x96 || d == 0x89)
				d = (unsigned char)(d + 0x20);
			if (loose && (d == 0xA5 || d == 0xA4 || d == 0xB6 || d == 0xA9)) {
				out[o++] = d == 0xB6 ? 'o' : d == 0xA9 ? 'e' : 'a';
				p++;
				continue;
			}
			out[o++] = (char)c;
			out[o++] = (char)d;
			p++;
			continue;
		}
		if (loose && (c == ' ' || c == '\t' || c == '_' || c == '-' || c == '.'))
			continue;
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[o] = '\0';
}

void profile_fold_name(const char *s, char *out, size_t size)
{
	fold(s, out, size, true);
}

static char *fold_dup(const char *s)
{
	size_t n = strlen(s) + 3;
	char *out = malloc(n);
	if (out)
		fold(s, out, n, false);
	return out;
}

/* ---- parsing --------------------------------------------------------------- */

struct parser {
	struct profile *p;
	long line;
	struct evb_error *err;
};

static int perr(struct parser *ps, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int perr(struct parser *ps, const char *key, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return evb_error_set(ps->err, EVB_ECONFIG, ps->p->path, ps->line, key, "%s", msg);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static int find_kind(const char *name)
{
	for (int k = 0; k < K__COUNT; k++)
		if (strcmp(schema_kind(k)->name, name) == 0)
			return k;
	return -1;
}

/* Splits value at '|' into folded, trimmed, non-empty parts. */
static int split_values(struct parser *ps, const char *key, char *value,
			char ***out, int *n)
{
	*out = NULL;
	*n = 0;
	int cap = 0;
	for (char *s = value, *bar; s; s = bar ? bar + 1 : NULL) {
		if ((bar = strchr(s, '|')))
			*bar = '\0';
		char *v = trim(s);
		if (!*v)
			return perr(ps, key, "empty value between '|'");
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			char **nv = realloc(*out, (size_t)cap * sizeof(*nv));
			if (!nv)
				return EVB_ENOMEM;
			*out = nv;
		}
		if (!((*out)[*n] = fold_dup(v)))
			return EVB_ENOMEM;
		(*n)++;
	}
	return 0;
}

static int parse_format(struct parser *ps, const char *key, const char *s,
			struct date_format *f)
{
	int years = 0, months = 0, days = 0;
	f->n = 0;
	while (*s) {
		if (strcmp(s, " HH:MM") == 0 || strcmp(s, " HH:MM:SS") == 0)
			break;          /* the time part is copied as it is */
		if (f->n == (int)sizeof(f->item))
			return perr(ps, key, "date format too long");
		unsigned char it;
		size_t len;
		if (strncmp(s, "YYYY", 4) == 0) {
			it = F_YEAR4, len = 4, years++;
		} else if (strncmp(s, "YY", 2) == 0) {
			it = F_YEAR2, len = 2, years++;
		} else if (strncmp(s, "MM", 2) == 0) {
			it = F_MONTH, len = 2, months++;
		} else if (strncmp(s, "DD", 2) == 0) {
			it = F_DAY, len = 2, days++;
		} else if ((unsigned char)*s < 0x80 && !(*s >= 'A' && *s <= 'Z') &&
			   !(*s >= 'a' && *s <= 'z') && !(*s >= '0' && *s <= '9')) {
			it = F_LIT, len = 1;
			f->lit[f->n] = *s;
		} else {
			return perr(ps, key, "date format: unknown element at '%.20s' "
				    "(use YYYY, YY, MM, DD, separators and ' HH:MM[:SS]')", s);
		}
		f->item[f->n++] = it;
		s += len;
	}
	if (years != 1 || months != 1 || days != 1)
		return perr(ps, key, "date format needs one year (YYYY or YY), one MM and one DD");
	f->set = true;
	f->line = ps->line;
	return 0;
}

/* The column named in key part `name` of kind k, or an error. */
static int key_column(struct parser *ps, const char *key, int k, const char *name)
{
	int c = schema_column((enum kind)k, name, strlen(name));
	if (c < 0 || strcmp(schema_kind(k)->columns[c].name, name) != 0)
		return perr(ps, key, "'%s' has no column '%s'", schema_kind(k)->name, name);
	return c;
}

static int add_code(struct parser *ps, const char *key, int k, int c, const char *code,
		    char *value)
{
	struct profile *p = ps->p;
	for (size_t i = 0; i < p->ncodes; i++)
		if (p->codes[i].kind == k && p->codes[i].col == c &&
		    strcmp(p->codes[i].code, code) == 0)
			return perr(ps, key, "key given twice (first on line %ld)", p->codes[i].line);
	if (p->ncodes == p->capcodes) {
		size_t cap = p->capcodes ? p->capcodes * 2 : 16;
		struct code_map *nc = realloc(p->codes, cap * sizeof(*nc));
		if (!nc)
			return EVB_ENOMEM;
		p->codes = nc;
		p->capcodes = cap;
	}
	struct code_map *m = &p->codes[p->ncodes];
	memset(m, 0, sizeof(*m));
	p->has_codes[k][c] = true;
	m->kind = k;
	m->col = c;
	m->line = ps->line;
	p->ncodes++;
	if (!(m->code = strdup(code)))
		return EVB_ENOMEM;
	int ret = split_values(ps, key, value, &m->values, &m->n);
	if (ret)
		return ret;
	/* one export value for two codes of a column cannot be read */
	for (size_t i = 0; i + 1 < p->ncodes; i++) {
		const struct code_map *o = &p->codes[i];
		if (o->kind != k || o->col != c)
			continue;
		for (int a = 0; a < o->n; a++)
			for (int b = 0; b < m->n; b++)
				if (strcmp(o->values[a], m->values[b]) == 0)
					return perr(ps, key, "value '%s' already maps to code '%s' on line %ld",
						    m->values[b], o->code, o->line);
	}
	p->translates[k] = true;
	return 0;
}

static int add_column(struct parser *ps, const char *key, int k, int c, const char *value)
{
	struct profile *p = ps->p;
	struct column_map *m = &p->col[k][c];
	if (m->name)
		return perr(ps, key, "key given twice (first on line %ld)", m->line);
	char folded[NAME_MAX_LEN];
	if (strlen(value) + 3 > sizeof(folded))
		return perr(ps, key, "export column name longer than %d bytes", NAME_MAX_LEN - 3);
	fold(value, folded, sizeof(folded), false);
	for (int o = 0; o < schema_kind(k)->ncolumns; o++)
		if (p->col[k][o].name && strcmp(p->col[k][o].folded, folded) == 0)
			return perr(ps, key, "export column '%s' is already mapped to '%s' on line %ld",
				    value, schema_kind(k)->columns[o].name, p->col[k][o].line);
	if (!(m->name = strdup(value)) || !(m->folded = strdup(folded)))
		return EVB_ENOMEM;
	m->line = ps->line;
	return 0;
}

static int parse_line(struct parser *ps, char *key, char *value)
{
	struct profile *p = ps->p;
	char copy[128];
	if (strlen(key) >= sizeof(copy))
		return perr(ps, NULL, "key too long");
	memcpy(copy, key, strlen(key) + 1);
	char *part[4] = { NULL };
	int n = 0;
	for (char *s = copy, *dot; s && n < 4; s = dot ? dot + 1 : NULL) {
		/* a code is the rest of the key (it may hold dots) */
		dot = (n == 3) ? NULL : strchr(s, '.');
		if (dot)
			*dot = '\0';
		part[n++] = s;
	}
	if (!*value)
		return perr(ps, key, "empty value");
	if (n == 2 && strcmp(part[0], "file") == 0 && find_kind(part[1]) >= 0) {
		struct file_rule *r = &p->file[find_kind(part[1])];
		if (r->patterns)
			return perr(ps, key, "key given twice (first on line %ld)", r->line);
		r->line = ps->line;
		return split_values(ps, key, value, &r->patterns, &r->n);
	}
	if (n == 3 && strcmp(part[0], "format") == 0 && find_kind(part[1]) >= 0) {
		int k = find_kind(part[1]), c = key_column(ps, key, k, part[2]);
		if (c < 0)
			return c;
		if (p->format[k][c].set)
			return perr(ps, key, "key given twice (first on line %ld)",
				    p->format[k][c].line);
		p->translates[k] = true;
		return parse_format(ps, key, value, &p->format[k][c]);
	}
	if (n == 4 && strcmp(part[0], "code") == 0 && find_kind(part[1]) >= 0 && *part[3]) {
		int k = find_kind(part[1]), c = key_column(ps, key, k, part[2]);
		if (c < 0)
			return c;
		return add_code(ps, key, k, c, part[3], value);
	}
	if (n == 2 && find_kind(part[0]) >= 0) {
		int k = find_kind(part[0]), c = key_column(ps, key, k, part[1]);
		if (c < 0)
			return c;
		return add_column(ps, key, k, c, value);
	}
	return perr(ps, strlen(key) < 64 ? key : NULL,
		    "unknown key (known: file.KIND, KIND.COLUMN, code.KIND.COLUMN.CODE, "
		    "format.KIND.COLUMN)");
}

static int parse_text(struct parser *ps, char *text, size_t len)
{
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3;
	int ret = 0;
	for (char *s = text, *nl; s && !ret; s = nl ? nl + 1 : NULL) {
		if ((nl = strchr(s, '\n')))
			*nl = '\0';
		ps->line++;
		if (!utf8_valid(s, strlen(s)))
			return perr(ps, NULL, "not valid UTF-8 (save the profile as UTF-8)");
		char *line = trim(s);
		if (!*line || *line == '#')
			continue;
		char *eq = strchr(line, '=');
		if (!eq)
			return perr(ps, NULL, "expected 'key = value'");
		*eq = '\0';
		ret = parse_line(ps, trim(line), trim(eq + 1));
	}
	return ret;
}

static int read_all(const char *path, char **text, size_t *len, struct evb_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return evb_error_set(err, EVB_ECONFIG, path, 0, NULL, "cannot read profile: %s",
				     strerror(errno));
	char *buf = malloc(PROFILE_MAX_SIZE + 1);
	int ret = 0;
	size_t n = buf ? fread(buf, 1, PROFILE_MAX_SIZE + 1, f) : 0;
	if (!buf)
		ret = EVB_ENOMEM;
	else if (ferror(f))
		ret = evb_error_set(err, EVB_ECONFIG, path, 0, NULL, "cannot read profile: %s",
				    strerror(errno));
	else if (n > PROFILE_MAX_SIZE)
		ret = evb_error_set(err, EVB_ECONFIG, path, 0, NULL,
				    "profile larger than 1 MiB");
	else if (memchr(buf, '\0', n))
		ret = evb_error_set(err, EVB_ECONFIG, path, 0, NULL, "NUL byte in profile");
	fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

struct profile *profile_load(const char *path, struct evb_error *err)
{
	struct profile *p = calloc(1, sizeof(*p));
	char *text = NULL;
	size_t len = 0;
	int ret = EVB_ENOMEM;
	if (!p || !(p->path = strdup(path)))
		goto out;
	if ((ret = read_all(path, &text, &len, err)))
		goto out;
	if ((ret = hash_buffer(text, len, p->sha256)))
		goto out;
	p->size = len;
	struct parser ps = { p, 0, err };
	ret = parse_text(&ps, text, len);
out:
	free(text);
	if (ret == EVB_ENOMEM)
		evb_error_set(err, ret, path, 0, NULL, EVB_NOMEM_TEXT);
	if (ret) {
		profile_free(p);
		return NULL;
	}
	return p;
}

static void free_list(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	for (int k = 0; k < K__COUNT; k++) {
		free_list(p->file[k].patterns, p->file[k].n);
		for (int c = 0; c < SCHEMA_MAX_COLUMNS; c++) {
			free(p->col[k][c].name);
			free(p->col[k][c].folded);
		}
	}
	for (size_t i = 0; i < p->ncodes; i++) {
		free(p->codes[i].code);
		free_list(p->codes[i].values, p->codes[i].n);
	}
	free(p->codes);
	free(p->path);
	free(p);
}

const char *profile_path(const struct profile *p)
{
	return p->path;
}

const char *profile_sha256(const struct profile *p)
{
	return p->sha256;
}

uint64_t profile_size(const struct profile *p)
{
	return p->size;
}

/* ---- files and headers ----------------------------------------------------- */

int profile_file_kind(const struct profile *p, const char *basename, struct evb_error *err)
{
	char name[1024];
	fold(basename, name, sizeof(name), false);
	int found = -1;
	for (int k = 0; k < K__COUNT; k++) {
		const struct file_rule *r = &p->file[k];
		for (int i = 0; i < r->n; i++) {
			if (fnmatch(r->patterns[i], name, FNM_PERIOD) != 0)
				continue;
			if (found >= 0) {
				evb_error_set(err, EVB_ECONFIG, p->path, r->line, NULL,
					      "file '%s' matches the patterns of '%s' (line %ld) and '%s'",
					      basename, schema_kind(found)->name,
					      p->file[found].line, schema_kind(k)->name);
				return -2;
			}
			found = k;
			break;
		}
	}
	return found;
}

int profile_column(const struct profile *p, enum kind k, const char *header)
{
	const struct kind_info *ki = schema_kind(k);
	if (!ki)
		return -1;
	char folded[NAME_MAX_LEN];
	fold(header, folded, sizeof(folded), false);
	for (int c = 0; c < ki->ncolumns && strlen(header) + 3 <= sizeof(folded); c++)
		if (p->col[k][c].name && strcmp(p->col[k][c].folded, folded) == 0)
			return c;
	int c = schema_column(k, header, strlen(header));
	return c >= 0 && !p->col[k][c].name ? c : -1;
}

int profile_check_header(const struct profile *p, enum kind k, const bool *seen,
			 const char *file, struct evb_error *err)
{
	const struct kind_info *ki = schema_kind(k);
	for (int c = 0; ki && c < ki->ncolumns; c++) {
		const struct column_map *m = &p->col[k][c];
		if (m->name && !seen[c]) {
			char key[64];
			snprintf(key, sizeof(key), "%s.%s", ki->name, ki->columns[c].name);
			return evb_error_set(err, EVB_ECONFIG, p->path, m->line, key,
					     "column '%s' is not in the header of %s", m->name, file);
		}
	}
	return 0;
}

/* ---- codes ----------------------------------------------------------------- */

bool profile_is_code(const struct templates *t, enum kind k, int col, const char *v,
		     bool *code_column)
{
	static const char *const kon[] = { "K", "M" };
	static const char *const lagrum[] = { "SoL", "LSS" };
	static const char *const utfall[] = { "bifall", "delvis_bifall", "avslag" };
	const char *const *list = NULL;
	int n = 0;
	*code_column = true;
	if (k == K_PERSON && col == P_KON)
		list = kon, n = 2;
	else if (k == K_BESLUT && col == B_LAGRUM)
		list = lagrum, n = 2;
	else if (k == K_BESLUT && col == B_UTFALL)
		list = utfall, n = 3;
	else if (k == K_BESLUT && col == B_AVSLUTSORSAK)
		list = avslutsorsak_codes, n = ORSAK__N;
	else if (k == K_BESLUT && col == B_OMFATTNING_ENHET)
		list = enhet_codes, n = ENHET__N;
	else if (k == K_HANDELSE && col == H_TYP)
		list = handelse_typ_codes, n = HT__N;
	else if (k == K_MALTID && col == M_MALTIDSTYP)
		list = maltidstyp_codes, n = MT__N;
	else if (k == K_BESLUT && col == B_INSATS)
		return templates_insats_find(t, v) >= 0;
	else
		*code_column = false;
	for (int i = 0; i < n; i++)
		if (*list[i] && strcasecmp(list[i], v) == 0)
			return true;
	return false;
}

int profile_check_codes(const struct profile *p, const struct templates *t,
			struct evb_error *err)
{
	for (size_t i = 0; i < p->ncodes; i++) {
		const struct code_map *m = &p->codes[i];
		bool code_column;
		if (profile_is_code(t, (enum kind)m->kind, m->col, m->code, &code_column) ||
		    !code_column)
			continue;
		const struct kind_info *ki = schema_kind(m->kind);
		char key[64];
		snprintf(key, sizeof(key), "%s.%s", ki->name, ki->columns[m->col].name);
		return evb_error_set(err, EVB_ECONFIG, p->path, m->line, key,
				     "'%s' is not one of evb's codes for this column", m->code);
	}
	return 0;
}

/* ---- values ---------------------------------------------------------------- */

bool profile_translates(const struct profile *p, enum kind k)
{
	return (int)k >= 0 && k < K__COUNT && p->translates[k];
}

static const char *find_code(const struct profile *p, int k, int c, const char *value)
{
	char folded[NAME_MAX_LEN];
	if (strlen(value) + 3 > sizeof(folded))
		return NULL;
	fold(value, folded, sizeof(folded), false);
	for (size_t i = 0; i < p->ncodes; i++) {
		const struct code_map *m = &p->codes[i];
		if (m->kind != k || m->col != c)
			continue;
		for (int j = 0; j < m->n; j++)
			if (strcmp(m->values[j], folded) == 0)
				return m->code;
	}
	return NULL;
}

/* Reads 1 to max digits (exactly max when exact) from *s. -1 if none. */
static int digits(const char **s, int max, bool exact)
{
	int v = 0, n = 0;
	while (n < max && **s >= '0' && **s <= '9') {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n == 0 || (exact && n != max) ? -1 : v;
}

/* The value in format f as YYYY-MM-DD (with what follows the date) into
 * out; false when it does not have the format. */
static bool convert_date(const struct date_format *f, const char *s, evb_date asof,
			 char *out, size_t size)
{
	int y = -1, mo = -1, d = -1;
	bool short_year = false;
	for (int i = 0; i < f->n; i++) {
		switch (f->item[i]) {
		case F_YEAR4: y = digits(&s, 4, true); break;
		case F_YEAR2: y = digits(&s, 2, true); short_year = true; break;
		case F_MONTH: mo = digits(&s, 2, false); break;
		case F_DAY: d = digits(&s, 2, false); break;
		default:
			if (*s != f->lit[i])
				return false;
			s++;
			continue;
		}
		if ((f->item[i] == F_YEAR4 || f->item[i] == F_YEAR2) ? y < 0
		    : f->item[i] == F_MONTH ? mo < 0 : d < 0)
			return false;
	}
	if (*s && *s != ' ' && *s != 'T')
		return false;
	if (short_year) {
		int ay, am, ad;
		date_to_ymd(asof, &ay, &am, &ad);
		/* the latest such year not after the as-of date */
		int yy = ay - ((ay % 100 - y + 100) % 100);
		if (yy == ay && (mo > am || (mo == am && d > ad)))
			yy -= 100;
		y = yy;
	}
	int n = snprintf(out, size, "%04d-%02d-%02d%s", y, mo, d, s);
	return n > 0 && (size_t)n < size;
}

const struct row *profile_apply(const struct profile *p, const struct row *in,
				struct profile_row *out, evb_date asof)
{
	int k = in->kind;
	if (!profile_translates(p, in->kind))
		return in;
	out->row = *in;
	out->row.text = NULL;   /* translated values lie elsewhere */
	const struct kind_info *ki = schema_kind(in->kind);
	for (int c = 0; c < ki->ncolumns; c++) {
		const char *v = in->val[c];
		if (!v || !*v)
			continue;
		/* most columns (ids, dates, personnummer) have no code map */
		const char *code = p->has_codes[k][c] ? find_code(p, k, c, v) : NULL;
		if (code) {
			out->row.val[c] = code;
			out->row.vlen[c] = strlen(code);
			continue;
		}
		const struct date_format *f = &p->format[k][c];
		if (f->set && convert_date(f, v, asof, out->date[c], sizeof(out->date[c]))) {
			out->row.val[c] = out->date[c];
			out->row.vlen[c] = strlen(out->date[c]);
		}
	}
	return &out->row;
}
