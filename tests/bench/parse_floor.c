/*
 * The parse floor of `make bench`: libcsv over the given files with empty
 * callbacks, reading in the same 64 KiB blocks as evb. Whatever evb does
 * beyond this is its own cost. Prints the fields and records seen.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long fields, records;

static void on_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	(void)data;
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
	for (int i = 1; i < argc; i++) {
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
			if (csv_parse(&p, buf, n, on_field, on_record, NULL) != n) {
				fprintf(stderr, "%s: %s\n", argv[i], csv_strerror(csv_error(&p)));
				return 2;
			}
		csv_fini(&p, on_field, on_record, NULL);
		csv_free(&p);
		fclose(f);
	}
	printf("%lu records, %lu fields\n", records, fields);
	return 0;
}
