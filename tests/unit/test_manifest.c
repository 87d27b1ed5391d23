/* Unit tests: reading manifest.json back (src/manifest.c). */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "manifest.h"

static char dir[64];

static const char sha_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

static void write_text(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* A manifest like run.c writes, with the given arguments JSON. */
static void write_manifest(const char *name, const char *args)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "{\"program\": \"evb\", \"version\": \"0.1.0\", \"command\": \"ivo\",\n"
		 " \"arguments\": %s, \"evaluation_date\": \"2026-09-30\",\n"
		 " \"inputs\": [{\"file\": \"beslut.csv\", \"size\": 3, \"sha256\": \"%s\"}],\n"
		 " \"records\": {}, \"templates\": [],\n"
		 " \"outputs\": [{\"file\": \"ivo-2026Q3.xlsx\", \"size\": 9, \"sha256\": \"%s\"}]}\n",
		 args, sha_a, sha_a);
	write_text(name, text);
}

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, "manifest");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void test_reads_what_run_writes(void **state)
{
	(void)state;
	write_manifest("m.json", "[\"--period\", \"2026Q3\", \"--in\", \"export\", \"--csv\"]");
	char p[256];
	snprintf(p, sizeof(p), "%s/m.json", dir);
	struct manifest mf;
	struct evb_error err = { 0 };
	assert_int_equal(manifest_read(p, &mf, &err), 0);
	assert_string_equal(mf.command, "ivo");
	assert_int_equal(mf.nargs, 5);
	assert_string_equal(S(mf.eval), "2026-09-30");
	assert_int_equal(mf.ninputs, 1);
	assert_string_equal(mf.inputs[0].file, "beslut.csv");
	assert_string_equal(mf.outputs[0].sha256, sha_a);
	assert_string_equal(mf.dir, dir);
	assert_string_equal(manifest_option(&mf, "--period"), "2026Q3");
	assert_null(manifest_option(&mf, "--as-of"));
	manifest_release(&mf);
}

static void test_broken_manifests(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "not json", "cannot read the manifest" },
		{ "{\"program\": \"other\"}", "not a manifest of evb" },
		{ "{\"program\": \"evb\", \"version\": \"0.1.0\", \"command\": \"ivo\", \"arguments\": [],"
		  " \"evaluation_date\": \"2026-02-30\"}", "lacks its version, command" },
		{ "{\"program\": \"evb\", \"command\": \"ivo\", \"arguments\": [],"
		  " \"evaluation_date\": \"2026-09-30\"}", "lacks its version, command" },
		{ "{\"program\": \"evb\", \"version\": \"0.1.0\", \"command\": \"ivo\", \"arguments\": [1],"
		  " \"evaluation_date\": \"2026-09-30\"}", "argument 1 is not a string" },
		{ "{\"program\": \"evb\", \"version\": \"0.1.0\", \"command\": \"ivo\", \"arguments\": [],"
		  " \"evaluation_date\": \"2026-09-30\", \"inputs\": [{\"file\": \"a\","
		  " \"sha256\": \"xyz\"}], \"outputs\": []}", "entry 1 of 'inputs'" },
		{ "{\"program\": \"evb\", \"version\": \"0.1.0\", \"command\": \"ivo\", \"arguments\": [],"
		  " \"evaluation_date\": \"2026-09-30\", \"inputs\": [], \"templates\": []}",
		  "'outputs' is missing" },
		{ "{\"program\": \"evb\", \"version\": \"0.1.0\", \"command\": \"ivo\", \"arguments\": [],"
		  " \"evaluation_date\": \"2026-09-30\", \"inputs\": []}", "'templates' is missing" },
		/* verify compares the run folder with the outputs: they must be
		 * its files, named bare, at least one, each once */
		{ "{\"program\": \"evb\", \"version\": \"0.1.0\", \"command\": \"ivo\", \"arguments\": [],"
		  " \"evaluation_date\": \"2026-09-30\", \"inputs\": [], \"templates\": [],"
		  " \"outputs\": []}", "lists no outputs" },
		{ "{\"program\": \"evb\", \"version\": \"0.1.0\", \"command\": \"ivo\", \"arguments\": [],"
		  " \"evaluation_date\": \"2026-09-30\", \"inputs\": [], \"templates\": [],"
		  " \"outputs\": [{\"file\": \"../../../../etc/passwd\", \"sha256\": "
		  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}]}",
		  "entry 1 of 'outputs' is not a file name of its folder" },
		{ "{\"program\": \"evb\", \"version\": \"0.1.0\", \"command\": \"ivo\", \"arguments\": [],"
		  " \"evaluation_date\": \"2026-09-30\", \"inputs\": [], \"templates\": [],"
		  " \"outputs\": [{\"file\": \"manifest.json\", \"sha256\": "
		  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}]}",
		  "entry 1 of 'outputs' is not a file name of its folder" },
		{ "{\"program\": \"evb\", \"version\": \"0.1.0\", \"command\": \"ivo\", \"arguments\": [],"
		  " \"evaluation_date\": \"2026-09-30\", \"inputs\": [], \"templates\": [],"
		  " \"outputs\": [{\"file\": \"a\", \"sha256\": "
		  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}, {\"file\": \"a\", \"sha256\": "
		  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}]}",
		  "'outputs' names 'a' twice" },
		{ "{\"program\": \"evb\", \"program\": \"evb\"}", "cannot read the manifest" },
	};
	char p[256];
	snprintf(p, sizeof(p), "%s/bad.json", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text("bad.json", bad[i].text);
		struct manifest mf;
		struct evb_error err = { 0 };
		assert_int_not_equal(manifest_read(p, &mf, &err), 0);
		if (!strstr(err.message, bad[i].msg))
			fail_msg("case %zu: got '%s', expected '%s'", i, err.message, bad[i].msg);
	}
	struct manifest mf;
	struct evb_error err = { 0 };
	snprintf(p, sizeof(p), "%s/none.json", dir);
	assert_int_not_equal(manifest_read(p, &mf, &err), 0);
}

