/*
 * evb verify: proves that a run's reports came from its export. Checks the
 * SHA-256 of every recorded input, re-runs the recorded command into a
 * temporary folder and compares every recorded output byte for byte with
 * the run folder's files. Exit 0 identical, 1 differs, 2 cannot verify.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "diag.h"
#include "hash.h"
#include "manifest.h"
#include "run.h"

static const char usage[] =
	"evb verify RUN/manifest.json [--in DIR] [--config FILE] [--templates DIR]";

struct verify {
	struct manifest mf;
	const char *in_dir, *config, *templates;
	char **inputs;          /* resolved input paths */
	char tmp[64];           /* the re-run's --out */
	char *rerun_dir;        /* the run folder inside tmp */
	int differs;
};

/* 1 when the file differs (or is missing), 0 equal, -1 when unreadable. */
static int same_bytes(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int ret = 0;
	if (!fa || !fb) {
		ret = 1;
		goto out;
	}
	char ba[65536], bb[65536];
	for (;;) {
		size_t na = fread(ba, 1, sizeof(ba), fa), nb = fread(bb, 1, sizeof(bb), fb);
		if (na != nb || memcmp(ba, bb, na) != 0) {
			ret = 1;
			break;
		}
		if (na == 0) {
			ret = ferror(fa) || ferror(fb) ? -1 : 0;
			break;
		}
	}
out:
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return ret;
}

/* The single run folder the re-run created in tmp. */
static char *find_rerun_dir(const char *tmp)
{
	DIR *d = opendir(tmp);
	if (!d)
		return NULL;
	char *found = NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || found)
			continue;
		size_t n = strlen(tmp) + strlen(e->d_name) + 2;
		if ((found = malloc(n)))
			snprintf(found, n, "%s/%s", tmp, e->d_name);
	}
	closedir(d);
	return found;
}

static int rerun(struct verify *v)
{
	int argc;
	char **argv;
	if (manifest_rerun_argv(&v->mf, v->inputs, v->mf.ninputs, v->tmp, v->config,
				v->templates, &argc, &argv)) {
		diag_msg("out of memory");
		return EXIT_FATAL;
	}
	const struct command *cmd = command_find(v->mf.command);
	int status = EXIT_FATAL;
	if (!cmd || cmd->fn == cmd_verify || cmd->fn == cmd_diff)
		diag_msg("%s/manifest.json: cannot re-run command '%s'", v->mf.dir, v->mf.command);
	else
		status = cmd->fn(argc, argv);
	manifest_free_argv(argc, argv);
	if (status == EXIT_FATAL) {
		diag_msg("the re-run failed: see the messages above");
		return EXIT_FATAL;
	}
	if (!(v->rerun_dir = find_rerun_dir(v->tmp))) {
		diag_msg("the re-run wrote no run folder");
		return EXIT_FATAL;
	}
	return 0;
}

static int compare_outputs(struct verify *v)
{
	int unreadable = 0;
	for (size_t i = 0; i < v->mf.noutputs; i++) {
		const struct manifest_file *f = &v->mf.outputs[i];
		size_t na = strlen(v->mf.dir) + strlen(f->file) + 2;
		size_t nb = strlen(v->rerun_dir) + strlen(f->file) + 2;
		char *a = malloc(na), *b = malloc(nb);
		if (!a || !b) {
			free(a);
			free(b);
			return EXIT_FATAL;
		}
		snprintf(a, na, "%s/%s", v->mf.dir, f->file);
		snprintf(b, nb, "%s/%s", v->rerun_dir, f->file);
		char hex[SHA256_HEX_LEN + 1];
		if (access(a, R_OK) != 0) {
			printf("missing output: %s\n", a);
			v->differs = 1;
		} else if (hash_file(a, hex, NULL, NULL, NULL) || strcmp(hex, f->sha256) != 0) {
			printf("output changed since the run: %s\n", a);
			v->differs = 1;
		} else {
			int d = same_bytes(a, b);
			if (d < 0)
				unreadable = 1;
			if (d > 0) {
				printf("differs: %s\n", f->file);
				v->differs = 1;
			} else if (d == 0) {
				printf("identical: %s\n", f->file);
			}
		}
		free(a);
		free(b);
	}
	return unreadable ? EXIT_FATAL : 0;
}

/* Removes the temporary run folder and its files. */
static void cleanup(struct verify *v)
{
	if (v->rerun_dir) {
		DIR *d = opendir(v->rerun_dir);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", v->rerun_dir, e->d_name);
			if (unlink(p) != 0)
				diag_msg("cannot remove %s: %s", p, strerror(errno));
		}
		if (d)
			closedir(d);
		if (rmdir(v->rerun_dir) != 0)
			diag_msg("cannot remove %s: %s", v->rerun_dir, strerror(errno));
	}
	if (v->tmp[0] && rmdir(v->tmp) != 0)
		diag_msg("cannot remove %s: %s", v->tmp, strerror(errno));
}

static int parse(struct verify *v, int argc, char **argv, const char **manifest)
{
	static const struct option opts[] = {
		{ "in", required_argument, NULL, 'i' },
		{ "config", required_argument, NULL, 'c' },
		{ "templates", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': v->in_dir = optarg; break;
		case 'c': v->config = optarg; break;
		case 't': v->templates = optarg; break;
		case 'h':
			command_help("verify", usage, "Checks that a run's reports came from its export: the inputs'\n"
				     "SHA-256, a re-run into a temporary folder, and every output compared\n"
				     "byte for byte.");
			return 1;
		default:
			diag_msg("unknown or incomplete option '%s'", argv[optind - 1]);
			fprintf(stderr, "usage: %s\n", usage);
			return -1;
		}
	}
	if (optind != argc - 1) {
		diag_msg("give one manifest.json");
		fprintf(stderr, "usage: %s\n", usage);
		return -1;
	}
	*manifest = argv[optind];
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	struct verify v;
	const char *manifest = NULL;
	memset(&v, 0, sizeof(v));
	int p = parse(&v, argc, argv, &manifest);
	if (p)
		return p > 0 ? EXIT_FINE : EXIT_FATAL;
	struct evb_error err = { 0 };
	int status = EXIT_FATAL;
	if (manifest_read(manifest, &v.mf, &err)) {
		diag_error(&err);
		return EXIT_FATAL;
	}
	int in = manifest_check_inputs(&v.mf, v.in_dir, &v.inputs);
	if (in == 2) {
		diag_msg("cannot verify: inputs are missing (give --in DIR where the archived export is)");
		goto out;
	}
	if (in == 1) {
		printf("verify: the export or its profile has changed since the run: the reports cannot come from it\n");
		status = 1;
		goto out;
	}
	const char *base = getenv("TMPDIR");
	snprintf(v.tmp, sizeof(v.tmp), "%.40s/evb-verify-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(v.tmp)) {
		diag_msg("cannot create a temporary folder: %s", strerror(errno));
		v.tmp[0] = '\0';
		goto out;
	}
	if (rerun(&v) || compare_outputs(&v))
		goto out;
	printf("verify: %s\n", v.differs ? "the outputs differ from a re-run"
				       : "every output is identical to a re-run");
	status = v.differs ? 1 : EXIT_FINE;
out:
	cleanup(&v);
	manifest_free_paths(v.inputs, v.mf.ninputs);
	free(v.rerun_dir);
	manifest_release(&v.mf);
	return status;
}
