/*
 * XML reader: <evb-export> files -> rows (libxml2 lives only here).
 *
 * The file is streamed with xmlTextReader; nothing but the current record is
 * kept. Each record is expanded (xmlTextReaderExpand: at most
 * EXPAND_MAX_BYTES of input and EXPAND_MAX_TAGS tags), its nodes are
 * walked in document order to collect its values (at most
 * RECORD_MAX_ELEMENTS elements), and then the record is validated against
 * templates/evb-export.xsd with xmlSchemaValidateOneElement. Validating
 * each record instead of attaching the schema to the reader gives every
 * schema error to exactly one record: with the schema on the reader, errors
 * arrive while the parser reads ahead and carry only a line, which cannot
 * tell apart records that share a line (a file written without line breaks
 * has all its records on line 1).
 *
 * Safety: the file is opened with fopen and handed to libxml2 through read
 * callbacks (xmlReaderForFile would silently gunzip a compressed file);
 * options are only NONET | NOCDATA | BIG_LINES, so entities are never
 * substituted and no DTD is loaded; a deny-all external entity loader is
 * installed before the schema is parsed (the schema is parsed from memory,
 * so it must be self-contained). Entity references are never followed: a
 * record holding one is rejected, an attribute holding one is refused before
 * its value is read (reading it would expand it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "xml_in.h"
#include "progress.h"

#include "hash.h"

#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES)
#define XSD_MAX_BYTES (4u << 20)    /* a larger schema file is refused */
#define RECORD_MAX_ELEMENTS 64       /* elements of a record (24 columns at most) */
#define SHORT_MAX 80                 /* values shown in rejects, in bytes */
#define NAME_MAX_BYTES 63            /* element names shown in rejects */
/* A record is expanded in memory: one that needs more input than this, or
 * more tags, stops the reading (a legitimate record has at most 24 fields of
 * at most EVB_MAX_FIELD bytes). Bounds the memory of a hostile file. */
#define EXPAND_MAX_BYTES (64u << 20)
#define EXPAND_MAX_TAGS 100000u
/* read while libxml2 does not move (io_read). Text moves it as it comes;
 * markup holds it (a tag, a comment, a CDATA section, a reference), and no
 * markup of an export comes near this. Kept small: libxml2 scans what it
 * holds again with every chunk, so the cost grows with its square. */
#define UNPARSED_MAX (256u << 10)

struct xml_in {
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vctxt;
};

/* A libxml2 error, copied. */
struct xml_msg {
	bool set;
	bool in_main;            /* reported on the document itself, not an entity */
	long line;
	int col;
	char text[400];
};

/* A growable text buffer, always NUL-terminated once allocated. */
struct buf {
	char *p;
	size_t len, cap;
};

/* An element of the current record. A reject names it (an element inside a
 * field: by the field's name) and shows its value (a field's). */
struct elem {
	const xmlNode *node;
	long line;
	bool has_value;          /* a field whose value was read */
	bool nested;             /* an element inside a field */
};

/* Why the current record is rejected; a higher rank wins. */
enum { PROB_NONE, PROB_STRUCTURE, PROB_OWN, PROB_ENTITY };
struct problem {
	int rank;
	const char *key;
	char reason[400];
	long line;
	char column[NAME_MAX_BYTES + 1];
	char value[SHORT_MAX + 1];
	bool has_value;
};

/* State of one xml_in_read. */
struct rd {
	struct xml_in *x;
	const char *path;
	const char *display;
	const struct reader_sink *sink;
	struct input_info info;  /* the caller's is written at the end only: a count
				  * per record there bounced a cache line between
				  * the cores (csv_in.c, export_ctx) */
	xmlTextReaderPtr r;
	FILE *f;
	int io_errno;
	size_t io_bytes;         /* bytes read so far */
	int parser_line, parser_col; /* where libxml2 was at the last read */
	size_t parser_moved_at;  /* io_bytes when that last changed */
	bool bom;
	size_t bom_bytes;        /* bytes of a UTF-8 BOM matched so far */
	bool sniffed;            /* the first significant byte has been seen */
	bool looks_xml;          /* ... and it starts markup (or UTF-16/32) */
	struct xml_msg perr;     /* first parser error of level error or fatal */
	struct xml_msg verr;     /* first validity error of the current check */
	int verr_elem;           /* index into elems, -1 unknown */
	bool root_seen;
	bool expanding;          /* a record is being expanded: io_read counts */
	size_t expand_from;      /* io_bytes when it started */
	size_t expand_tags;      /* '<' read since */
	long line;               /* line of the current node (see node_line) */
	long last_line;          /* furthest line seen so far */
	long prev_text_line;     /* where the text node just before ended, or 0 */

	/* the current record */
	int kind;
	struct row row;
	bool present[SCHEMA_MAX_COLUMNS];
	struct buf vals[SCHEMA_MAX_COLUMNS];
	xmlNodePtr vrec;         /* the record element, when it is validated */
	struct elem elems[RECORD_MAX_ELEMENTS];
	int nelems;
	struct problem prob;
	/* the current field (element at depth 2) */
	bool in_field;
	int cur_col;             /* schema column, -1 when unknown */
	int cur_elem;            /* index into elems, -1 when not copied */
	bool cur_dup;
	bool cur_overflow;
	long cur_line;
	size_t cur_raw;          /* bytes of its text before trimming */
	const xmlNode *cur_node;
	char cur_name[NAME_MAX_BYTES + 1]; /* its name, once field_name made it */
	bool cur_named;
	struct buf cur;
	/* the element name of each column of each kind as last found: libxml2's
	 * reader keeps one copy of each name in its dictionary for the whole
	 * file, so a name is found by its address */
	const xmlChar *names[K__COUNT][SCHEMA_MAX_COLUMNS];
};

/* ---- small helpers -------------------------------------------------------- */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool all_ws(const char *s)
{
	for (; *s; s++)
		if (!is_ws(*s))
			return false;
	return true;
}

/* Copies at most max bytes of src into dst (size max + 1) without cutting a
 * UTF-8 sequence. */
