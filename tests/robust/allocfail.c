/*
 * Allocation failure on purpose, for tests/robust/allocfail.sh: linked into
 * build/asan/evb-allocfail with -Wl,--wrap for malloc, calloc, realloc and
 * strdup (Makefile), so every allocation evb's own code asks for comes
 * here first. They are counted (on every thread); from the
 * EVB_ALLOC_FAIL-th on, every one fails, as when memory has run out
 * (unset or 0: none fails); with EVB_ALLOC_FAIL_ONCE set, that one alone
 * fails, as when memory is short for a moment, and the allocations after
 * it succeed (code that missed the failure then goes on with what it did
 * not get, which the sanitizers see). At exit the count is written to the file
 * EVB_ALLOC_COUNT names, so a sweep knows how many there are. Allocations
 * the libraries make inside themselves are not counted: their failures
 * come back to evb as their own errors. With EVB_ALLOC_TRACE set, the
 * stack of the first failed allocation is printed to stderr.
 */
#include <execinfo.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

static atomic_ulong calls;
static unsigned long fail_from;         /* 0: none fails */
static bool fail_once;                  /* only the fail_from-th fails */
static const char *count_file;
static bool trace;

static bool fails(void)
{
	unsigned long k = atomic_fetch_add(&calls, 1) + 1;
	if (trace && fail_from && k == fail_from) {
		void *frames[32];
		backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
	}
	return fail_from && (fail_once ? k == fail_from : k >= fail_from);
}

void *__wrap_malloc(size_t n)
{
	return fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	return fails() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fails() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fails() ? NULL : __real_strdup(s);
}

static void write_count(void)
{
	FILE *f = count_file ? fopen(count_file, "w") : NULL;
	if (f) {
		fprintf(f, "%lu\n", (unsigned long)atomic_load(&calls));
		fclose(f);
	}
}

__attribute__((constructor)) static void allocfail_init(void)
{
	const char *s = getenv("EVB_ALLOC_FAIL");
	fail_from = s ? strtoul(s, NULL, 10) : 0;
	fail_once = getenv("EVB_ALLOC_FAIL_ONCE") != NULL;
	count_file = getenv("EVB_ALLOC_COUNT");
	trace = getenv("EVB_ALLOC_TRACE") != NULL;
	atexit(write_count);
}