static void test_input_paths(void **state)
{
	(void)state;
	char exp[128], p[256];
	snprintf(exp, sizeof(exp), "%s/export", dir);
	assert_int_equal(mkdir(exp, 0700), 0);
	write_text("export/beslut.csv", "x\n");
	char args[256];
	snprintf(args, sizeof(args),
		 "[\"--in\", \"%s\", \"--period\", \"2026Q3\", \"--config\", \"/etc/other.conf\"]",
		 exp);
	write_manifest("m2.json", args);
	snprintf(p, sizeof(p), "%s/m2.json", dir);
	struct manifest mf;
	struct evb_error err = { 0 };
	assert_int_equal(manifest_read(p, &mf, &err), 0);
	/* found through the recorded --in folder */
	char *got = manifest_input_path(&mf, &mf.inputs[0], NULL);
	snprintf(p, sizeof(p), "%s/beslut.csv", exp);
	assert_string_equal(got, p);
	free(got);
	/* --in DIR of verify wins */
	got = manifest_input_path(&mf, &mf.inputs[0], "/arkiv/2026Q3");
	assert_string_equal(got, "/arkiv/2026Q3/beslut.csv");
	free(got);

	/* the re-run: --in replaced, the recorded --config dropped for the
	 * given one, --as-of from the evaluation date, --quiet */
	char input[] = "/arkiv/beslut.csv";
	char *inputs[] = { input };
	int argc;
	char **argv;
	assert_int_equal(manifest_rerun_argv(&mf, inputs, 1, "/tmp/x", "evb.conf", NULL,
					     &argc, &argv, &err), 0);
	const char *want[] = { "ivo", "--period", "2026Q3", "--in", "/arkiv/beslut.csv",
			       "--out", "/tmp/x", "--config", "evb.conf", "--as-of",
			       "2026-09-30", "--quiet" };
	assert_int_equal(argc, 12);
	for (int i = 0; i < argc; i++)
		assert_string_equal(argv[i], want[i]);
	assert_null(argv[argc]);
	manifest_free_argv(argc, argv);

	/* checking: the recorded SHA-256 is not the file's */
	char **paths;
	assert_int_equal(manifest_check_inputs(&mf, NULL, &paths), MANIFEST_INPUTS_CHANGED);
	manifest_free_paths(paths, mf.ninputs);
	assert_int_equal(manifest_check_inputs(&mf, "/nonexistent", &paths),
			 MANIFEST_INPUTS_MISSING);
	manifest_free_paths(paths, mf.ninputs);
	/* a file in the folder's place: not there either (ENOTDIR) */
	snprintf(p, sizeof(p), "%s/m2.json", dir);
	assert_int_equal(manifest_check_inputs(&mf, p, &paths), MANIFEST_INPUTS_MISSING);
	manifest_free_paths(paths, mf.ninputs);
	/* there, but it cannot be read (a folder by the input's name): not
	 * "missing", which would send the user looking for the archive */
	snprintf(p, sizeof(p), "%s/unreadable", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/unreadable/beslut.csv", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/unreadable", dir);
	assert_int_equal(manifest_check_inputs(&mf, p, &paths), MANIFEST_INPUTS_UNREADABLE);
	manifest_free_paths(paths, mf.ninputs);
	snprintf(p, sizeof(p), "%s/unreadable/beslut.csv", dir);
	assert_int_equal(rmdir(p), 0);
	snprintf(p, sizeof(p), "%s/unreadable", dir);
	assert_int_equal(rmdir(p), 0);
	manifest_release(&mf);
}