static void copy_utf8(char *dst, size_t max, const char *src, size_t len)
{
	size_t n = utf8_cut(src, len, max);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Replaces every byte that does not begin a valid UTF-8 sequence with '?':
 * libxml2 quotes the input in some messages cut at a byte count ("Comment
 * not terminated <!-- ...Ekstr\xC3"). */
static void utf8_repair(char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (n <= len - i && utf8_valid(s + i, n)) {
			i += n;
		} else {
			s[i++] = '?';
		}
	}
}

static void copy_name(char *dst, const xmlChar *name)
{
	const char *s = name ? (const char *)name : "";
	copy_utf8(dst, NAME_MAX_BYTES, s, strlen(s));
}

static void buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static void buf_release(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Appends n bytes; the buffer never exceeds max bytes of text. */
static int buf_add(struct buf *b, const char *s, size_t n, size_t max)
{
	if (n > max - b->len)
		return EVB_ETOOBIG;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > max + 1)
			cap = max + 1;
		char *p = realloc(b->p, cap);
		if (!p)
			return EVB_ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static void buf_rtrim(struct buf *b)
{
	while (b->len > 0 && is_ws(b->p[b->len - 1]))
		b->len--;
	if (b->p)
		b->p[b->len] = '\0';
}

static void msg_copy(struct xml_msg *m, const xmlError *e, const char *path)
{
	const char *s = e->message ? e->message : "unknown XML error";
	size_t n = strlen(s);
	while (n > 0 && is_ws(s[n - 1]))
		n--;
	copy_utf8(m->text, sizeof(m->text) - 1, s, n);
	utf8_repair(m->text);
	for (char *p = m->text; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	m->line = e->line;
	m->col = e->int2;
	m->in_main = e->file && path && strcmp(e->file, path) == 0;
	m->set = true;
}

/* An attribute of n whose value holds an entity reference (reading such a
 * value would expand the entity), or NULL. */
static const xmlAttr *attr_with_entity(const xmlNode *n)
{
	for (const xmlAttr *a = n->properties; a; a = a->next)
		for (const xmlNode *c = a->children; c; c = c->next)
			if (c->type != XML_TEXT_NODE)
				return a;
	return NULL;
}

static bool is_text_type(int type)
{
	return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
	       type == XML_READER_TYPE_WHITESPACE ||
	       type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/*
 * The line of the reader's current node. libxml2 gives an element the line
 * of its start tag and a text node the line where the text ends. Past line
 * 65535 an element's own field is saturated and xmlGetLineNo guesses from
 * its first child (a text node: where that text ends, often a line late);
 * the text node just before the element ends exactly where the element
 * starts, so that line is used. Entity reference nodes have no line of
 * their own (xmlGetLineNo answers with the parent's): the end of the text
 * just before, or else the furthest line seen so far, is used.
 */
static long node_line(const struct rd *rd, int type, const xmlNode *n)
{
	if (type == XML_READER_TYPE_ELEMENT && n->line == 65535 && rd->prev_text_line > 0)
		return rd->prev_text_line;
	if (type == XML_READER_TYPE_ENTITY_REFERENCE)
		return rd->prev_text_line > 0 ? rd->prev_text_line : rd->last_line;
	long line = xmlGetLineNo((xmlNodePtr)n);
	return line > 0 ? line : rd->last_line;
}

/* The line of the first non-blank character of text s that ends on line
 * end (exact for text delivered by the parser in one piece). */
static long text_line(long end, const char *s)
{
	long nl = 0, lead = 0;
	bool seen = false;
	for (; *s; s++) {
		if (*s == '\n') {
			nl++;
			if (!seen)
				lead++;
		} else if (!is_ws(*s)) {
			seen = true;
		}
	}
	long line = end - nl + lead;
	return line >= 1 ? line : end;
}

/* ---- libxml2 callbacks ---------------------------------------------------- */

static void quiet_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static xmlParserInputPtr deny_loader(const char *url, const char *id,
				     xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* How many bytes of s[0..n) are c: eight at a time (a byte of x is zero
 * where s has c; its high bit is set in y exactly then). */
static size_t count_byte(const char *s, size_t n, unsigned char c)
{
	const uint64_t ones = 0x0101010101010101u, low7 = 0x7F7F7F7F7F7F7F7Fu;
	size_t count = 0, i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t x = w ^ (ones * c);
		uint64_t y = ~(((x & low7) + low7) | x | low7);
		count += (size_t)__builtin_popcountll(y);
	}
	for (; i < n; i++)
		count += (unsigned char)s[i] == c;
	return count;
}

static int io_read(void *ctx, char *buffer, int len)
{
	struct rd *rd = ctx;
	if (len <= 0)
		return 0;
	if (rd->perr.set)
		return 0;       /* the document is lost: fatal_parse says why */
	size_t n = fread(buffer, 1, (size_t)len, rd->f);
	if (n == 0 && ferror(rd->f)) {
		rd->io_errno = errno ? errno : EIO;
		return -1;
	}
	/* remember how the file starts, to tell "not XML at all" from "broken
	 * XML" in messages */
	static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };
	for (size_t i = 0; i < n && !rd->sniffed; i++) {
		unsigned char c = (unsigned char)buffer[i];
		size_t at = rd->io_bytes + i;
		if (at < 3 && at == rd->bom_bytes && c == bom[at]) {
			rd->bom = ++rd->bom_bytes == 3;
			continue;
		}
		if (at == 0 && (c == 0xFF || c == 0xFE || c == 0x00)) {
			rd->sniffed = rd->looks_xml = true;   /* UTF-16 or UTF-32 */
			break;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		rd->sniffed = true;
		rd->looks_xml = c == '<';
	}
	rd->io_bytes += n;
	if (rd->expanding) {
		rd->expand_tags += count_byte(buffer, n, '<');
		if (rd->io_bytes - rd->expand_from > EXPAND_MAX_BYTES ||
		    rd->expand_tags > EXPAND_MAX_TAGS) {
			struct xml_msg *m = &rd->perr;
			m->set = m->in_main = true;
			m->line = rd->row.line;  /* where the record starts */
			m->col = 0;
			snprintf(m->text, sizeof(m->text),
				 "a record (%s) over %u MiB long or with over %u tags: evb reads "
				 "a record whole, and a real one is far smaller",
				 schema_kind((enum kind)rd->kind)->element, EXPAND_MAX_BYTES >> 20,
				 EXPAND_MAX_TAGS);
			return 0;
		}
	}
	/* libxml2 (2.9.14) under xmlTextReader parses pushed 512-byte chunks
	 * and waits for the end of a tag, comment or reference before it
	 * parses one, looking for it again with every chunk: quadratic (an '&'
	 * never followed by ';' and 10 MB of text took 100 s; 1 MiB of blanks
	 * inside an end tag 1.2 s). When the parser has not moved while
	 * UNPARSED_MAX bytes were read, the input ends here */
	if (rd->r) {
		int pl = xmlTextReaderGetParserLineNumber(rd->r);
		int pc = xmlTextReaderGetParserColumnNumber(rd->r);
		if (pl != rd->parser_line || pc != rd->parser_col) {
			rd->parser_line = pl;
			rd->parser_col = pc;
			rd->parser_moved_at = rd->io_bytes;
		} else if (rd->io_bytes - rd->parser_moved_at > UNPARSED_MAX) {
			struct xml_msg *m = &rd->perr;
			m->set = m->in_main = true;
			m->line = pl;
			m->col = pc;
			snprintf(m->text, sizeof(m->text),
				 "markup over 256 KiB long (a tag, comment or CDATA "
				 "section never closed, or an '&' without ';')");
			return 0;
		}
	}
	return (int)n;
}

static void on_parse_error(void *ctx, xmlErrorPtr e)
{
	struct rd *rd = ctx;
	if (!e || e->level < XML_ERR_ERROR || rd->perr.set)
		return;
	msg_copy(&rd->perr, e, rd->path);
}

static int find_elem(const struct rd *rd, const xmlNode *n)
{
	for (int steps = 0; n && steps < 8; steps++, n = n->parent)
		for (int i = 0; i < rd->nelems; i++)
			if (rd->elems[i].node == n)
				return i;
	return -1;
}

static void on_valid_error(void *ctx, xmlErrorPtr e)
{
	struct rd *rd = ctx;
	if (!e || e->level < XML_ERR_ERROR || rd->verr.set)
		return;
	msg_copy(&rd->verr, e, NULL);
	rd->verr_elem = find_elem(rd, e->node);
}

/* ---- errors and output ---------------------------------------------------- */

static int fatal_parse(struct rd *rd, struct evb_error *err)
{
	if (rd->io_errno)
		return evb_error_set(err, EVB_EIO, rd->display, 0, NULL, "read failed: %s",
				     strerror(rd->io_errno));
	struct xml_msg m = rd->perr;
	if (!m.set) {
		const xmlError *le = xmlGetLastError();
		if (le && le->level >= XML_ERR_ERROR)
			msg_copy(&m, le, rd->path);
	}
	const char *what = rd->looks_xml ? "not well-formed XML" : "not an XML file";
	if (rd->io_bytes == 0)
		return evb_error_set(err, EVB_EPARSE, rd->display, 0, NULL,
				     "not an XML file: the file is empty");
	if (!rd->looks_xml)      /* libxml2's message would only confuse here */
		return evb_error_set(err, EVB_EPARSE, rd->display, m.set ? m.line : 1, NULL,
				     "not an XML file: its first character is not '<'");
	if (!m.set)
		return evb_error_set(err, EVB_EPARSE, rd->display, 0, NULL, "%s", what);
	/* an error inside an entity's text has a line within the entity: say
	 * where the parser stopped in the file instead */
	long line = m.line;
	if (!m.in_main && rd->r) {
		int pl = xmlTextReaderGetParserLineNumber(rd->r);
		if (pl > 0)
			line = pl;
	}
	char where[32] = "";
	if (m.in_main && m.col > 0)
		snprintf(where, sizeof(where), " (column %d)", m.col);
	return evb_error_set(err, EVB_EPARSE, rd->display, line, NULL, "%s: %s%s", what,
			     m.text, where);
}

static int emit_reject(struct rd *rd, int kind, long line, const char *column,
		       const char *value, const char *key, const char *reason)
{
	rd->info.records++;
	int rc = rd->sink->reject(rd->sink->ctx, kind, rd->display, line,
				  column && *column ? column : NULL, value, key, reason);
	return rc < 0 ? rc : 0;
}

static int emit_problem(struct rd *rd)
{
	const struct problem *p = &rd->prob;
	return emit_reject(rd, rd->kind, p->line > 0 ? p->line : rd->row.line, p->column,
			   p->has_value ? p->value : NULL, p->key, p->reason);
}

/* Records a problem of the current record; the first one of the highest
 * rank is kept. */
static void problem(struct rd *rd, int rank, const char *key, long line,
		    const char *column, const char *value, size_t value_len,
		    const char *fmt, ...) __attribute__((format(printf, 8, 9)));
static void problem(struct rd *rd, int rank, const char *key, long line,
		    const char *column, const char *value, size_t value_len,
		    const char *fmt, ...)
{
	struct problem *p = &rd->prob;
	if (rank <= p->rank)
		return;
	p->rank = rank;
	p->key = key;
	p->line = line;
	copy_utf8(p->column, NAME_MAX_BYTES, column ? column : "", column ? strlen(column) : 0);
	p->has_value = value != NULL;
	copy_utf8(p->value, SHORT_MAX, value ? value : "", value ? value_len : 0);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
}

/* ---- the current record --------------------------------------------------- */

static void record_reset(struct rd *rd)
{
	rd->vrec = NULL;
	rd->in_field = false;
	rd->kind = -1;
	rd->nelems = 0;
	rd->prob.rank = PROB_NONE;      /* problem() sets all the rest */
	memset(rd->present, 0, sizeof(rd->present));   /* vals are read where present */
	buf_clear(&rd->cur);
}

/* Counts element n of the record as element number rd->nelems. Returns its
 * index, or -1 when the record has too many elements. */
static int add_elem(struct rd *rd, const xmlNode *n, long line)
{
	if (rd->nelems >= RECORD_MAX_ELEMENTS) {
		problem(rd, PROB_OWN, "reject.schema", line, NULL, NULL, 0,
			"record has more than %d elements", RECORD_MAX_ELEMENTS - 1);
		return -1;
	}
	struct elem *e = &rd->elems[rd->nelems];
	memset(e, 0, sizeof(*e));
	e->node = n;
	e->line = line;
	return rd->nelems++;
}

/* The name a reject gives element e, into buf (NAME_MAX_BYTES + 1). */
static const char *elem_name(const struct elem *e, char *buf)
{
	const xmlNode *n = e->nested && e->node->parent ? e->node->parent : e->node;
	copy_name(buf, n->name);
	return buf;
}

/* The value of field e as read (its text, trimmed), shortened into buf
 * (SHORT_MAX + 1). Only for a reject: it reads the text again. EVB_ENOMEM
 * when it cannot. */
static int elem_value(const struct elem *e, char *buf)
{
	struct buf v = { 0 };
	for (const xmlNode *c = e->node->children; c; c = c->next) {
		if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content)
			continue;
		int ret = buf_add(&v, (const char *)c->content, strlen((const char *)c->content),
				  EVB_MAX_FIELD + SHORT_MAX);
		if (ret == EVB_ENOMEM) {
			buf_release(&v);
			return ret;
		}
		if (ret)
			break;  /* a value over the limit is rejected as such */
	}
	const char *p = v.p ? v.p : "";
	size_t len = v.len;
	while (len && is_ws(*p)) {
		p++;
		len--;
	}
	while (len && is_ws(p[len - 1]))
		len--;
	copy_utf8(buf, SHORT_MAX, p, len);
	buf_release(&v);
	return 0;
}

static void entity_problem(struct rd *rd, const xmlNode *n, const char *column)
{
	char name[NAME_MAX_BYTES + 1];
	copy_name(name, n->name);
	problem(rd, PROB_ENTITY, "reject.entity", rd->line, column, "", 0,
		"entity reference '&%s;' in %s: entities are never expanded", name,
		schema_kind((enum kind)rd->kind)->element);
}

static void attr_entity_problem(struct rd *rd, const xmlNode *n, const xmlAttr *a,
				long line, const char *column)
{
	char attr[NAME_MAX_BYTES + 1], elem[NAME_MAX_BYTES + 1];
	copy_name(attr, a->name);
	copy_name(elem, n->name);
	problem(rd, PROB_ENTITY, "reject.entity", line, column, "", 0,
		"entity reference in attribute '%s' of '%s': entities are never expanded",
		attr, elem);
}

static int record_begin(struct rd *rd, const xmlNode *n, int kind)
{
	record_reset(rd);
	rd->kind = kind;
	/* val, vlen and vline are set at the end (record_end) */
	rd->row.kind = (enum kind)kind;
	rd->row.file = rd->display;
	rd->row.line = rd->line;
	const xmlAttr *a = attr_with_entity(n);
	if (a) {
		attr_entity_problem(rd, n, a, rd->row.line, NULL);
		return 0;
	}
	if (add_elem(rd, n, rd->row.line) == 0)
		rd->vrec = (xmlNodePtr)n;
	return 0;
}

/* The schema column named exactly like element n, or -1. */
static int known_column(struct rd *rd, int kind, const xmlNode *n)
{
	if (n->ns)
		return -1;
	const char *name = (const char *)n->name;
	const struct kind_info *ki = schema_kind((enum kind)kind);
	for (int c = 0; c < ki->ncolumns; c++)
		if (n->name && rd->names[kind][c] == n->name)
			return c;
	int c = schema_column((enum kind)kind, name, strlen(name));
	if (c < 0 || strcmp(ki->columns[c].name, name) != 0)
		return -1;
	/* only a name of the reader's dictionary keeps its address (and the
	 * column's name at another address is forgotten) */
	if (n->doc && n->doc->dict && xmlDictOwns(n->doc->dict, n->name) == 1)
		rd->names[kind][c] = n->name;
	return c;
}

/* The current field's name, as a reject shows it. */
static const char *field_name(struct rd *rd)
{
	if (!rd->cur_named) {
		copy_name(rd->cur_name, rd->cur_node->name);
		rd->cur_named = true;
	}
	return rd->cur_name;
}

static int field_begin(struct rd *rd, const xmlNode *n)
{
	const struct kind_info *ki = schema_kind((enum kind)rd->kind);
	rd->in_field = true;
	rd->cur_line = rd->line;
	rd->cur_node = n;
	rd->cur_named = false;
	rd->cur_col = known_column(rd, rd->kind, n);
	rd->cur_dup = rd->cur_col >= 0 && rd->present[rd->cur_col];
	rd->cur_overflow = false;
	rd->cur_elem = -1;
	rd->cur_raw = 0;
	buf_clear(&rd->cur);
	if (rd->cur_col < 0)
		problem(rd, PROB_STRUCTURE, "reject.schema", rd->cur_line, field_name(rd), NULL, 0,
			"element '%s' is not a field of %s", field_name(rd), ki->element);
	const xmlAttr *a = attr_with_entity(n);
	if (a)
		attr_entity_problem(rd, n, a, rd->cur_line, field_name(rd));
	if (!rd->vrec || rd->prob.rank >= PROB_ENTITY)
		return 0;
	rd->cur_elem = add_elem(rd, n, rd->cur_line);
	return 0;
}

static int field_text(struct rd *rd, const char *s)
{
	if (rd->cur_overflow)
		return 0;
	size_t n = strlen(s);
	rd->cur_raw += n;
	if (rd->cur.len == 0)
		while (n > 0 && is_ws(*s)) {
			s++;
			n--;
		}
	if (n == 0)
		return 0;
	/* a text node holds at most XML_MAX_TEXT_LENGTH bytes, so the buffer is
	 * bounded by EVB_MAX_FIELD plus one text node before it is trimmed */
	int ret = buf_add(&rd->cur, s, n, EVB_MAX_FIELD + n);
	if (ret == EVB_ENOMEM)
		return ret;     /* the run stops: the value is not too long */
	if (!ret && rd->cur.len > EVB_MAX_FIELD)
		buf_rtrim(&rd->cur);
	if (ret || rd->cur.len > EVB_MAX_FIELD) {
		rd->cur_overflow = true;
		problem(rd, PROB_OWN, "reject.field_too_long", rd->cur_line, field_name(rd),
			rd->cur.p ? rd->cur.p : "", rd->cur.len,
			"value of '%s' is longer than %u bytes", field_name(rd), EVB_MAX_FIELD);
		buf_clear(&rd->cur);
	}
	return 0;
}

/* Makes v[0..len) the text of element n: its first text node's, the
 * others' emptied. */
static int set_text(xmlNode *n, const char *v, size_t len)
{
	bool first = true;
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			continue;
		xmlNodeSetContentLen(c, (const xmlChar *)(first ? v : ""), first ? (int)len : 0);
		if (!c->content)
			return EVB_ENOMEM;
		first = false;
	}
	return 0;
}

static int field_end(struct rd *rd)
{
	int ret = 0;
	rd->in_field = false;
	if (rd->cur_overflow)
		goto out;
	buf_rtrim(&rd->cur);
	const char *v = rd->cur.p ? rd->cur.p : "";
	if (rd->cur_elem >= 0) {
		struct elem *e = &rd->elems[rd->cur_elem];
		e->has_value = true;
		/* the schema allows EVB_MAX_FIELD characters, as evb does after
		 * trimming: a text longer only by its blanks is validated as the
		 * value evb reads */
		if (rd->cur_raw > EVB_MAX_FIELD && (ret = set_text((xmlNode *)e->node, v, rd->cur.len)))
			goto out;
	}
	if (rd->cur_dup) {
		problem(rd, PROB_OWN, "reject.duplicate_field", rd->cur_line, field_name(rd), v,
			rd->cur.len, "field '%s' occurs more than once", field_name(rd));
	} else if (rd->cur_col >= 0) {
		int c = rd->cur_col;
		struct buf tmp = rd->vals[c];
		rd->vals[c] = rd->cur;
		rd->cur = tmp;
		rd->present[c] = true;
		rd->row.vline[c] = rd->cur_line;
	}
out:
	buf_clear(&rd->cur);
	rd->cur_col = -1;
	rd->cur_elem = -1;
	return ret;
}

/* An element inside a field (depth 3). */
static int nested_begin(struct rd *rd, const xmlNode *n)
{
	long line = rd->line;
	char name[NAME_MAX_BYTES + 1];
	copy_name(name, n->name);
	problem(rd, PROB_STRUCTURE, "reject.schema", line, field_name(rd), NULL, 0,
		"field '%s' holds an element '%s': fields hold text only", field_name(rd), name);
	const xmlAttr *a = attr_with_entity(n);
	if (a)
		attr_entity_problem(rd, n, a, line, field_name(rd));
	if (rd->cur_elem < 0 || rd->prob.rank >= PROB_ENTITY)
		return 0;
	int i = add_elem(rd, n, line);
	if (i >= 0)             /* a reject names the field, not what is inside */
		rd->elems[i].nested = true;
	return 0;
}

/* Text directly inside the record element (depth 2). */
static int record_text(struct rd *rd, const char *s)
{
	if (all_ws(s))
		return 0;
	long line = text_line(rd->line, s);
	size_t len = strlen(s);
	problem(rd, PROB_STRUCTURE, "reject.schema", line > 0 ? line : rd->row.line, NULL, s,
		len, "text directly inside %s: values belong in field elements",
		schema_kind((enum kind)rd->kind)->element);
	return 0;
}

static int record_end(struct rd *rd, struct evb_error *err)
{
	int ret = 0;
	if (rd->in_field && (ret = field_end(rd)))
		goto out;
	if (rd->prob.rank >= PROB_OWN || !rd->vrec) {
		ret = emit_problem(rd);
		goto out;
	}
	memset(&rd->verr, 0, sizeof(rd->verr));
	rd->verr_elem = -1;
	int v = xmlSchemaValidateOneElement(rd->x->vctxt, rd->vrec);
	if (v < 0) {
		ret = evb_error_set(err, EVB_EPARSE, rd->display, rd->row.line, NULL,
				    "cannot validate %s against the schema",
				    schema_kind((enum kind)rd->kind)->element);
		goto out;
	}
	if (v > 0) {
		const struct elem *e = rd->verr_elem >= 0 ? &rd->elems[rd->verr_elem] : NULL;
		char name[NAME_MAX_BYTES + 1], value[SHORT_MAX + 1];
		if (e && e->has_value && (ret = elem_value(e, value)))
			goto out;
		ret = emit_reject(rd, rd->kind, e ? e->line : rd->row.line,
				  e && rd->verr_elem > 0 ? elem_name(e, name) : NULL,
				  e && e->has_value ? value : NULL, "reject.schema",
				  rd->verr.set ? rd->verr.text : "record does not follow evb-export.xsd");
		goto out;
	}
	if (rd->prob.rank == PROB_STRUCTURE) {
		ret = emit_problem(rd);
		goto out;
	}
	for (int c = 0; c < SCHEMA_MAX_COLUMNS; c++) {
		rd->row.val[c] = rd->present[c] ? (rd->vals[c].p ? rd->vals[c].p : "") : NULL;
		rd->row.vlen[c] = rd->present[c] ? rd->vals[c].len : 0;
		if (!rd->present[c])
			rd->row.vline[c] = 0;
	}
	rd->info.records++;
	ret = rd->sink->row(rd->sink->ctx, &rd->row);
	if (ret > 0)
		ret = 0;
out:
	record_reset(rd);
	return ret;
}

/* ---- the document --------------------------------------------------------- */

static int root_begin(struct rd *rd, const xmlNode *n, struct evb_error *err)
{
	int ret = 0;
	long line = rd->line;
	char name[NAME_MAX_BYTES + 1];
	copy_name(name, n->name);
	rd->root_seen = true;
	if (strcmp(name, "evb-export") != 0)
		return evb_error_set(err, EVB_EPARSE, rd->display, line, NULL,
				     "root element is '%s', expected 'evb-export'", name);
	if (n->ns) {
		char href[SHORT_MAX + 1];
		const char *h = n->ns->href ? (const char *)n->ns->href : "";
		copy_utf8(href, SHORT_MAX, h, strlen(h));
		return evb_error_set(err, EVB_EPARSE, rd->display, line, NULL,
				     "root element 'evb-export' is in namespace '%s', expected none",
				     href);
	}
	const xmlAttr *a = attr_with_entity(n);
	if (a) {
		copy_name(name, a->name);
		return evb_error_set(err, EVB_EPARSE, rd->display, line, NULL,
				     "entity reference in attribute '%s' of 'evb-export': "
				     "entities are never expanded", name);
	}
	const xmlAttr *version = NULL;
	for (a = n->properties; a; a = a->next)
		if (!a->ns && strcmp((const char *)a->name, "version") == 0)
			version = a;
	if (!version)
		return evb_error_set(err, EVB_EPARSE, rd->display, line, NULL,
				     "'evb-export' has no version attribute (expected version=\"1\")");
	xmlChar *v = xmlNodeListGetString(n->doc, version->children, 1);
	if (!v || strcmp((const char *)v, "1") != 0) {
		char shown[SHORT_MAX + 1];
		copy_utf8(shown, SHORT_MAX, v ? (const char *)v : "", v ? strlen((const char *)v) : 0);
		ret = evb_error_set(err, EVB_EPARSE, rd->display, line, NULL,
				    "unsupported export version \"%s\" (expected version=\"1\")", shown);
		xmlFree(v);
		return ret;
	}
	xmlFree(v);

	/* the root's attributes against the schema (its content is checked
	 * record by record): a copy of it without its children */
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr copy = doc ? xmlDocCopyNode((xmlNodePtr)n, doc, 2) : NULL;
	if (!copy) {
		xmlFreeDoc(doc);
		return evb_error_set(err, EVB_ENOMEM, rd->display, line, NULL, EVB_NOMEM_TEXT);
	}
	xmlDocSetRootElement(doc, copy);
	memset(&rd->verr, 0, sizeof(rd->verr));
	rd->nelems = 0;
	int valid = xmlSchemaValidateOneElement(rd->x->vctxt, copy);
	xmlFreeDoc(doc);
	if (valid != 0)
		return evb_error_set(err, EVB_EPARSE, rd->display, line, NULL,
				     "invalid 'evb-export' element: %s",
				     rd->verr.set ? rd->verr.text : "does not follow evb-export.xsd");

	const xmlChar *enc = xmlTextReaderConstEncoding(rd->r);
	if (enc && strcasecmp((const char *)enc, "UTF-8") != 0 &&
	    strcasecmp((const char *)enc, "UTF8") != 0 && rd->sink->note) {
		char msg[128];
		char e[40];
		copy_utf8(e, sizeof(e) - 1, (const char *)enc, strlen((const char *)enc));
		snprintf(msg, sizeof(msg), "declared encoding '%s': values converted to UTF-8", e);
		rd->sink->note(rd->sink->ctx, rd->display, line, NULL, 0, msg);
	}
	return 0;
}

/* A node inside the current record, as the reader would give it (an
 * element's end as type XML_READER_TYPE_END_ELEMENT). */
static int inside_record(struct rd *rd, int type, int depth, const xmlNode *n,
			 struct evb_error *err)
{
	if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
		entity_problem(rd, n, depth >= 3 && rd->in_field ? field_name(rd) : NULL);
		return 0;
	}
	bool text = is_text_type(type) && n->content;
	if (depth == 1) {
		if (type == XML_READER_TYPE_END_ELEMENT)
			return record_end(rd, err);
		return 0;
	}
	if (depth == 2) {
		if (type == XML_READER_TYPE_ELEMENT)
			return field_begin(rd, n);
		if (type == XML_READER_TYPE_END_ELEMENT)
			return rd->in_field ? field_end(rd) : 0;
		return text ? record_text(rd, (const char *)n->content) : 0;
	}
	if (depth == 3 && rd->in_field) {
		if (type == XML_READER_TYPE_ELEMENT)
			return nested_begin(rd, n);
		if (text)
			return field_text(rd, (const char *)n->content);
	}
	return 0;                   /* deeper: already a problem of the field */
}

/* The reader's type of node n; -1 for a node the reader would not give. */
static int reader_type(const xmlNode *n)
{
	switch (n->type) {
	case XML_ELEMENT_NODE: return XML_READER_TYPE_ELEMENT;
	case XML_TEXT_NODE: return XML_READER_TYPE_TEXT;
	case XML_CDATA_SECTION_NODE: return XML_READER_TYPE_CDATA;
	case XML_ENTITY_REF_NODE: return XML_READER_TYPE_ENTITY_REFERENCE;
	case XML_PI_NODE: return XML_READER_TYPE_PROCESSING_INSTRUCTION;
	case XML_COMMENT_NODE: return XML_READER_TYPE_COMMENT;
	default: return -1;
	}
}

/* Node n of the record at depth, of reader type `type`, as read_all takes
 * a node: its line, then the node, then the lines seen. */
static int visit(struct rd *rd, int type, int depth, const xmlNode *n, struct evb_error *err)
{
	rd->line = node_line(rd, type, n);
	int ret = inside_record(rd, type, depth, n, err);
	rd->prev_text_line = is_text_type(type) ? rd->line : 0;
	if (rd->line > rd->last_line)
		rd->last_line = rd->line;
	return ret;
}

/* The nodes from n on and their children (an entity reference's are the
 * entity's, never read), in document order; every element ends after its
 * children, as the reader ends an element. */
static int walk(struct rd *rd, const xmlNode *n, int depth, struct evb_error *err)
{
	for (; n; n = n->next) {
		int type = reader_type(n), ret;
		if (type < 0)
			continue;
		if ((ret = visit(rd, type, depth, n, err)))
			return ret;
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (n->children && (ret = walk(rd, n->children, depth + 1, err)))
			return ret;
		if ((ret = visit(rd, XML_READER_TYPE_END_ELEMENT, depth, n, err)))
			return ret;
	}
	return 0;
}

/* The record the reader is on (begun): expanded, walked, ended. The caller
 * skips it. */
static int read_record(struct rd *rd, struct evb_error *err)
{
	rd->expanding = true;
	rd->expand_from = rd->io_bytes;
	rd->expand_tags = 0;
	xmlNodePtr rec = xmlTextReaderExpand(rd->r);
	rd->expanding = false;
	if (!rec || rd->perr.set)
		return fatal_parse(rd, err);
	int ret = walk(rd, rec->children, 2, err);
	return ret ? ret : visit(rd, XML_READER_TYPE_END_ELEMENT, 1, rec, err);
}

/* A node at depth 1 outside a record. *skip asks to skip its subtree. */
static int between_records(struct rd *rd, int type, const xmlNode *n, bool *skip,
			   struct evb_error *err)
{
	long line = rd->line;
	switch (type) {
	case XML_READER_TYPE_ELEMENT: {
		int kind = n->ns ? -1 : schema_kind_from_element((const char *)n->name);
		if (kind < 0) {
			char name[NAME_MAX_BYTES + 1];
			char reason[200];
			copy_name(name, n->name);
			snprintf(reason, sizeof(reason),
				 "element '%s'%s is not a record element (person, beslut, "
				 "bestallning, verkstallighet, avbrott, handelse or maltid)",
				 name, n->ns ? " in a namespace" : "");
			*skip = true;
			return emit_reject(rd, -1, line, NULL, NULL, "reject.schema", reason);
		}
		int ret = record_begin(rd, n, kind);
		if (!ret && xmlTextReaderIsEmptyElement(rd->r) == 1)
			return record_end(rd, err);
		*skip = true;
		return ret ? ret : read_record(rd, err);
	}
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
		const xmlChar *v = xmlTextReaderConstValue(rd->r);
		if (v && !all_ws((const char *)v))
			return evb_error_set(err, EVB_EPARSE, rd->display,
					     text_line(line, (const char *)v), NULL,
					     "text directly inside 'evb-export': records must be elements");
		return 0;
	}
	case XML_READER_TYPE_ENTITY_REFERENCE: {
		char name[NAME_MAX_BYTES + 1], reason[160];
		copy_name(name, n->name);
		snprintf(reason, sizeof(reason),
			 "entity reference '&%s;' outside a record: entities are never expanded",
			 name);
		return emit_reject(rd, -1, line, NULL, "", "reject.entity", reason);
	}
	default:
		return 0;           /* whitespace, comments, processing instructions */
	}
}

