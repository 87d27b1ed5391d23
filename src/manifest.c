/* Reading manifest.json back: see manifest.h. */
#include "manifest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "field.h"
#include "hash.h"

#define BAD(...) evb_error_set(err, EVB_EINVAL, path, 0, NULL, __VA_ARGS__)

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static bool is_sha256(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* [{"file": ..., "sha256": ...}, ...] */
static int read_files(json_t *arr, const char *what, const char *path,
		      struct manifest_file **out, size_t *n, struct evb_error *err)
{
	if (!json_is_array(arr))
		return BAD("'%s' is missing or not a list", what);
	size_t count = json_array_size(arr);
	*out = calloc(count ? count : 1, sizeof(**out));
	if (!*out)
		return EVB_ENOMEM;
	for (size_t i = 0; i < count; i++) {
		json_t *e = json_array_get(arr, i);
		const char *file = json_string_value(json_object_get(e, "file"));
		const char *sha = json_string_value(json_object_get(e, "sha256"));
		if (!file || !*file || !sha || !is_sha256(sha))
			return BAD("entry %zu of '%s' has no valid file and sha256", i + 1, what);
		if (!((*out)[i].file = dup_str(file)))
			return EVB_ENOMEM;
		memcpy((*out)[i].sha256, sha, 65);
		*n = i + 1;
	}
	return 0;
}

int manifest_read(const char *path, struct manifest *mf, struct evb_error *err)
{
	memset(mf, 0, sizeof(*mf));
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return evb_error_set(err, EVB_EINVAL, path, jerr.line > 0 ? jerr.line : 0, NULL,
				     "cannot read the manifest: %s", jerr.text);
	int ret = 0;
	const char *program = json_string_value(json_object_get(root, "program"));
	const char *command = json_string_value(json_object_get(root, "command"));
	const char *eval = json_string_value(json_object_get(root, "evaluation_date"));
	json_t *args = json_object_get(root, "arguments");
	if (!program || strcmp(program, "evb") != 0) {
		ret = BAD("not a manifest of evb");
		goto out;
	}
	if (!command || !eval || field_date(eval, &mf->eval) || !json_is_array(args)) {
		ret = BAD("the manifest lacks its command, arguments or evaluation date");
		goto out;
	}
	if (!(mf->command = dup_str(command))) {
		ret = EVB_ENOMEM;
		goto out;
	}
	mf->args = calloc(json_array_size(args) + 1, sizeof(*mf->args));
	if (!mf->args) {
		ret = EVB_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(args); i++) {
		const char *a = json_string_value(json_array_get(args, i));
		if (!a) {
			ret = BAD("argument %zu is not a string", i + 1);
			goto out;
		}
		if (!(mf->args[i] = dup_str(a))) {
			ret = EVB_ENOMEM;
			goto out;
		}
		mf->nargs = i + 1;
	}
	if ((ret = read_files(json_object_get(root, "inputs"), "inputs", path, &mf->inputs,
			      &mf->ninputs, err)) ||
	    (ret = read_files(json_object_get(root, "outputs"), "outputs", path, &mf->outputs,
			      &mf->noutputs, err)))
		goto out;
	json_t *prof = json_object_get(root, "profile");
	if (prof) {
		const char *file = json_string_value(json_object_get(prof, "file"));
		const char *sha = json_string_value(json_object_get(prof, "sha256"));
		if (!file || !*file || !sha || !is_sha256(sha)) {
			ret = BAD("'profile' has no valid file and sha256");
			goto out;
		}
		if (!(mf->profile.file = dup_str(file))) {
			ret = EVB_ENOMEM;
			goto out;
		}
		memcpy(mf->profile.sha256, sha, 65);
	}
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) : 1;
	if (!(mf->dir = malloc(dl + 1))) {
		ret = EVB_ENOMEM;
		goto out;
	}
	memcpy(mf->dir, slash ? path : ".", dl);
	mf->dir[dl] = '\0';
out:
	json_decref(root);
	if (ret == EVB_ENOMEM)
		evb_error_set(err, ret, path, 0, NULL, "out of memory");
	if (ret)
		manifest_release(mf);
	return ret;
}

static void free_files(struct manifest_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].file);
	free(f);
}

void manifest_release(struct manifest *mf)
{
	for (size_t i = 0; i < mf->nargs; i++)
		free(mf->args[i]);
	free(mf->args);
	free(mf->command);
	free(mf->dir);
	free_files(mf->inputs, mf->ninputs);
	free_files(mf->outputs, mf->noutputs);
	free(mf->profile.file);
	memset(mf, 0, sizeof(*mf));
}

/* The value of args[i] when it is option `name` (with its value in the
 * next argument or after '='); NULL otherwise. *skip is 1 or 2. */
static const char *option_at(char *const *args, size_t n, size_t i, const char *name,
			     size_t *skip)
{
	size_t len = strlen(name);
	*skip = 1;
	if (strncmp(args[i], name, len) != 0)
		return NULL;
	if (args[i][len] == '=')
		return args[i] + len + 1;
	if (args[i][len] != '\0' || i + 1 >= n)
		return NULL;
	*skip = 2;
	return args[i + 1];
}

