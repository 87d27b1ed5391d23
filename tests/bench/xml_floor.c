/*
 * The XML read floor of `make bench`: libxml2's streaming reader over the
 * given files with the schema evb validates against (the reader's own
 * schema validation, as `xmllint --stream --schema`), and no other work.
 *
 *   xml_floor SCHEMA.xsd FILE.xml...
 *
 * Prints the nodes read; exits 2 when a file is not valid.
 */
#include <stdio.h>

#include <libxml/xmlreader.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: xml_floor SCHEMA.xsd FILE.xml...\n");
		return 2;
	}
	unsigned long nodes = 0;
	for (int i = 2; i < argc; i++) {
		xmlTextReaderPtr r = xmlReaderForFile(argv[i], NULL, XML_PARSE_NONET);
		if (!r || xmlTextReaderSchemaValidate(r, argv[1]) != 0) {
			fprintf(stderr, "xml_floor: %s: cannot read with the schema\n", argv[i]);
			return 2;
		}
		int ret;
		while ((ret = xmlTextReaderRead(r)) == 1)
			nodes++;
		if (ret != 0 || xmlTextReaderIsValid(r) != 1) {
			fprintf(stderr, "xml_floor: %s: not valid\n", argv[i]);
			return 2;
		}
		xmlFreeTextReader(r);
	}
	xmlCleanupParser();
	printf("%lu nodes\n", nodes);
	return 0;
}