static int read_all(struct rd *rd, struct evb_error *err)
{
	xmlTextReaderPtr r = rd->r;
	int ret = xmlTextReaderRead(r);
	for (unsigned nodes = 1; ret == 1; nodes++) {
		if (nodes % 4096 == 0) {
			long bytes = xmlTextReaderByteConsumed(r);
			progress_at(bytes > 0 ? (uint64_t)bytes : 0, rd->info.records);
		}
		if (rd->perr.set)
			return fatal_parse(rd, err);
		int type = xmlTextReaderNodeType(r);
		int depth = xmlTextReaderDepth(r);
		xmlNodePtr n = xmlTextReaderCurrentNode(r);
		if (type < 0 || depth < 0 || !n)
			return fatal_parse(rd, err);
		rd->line = node_line(rd, type, n);
		bool skip = false;
		int rc = 0;
		if (depth == 0) {
			if (type == XML_READER_TYPE_ELEMENT)
				rc = root_begin(rd, n, err);
		} else if (depth == 1) {
			rc = between_records(rd, type, n, &skip, err);
		}
		if (rc == EVB_ENOMEM)
			return evb_error_set(err, EVB_ENOMEM, rd->display, rd->line, NULL,
					     EVB_NOMEM_TEXT);
		if (rc)
			return rc;
		rd->prev_text_line = is_text_type(type) ? rd->line : 0;
		if (rd->line > rd->last_line)
			rd->last_line = rd->line;
		ret = skip ? xmlTextReaderNext(r) : xmlTextReaderRead(r);
	}
	if (ret < 0 || rd->perr.set)
		return fatal_parse(rd, err);
	if (!rd->root_seen)
		return evb_error_set(err, EVB_EPARSE, rd->display, rd->last_line, NULL,
				     "%s: no root element",
				     rd->looks_xml ? "not well-formed XML" : "not an XML file");
	return 0;
}

