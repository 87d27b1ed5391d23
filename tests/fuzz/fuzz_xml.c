/*
 * Fuzz harness: the XML reader (src/xml_in.c) with the real
 * templates/evb-export.xsd, parsed once. Bytes 0x1F and 0x1E (not allowed
 * in XML) become long runs (fuzz.h), to reach the 1 MiB field limit and
 * libxml2's own 10 MB limit on a text.
 */
#include "fuzz.h"
#include "xml_in.h"

/* libxml2 holds a text of up to 10 MB (XML_MAX_TEXT_LENGTH) and its input
 * buffers; the reader adds one value */
#define HEAP_BOUND (96u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct xml_in *reader;

static void reader_free(void)
{
	xml_in_free(reader);
	xml_in_cleanup();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evb_error err = { 0 };
	if (!reader) {
		if (!(reader = xml_in_new(EVB_SOURCE_DIR "/templates/evb-export.xsd", &err))) {
			fprintf(stderr, "fuzz_xml: %s\n", err.message);
			abort();
		}
		atexit(reader_free);
	}
	const char *path = fuzz_file_stretched("export.xml", data, size);
	struct input_info info = { 0 };
	fuzz_heap_begin();
	int ret = xml_in_read(reader, path, "export.xml", &fuzz_sink, &info, &err);
	fuzz_check_read("fuzz_xml", ret, &err, HEAP_BOUND);
	return 0;
}
