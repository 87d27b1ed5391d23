/* Shared by the unit tests: cmocka's required includes and small helpers. */
#ifndef EVB_TESTUTIL_H
#define EVB_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "calendar.h"

/* "YYYY-MM-DD" -> day number; aborts the test on a malformed literal. */
static inline evb_date D(const char *s)
{
	int y, m, d;
	char tail;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || !date_valid_ymd(y, m, d))
		fail_msg("bad date literal in test: %s", s);
	return date_from_ymd(y, m, d);
}

/* Day number -> "YYYY-MM-DD" in a static buffer (one per call site use). */
static inline const char *S(evb_date d)
{
	static char buf[8][11];
	static int i;
	i = (i + 1) % 8;
	return date_format(d, buf[i]);
}

/* A fresh temporary folder for a test program ("/tmp/evb-<tag>-XXXXXX"),
 * and its removal with everything in it. 0 on success, -1 on failure, as
 * cmocka's group setup and teardown want. */
static inline int tmpdir_make(char dir[static 64], const char *tag)
{
	snprintf(dir, 64, "/tmp/evb-%s-XXXXXX", tag);
	return mkdtemp(dir) ? 0 : -1;
}

static inline int tmpdir_remove(const char *dir)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
