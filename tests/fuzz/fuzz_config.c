/* Fuzz harness: the configuration loader (src/config.c). */
#include "fuzz.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("evb.conf", data, size);
	struct config c;
	struct evb_error err = { 0 };
	memset(&c, 0, sizeof(c));
	if (config_load(&c, path, &err) == 0)
		(void)config_require_key(&c, &err);
	config_wipe(&c);
	return 0;
}
