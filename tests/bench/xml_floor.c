/*
 * The XML read floor of `make bench`: libxml2's streaming reader over the
 * given files, every record element validated against the schema evb
 * uses, and no other work.
 *
 *   xml_floor SCHEMA.xsd FILE.xml...
 *
 * Each record (an element at depth 1) is expanded by the reader and
 * validated on its own with xmlSchemaValidateOneElement, as evb validates
 * each record. (Attaching the schema to the reader, as `xmllint --stream
 * --schema` does, is not the same work, and libxml2 2.9 fails it on a
 * root of more than about 5 million records: "This element is not
 * expected".) Prints the records read; exits 2 when one is not valid.
 */
#include <stdio.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: xml_floor SCHEMA.xsd FILE.xml...\n");
		return 2;
	}
	xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewParserCtxt(argv[1]);
	xmlSchemaPtr schema = pctxt ? xmlSchemaParse(pctxt) : NULL;
	xmlSchemaValidCtxtPtr vctxt = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
	if (!vctxt) {
		fprintf(stderr, "xml_floor: %s: cannot load the schema\n", argv[1]);
		return 2;
	}
	unsigned long records = 0;
	for (int i = 2; i < argc; i++) {
		xmlTextReaderPtr r = xmlReaderForFile(argv[i], NULL, XML_PARSE_NONET);
		if (!r) {
			fprintf(stderr, "xml_floor: %s: cannot read\n", argv[i]);
			return 2;
		}
		int ret = xmlTextReaderRead(r);
		while (ret == 1) {
			if (xmlTextReaderDepth(r) == 1 &&
			    xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT) {
				xmlNodePtr n = xmlTextReaderExpand(r);
				if (!n || xmlSchemaValidateOneElement(vctxt, n) != 0) {
					fprintf(stderr, "xml_floor: %s: record %lu not valid\n", argv[i],
						records + 1);
					return 2;
				}
				records++;
				ret = xmlTextReaderNext(r);
			} else {
				ret = xmlTextReaderRead(r);
			}
		}
		if (ret != 0) {
			fprintf(stderr, "xml_floor: %s: not well-formed\n", argv[i]);
			return 2;
		}
		xmlFreeTextReader(r);
	}
	xmlSchemaFreeValidCtxt(vctxt);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctxt);
	xmlCleanupParser();
	printf("%lu records\n", records);
	return 0;
}
