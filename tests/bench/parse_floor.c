/*
 * The parse floor of `make bench`: libcsv over the given files with empty
 * callbacks, reading in the same 64 KiB blocks as evb. Whatever evb does
 * beyond this is its own cost. Prints the fields and records seen.
 *
 * With --copy first, each field is also copied out of libcsv's buffer (into
 * a 1 MiB ring, with a NUL), the least a reader does that keeps a value
 * past the callback: not part of the floor, a measure of what reading the
 * values costs on top of it (README "Known limits").
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long fields, records;

static void on_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	(void)data;
	fields++;
}

static void on_field_copy(void *s, size_t len, void *data)
{
	static char ring[1 << 20];
	static size_t at;
	(void)data;
	if (at + len + 1 > sizeof(ring))
		at = 0;
	if (len)
		memcpy(ring + at, s, len);
	ring[at + len] = '\0';
	at += len + 1;
	fields++;
}

static void on_record(int c, void *data)
{
	(void)c;
	(void)data;
	records++;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	int first = 1;
	void (*field)(void *, size_t, void *) = on_field;
	if (argc > 1 && strcmp(argv[1], "--copy") == 0) {
		field = on_field_copy;
		first = 2;
	}
	for (int i = first; i < argc; i++) {
		struct csv_parser p;
		if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0)
			return 2;
		csv_set_delim(&p, ';');
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			if (csv_parse(&p, buf, n, field, on_record, NULL) != n) {
				fprintf(stderr, "%s: %s\n", argv[i], csv_strerror(csv_error(&p)));
				return 2;
			}
		csv_fini(&p, field, on_record, NULL);
		csv_free(&p);
		fclose(f);
	}
	printf("%lu records, %lu fields\n", records, fields);
	return 0;
}
