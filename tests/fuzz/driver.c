/*
 * Runs a fuzz harness on files, without libFuzzer: `make test` replays
 * every saved crasher (tests/fuzz/regress/) and seed (tests/fuzz/seeds/)
 * through the harnesses built with gcc and the sanitizers, so no clang is
 * needed there. Prints the number of files run; when a sanitizer stops the
 * program, the file it was running is named on stderr.
 *
 *   replay_<harness> FILE...
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *volatile current;

/* A sanitizer's report ends here, and so does a harness's abort(). */
static void name_current(void)
{
	const char *f = current;
	current = NULL;
	if (f) {
		static const char msg[] = "replay: failed on ";
		if (write(2, msg, sizeof(msg) - 1) < 0 || write(2, f, strlen(f)) < 0 ||
		    write(2, "\n", 1) < 0)
			return;
	}
}

static void on_abort(int sig)
{
	name_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The whole file in a malloc'ed buffer (*size bytes), NULL on failure. */
static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return NULL;
	}
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		perror(path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

int main(int argc, char **argv)
{
	int ran = 0;
	__sanitizer_set_death_callback(name_current);
	signal(SIGABRT, on_abort);
	for (int i = 1; i < argc; i++) {
		size_t n;
		uint8_t *buf = slurp(argv[i], &n);
		if (!buf)
			return 2;
		current = argv[i];
		/* libFuzzer's convention: the data is exactly n bytes */
		uint8_t *data = malloc(n ? n : 1);
		if (!data) {
			free(buf);
			return 2;
		}
		memcpy(data, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(data, n);
		free(data);
		ran++;
	}
	current = NULL;
	printf("%d\n", ran);
	return 0;
}
