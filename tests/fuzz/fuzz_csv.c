/*
 * Fuzz harness: the CSV reader of the exports (src/csv_in.c). The first
 * byte chooses how the rest is read:
 *   bit 0     read as Windows-1252 (as is every input that is not valid
 *             UTF-8: export.c decides so from hash_file's check)
 *   bits 1-3  the kind: 0 beslut, 1 bestallningar, 2 verkstalligheter,
 *             3 avbrott, 4 handelser, 5 maltider, 6 personer (7: beslut)
 *   bit 4     stretch: bytes 0x1F and 0x1E become long runs (fuzz.h), to
 *             reach the 1 MiB field and 4 MiB record limits
 * Memory must stay bounded whatever the input: the reader may hold a
 * 64 KiB block, libcsv's buffer of one field (at most EVB_MAX_FIELD and a
 * block) and one record (at most 4 MiB, briefly twice while it grows).
 */
#include "fuzz.h"
#include "csv_in.h"

#define HEAP_BOUND (12u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t flags = data[0];
	enum kind kind = (enum kind)(((flags >> 1 & 7) + K_BESLUT) % K__COUNT);
	const char *body = (const char *)data + 1;
	size_t n = size - 1;
	bool cp1252 = (flags & 1) || !utf8_valid(body, n);
	const char *path = flags & 0x10 ? fuzz_file_stretched("beslut.csv", data + 1, n)
					: fuzz_file("beslut.csv", data + 1, n);
	struct input_info info = { 0 };
	struct evb_error err = { 0 };
	fuzz_heap_begin();
	int ret = csv_in_read(path, "beslut.csv", kind, NULL, cp1252, &fuzz_sink, &info, &err);
	fuzz_check_read("fuzz_csv", ret, &err, HEAP_BOUND);
	return 0;
}