/* The re-run takes only canonical options of its fixed list: getopt's
 * abbreviation "--i" (which would read an unrecorded input), the
 * "--in=" form, or an option without its value are refused. */
static void test_rerun_refuses_other_options(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"[\"--i\", \"extra.csv\", \"--period\", \"2026Q3\"]",
		"[\"--in=extra.csv\", \"--period\", \"2026Q3\"]",
		"[\"--period\"]",
		"[\"--out\", \"x\"]",
		/* a profile named without its recorded SHA-256 */
		"[\"--profile\", \"p.txt\"]",
	};
	char p[256];
	snprintf(p, sizeof(p), "%s/m3.json", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_manifest("m3.json", bad[i]);
		struct manifest mf;
		struct evb_error err = { 0 };
		assert_int_equal(manifest_read(p, &mf, &err), 0);
		int argc;
		char **argv;
		assert_int_equal(manifest_rerun_argv(&mf, NULL, 0, "/tmp/x", NULL, NULL, &argc,
						     &argv, &err), EVB_EINVAL);
		assert_non_null(strstr(err.message, i == 4 ? "without the profile's SHA-256"
						      : "not an option a re-run takes"));
		manifest_release(&mf);
	}
}

/* What manifest_format writes, manifest_read reads: version, canonical
 * arguments, the templates' SHA-256 (checked against the folder). */
static void test_format_round_trip(void **state)
{
	(void)state;
	struct model m;
	model_init(&m, D("2026-09-30"));
	const char *args[] = { "--in", "export", "--period", "2026Q3", "--csv" };
	struct manifest_output outs[] = { { "ivo-2026Q3.xlsx", 9, sha_a } };
	struct manifest_info mi = {
		.command = "ivo", .args = args, .nargs = 5, .eval = D("2026-09-30"),
		.model = &m, .templates_dir = "../templates", .outputs = outs, .noutputs = 1,
	};
	struct evb_error err = { 0 };
	size_t len;
	char *text = manifest_format(&mi, &len, &err);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	assert_int_equal(text[len - 1], '\n');
	write_text("m4.json", text);
	free(text);
	char p[256];
	snprintf(p, sizeof(p), "%s/m4.json", dir);
	struct manifest mf;
	assert_int_equal(manifest_read(p, &mf, &err), 0);
	assert_string_equal(mf.version, EVB_VERSION);
	assert_int_equal(mf.nargs, 5);
	assert_string_equal(mf.args[3], "2026Q3");
	/* every file of templates/ is one evb reads, and each is recorded */
	size_t nfiles = 0;
	DIR *d = opendir("../templates");
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		nfiles += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(mf.ntemplates, nfiles);
	assert_int_equal(manifest_check_templates(&mf, "../templates", &err), 0);
	/* another templates folder: the first file differs */
	assert_int_equal(manifest_check_templates(&mf, dir, &err), EVB_EIO);
	/* a file that is not a template in place of one */
	char *saved = mf.templates[1].file;
	mf.templates[1].file = (char *)"README";
	assert_int_equal(manifest_check_templates(&mf, "../templates", &err), EVB_EINVAL);
	assert_non_null(strstr(err.message, "not a template evb reads"));
	mf.templates[1].file = saved;
	memset(mf.templates[2].sha256, 'b', 64);
	assert_int_equal(manifest_check_templates(&mf, "../templates", &err), EVB_EINVAL);
	assert_non_null(strstr(err.message, "differs from the one the run used"));
	manifest_release(&mf);
	model_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_what_run_writes),
		cmocka_unit_test(test_broken_manifests),
		cmocka_unit_test(test_input_paths),
		cmocka_unit_test(test_rerun_refuses_other_options),
		cmocka_unit_test(test_format_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
