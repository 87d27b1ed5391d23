/*
 * Runs a fuzz harness on files, without libFuzzer: `make test` replays
 * every saved crasher and seed of tests/fuzz/ through the harnesses built
 * with gcc and the sanitizers, so no clang is needed there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int ran = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 2;
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
					return 2;
				}
				buf = nb;
			}
			got = fread(buf + n, 1, cap - n, f);
			n += got;
		} while (got > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
		ran++;
	}
	printf("%d\n", ran);
	return 0;
}
