/* Phase times of a run (see phase.h). */
#include "phase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const phase_names[PHASE__N] = {
	"setup", "read", "checks", "compute", "write",
};
static double phase_seconds[PHASE__N];
static double phase_last = -1;
static double phase_cpu[PHASE_CPU__N];

static double now(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void phase_mark(enum phase p)
{
	double t = now();
	if (phase_last >= 0 && p >= 0 && p < PHASE__N)
		phase_seconds[p] += t - phase_last;
	phase_last = t;
}

void phase_count(enum phase_cpu c, double seconds)
{
	if (c >= 0 && c < PHASE_CPU__N)
		phase_cpu[c] += seconds;
}

double phase_thread_cpu(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void phase_report(void)
{
	const char *env = getenv("EVB_PHASES");
	if (!env || !*env || strcmp(env, "0") == 0)
		return;
	double total = 0;
	for (int i = 0; i < PHASE__N; i++)
		total += phase_seconds[i];
	for (int i = 0; i < PHASE__N; i++)
		fprintf(stderr, "evb: phase %-8s %8.3f s\n", phase_names[i], phase_seconds[i]);
	fprintf(stderr, "evb: phase %-8s %8.3f s\n", "total", total);
	fprintf(stderr, "evb: read cpu: rows %.3f s, records %.3f s, hashing %.3f s, "
		"linking %.3f s\n", phase_cpu[PHASE_CPU_SPLIT], phase_cpu[PHASE_CPU_RECORDS],
		phase_cpu[PHASE_CPU_HASH], phase_cpu[PHASE_CPU_LINK]);
}
