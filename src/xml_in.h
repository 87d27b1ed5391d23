/*
 * XML reader (libxml2 lives only here): streams an <evb-export> file with
 * xmlTextReader, validating against templates/evb-export.xsd. Safe options:
 * no network, no external entities, no DTD loading, bounded expansion; a
 * deny-all external entity loader is installed after the schema is parsed.
 */
#ifndef EVB_XML_IN_H
#define EVB_XML_IN_H

#include "reader.h"

struct xml_in;

/* Parses the schema once. Returns NULL (and fills err) on failure. */
struct xml_in *xml_in_new(const char *xsd_path, struct evb_error *err);
/*
 * Reads every record element of `path`. Each record's kind comes from its
 * element name. A schema-invalid record goes to sink->reject with the line
 * and the offending element; reading goes on. A document that is not
 * well-formed, or whose root is not <evb-export version="1">, is fatal
 * (negative return, err filled).
 */
int xml_in_read(struct xml_in *x, const char *path, const char *display,
		const struct reader_sink *sink, struct input_info *info,
		struct evb_error *err);
void xml_in_free(struct xml_in *x);
/* Once, right before exit. */
void xml_in_cleanup(void);

#endif
