/*
 * Progress of a long run on stderr (SPEC 6): the phase, the file, and the
 * records or megabytes done with the speed, on one line rewritten in
 * place, at most PROGRESS_PER_SECOND times a second. Only when enabled:
 * stderr is a terminal and --quiet was not given; otherwise every call
 * does nothing, so outputs stay the same whether or not anyone watches.
 *
 * The readers call progress_at() once per block or batch of records.
 * Anything else printed on stderr clears the line first (diag.c).
 */
#ifndef EVB_PROGRESS_H
#define EVB_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#include "evb.h"

#define PROGRESS_PER_SECOND 4

/* On when `wanted` and stderr is a terminal. */
void progress_enable(bool wanted);
/* For tests: progress written to f (NULL = off) with the clock now()
 * (milliseconds; NULL = the monotonic clock), whether or not a terminal. */
void progress_set_output(FILE *f, uint64_t (*now)(void));
/* A new phase ("reading", "writing") on a file of `size` bytes (0 when
 * unknown): shown at once. */
void progress_start(const char *phase, const char *file, uint64_t size);
/* `bytes` of the file done and `records` read (0 when not counted); shown
 * when a phase is on and the last update is at least 1/PROGRESS_PER_SECOND
 * s old. */
void progress_at(uint64_t bytes, uint64_t records);
/* Clears the line (before other output on stderr); the phase goes on. */
void progress_clear(void);
/* Ends the phase and clears its line. */
void progress_end(void);

#endif
