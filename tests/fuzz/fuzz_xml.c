/* Fuzz harness: the XML reader (src/xml_in.c) with the real XSD. */
#include "fuzz.h"
#include "xml_in.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct xml_in *reader;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evb_error err = { 0 };
	if (!reader && !(reader = xml_in_new(EVB_SOURCE_DIR "/templates/evb-export.xsd", &err))) {
		fprintf(stderr, "fuzz_xml: %s\n", err.message);
		abort();
	}
	const char *path = fuzz_file("export.xml", data, size);
	struct input_info info = { 0 };
	(void)xml_in_read(reader, path, "export.xml", &fuzz_sink, &info, &err);
	return 0;
}