/* ---- public --------------------------------------------------------------- */

static int read_schema_file(const char *path, struct buf *b, struct evb_error *err)
{
	int ret = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL, "cannot open schema: %s",
				     strerror(errno));
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		int rc = buf_add(b, chunk, n, XSD_MAX_BYTES);
		if (rc == EVB_ETOOBIG) {
			ret = evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL,
					    "schema is larger than %u bytes", XSD_MAX_BYTES);
			goto out;
		}
		if (rc) {
			ret = evb_error_set(err, EVB_ENOMEM, path, 0, NULL, EVB_NOMEM_TEXT);
			goto out;
		}
	}
	if (ferror(f))
		ret = evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL, "cannot read schema: %s",
				    strerror(errno));
	else if (b->len == 0)
		ret = evb_error_set(err, EVB_ETEMPLATE, path, 0, NULL, "schema is empty");
out:
	fclose(f);
	return ret;
}

static void on_schema_error(void *ctx, xmlErrorPtr e)
{
	struct xml_msg *m = ctx;
	if (e && e->level >= XML_ERR_ERROR && !m->set)
		msg_copy(m, e, NULL);
}

/* The schema must declare the root and every record element. */
static int schema_selfcheck(struct xml_in *x, const char *xsd_path, struct evb_error *err)
{
	int ret = 0;
	struct xml_msg m = { 0 };
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	if (!doc)
		return evb_error_set(err, EVB_ENOMEM, xsd_path, 0, NULL, EVB_NOMEM_TEXT);
	xmlSchemaSetValidStructuredErrors(x->vctxt, on_schema_error, &m);
	for (int k = -1; k < K__COUNT && !ret; k++) {
		const char *name = k < 0 ? "evb-export" : schema_kind((enum kind)k)->element;
		xmlNodePtr el = xmlNewDocNode(doc, NULL, (const xmlChar *)name, NULL);
		if (!el || (k < 0 && !xmlNewProp(el, (const xmlChar *)"version",
						  (const xmlChar *)"1"))) {
			xmlFreeNode(el);
			ret = evb_error_set(err, EVB_ENOMEM, xsd_path, 0, NULL, EVB_NOMEM_TEXT);
			break;
		}
		xmlNodePtr old = xmlDocSetRootElement(doc, el);
		if (old) {
			xmlUnlinkNode(old);
			xmlFreeNode(old);
		}
		memset(&m, 0, sizeof(m));
		if (xmlSchemaValidateOneElement(x->vctxt, el) != 0)
			ret = evb_error_set(err, EVB_ETEMPLATE, xsd_path, 0, NULL,
					    "schema does not accept an empty '%s' element: %s", name,
					    m.set ? m.text : "validation failed");
	}
	xmlSchemaSetValidStructuredErrors(x->vctxt, NULL, NULL);
	xmlFreeDoc(doc);
	return ret;
}

