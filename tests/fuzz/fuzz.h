/*
 * Shared by the fuzz harnesses: a private scratch folder made once per
 * process and reused for every input (the readers read files, so each
 * input is written there as a file), input stretching for the size limits,
 * a measure of the heap a reader holds, and a reader sink that accepts
 * everything and checks what it gets.
 */
#ifndef EVB_FUZZ_H
#define EVB_FUZZ_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "reader.h"

/* not every harness uses every helper */
#define FUZZ_HELPER static __attribute__((unused))

static char fuzz_dir[256];

/* Removes the scratch folder and what the harness wrote in it (at exit). */
static void fuzz_cleanup(void)
{
	DIR *d = opendir(fuzz_dir);
	if (d) {
		struct dirent *e;
		char path[sizeof(fuzz_dir) + 256];
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(path, sizeof(path), "%s/%s", fuzz_dir, e->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(fuzz_dir);
}

FUZZ_HELPER const char *fuzz_scratch(void)
{
	if (!fuzz_dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/evb-fuzz-XXXXXX",
			 tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
		if (!mkdtemp(fuzz_dir)) {
			perror(fuzz_dir);
			abort();
		}
		atexit(fuzz_cleanup);
	}
	return fuzz_dir;
}

/* Writes data to <scratch>/name and returns the path (static). */
FUZZ_HELPER const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[sizeof(fuzz_dir) + 64];
	snprintf(path, sizeof(path), "%s/%s", fuzz_scratch(), name);
	FILE *f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}

/*
 * The size limits (a field over EVB_MAX_FIELD = 1 MiB, a record over
 * 4 MiB) cannot be reached by inputs of a few kilobytes, so a harness may
 * stretch its input as it writes it: each byte 0x1F (the unit separator,
 * which no export holds) becomes 600 KiB of 'x' (two in a field pass the
 * field limit, seven in a record the record limit) and each byte 0x1E 2 MiB
 * of blanks; the first FUZZ_STRETCH_MAX of them only, so a file stays
 * below 17 MB. Writes <scratch>/name and returns the path (static).
 */
#define FUZZ_STRETCH_MAX 8

FUZZ_HELPER const char *fuzz_file_stretched(const char *name, const uint8_t *data,
					    size_t size)
{
	static char path[sizeof(fuzz_dir) + 64];
	static char xs[64 * 1024], blanks[64 * 1024];
	if (!xs[0]) {
		memset(xs, 'x', sizeof(xs));
		memset(blanks, ' ', sizeof(blanks));
	}
	snprintf(path, sizeof(path), "%s/%s", fuzz_scratch(), name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		abort();
	}
	int runs = 0;
	size_t from = 0;
	for (size_t i = 0; i <= size; i++) {
		bool run = i < size && (data[i] == 0x1F || data[i] == 0x1E) &&
			   runs < FUZZ_STRETCH_MAX;
		if (i < size && !run)
			continue;
		if (i > from && fwrite(data + from, 1, i - from, f) != i - from)
			abort();
		from = i + 1;
		if (!run)
			break;
		runs++;
		const char *fill = data[i] == 0x1F ? xs : blanks;
		size_t pieces = data[i] == 0x1F ? 600 / 64 : 2048 / 64;
		for (size_t k = 0; k < pieces; k++)
			if (fwrite(fill, 1, sizeof(xs), f) != sizeof(xs))
				abort();
	}
	if (fclose(f) != 0)
		abort();
	return path;
}

/*
 * Bounded memory: the heap a reader holds at once, measured with the
 * sanitizer allocator's hooks between fuzz_heap_begin and fuzz_heap_peak
 * (bytes above what was allocated at the start).
 */
/* from <sanitizer/allocator_interface.h>, which gcc 12 does not ship (its
 * libasan has the functions) */
size_t __sanitizer_get_current_allocated_bytes(void);
int __sanitizer_install_malloc_and_free_hooks(
	void (*malloc_hook)(const volatile void *, size_t),
	void (*free_hook)(const volatile void *));

static size_t fuzz_heap_base, fuzz_heap_top;
static bool fuzz_heap_on;

static void fuzz_malloc_hook(const volatile void *p, size_t size)
{
	(void)p;
	(void)size;
	if (fuzz_heap_on) {
		size_t now = __sanitizer_get_current_allocated_bytes();
		if (now > fuzz_heap_top)
			fuzz_heap_top = now;
	}
}

static void fuzz_free_hook(const volatile void *p)
{
	(void)p;
}

FUZZ_HELPER void fuzz_heap_begin(void)
{
	static bool installed;
	if (!installed) {
		if (!__sanitizer_install_malloc_and_free_hooks(fuzz_malloc_hook, fuzz_free_hook))
			abort();
		installed = true;
	}
	fuzz_heap_base = fuzz_heap_top = __sanitizer_get_current_allocated_bytes();
	fuzz_heap_on = true;
}

FUZZ_HELPER size_t fuzz_heap_peak(void)
{
	fuzz_heap_on = false;
	return fuzz_heap_top - fuzz_heap_base;
}

/* reader.h: every value the readers hand on is NUL-terminated UTF-8 (the
 * harnesses give the CSV reader invalid UTF-8 only with cp1252 set, as
 * export.c does) */
FUZZ_HELPER void fuzz_check_text(const char *s)
{
	if (s && !utf8_valid(s, strlen(s)))
		abort();
}

/* After a reader ran (between fuzz_heap_begin and here): it held at most
 * `bound` bytes of heap at once, and a fatal error (ret != 0) says what
 * went wrong, in valid UTF-8. */
FUZZ_HELPER void fuzz_check_read(const char *harness, int ret, const struct evb_error *err,
				 size_t bound)
{
	size_t heap = fuzz_heap_peak();
	if (heap > bound) {
		fprintf(stderr, "%s: the reader held %zu bytes at once\n", harness, heap);
		abort();
	}
	if (ret && (!err->code || !err->message[0]))
		abort();
	fuzz_check_text(err->message);
}

FUZZ_HELPER int fuzz_row(void *ctx, const struct row *r)
{
	(void)ctx;
	fuzz_check_text(r->file);
	for (int i = 0; i < SCHEMA_MAX_COLUMNS; i++)
		fuzz_check_text(r->val[i]);
	return 0;
}

FUZZ_HELPER int fuzz_reject(void *ctx, int kind, const char *file, long line, const char *column,
		       const char *value, const char *reason_key, const char *reason)
{
	(void)ctx;
	(void)line;
	if (kind < -1 || kind >= K__COUNT || strncmp(reason_key, "reject.", 7) != 0)
		abort();
	fuzz_check_text(file);
	fuzz_check_text(column);
	fuzz_check_text(reason);
	fuzz_check_text(value);
	/* reader.h: a rejected value is shortened to at most 80 bytes */
	if (value && strlen(value) > 80)
		abort();
	return 0;
}

FUZZ_HELPER void fuzz_note(void *ctx, const char *file, long line, const char *column,
			   int position, const char *message)
{
	(void)ctx;
	(void)line;
	if (column && position < 1)
		abort();        /* a named column has its place */
	fuzz_check_text(file);
	if (column)
		fuzz_check_text(column);
	fuzz_check_text(message);
}

FUZZ_HELPER const struct reader_sink fuzz_sink = { NULL, fuzz_row, fuzz_reject, fuzz_note, NULL };

#endif
