/*
 * Shared by the fuzz harnesses: a private scratch folder made once per
 * process (the harness writes each input there as a file, since the
 * readers read files), and a reader sink that accepts everything.
 */
#ifndef EVB_FUZZ_H
#define EVB_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"

static char fuzz_dir[64];

/* The scratch folder (removed at exit). */
static inline void fuzz_cleanup(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: cannot remove %s\n", fuzz_dir);
}

static inline const char *fuzz_scratch(void)
{
	if (!fuzz_dir[0]) {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/evb-fuzz-XXXXXX");
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_cleanup);
	}
	return fuzz_dir;
}

/* Writes data to <scratch>/name and returns the path (static). */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", fuzz_scratch(), name);
	FILE *f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
	return path;
}

static inline int fuzz_row(void *ctx, const struct row *r)
{
	(void)ctx;
	/* touch every value, so a bad pointer shows */
	size_t n = 0;
	for (int i = 0; i < SCHEMA_MAX_COLUMNS; i++)
		if (r->val[i])
			n += strlen(r->val[i]);
	return n == (size_t)-1;
}

static inline int fuzz_reject(void *ctx, int kind, const char *file, long line, const char *column,
		       const char *value, const char *reason_key, const char *reason)
{
	(void)ctx;
	(void)kind;
	(void)line;
	size_t n = strlen(file) + strlen(reason_key) + strlen(reason);
	n += (column ? strlen(column) : 0) + (value ? strlen(value) : 0);
	return n == (size_t)-1;
}

static inline void fuzz_note(void *ctx, const char *file, long line, const char *message)
{
	(void)ctx;
	(void)line;
	if (strlen(file) + strlen(message) == (size_t)-1)
		abort();
}

static const struct reader_sink fuzz_sink = { NULL, fuzz_row, fuzz_reject, fuzz_note };

#endif
