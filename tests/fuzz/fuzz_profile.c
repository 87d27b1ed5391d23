/* Fuzz harness: import profiles (src/profile.c): loading, and a loaded
 * profile applied to file names, headers and the values of every column. */
#include "fuzz.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("x.profile", data, size);
	struct evb_error err = { 0 };
	struct profile *p = profile_load(path, &err);
	if (!p) {
		if (!err.code || !err.message[0])
			abort();        /* an error says why */
		return 0;
	}
	if (strlen(profile_sha256(p)) != SHA256_HEX_LEN)
		abort();
	static const char *const values[] = {
		"", "Beviljat", "15.07.2026", "1/2/26 12:00", "2026-07-15", "HEMTJÄNST SOL",
		"31.12.99", "9999.99.9999 99:99:99", "Beslut_2026.csv",
	};
	const size_t nv = sizeof(values) / sizeof(values[0]);
	for (int k = 0; k < K__COUNT; k++) {
		const struct kind_info *ki = schema_kind(k);
		bool seen[SCHEMA_MAX_COLUMNS] = { false };
		for (size_t v = 0; v < nv; v++) {
			struct evb_error e2 = { 0 };
			int kind = profile_file_kind(p, values[v], &e2);
			if (kind < -2 || kind >= K__COUNT || (kind == -2 && !e2.code))
				abort();
			int c = profile_column(p, (enum kind)k, values[v]);
			if (c < -1 || c >= ki->ncolumns)
				abort();
			if (c >= 0)
				seen[c] = true;
			struct row in;
			struct profile_row out;
			memset(&in, 0, sizeof(in));
			in.kind = (enum kind)k;
			for (int col = 0; col < ki->ncolumns; col++)
				in.val[col] = values[(v + (size_t)col) % nv];
			const struct row *r = profile_apply(p, &in, &out, 20779 /* 2026-11-22 */);
			for (int col = 0; col < ki->ncolumns; col++)
				if (!r->val[col] || strlen(r->val[col]) > 1024)
					abort();
		}
		(void)profile_check_header(p, (enum kind)k, seen, "f.csv", &err);
	}
	profile_free(p);
	return 0;
}
