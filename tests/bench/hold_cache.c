/*
 * hold_cache FILE...: keeps the files in the page cache while make bench
 * times the programs that read them. Maps each file whole (shared, read
 * only, every page loaded), prints one line when they are all in, and
 * waits until it is killed.
 *
 * A kernel may put file pages that nobody has read for a while back on
 * disk even with memory to spare: this machine runs DAMON's proactive
 * reclaim (a kdamond paging out unmapped file pages idle for about a
 * minute). A run after a long one (the write floor of fees at 5 M decisions
 * takes minutes) would then read part of its input from disk, and which
 * program of a run pays for that depends on the order they run in. Pages
 * a process maps are not "unmapped", so while this program runs, every
 * program of the bench reads the same input from memory.
 */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: hold_cache FILE...\n");
		return 2;
	}
	unsigned long long bytes = 0;
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) != 0) {
			perror(argv[i]);
			return 2;
		}
		if (st.st_size > 0 &&
		    mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0) ==
			    MAP_FAILED) {
			perror(argv[i]);
			return 2;
		}
		if (close(fd) != 0) {
			perror(argv[i]);
			return 2;
		}
		bytes += (unsigned long long)st.st_size;
	}
	printf("held %llu MB of input in %d file%s\n", (bytes + (1 << 19)) >> 20, argc - 1,
	       argc == 2 ? "" : "s");
	if (fflush(stdout) != 0)
		return 2;
	for (;;)
		pause();
}
