/*
 * A reader's sink for the tests that fail allocations (allocfail.h): the
 * events of a read as text, one a line, kept in a fixed buffer, so that
 * the allocations a sweep fails are the reader's alone.
 */
#ifndef EVB_TRACESINK_H
#define EVB_TRACESINK_H

#include "testutil.h"
#include "reader.h"

struct trace {
	char text[16384];
	size_t len;
};

static inline void trace_add(struct trace *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->text + t->len, sizeof(t->text) - t->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(t->text) - t->len);
	t->len += (size_t)n;
}

static inline int trace_row(void *ctx, const struct row *r)
{
	trace_add(ctx, "row %d %ld", (int)r->kind, r->line);
	for (int c = 0; c < SCHEMA_MAX_COLUMNS; c++)
		if (r->val[c])
			trace_add(ctx, " %d@%ld=%s", c, r->vline[c], r->val[c]);
	trace_add(ctx, "\n");
	return 0;
}

static inline int trace_reject(void *ctx, int kind, const char *file, long line,
			       const char *column, const char *value, const char *key,
			       const char *reason)
{
	(void)file;
	trace_add(ctx, "reject %d %ld %s [%s] %s %s\n", kind, line, column ? column : "-",
		  value ? value : "-", key, reason);
	return 0;
}

static inline void trace_note(void *ctx, const char *file, long line, const char *column,
			      int position, const char *message)
{
	(void)file;
	trace_add(ctx, "note %ld %s %d %s\n", line, column ? column : "-", position, message);
}

/* An empty trace t, and a sink that writes to it. */
static inline struct reader_sink trace_sink(struct trace *t)
{
	t->len = 0;
	t->text[0] = '\0';
	return (struct reader_sink){ t, trace_row, trace_reject, trace_note, NULL };
}

#endif