const char *manifest_option(const struct manifest *mf, const char *name)
{
	size_t skip;
	for (size_t i = 0; i < mf->nargs; i += skip) {
		const char *v = option_at(mf->args, mf->nargs, i, name, &skip);
		if (v)
			return v;
	}
	return NULL;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

char *manifest_input_path(const struct manifest *mf, const struct manifest_file *f,
			  const char *dir)
{
	if (dir)
		return join(dir, base_name(f->file));
	struct stat st;
	size_t skip;
	for (size_t i = 0; i < mf->nargs; i += skip) {
		const char *in = option_at(mf->args, mf->nargs, i, "--in", &skip);
		if (!in || stat(in, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && !strchr(f->file, '/')) {
			char *p = join(in, f->file);
			if (!p || stat(p, &st) == 0)
				return p;
			free(p);
		} else if (!S_ISDIR(st.st_mode) && (strcmp(in, f->file) == 0 ||
						     strcmp(base_name(in), f->file) == 0)) {
			return dup_str(in);
		}
	}
	return dup_str(f->file);
}

int manifest_rerun_argv(const struct manifest *mf, char *const *inputs, size_t ninputs,
			const char *out, const char *config, const char *templates,
			int *argc, char ***argv)
{
	size_t cap = mf->nargs + 2 * ninputs + 12, n = 0;
	char **v = calloc(cap, sizeof(*v));
	if (!v)
		return EVB_ENOMEM;
#define PUSH(s) do { if (!(v[n++] = dup_str(s))) goto nomem; } while (0)
	PUSH(mf->command);
	size_t skip;
	bool has_asof = false;
	for (size_t i = 0; i < mf->nargs; i += skip) {
		const char *value = NULL;
		static const char *const replaced[] = { "--in", "--out", "--profile", "--config",
							"--templates" };
		bool drop = false;
		for (size_t k = 0; k < 5 && !drop; k++) {
			value = option_at(mf->args, mf->nargs, i, replaced[k], &skip);
			drop = value && (k < 3 || (k == 3 && config) || (k == 4 && templates));
		}
		if (drop)
			continue;
		skip = 1;
		if (strcmp(mf->args[i], "--quiet") == 0)
			continue;
		has_asof |= strncmp(mf->args[i], "--as-of", 7) == 0;
		PUSH(mf->args[i]);
	}
	for (size_t i = 0; i < ninputs; i++) {
		PUSH("--in");
		PUSH(inputs[i]);
	}
	PUSH("--out");
	PUSH(out);
	if (mf->profile.file) {
		PUSH("--profile");
		PUSH(mf->profile.file);
	}
	if (config) {
		PUSH("--config");
		PUSH(config);
	}
	if (templates) {
		PUSH("--templates");
		PUSH(templates);
	}
	if (!has_asof && strcmp(mf->command, "meals") != 0 && strcmp(mf->command, "fees") != 0) {
		char date[11];
		PUSH("--as-of");
		PUSH(date_format(mf->eval, date));
	}
	PUSH("--quiet");
#undef PUSH
	*argc = (int)n;
	*argv = v;
	return 0;
nomem:
	manifest_free_argv((int)n, v);
	return EVB_ENOMEM;
}

void manifest_free_argv(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

int manifest_check_inputs(const struct manifest *mf, const char *dir, char ***paths)
{
	int worst = 0;
	char **p = calloc(mf->ninputs + 1, sizeof(*p));
	*paths = p;
	if (!p)
		return 2;
	for (size_t i = 0; i < mf->ninputs; i++) {
		const struct manifest_file *f = &mf->inputs[i];
		if (!(p[i] = manifest_input_path(mf, f, dir)))
			return 2;
		char hex[SHA256_HEX_LEN + 1];
		struct evb_error err = { 0 };
		if (access(p[i], R_OK) != 0) {
			printf("missing input: %s (looked for %s)\n", f->file, p[i]);
			worst = 2;
		} else if (hash_file(p[i], hex, NULL, NULL, &err)) {
			printf("unreadable input: %s: %s\n", p[i], err.message);
			worst = 2;
		} else if (strcmp(hex, f->sha256) != 0) {
			printf("changed input: %s (SHA-256 recorded %.12s..., now %.12s...)\n",
			       p[i], f->sha256, hex);
			if (worst < 1)
				worst = 1;
		}
	}
	if (mf->profile.file && worst < 2) {
		/* the profile decides how the export reads: the same one is needed */
		const struct manifest_file *f = &mf->profile;
		char hex[SHA256_HEX_LEN + 1];
		struct evb_error err = { 0 };
		if (access(f->file, R_OK) != 0) {
			printf("missing profile: %s\n", f->file);
			worst = 2;
		} else if (hash_file(f->file, hex, NULL, NULL, &err)) {
			printf("unreadable profile: %s: %s\n", f->file, err.message);
			worst = 2;
		} else if (strcmp(hex, f->sha256) != 0) {
			printf("changed profile: %s (SHA-256 recorded %.12s..., now %.12s...)\n",
			       f->file, f->sha256, hex);
			worst = 1;
		}
	}
	return worst;
}

void manifest_free_paths(char **paths, size_t n)
{
	for (size_t i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
}
