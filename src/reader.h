/*
 * What the readers (csv_in.c, xml_in.c) hand to the rest of the program:
 * one struct row per input record, with its location, and rejects for
 * records that cannot even be split into fields.
 */
#ifndef EVB_READER_H
#define EVB_READER_H

#include "schema.h"

struct row {
	enum kind kind;
	const char *file;       /* file name as shown to the user */
	long line;              /* the record's first line (1-based) */
	/* value of each schema column: NULL when the column is absent from the
	 * file (CSV header) or the record (XML), else a NUL-terminated UTF-8
	 * string trimmed of surrounding spaces and tabs (may be "").
	 * Values are valid only during the callback. */
	const char *val[SCHEMA_MAX_COLUMNS];
	size_t vlen[SCHEMA_MAX_COLUMNS]; /* strlen of each value (0 when absent) */
	long vline[SCHEMA_MAX_COLUMNS];  /* line where each value starts */
	/* NULL, or a buffer every value lies in, text[0..text_len): a reader
	 * that keeps a record's values back to back says so, and the relay
	 * then copies them in one piece */
	const char *text;
	size_t text_len;
};

/* A record as the CSV reader holds it: its n fields back to back in
 * text[0..text_len), in the file's order, field i at text + off[i] with its
 * NUL, starting on line fline[i] (fline[0] is line; the lines never go
 * down), and the value of schema column col[i] (each field is the value of
 * a column, no two of the same). Valid only during the callback. */
struct fields {
	enum kind kind;
	const char *file;
	long line;
	int n;
	const signed char *col;
	const uint32_t *off;
	const long *fline;
	const char *text;
	size_t text_len;
};

/* Where the readers send what they read. Callbacks return 0 to go on, or a
 * negative EVB_E* code to stop reading (the reader returns that code). */
struct reader_sink {
	void *ctx;
	int (*row)(void *ctx, const struct row *r);
	/* A record that is lost at the reader level (wrong number of fields, a
	 * field over EVB_MAX_FIELD, XSD-invalid XML record, ...). kind may be -1
	 * when unknown. column may be NULL. value is shortened by the reader to
	 * at most 80 bytes (valid UTF-8). reason is an English message; reason_key
	 * is the key of its Swedish text in templates/texts.csv ("reject.*"). */
	int (*reject)(void *ctx, int kind, const char *file, long line,
		      const char *column, const char *value,
		      const char *reason_key, const char *reason);
	/* Information for the run summary (unknown columns, encoding converted,
	 * ...): English, no trailing full stop. column is the name of a header
	 * column the reader ignores ("" when it has no name), and position its
	 * place in the header (from 1); NULL and 0 when the note is about
	 * something else. */
	void (*note)(void *ctx, const char *file, long line, const char *column,
		     int position, const char *message);
	/* NULL, or what takes a record as fields instead of as a row: the
	 * sink then sees exactly the row the reader would have made of them.
	 * The relay takes them (relay.c), so the reading thread does no work
	 * per value. */
	int (*fields)(void *ctx, const struct fields *f);
};

/* Facts about one input file for the run summary and the manifest. */
struct input_info {
	bool cp1252;            /* was not valid UTF-8: read as Windows-1252 */
	bool bom;               /* had a UTF-8 byte order mark */
	char delimiter;         /* CSV: ';', ',' or '\t' */
	long records;           /* records delivered (rows + reader rejects) */
};

#endif
