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
	int ret = config_load(&c, path, &err);
	if (ret == 0) {
		if (!c.loaded || c.ivo_key_len != strlen(c.ivo_key))
			abort();
		(void)config_require_key(&c, &err);
	} else if (!err.code || !err.message[0] || c.ivo_key_len || c.ivo_key[0]) {
		abort();        /* an error says why, and leaves no key behind */
	}
	config_wipe(&c);
	return 0;
}
