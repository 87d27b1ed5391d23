/* Progress on stderr (see progress.h). */
#include "progress.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The readers run on a second thread (relay.c) and call progress_at
 * there, while messages on this one clear the line: one lock for all. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *out;                   /* NULL: off */
static uint64_t (*clock_ms)(void);
static bool shown;                  /* a line is on the screen */
static char phase[16], file[96];
static uint64_t size, start_ms, last_ms;

/* A default mutex fails only on a programming error: stop there. */
static void must(int rc)
{
	if (rc != 0)
		abort();
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void progress_enable(bool wanted)
{
	progress_set_output(wanted && isatty(STDERR_FILENO) ? stderr : NULL, NULL);
}

static void clear_locked(void)
{
	if (!out || !shown)
		return;
	fputs("\r\033[K", out);
	fflush(out);
	shown = false;
}

void progress_set_output(FILE *f, uint64_t (*now)(void))
{
	must(pthread_mutex_lock(&lock));
	clear_locked();
	out = f;
	clock_ms = now ? now : monotonic_ms;
	must(pthread_mutex_unlock(&lock));
}

/* Copies at most n - 1 bytes of s, cut on a UTF-8 character boundary,
 * control characters shown as '?'. */
static void copy_text(char *dst, size_t n, const char *s)
{
	size_t i = 0;
	for (; s && s[i] && i + 1 < n; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i];
	while (i > 0 && s[i] && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;   /* cut before the character the limit fell in */
	dst[i] = '\0';
}

static void show(uint64_t bytes, uint64_t records, uint64_t now)
{
	double mb = (double)bytes / 1e6, secs = (double)(now - start_ms) / 1000.0;
	fprintf(out, "\r%s %s", phase, file);
	if (records)
		fprintf(out, ": %llu records", (unsigned long long)records);
	if (bytes) {
		fprintf(out, "%s %.1f", records ? "," : ":", mb);
		if (size)
			fprintf(out, " of %.1f", (double)size / 1e6);
		fputs(" MB", out);
		if (secs >= 0.1)
			fprintf(out, ", %.1f MB/s", mb / secs);
	}
	fputs("\033[K", out);   /* the rest of an earlier, longer line */
	fflush(out);
	shown = true;
	last_ms = now;
}

void progress_start(const char *ph, const char *f, uint64_t total)
{
	must(pthread_mutex_lock(&lock));
	if (out) {
		copy_text(phase, sizeof(phase), ph);
		copy_text(file, sizeof(file), f);
		size = total;
		start_ms = clock_ms();
		show(0, 0, start_ms);
	}
	must(pthread_mutex_unlock(&lock));
}

void progress_at(uint64_t bytes, uint64_t records)
{
	must(pthread_mutex_lock(&lock));
	/* nothing without a phase started (e.g. while templates load) */
	if (out && phase[0]) {
		uint64_t now = clock_ms();
		if (now - last_ms >= 1000 / PROGRESS_PER_SECOND)
			show(bytes, records, now);
	}
	must(pthread_mutex_unlock(&lock));
}

void progress_clear(void)
{
	must(pthread_mutex_lock(&lock));
	clear_locked();
	must(pthread_mutex_unlock(&lock));
}

void progress_end(void)
{
	must(pthread_mutex_lock(&lock));
	phase[0] = '\0';
	clear_locked();
	must(pthread_mutex_unlock(&lock));
}
