/* Messages to the user (stderr) and struct evb_error. */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "progress.h"

static bool quiet, mute_notes;
static unsigned said;           /* errors said (diag_said) */
static FILE *stream;

static FILE *out(void)
{
	return stream ? stream : stderr;
}

void diag_set_quiet(bool q)
{
	quiet = q;
}

bool diag_quiet(void)
{
	return quiet;
}

void diag_set_mute_notes(bool mute)
{
	mute_notes = mute;
}

void diag_set_stream(FILE *f)
{
	stream = f;
}

static void copy_trunc(char *dst, size_t size, const char *src)
{
	if (!src) {
		dst[0] = '\0';
		return;
	}
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int evb_error_set(struct evb_error *err, int code, const char *file, long line,
		  const char *column, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	copy_trunc(err->file, sizeof(err->file), file);
	err->line = line;
	copy_trunc(err->column, sizeof(err->column), column);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

static void vprint_at(const char *file, long line, const char *column,
		      const char *fmt, va_list ap)
{
	FILE *f = out();
	progress_clear();   /* a progress line is not left under a message */
	fputs("evb: ", f);
	if (file && *file) {
		fputs(file, f);
		if (line > 0)
			fprintf(f, ":%ld", line);
		fputs(": ", f);
	}
	if (column && *column)
		fprintf(f, "%s: ", column);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

static void print_at(const char *file, long line, const char *column,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint_at(file, line, column, fmt, ap);
	va_end(ap);
}

unsigned diag_said(void)
{
	return said;
}

void diag_error(const struct evb_error *err)
{
	said++;
	print_at(err->file, err->line, err->column, "%s", err->message);
}

void diag_at(const char *file, long line, const char *column, const char *fmt, ...)
{
	said++;
	va_list ap;
	va_start(ap, fmt);
	vprint_at(file, line, column, fmt, ap);
	va_end(ap);
}

void diag_note_at(const char *file, long line, const char *column, const char *fmt, ...)
{
	if (mute_notes)
		return;
	va_list ap;
	va_start(ap, fmt);
	vprint_at(file, line, column, fmt, ap);
	va_end(ap);
}

void diag_msg(const char *fmt, ...)
{
	said++;
	va_list ap;
	va_start(ap, fmt);
	vprint_at(NULL, 0, NULL, fmt, ap);
	va_end(ap);
}

void diag_info(const char *fmt, ...)
{
	if (quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vprint_at(NULL, 0, NULL, fmt, ap);
	va_end(ap);
}

char *evb_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	while (dl > 0 && dir[dl - 1] == '/')
		dl--;   /* "/" becomes "" and gives "/name" */
	size_t n = dl + 1 + strlen(name) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%.*s/%s", (int)dl, dir, name);
	return p;
}
