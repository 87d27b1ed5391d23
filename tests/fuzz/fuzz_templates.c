/* Fuzz harness: the template loader (src/templates.c). A copy of the real
 * templates/ is made once; the first byte chooses the file the rest of the
 * input replaces, which is put back afterwards. */
#include "fuzz.h"
#include "calendar.h"
#include "templates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"insatser.csv", "skal.csv", "texts.csv", "layouts.csv", "taxor.csv", "maxtaxa.csv",
	"meddelande.csv",
	"looks.csv",
};
enum { NFILES = sizeof(files) / sizeof(files[0]) };
static char *original[NFILES];
static size_t original_size[NFILES];

static char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		abort();
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n == cap && !(buf = realloc(buf, cap = cap ? cap * 2 : 65536)))
			abort();
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*size = n;
	return buf;
}

static void setup(void)
{
	for (int i = 0; i < NFILES; i++) {
		char path[512];
		snprintf(path, sizeof(path), EVB_SOURCE_DIR "/templates/%s", files[i]);
		original[i] = slurp(path, &original_size[i]);
		fuzz_file(files[i], (const uint8_t *)original[i], original_size[i]);
	}
	char path[512];
	size_t n;
	snprintf(path, sizeof(path), EVB_SOURCE_DIR "/templates/evb-export.xsd");
	char *xsd = slurp(path, &n);
	fuzz_file("evb-export.xsd", (const uint8_t *)xsd, n);
	free(xsd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!original[0])
		setup();
	if (size < 1)
		return 0;
	int which = data[0] % NFILES;
	fuzz_file(files[which], data + 1, size - 1);
	struct evb_error err = { 0 };
	struct templates *t = templates_load(fuzz_scratch(), &err);
	if (!t && (!err.code || !err.message[0]))
		abort();        /* a broken template says why */
	if (t) {
		/* what the reports ask of a loaded set */
		for (int i = 0; i < templates_insats_count(t); i++) {
			const struct insats_info *ii = templates_insats(t, i);
			if (templates_insats_find(t, ii->code) != i)
				abort();
			(void)templates_price_insats(t, i, 1, date_from_ymd(2026, 10, 1));
		}
		(void)templates_price_maltid(t, 0, date_from_ymd(2026, 10, 1));
		(void)templates_maxtaxa(t, 2026, NULL);
		(void)templates_skal_find(t, "kommunen", "saknar_plats");
		(void)templates_text(t, "reject.field_count");
	}
	templates_free(t);
	fuzz_file(files[which], (const uint8_t *)original[which], original_size[which]);
	return 0;
}
