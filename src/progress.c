/* Progress on stderr (see progress.h). */
#include "progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

static FILE *out;                   /* NULL: off */
static uint64_t (*clock_ms)(void);
static bool shown;                  /* a line is on the screen */
static char phase[16], file[96];
static uint64_t size, start_ms, last_ms;

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

void progress_set_output(FILE *f, uint64_t (*now)(void))
{
	progress_clear();
	out = f;
	clock_ms = now ? now : monotonic_ms;
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
	if (!out)
		return;
	copy_text(phase, sizeof(phase), ph);
	copy_text(file, sizeof(file), f);
	size = total;
	start_ms = clock_ms();
	show(0, 0, start_ms);
}

void progress_at(uint64_t bytes, uint64_t records)
{
	if (!out || !phase[0])   /* no phase started (e.g. templates loading) */
		return;
	uint64_t now = clock_ms();
	if (now - last_ms < 1000 / PROGRESS_PER_SECOND)
		return;
	show(bytes, records, now);
}

void progress_clear(void)
{
	if (!out || !shown)
		return;
	fputs("\r\033[K", out);
	fflush(out);
	shown = false;
}

void progress_end(void)
{
	phase[0] = '\0';
	progress_clear();
}
