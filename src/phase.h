/*
 * Phase times of a run, for the speed work (README "Performance"): with
 * EVB_PHASES=1 in the environment, evb prints to stderr how long each
 * phase took (wall clock): setup, read, checks, compute and write.
 * Without it the marks cost a clock read each.
 */
#ifndef EVB_PHASE_H
#define EVB_PHASE_H

enum phase { PHASE_SETUP, PHASE_READ, PHASE_CHECKS, PHASE_COMPUTE, PHASE_WRITE, PHASE__N };

/* The time since the previous mark (or the start of the program) belongs
 * to phase p. */
void phase_mark(enum phase p);
/* CPU seconds of the read phase's threads: splitting the input into rows
 * and building the records (relay.c), hashing the input files ahead
 * (hash.c), and linking the records once all are read (export.c). */
enum phase_cpu { PHASE_CPU_SPLIT, PHASE_CPU_RECORDS, PHASE_CPU_HASH, PHASE_CPU_LINK,
		 PHASE_CPU__N };
void phase_count(enum phase_cpu c, double seconds);
/* CPU seconds the calling thread has run. */
double phase_thread_cpu(void);

/* Prints the phase times when EVB_PHASES is set (and not "0"). */
void phase_report(void);

#endif
