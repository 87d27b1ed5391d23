/*
 * Reading on two cores: a reader (csv_in_read, xml_in_read) runs on a
 * second thread and what it sends to its sink (rows, rejects, notes) is
 * copied into batches and handed to this thread, which calls the real sink
 * with each of them in the order they were sent. So splitting the input
 * into fields runs beside building the records, and the records, strings
 * and messages come out exactly as from a reader called directly.
 */
#ifndef EVB_RELAY_H
#define EVB_RELAY_H

#include "reader.h"

/* A reader: reads with `sink` as its sink, returns 0 or a negative code
 * (and fills err). */
typedef int (*relay_reader_fn)(void *arg, const struct reader_sink *sink,
			       struct evb_error *err);

/* Told of a row (with the sink's ctx) before the sink gets the row before
 * it: may start loading the memory the row will need. */
typedef void (*relay_prefetch_fn)(void *ctx, const struct row *r);

/* Batches of 256 KiB go round between the threads: the reader can be that
 * many ahead of the replay, and that many are held at most. */
#define RELAY_BATCHES 4
#define RELAY_BATCHES_MAX 16

/*
 * Runs read(arg, ...) on a second thread and replays what it sends into
 * sink here (prefetch may be NULL), with `batches` batches going round (2
 * to RELAY_BATCHES_MAX; others are taken as the nearest). Returns what
 * the reader returned (err filled by it), or the first negative code a
 * sink callback returned (the reader is then stopped with it). Without a
 * second thread (it cannot be started), the reader runs here with sink
 * itself.
 */
int relay_run(relay_reader_fn read, void *arg, const struct reader_sink *sink,
	      relay_prefetch_fn prefetch, int batches, struct evb_error *err);

#endif