struct xml_in *xml_in_new(const char *xsd_path, struct evb_error *err)
{
	struct xml_in *x = NULL;
	struct buf xsd = { 0 };
	struct xml_msg m = { 0 };
	xmlSchemaParserCtxtPtr pctxt = NULL;
	int ret;

	LIBXML_TEST_VERSION
	xmlInitParser();
	/* libxml2 never prints; errors come through the structured handlers */
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	/* nothing is ever loaded from outside: no external entities, no DTDs,
	 * no xs:include/xs:import */
	xmlSetExternalEntityLoader(deny_loader);

	if ((ret = read_schema_file(xsd_path, &xsd, err)))
		goto out;
	if (xsd.len > (size_t)INT32_MAX) {
		ret = evb_error_set(err, EVB_ETEMPLATE, xsd_path, 0, NULL, "schema is too large");
		goto out;
	}
	if (!(x = calloc(1, sizeof(*x)))) {
		ret = evb_error_set(err, EVB_ENOMEM, xsd_path, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	if (!(pctxt = xmlSchemaNewMemParserCtxt(xsd.p, (int)xsd.len))) {
		ret = evb_error_set(err, EVB_ENOMEM, xsd_path, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	xmlSchemaSetParserStructuredErrors(pctxt, on_schema_error, &m);
	if (!(x->schema = xmlSchemaParse(pctxt))) {
		ret = evb_error_set(err, EVB_ETEMPLATE, xsd_path, m.set ? m.line : 0, NULL,
				    "invalid schema: %s", m.set ? m.text : "cannot be parsed");
		goto out;
	}
	if (!(x->vctxt = xmlSchemaNewValidCtxt(x->schema))) {
		ret = evb_error_set(err, EVB_ENOMEM, xsd_path, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	ret = schema_selfcheck(x, xsd_path, err);
out:
	if (pctxt)
		xmlSchemaFreeParserCtxt(pctxt);
	buf_release(&xsd);
	if (ret) {
		xml_in_free(x);
		return NULL;
	}
	return x;
}

int xml_in_read(struct xml_in *x, const char *path, const char *display,
		const struct reader_sink *sink, struct input_info *info,
		struct evb_error *err)
{
	int ret;
	struct rd *rd = NULL;

	if (!display)
		display = path;
	if (!(rd = calloc(1, sizeof(*rd))))
		return evb_error_set(err, EVB_ENOMEM, display, 0, NULL, EVB_NOMEM_TEXT);
	rd->x = x;
	rd->path = path;
	rd->display = display;
	rd->sink = sink;
	rd->kind = -1;
	rd->cur_col = -1;
	rd->cur_elem = -1;
	if (!(rd->f = fopen(path, "rb"))) {
		ret = evb_error_set(err, EVB_EIO, display, 0, NULL, "cannot open: %s",
				    strerror(errno));
		goto out;
	}
	/* libxml2's generic error handler belongs to the thread (xml_in_new
	 * set it on the thread that made x): this one must not print either */
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	xmlResetLastError();
	/* the read callback is called from here on; no close callback: the
	 * file is closed below */
	rd->r = xmlReaderForIO(io_read, NULL, rd, path, NULL, PARSE_OPTIONS);
	if (!rd->r) {
		ret = rd->io_errno ? fatal_parse(rd, err)
				   : evb_error_set(err, EVB_ENOMEM, display, 0, NULL,
						   "cannot create an XML reader");
		goto out;
	}
	/* the handler first, before anything else touches the reader */
	xmlTextReaderSetStructuredErrorHandler(rd->r, on_parse_error, rd);
	xmlSchemaSetValidStructuredErrors(x->vctxt, on_valid_error, rd);
	ret = read_all(rd, err);
	if (!ret)
		rd->info.bom = rd->bom;
out:
	if (info)
		*info = rd->info;
	record_reset(rd);
	xmlSchemaSetValidStructuredErrors(x->vctxt, NULL, NULL);
	if (rd->r)
		xmlFreeTextReader(rd->r);
	if (rd->f)
		fclose(rd->f);
	for (int c = 0; c < SCHEMA_MAX_COLUMNS; c++)
		buf_release(&rd->vals[c]);
	buf_release(&rd->cur);
	free(rd);
	return ret;
}

void xml_in_free(struct xml_in *x)
{
	if (!x)
		return;
	if (x->vctxt)
		xmlSchemaFreeValidCtxt(x->vctxt);
	if (x->schema)
		xmlSchemaFree(x->schema);
	free(x);
}

void xml_in_cleanup(void)
{
	xmlCleanupParser();
}
