/* Fuzz harness: the CSV reader (src/csv_in.c), as UTF-8 and as
 * Windows-1252 (the first byte chooses), for a decision file. */
#include "fuzz.h"
#include "csv_in.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool cp1252 = data[0] & 1;
	const char *path = fuzz_file("beslut.csv", data + 1, size - 1);
	struct input_info info = { 0 };
	struct evb_error err = { 0 };
	(void)csv_in_read(path, "beslut.csv", K_BESLUT, cp1252, &fuzz_sink, &info, &err);
	return 0;
}
