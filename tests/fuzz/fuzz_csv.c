/*
 * Fuzz harness: the CSV reader of the exports (src/csv_in.c). The first
 * byte chooses how the rest is read:
 *   bit 0     read as Windows-1252 (as is every input that is not valid
 *             UTF-8: export.c decides so from hash_file's check)
 *   bits 1-3  the kind: 0 beslut, 1 bestallningar, 2 verkstalligheter,
 *             3 avbrott, 4 handelser, 5 maltider, 6 personer (7: beslut)
 *   bit 4     stretch: bytes 0x1F and 0x1E become long runs (fuzz.h), to
 *             reach the 1 MiB field and 4 MiB record limits
 * Memory must stay bounded whatever the input: the reader may hold a
 * 64 KiB block, libcsv's buffer of one field (at most EVB_MAX_FIELD and a
 * block) and one record (at most 4 MiB, briefly twice while it grows).
 * Then the same file is read again through the relay (src/relay.c), as
 * evb reads it, which takes whole records as fields (reader.h): the sink
 * must see the same events in the same order as from the reader alone.
 */
#include "fuzz.h"
#include "csv_in.h"
#include "relay.h"

#define HEAP_BOUND (12u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every event a sink is given, written down byte for byte. */
struct log {
	char *p;
	size_t len, cap;
};

static void log_put(struct log *g, const void *v, size_t n)
{
	if (g->len + n > g->cap) {
		size_t cap = g->cap ? g->cap : 4096;
		while (cap < g->len + n)
			cap *= 2;
		char *p = realloc(g->p, cap);
		if (!p)
			abort();
		g->p = p;
		g->cap = cap;
	}
	memcpy(g->p + g->len, v, n);
	g->len += n;
}

static void log_str(struct log *g, const char *s)
{
	size_t n = s ? strlen(s) : SIZE_MAX;
	log_put(g, &n, sizeof(n));
	if (s)
		log_put(g, s, n);
}

static int log_row(void *ctx, const struct row *r)
{
	struct log *g = ctx;
	log_put(g, "R", 1);
	log_put(g, &r->kind, sizeof(r->kind));
	log_str(g, r->file);
	log_put(g, &r->line, sizeof(r->line));
	for (int c = 0; c < SCHEMA_MAX_COLUMNS; c++) {
		if (r->val[c] && strlen(r->val[c]) != r->vlen[c])
			abort();
		log_str(g, r->val[c]);
		log_put(g, &r->vline[c], sizeof(r->vline[c]));
	}
	return fuzz_row(NULL, r);
}

static int log_reject(void *ctx, int kind, const char *file, long line, const char *column,
		      const char *value, const char *reason_key, const char *reason)
{
	struct log *g = ctx;
	log_put(g, "J", 1);
	log_put(g, &kind, sizeof(kind));
	log_put(g, &line, sizeof(line));
	log_str(g, file);
	log_str(g, column);
	log_str(g, value);
	log_str(g, reason_key);
	log_str(g, reason);
	return fuzz_reject(NULL, kind, file, line, column, value, reason_key, reason);
}

static void log_note(void *ctx, const char *file, long line, const char *column,
		     int position, const char *message)
{
	struct log *g = ctx;
	log_put(g, "N", 1);
	log_put(g, &line, sizeof(line));
	log_put(g, &position, sizeof(position));
	log_str(g, file);
	log_str(g, column);
	log_str(g, message);
	fuzz_note(NULL, file, line, column, position, message);
}

struct job {
	const char *path;
	enum kind kind;
	bool cp1252;
	struct input_info info;
};

static int read_job(void *arg, const struct reader_sink *sink, struct evb_error *err)
{
	struct job *j = arg;
	return csv_in_read(j->path, "beslut.csv", j->kind, NULL, j->cp1252, sink, &j->info, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t flags = data[0];
	enum kind kind = (enum kind)(((flags >> 1 & 7) + K_BESLUT) % K__COUNT);
	const char *body = (const char *)data + 1;
	size_t n = size - 1;
	bool cp1252 = (flags & 1) || !utf8_valid(body, n);
	const char *path = flags & 0x10 ? fuzz_file_stretched("beslut.csv", data + 1, n)
					: fuzz_file("beslut.csv", data + 1, n);
	struct log direct = { 0 }, relayed = { 0 };
	struct reader_sink s1 = { &direct, log_row, log_reject, log_note, NULL };
	struct reader_sink s2 = { &relayed, log_row, log_reject, log_note, NULL };
	struct job j1 = { path, kind, cp1252, { 0 } }, j2 = j1;
	struct evb_error e1 = { 0 }, e2 = { 0 };
	fuzz_heap_begin();
	int r1 = csv_in_read(path, "beslut.csv", kind, NULL, cp1252, &fuzz_sink, &j1.info, &e1);
	fuzz_check_read("fuzz_csv", r1, &e1, HEAP_BOUND);
	memset(&e1, 0, sizeof(e1));
	r1 = read_job(&j1, &s1, &e1);
	int r2 = relay_run(read_job, &j2, &s2, NULL, RELAY_BATCHES_MAX, &e2);
	if (r1 != r2 || direct.len != relayed.len ||
	    (direct.len && memcmp(direct.p, relayed.p, direct.len) != 0) ||
	    j1.info.cp1252 != j2.info.cp1252 || j1.info.bom != j2.info.bom ||
	    j1.info.delimiter != j2.info.delimiter || j1.info.records != j2.info.records ||
	    e1.code != e2.code || e1.line != e2.line || strcmp(e1.message, e2.message) != 0) {
		fprintf(stderr, "fuzz_csv: the relay gave other events than the reader\n");
		abort();
	}
	free(direct.p);
	free(relayed.p);
	return 0;
}
