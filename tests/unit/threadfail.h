/*
 * Thread creation failed on purpose, for the tests of code that falls back
 * to working on the calling thread: a test that includes this is linked
 * with -Wl,--wrap=pthread_create (Makefile), so the code's calls come to
 * __wrap_pthread_create, which fails with EAGAIN while fail_thread_create
 * is set.
 */
#ifndef EVB_THREADFAIL_H
#define EVB_THREADFAIL_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>

static bool fail_thread_create;

int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			  void *(*start)(void *), void *arg);
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			  void *(*start)(void *), void *arg);
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			  void *(*start)(void *), void *arg)
{
	if (fail_thread_create)
		return EAGAIN;
	return __real_pthread_create(thread, attr, start, arg);
}

#endif
