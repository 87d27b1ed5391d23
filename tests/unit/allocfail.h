/*
 * Allocation failure on purpose, for the unit tests of out-of-memory
 * paths: a test that includes this is linked with -Wl,--wrap=malloc,
 * --wrap=calloc and --wrap=realloc (Makefile), so the allocations of the
 * code under test come here first (the libraries' own do not). After
 * alloc_fail_arm(N), N > 0, the Nth allocation and every later one fail,
 * as when memory has run out; alloc_calls counts them. alloc_fail_arm(0)
 * ends it. alloc_fail_once(N) fails the Nth alone, as when memory is short
 * for a moment: the allocations after it succeed, so code that goes on
 * past a failure it did not see uses what it did not get.
 */
#ifndef EVB_ALLOCFAIL_H
#define EVB_ALLOCFAIL_H

#include <stdbool.h>
#include <stddef.h>

static unsigned long alloc_calls, alloc_fail_from;
static bool alloc_fail_one;

static void alloc_fail_arm(unsigned long n)
{
	alloc_calls = 0;
	alloc_fail_from = n;
	alloc_fail_one = false;
}

static inline void alloc_fail_once(unsigned long n)
{
	alloc_fail_arm(n);
	alloc_fail_one = true;
}

static bool alloc_fails(void)
{
	if (!alloc_fail_from)
		return false;
	++alloc_calls;
	return alloc_fail_one ? alloc_calls == alloc_fail_from : alloc_calls >= alloc_fail_from;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
	return alloc_fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	return alloc_fails() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return alloc_fails() ? NULL : __real_realloc(p, n);
}

#endif
