/* manifest.json written and read back: see manifest.h. */
#include "manifest.h"

#include <errno.h>
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

const char *const manifest_template_files[] = {
	"insatser.csv", "skal.csv", "texts.csv", "layouts.csv", "looks.csv",
	"meddelande.csv", "taxor.csv", "maxtaxa.csv", "evb-export.xsd", NULL,
};

/* ---- writing ------------------------------------------------------------------- */

/* json_object_set_new etc. return -1 on failure (out of memory) */
static int put(json_t *obj, const char *key, json_t *value)
{
	return value ? json_object_set_new(obj, key, value) : -1;
}

static int add(json_t *arr, json_t *value)
{
	return value ? json_array_append_new(arr, value) : -1;
}

static json_t *counts(const long *rd, const long *us, const long *rj, const long *merged)
{
	json_t *o = json_object();
	for (int k = 0; o && k < K__COUNT; k++) {
		if (!rd[k])
			continue;
		json_t *c = json_object();
		if (put(o, schema_kind(k)->name, c) || put(c, "read", json_integer(rd[k])) ||
		    put(c, "used", json_integer(us[k])) || put(c, "rejected", json_integer(rj[k])) ||
		    (merged && put(c, "merged", json_integer(merged[k])))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *file_entry(const char *file, uint64_t size, const char *sha256)
{
	json_t *o = json_object();
	if (o && (put(o, "file", json_string(file)) ||
		  put(o, "size", json_integer((json_int_t)size)) ||
		  put(o, "sha256", json_string(sha256)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}


char *manifest_format(const struct manifest_info *mi, size_t *len, struct evb_error *err)
{
	const struct model *m = mi->model;
	char date[11], *text = NULL;
	json_t *root = json_object(), *args = json_array(), *inputs = json_array();
	json_t *tmpl = json_array(), *outputs = json_array();
	int bad = !root || !args || !inputs || !tmpl || !outputs;
	for (size_t i = 0; !bad && i < mi->nargs; i++)
		bad = add(args, json_string(mi->args[i]));
	for (uint32_t i = 0; !bad && i < m->files.n; i++) {
		const struct input_file *f = &m->files.v[i];
		json_t *e = file_entry(f->display, f->size, f->sha256);
		bad = add(inputs, e) || put(e, "encoding", json_string(f->cp1252 ? "Windows-1252"
										  : "UTF-8")) ||
		      put(e, "records", counts(f->read, f->used, f->rejected, NULL));
	}
	for (size_t i = 0; !bad && manifest_template_files[i]; i++) {
		char hex[SHA256_HEX_LEN + 1];
		char *p = evb_path_join(mi->templates_dir, manifest_template_files[i]);
		uint64_t size;
		if (!p) {
			bad = 1;
			break;
		}
		int r = hash_file(p, hex, &size, NULL, err);
		free(p);
		if (r)
			goto out;
		bad = add(tmpl, file_entry(manifest_template_files[i], size, hex));
	}
	for (size_t i = 0; !bad && i < mi->noutputs; i++)
		bad = add(outputs, file_entry(mi->outputs[i].file, mi->outputs[i].size,
					      mi->outputs[i].sha256));
	if (bad || put(root, "program", json_string("evb")) ||
	    put(root, "version", json_string(EVB_VERSION)) ||
	    put(root, "command", json_string(mi->command)) ||
	    put(root, "arguments", json_incref(args)) ||
	    put(root, "evaluation_date", json_string(date_format(mi->eval, date))) ||
	    put(root, "inputs", json_incref(inputs)) ||
	    put(root, "records", counts(m->read, m->used, m->rejected, m->merged)) ||
	    put(root, "templates", json_incref(tmpl)) ||
	    (mi->profile_file &&
	     put(root, "profile", file_entry(mi->profile_file, mi->profile_size,
					     mi->profile_sha256))) ||
	    put(root, "outputs", json_incref(outputs)) ||
	    !(text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER))) {
		evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	size_t n = strlen(text);
	char *nl = realloc(text, n + 2);   /* a text file ends with a newline */
	if (!nl) {
		free(text);
		text = NULL;
		evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	text = nl;
	memcpy(text + n, "\n", 2);
	*len = n + 1;
out:
	json_decref(root);
	json_decref(args);
	json_decref(inputs);
	json_decref(tmpl);
	json_decref(outputs);
	return text;
}

/* ---- reading ------------------------------------------------------------------- */

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

/* A file of the run folder or the templates: a plain name of its folder. */
static bool bare_name(const char *s)
{
	if (!*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 || strchr(s, '/') ||
	    strcmp(s, "manifest.json") == 0)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20)
			return false;
	return true;
}

/* [{"file": ..., "sha256": ...}, ...]; bare: names must be bare_name()
 * and different. */
static int read_files(json_t *arr, const char *what, const char *path, bool bare,
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
		if (bare && !bare_name(file))
			return BAD("entry %zu of '%s' is not a file name of its folder", i + 1, what);
		for (size_t k = 0; bare && k < i; k++)
			if (strcmp((*out)[k].file, file) == 0)
				return BAD("'%s' names '%s' twice", what, file);
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
	const char *version = json_string_value(json_object_get(root, "version"));
	const char *command = json_string_value(json_object_get(root, "command"));
	const char *eval = json_string_value(json_object_get(root, "evaluation_date"));
	json_t *args = json_object_get(root, "arguments");
	if (!program || strcmp(program, "evb") != 0) {
		ret = BAD("not a manifest of evb");
		goto out;
	}
	if (!version || !command || !eval || field_date(eval, &mf->eval) || !json_is_array(args)) {
		ret = BAD("the manifest lacks its version, command, arguments or evaluation date");
		goto out;
	}
	if (!(mf->command = dup_str(command)) || !(mf->version = dup_str(version))) {
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
	if ((ret = read_files(json_object_get(root, "inputs"), "inputs", path, false,
			      &mf->inputs, &mf->ninputs, err)) ||
	    (ret = read_files(json_object_get(root, "templates"), "templates", path, true,
			      &mf->templates, &mf->ntemplates, err)) ||
	    (ret = read_files(json_object_get(root, "outputs"), "outputs", path, true,
			      &mf->outputs, &mf->noutputs, err)))
		goto out;
	if (mf->noutputs == 0) {
		ret = BAD("the manifest lists no outputs");
		goto out;
	}
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
		evb_error_set(err, ret, path, 0, NULL, EVB_NOMEM_TEXT);
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
	free(mf->version);
	free(mf->dir);
	free_files(mf->templates, mf->ntemplates);
	free_files(mf->inputs, mf->ninputs);
	free_files(mf->outputs, mf->noutputs);
	free(mf->profile.file);
	memset(mf, 0, sizeof(*mf));
}

/* The value of args[i] when it is option `name` spelled exactly, its
 * value in the next argument; NULL otherwise. *skip is 1 or 2. */
static const char *option_at(char *const *args, size_t n, size_t i, const char *name,
			     size_t *skip)
{
	*skip = 1;
	if (strcmp(args[i], name) != 0 || i + 1 >= n)
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

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

char *manifest_input_path(const struct manifest *mf, const struct manifest_file *f,
			  const char *dir)
{
	if (dir)
		return evb_path_join(dir, base_name(f->file));
	struct stat st;
	size_t skip;
	for (size_t i = 0; i < mf->nargs; i += skip) {
		const char *in = option_at(mf->args, mf->nargs, i, "--in", &skip);
		if (!in || stat(in, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && !strchr(f->file, '/')) {
			char *p = evb_path_join(in, f->file);
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

/* The recorded options a re-run takes or replaces, spelled canonically.
 * --profile is replaced by the recorded profile, whose SHA-256
 * manifest_check_inputs has checked like the inputs'. */
static const struct {
	const char *name;
	bool value;
	bool kept;      /* passed on; else replaced by the caller's */
} rerun_options[] = {
	{ "--in", true, false },
	{ "--config", true, false },
	{ "--templates", true, false },
	{ "--profile", true, false },
	{ "--period", true, true },
	{ "--month", true, true },
	{ "--as-of", true, true },
	{ "--strict", false, true },
	{ "--csv", false, true },
};

int manifest_rerun_argv(const struct manifest *mf, char *const *inputs, size_t ninputs,
			const char *out, const char *config, const char *templates,
			int *argc, char ***argv, struct evb_error *err)
{
	size_t cap = mf->nargs + 2 * ninputs + 12, n = 0;
	char **v = calloc(cap, sizeof(*v));
	if (!v)
		return evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
#define PUSH(s) do { if (!(v[n++] = dup_str(s))) goto nomem; } while (0)
	PUSH(mf->command);
	bool has_asof = false;
	for (size_t i = 0; i < mf->nargs;) {
		const char *a = mf->args[i];
		size_t k = 0, nopt = sizeof(rerun_options) / sizeof(rerun_options[0]);
		while (k < nopt && strcmp(a, rerun_options[k].name) != 0)
			k++;
		if (k == nopt || (rerun_options[k].value && i + 1 >= mf->nargs)) {
			manifest_free_argv((int)n, v);
			return evb_error_set(err, EVB_EINVAL, NULL, 0, NULL,
					     "the manifest records '%s', which is not an option "
					     "a re-run takes", a);
		}
		if (strcmp(a, "--profile") == 0 && !mf->profile.file) {
			manifest_free_argv((int)n, v);
			return evb_error_set(err, EVB_EINVAL, NULL, 0, NULL,
					     "the manifest records '--profile' without the "
					     "profile's SHA-256");
		}
		size_t used = rerun_options[k].value ? 2 : 1;
		if (rerun_options[k].kept) {
			has_asof |= strcmp(a, "--as-of") == 0;
			for (size_t u = 0; u < used; u++)
				PUSH(mf->args[i + u]);
		}
		i += used;
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
	return evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
}

int manifest_check_templates(const struct manifest *mf, const char *dir,
			     struct evb_error *err)
{
	size_t want = 0;
	while (manifest_template_files[want])
		want++;
	if (mf->ntemplates != want)
		return evb_error_set(err, EVB_EINVAL, NULL, 0, NULL,
				     "the manifest records %zu templates, not the %zu evb reads",
				     mf->ntemplates, want);
	for (size_t i = 0; i < mf->ntemplates; i++) {
		size_t k = 0;
		while (manifest_template_files[k] &&
		       strcmp(manifest_template_files[k], mf->templates[i].file) != 0)
			k++;
		if (!manifest_template_files[k])   /* names are different: all are there */
			return evb_error_set(err, EVB_EINVAL, NULL, 0, NULL,
					     "the manifest records '%s', not a template evb reads",
					     mf->templates[i].file);
		char hex[SHA256_HEX_LEN + 1], *p = evb_path_join(dir, mf->templates[i].file);
		if (!p)
			return evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
		int r = hash_file(p, hex, NULL, NULL, err);
		if (!r && strcmp(hex, mf->templates[i].sha256) != 0)
			r = evb_error_set(err, EVB_EINVAL, p, 0, NULL,
					  "the template differs from the one the run used "
					  "(give --templates DIR with the run's templates)");
		free(p);
		if (r)
			return r;
	}
	return 0;
}

void manifest_free_argv(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Prints the line for a recorded file that cannot be hashed: missing when
 * it is not there (or a link to nothing), else unreadable with the reason.
 * looked_for is where an input was looked for (NULL for the profile, which
 * is looked for where it was). Returns MANIFEST_INPUTS_MISSING or
 * MANIFEST_INPUTS_UNREADABLE. */
static int input_gone(const char *what, const char *file, const char *looked_for,
		      int error, const char *reason)
{
	if (error == ENOENT || error == ENOTDIR) {
		if (looked_for)
			printf("missing %s: %s (looked for %s)\n", what, file, looked_for);
		else
			printf("missing %s: %s\n", what, file);
		return MANIFEST_INPUTS_MISSING;
	}
	printf("unreadable %s: %s: %s\n", what, looked_for ? looked_for : file,
	       reason ? reason : strerror(error));
	return MANIFEST_INPUTS_UNREADABLE;
}

int manifest_check_inputs(const struct manifest *mf, const char *dir, char ***paths)
{
	bool missing = false, unreadable = false, changed = false;
	char **p = calloc(mf->ninputs + 1, sizeof(*p));
	*paths = p;
	if (!p)
		return EVB_ENOMEM;
	for (size_t i = 0; i <= mf->ninputs; i++) {
		/* the inputs, then the profile: it decides how the export
		 * reads, so the same one is needed */
		bool input = i < mf->ninputs;
		const struct manifest_file *f = input ? &mf->inputs[i] : &mf->profile;
		const char *path = f->file;
		if (!input && (!f->file || missing || unreadable))
			break;
		if (input && !(path = p[i] = manifest_input_path(mf, f, dir)))
			return EVB_ENOMEM;
		const char *what = input ? "input" : "profile";
		char hex[SHA256_HEX_LEN + 1];
		struct evb_error err = { 0 };
		int ret, gone = 0;
		if (access(path, R_OK) != 0) {
			gone = input_gone(what, f->file, input ? path : NULL, errno, NULL);
		} else if ((ret = hash_file(path, hex, NULL, NULL, &err)) == EVB_ENOMEM) {
			return EVB_ENOMEM;
		} else if (ret) {
			gone = input_gone(what, f->file, input ? path : NULL, 0, err.message);
		} else if (strcmp(hex, f->sha256) != 0) {
			printf("changed %s: %s (SHA-256 recorded %.12s..., now %.12s...)\n",
			       what, path, f->sha256, hex);
			changed = true;
		}
		missing |= gone == MANIFEST_INPUTS_MISSING;
		unreadable |= gone == MANIFEST_INPUTS_UNREADABLE;
	}
	return missing ? MANIFEST_INPUTS_MISSING
	     : unreadable ? MANIFEST_INPUTS_UNREADABLE
	     : changed ? MANIFEST_INPUTS_CHANGED : MANIFEST_INPUTS_OK;
}

void manifest_free_paths(char **paths, size_t n)
{
	for (size_t i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
}
