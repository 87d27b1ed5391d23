/*
 * first_touch MB: what memory costs the first time a process writes it,
 * against writing it again. Maps MB megabytes, writes every byte twice
 * and prints both times. On a real machine the first write costs a page
 * fault and the kernel zeroing the page, a few tenths of a second per GB;
 * in a virtual machine whose host backs guest memory only when it is
 * first used, it can cost several times that, and more the more memory a
 * process takes at once. make bench prints it for the peak memory of its
 * largest run, beside the table, because evb pays it and the floors,
 * which hold no records, do not.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long mb = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	if (mb <= 0) {
		fprintf(stderr, "usage: first_touch MB\n");
		return 2;
	}
	size_t n = (size_t)mb << 20;
	double t0 = now();
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memset(p, 1, n);
	double t1 = now();
	memset(p, 2, n);
	double t2 = now();
	printf("first touch of %ld MB: %.2f s (%.2f GB/s); written again: %.2f s\n", mb,
	       t1 - t0, (double)mb / 1024.0 / (t1 - t0), t2 - t1);
	return p[n - 1] != 2;
}
