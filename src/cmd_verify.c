/*
 * evb verify: proves that a run's reports came from its export. Refuses a
 * manifest of another program version; checks that the run folder holds
 * exactly the recorded outputs (bare names) besides manifest.json, the
 * SHA-256 of every recorded input and template, re-runs the recorded
 * command (canonical options of a fixed list only, reading only the
 * recorded inputs) into a temporary folder and compares every output byte
 * for byte. Exit 0 identical, 1 differs, 2 cannot verify.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "runfolder.h"

static const char usage[] =
	"evb verify RUN/manifest.json [--in DIR] [--config FILE] [--templates DIR]";

struct verify {
	struct manifest mf;
	const char *in_dir, *config, *templates;
	char **inputs;          /* resolved input paths */
	char *tmp;              /* the re-run's --out, under TMPDIR */
	char *rerun_dir;        /* the run folder inside tmp */
	int differs;
};

/* 1 when the files differ, 0 equal, -1 when one cannot be read (errno). */
static int same_bytes(const char *a, const char *b)
{
	int fa = open(a, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int fb = fa < 0 ? -1 : open(b, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int ret = -1;
	static char ba[65536], bb[65536];
	struct stat sa, sb;
	if (fb < 0 || fstat(fa, &sa) != 0 || fstat(fb, &sb) != 0)
		goto out;
	if (sa.st_size != sb.st_size) {
		ret = 1;
		goto out;
	}
	for (;;) {
		ssize_t na = read_all_fd(fa, ba, sizeof(ba));
		ssize_t nb = na < 0 ? -1 : read_all_fd(fb, bb, sizeof(bb));
		if (na < 0 || nb < 0)
			break;
		if (na != nb || memcmp(ba, bb, (size_t)na) != 0) {
			ret = 1;
			break;
		}
		if (na == 0) {
			ret = 0;
			break;
		}
	}
out:;
	int e = errno;
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	errno = e;
	return ret;
}

static bool recorded(const struct manifest *mf, const char *name)
{
	for (size_t i = 0; i < mf->noutputs; i++)
		if (strcmp(mf->outputs[i].file, name) == 0)
			return true;
	return false;
}

/* Every entry of folder dir besides manifest.json must be a recorded
 * output and a regular file (not followed when a link). Prints each one
 * that is not; -1 when the folder cannot be read. */
static int check_folder(struct verify *v, const char *dir, const char *what)
{
	DIR *d = opendir(dir);
	if (!d) {
		diag_msg("%s: cannot read the folder: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	int ret = 0, listed;
	while (!ret && (e = dir_next(d, &listed))) {
		if (strcmp(e->d_name, "manifest.json") == 0)
			continue;
		struct stat st;
		if (!recorded(&v->mf, e->d_name)) {
			printf("%s: not in the manifest: %s\n", what, e->d_name);
			v->differs = 1;
		} else if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			/* not seen is not changed: nothing can be said of it */
			diag_msg("%s/%s: cannot read: %s", dir, e->d_name, strerror(errno));
			ret = -1;
		} else if (!S_ISREG(st.st_mode)) {
			printf("%s: not a regular file: %s\n", what, e->d_name);
			v->differs = 1;
		}
	}
	if (!ret && listed) {
		/* a listing cut short would hide what else the folder holds */
		diag_msg("%s: cannot read the folder: %s", dir, strerror(listed));
		ret = -1;
	}
	closedir(d);
	return ret;
}

static int rerun(struct verify *v)
{
	int argc;
	char **argv;
	struct evb_error err = { 0 };
	if (manifest_rerun_argv(&v->mf, v->inputs, v->mf.ninputs, v->tmp, v->config,
				v->templates, &argc, &argv, &err)) {
		diag_error(&err);
		return EXIT_FATAL;
	}
	const struct command *cmd = command_find(v->mf.command);
	int status = EXIT_FATAL;
	if (!cmd || cmd->fn == cmd_verify || cmd->fn == cmd_diff)
		diag_msg("%s/manifest.json: cannot re-run command '%s'", v->mf.dir, v->mf.command);
	else {
		diag_set_mute_notes(true);
		status = cmd->fn(argc, argv);
		diag_set_mute_notes(false);
	}
	manifest_free_argv(argc, argv);
	if (status == EXIT_FATAL) {
		diag_msg("the re-run failed: see the messages above");
		return EXIT_FATAL;
	}
	/* the single visible entry the re-run created: its run folder */
	DIR *d = opendir(v->tmp);
	if (!d) {
		diag_msg("cannot read the re-run's folder %s: %s", v->tmp, strerror(errno));
		return EXIT_FATAL;
	}
	struct dirent *e;
	bool nomem = false;
	int listed = 0;
	while (!v->rerun_dir && !nomem && (e = dir_next(d, &listed)))
		if (e->d_name[0] != '.')
			nomem = !(v->rerun_dir = evb_path_join(v->tmp, e->d_name));
	closedir(d);
	if (nomem) {
		diag_msg(EVB_NOMEM_TEXT);
		return EXIT_FATAL;
	}
	if (listed) {
		diag_msg("cannot read the re-run's folder %s: %s", v->tmp, strerror(listed));
		return EXIT_FATAL;
	}
	if (!v->rerun_dir) {
		diag_msg("the re-run wrote no run folder");
		return EXIT_FATAL;
	}
	return 0;
}

/* lstat's errno for path: 0 when it is there. */
static int lstat_errno(const char *path, struct stat *st)
{
	return lstat(path, st) == 0 ? 0 : errno;
}

/* Compares output f, at a in the run folder and at b in the re-run's:
 * prints what it finds; -1 when one of them cannot be read (said), as
 * what is not read is not changed: nothing can be said of it. */
static int compare_output(struct verify *v, const struct manifest_file *f,
			  const char *a, const char *b)
{
	char hex[SHA256_HEX_LEN + 1];
	struct stat st;
	struct evb_error err = { 0 };
	int e = lstat_errno(a, &st);
	if (e && e != ENOENT) {
		diag_msg("%s: cannot read: %s", a, strerror(e));
		return -1;
	}
	if (e || !S_ISREG(st.st_mode)) {
		printf("missing output: %s\n", a);
		v->differs = 1;
		return 0;
	}
	if (hash_file(a, hex, NULL, NULL, &err)) {
		diag_error(&err);
		return -1;
	}
	if (strcmp(hex, f->sha256) != 0) {
		printf("output changed since the run: %s\n", a);
		v->differs = 1;
		return 0;
	}
	if ((e = lstat_errno(b, &st)) == ENOENT) {
		printf("differs: %s (the re-run did not write it)\n", f->file);
		v->differs = 1;
		return 0;
	}
	int d = e ? -1 : same_bytes(a, b);
	if (d < 0) {
		diag_msg("cannot compare %s: %s", f->file, strerror(e ? e : errno));
		return -1;
	}
	printf("%s: %s\n", d ? "differs" : "identical", f->file);
	v->differs |= d;
	return 0;
}

static int compare_outputs(struct verify *v)
{
	if (check_folder(v, v->rerun_dir, "re-run") != 0)
		return EXIT_FATAL;
	for (size_t i = 0; i < v->mf.noutputs; i++) {
		const struct manifest_file *f = &v->mf.outputs[i];
		char *a = evb_path_join(v->mf.dir, f->file);
		char *b = evb_path_join(v->rerun_dir, f->file);
		int ret = a && b ? compare_output(v, f, a, b) : -1;
		if (!a || !b)
			diag_msg(EVB_NOMEM_TEXT);
		free(a);
		free(b);
		if (ret)
			return EXIT_FATAL;
	}
	return 0;
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
	int c, li;
	bool seen[4] = { false };
	while ((c = run_getopt(argc, argv, "-:h", opts, &li)) != -1) {
		if (li >= 0 && seen[li]) {
			diag_msg("option '--%s' given twice", opts[li].name);
			fprintf(stderr, "usage: %s\n", usage);
			return -1;
		}
		if (li >= 0)
			seen[li] = true;
		switch (c) {
		case 'i': v->in_dir = optarg; break;
		case 'c': v->config = optarg; break;
		case 't': v->templates = optarg; break;
		case 1:
			if (*manifest) {
				diag_msg("give one manifest.json");
				fprintf(stderr, "usage: %s\n", usage);
				return -1;
			}
			*manifest = optarg;
			break;
		case 'h':
			command_help("verify", usage, "Checks that a run's reports came from its export: the inputs'\n"
				     "SHA-256, a re-run into a temporary folder, and every output compared\n"
				     "byte for byte.");
			return 1;
		default:
			diag_msg("unknown or incomplete option '%s'",
				 argv[optind - 1]);
			fprintf(stderr, "usage: %s\n", usage);
			return -1;
		}
	}
	if (!*manifest) {
		diag_msg("give one manifest.json");
		fprintf(stderr, "usage: %s\n", usage);
		return -1;
	}
	return 0;
}

/* The temporary folder for the re-run, under TMPDIR of any length. */
static int make_tmp(struct verify *v)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	if (!(v->tmp = evb_path_join(base, "evb-verify-XXXXXX"))) {
		diag_msg(EVB_NOMEM_TEXT);
		return EXIT_FATAL;
	}
	if (!mkdtemp(v->tmp)) {
		diag_msg("cannot create a temporary folder in %s: %s", base, strerror(errno));
		free(v->tmp);
		v->tmp = NULL;
		return EXIT_FATAL;
	}
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
	if (strcmp(v.mf.version, EVB_VERSION) != 0) {
		diag_msg("%s: written by evb %s, this is evb %s: verify with that version",
			 manifest, v.mf.version, EVB_VERSION);
		goto out;
	}
	char buf[PATH_MAX];
	const char *tdir = v.templates ? v.templates : run_default_templates(buf, sizeof(buf));
	if (manifest_check_templates(&v.mf, tdir, &err)) {
		diag_error(&err);
		diag_msg("cannot verify with other templates than the run's");
		goto out;
	}
	if (check_folder(&v, v.mf.dir, "run folder") != 0)
		goto out;
	int in = manifest_check_inputs(&v.mf, v.in_dir, &v.inputs);
	if (in == EVB_ENOMEM) {
		diag_msg(EVB_NOMEM_TEXT);
		goto out;
	}
	if (in == MANIFEST_INPUTS_MISSING) {
		diag_msg("cannot verify: inputs are missing (give --in DIR where the archived export is)");
		goto out;
	}
	if (in == MANIFEST_INPUTS_UNREADABLE) {
		diag_msg("cannot verify: an input of the run cannot be read (the reason is above)");
		goto out;
	}
	if (in == MANIFEST_INPUTS_CHANGED) {
		printf("verify: the export or its profile has changed since the run: the reports cannot come from it\n");
		status = 1;
		goto out;
	}
	if (make_tmp(&v) || rerun(&v) || compare_outputs(&v))
		goto out;
	printf("verify: %s\n", v.differs ? "the outputs differ from a re-run"
				       : "every output is identical to a re-run");
	status = v.differs ? 1 : EXIT_FINE;
out:
	if (v.tmp && runfolder_remove_tree(AT_FDCWD, v.tmp) != 0)
		diag_msg("cannot remove %s: %s", v.tmp, strerror(errno));
	manifest_free_paths(v.inputs, v.mf.ninputs);
	free(v.rerun_dir);
	free(v.tmp);
	manifest_release(&v.mf);
	return status;
}
