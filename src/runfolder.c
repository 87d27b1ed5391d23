/* The life of a run folder: see runfolder.h. */
#define _GNU_SOURCE   /* renameat2, RENAME_NOREPLACE, RENAME_EXCHANGE */
#include "runfolder.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 16    /* folders below a run folder that are removed */

static char *str_printf(const char *fmt, const char *a, const char *b)
{
	int n = snprintf(NULL, 0, fmt, a, b);
	char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (p)
		snprintf(p, (size_t)n + 1, fmt, a, b);
	return p;
}

struct dirent *dir_next(DIR *d, int *error)
{
	struct dirent *e;
	do {
		errno = 0;
		e = readdir(d);
	} while (e && (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0));
	*error = e ? 0 : errno;
	return e;
}

ssize_t read_all_fd(int fd, char *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = read(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int write_all_fd(int fd, const char *data, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

int fsync_fd(int fd)
{
	if (fsync(fd) == 0 || errno == EINVAL || errno == EROFS)
		return 0;
	return -1;
}

void runfolder_init(struct runfolder *rf)
{
	memset(rf, 0, sizeof(*rf));
	rf->out_fd = rf->lock_fd = rf->dir_fd = -1;
}

static int remove_at(int at, const char *path, int depth)
{
	struct stat st;
	if (fstatat(at, path, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, path, 0) == 0 || errno == ENOENT ? 0 : -1;
	if (depth > MAX_DEPTH) {
		errno = ELOOP;
		return -1;
	}
	int fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	int failed = 0, listed;  /* the first failure's errno; the listing's */
	struct dirent *e;
	while ((e = dir_next(d, &listed)))
		if (remove_at(dirfd(d), e->d_name, depth + 1) != 0 && !failed)
			failed = errno ? errno : EIO;
	if (listed && !failed)
		failed = listed;    /* the listing failed: the folder stays */
	closedir(d);
	if (failed) {
		errno = failed;
		return -1;
	}
	return unlinkat(at, path, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : -1;
}

int runfolder_remove_tree(int at, const char *path)
{
	return remove_at(at, path, 0);
}

static int fail(struct evb_error *err, int code, const char *file, const char *what, int e)
{
	return evb_error_set(err, code, file, 0, NULL, "%s: %s", what, strerror(e));
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Under the lock: a run folder that a killed swap left only under its
 * hidden old name is restored, then the leftovers of dead runs go. */
static int recover(struct runfolder *rf, struct evb_error *err)
{
	int ret = 0;
	char *tmp_prefix = str_printf(".%s%s", rf->name, ".tmp-");
	char *old_prefix = str_printf(".%s%s", rf->name, ".old-");
	if (!tmp_prefix || !old_prefix) {
		ret = evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	int fd = dup(rf->out_fd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		ret = fail(err, EVB_EIO, rf->out, "cannot read the output folder", errno);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	struct stat st;
	bool missing = fstatat(rf->out_fd, rf->name, &st, AT_SYMLINK_NOFOLLOW) != 0 &&
		       errno == ENOENT;
	struct dirent *e;
	int listed;
	while ((e = dir_next(d, &listed))) {
		bool old = has_prefix(e->d_name, old_prefix);
		if (!old && !has_prefix(e->d_name, tmp_prefix))
			continue;
		if (old && missing) {
			if (renameat(rf->out_fd, e->d_name, rf->out_fd, rf->name) != 0) {
				ret = fail(err, EVB_EIO, rf->final_path,
					   "cannot restore the earlier run folder", errno);
				break;
			}
			missing = false;
			continue;
		}
		if (runfolder_remove_tree(rf->out_fd, e->d_name) != 0) {
			ret = evb_error_set(err, EVB_EIO, rf->out, 0, NULL,
					    "cannot remove the leftover '%s' of an earlier run: %s",
					    e->d_name, strerror(errno));
			break;
		}
	}
	closedir(d);
	/* a listing cut short could miss the earlier run to restore, which
	 * the next run would then remove as a leftover */
	if (!ret && !e && listed)
		ret = fail(err, EVB_EIO, rf->out, "cannot read the output folder", listed);
	if (!ret && fsync_fd(rf->out_fd) != 0)
		ret = fail(err, EVB_EIO, rf->out, "cannot flush the output folder", errno);
out:
	free(tmp_prefix);
	free(old_prefix);
	return ret;
}

static int check_target(struct runfolder *rf, struct evb_error *err)
{
	struct stat st;
	if (fstatat(rf->out_fd, rf->name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return 0;
		return fail(err, EVB_EIO, rf->final_path, "cannot look at the run folder", errno);
	}
	if (!S_ISDIR(st.st_mode))
		return evb_error_set(err, EVB_EINVAL, rf->final_path, 0, NULL,
				     "%s", S_ISLNK(st.st_mode)
				     ? "is a symbolic link, not a run folder: not followed, not replaced"
				     : "is not a folder: not replaced");
	if (!rf->replace)
		return evb_error_set(err, EVB_EINVAL, rf->final_path, 0, NULL,
				     "the run folder exists: give --replace to replace it");
	rf->exists = true;
	return 0;
}

int runfolder_open(struct runfolder *rf, const char *out, const char *name,
		   bool replace, struct evb_error *err)
{
	int ret = 0;
	runfolder_init(rf);
	rf->replace = replace;
	char *lock = NULL;
	if (!*name || name[0] == '.' || strchr(name, '/'))
		return evb_error_set(err, EVB_EINVAL, NULL, 0, NULL,
				     "invalid run folder name '%s'", name);
	unsigned rnd = 0;
	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		rnd = (unsigned)getpid() * 2654435761u;
	char suffix[48];
	snprintf(suffix, sizeof(suffix), ".tmp-%ld-%08x", (long)getpid(), rnd);
	if (!(rf->out = strdup(out)) || !(rf->name = strdup(name)) ||
	    !(rf->tmp_name = str_printf(".%s%s", name, suffix)) ||
	    !(rf->tmp_path = evb_path_join(out, rf->tmp_name)) ||
	    !(rf->final_path = evb_path_join(out, name)) ||
	    !(lock = str_printf(".%s%s", name, ".lock"))) {
		ret = evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	if (mkdir(out, 0777) != 0 && errno != EEXIST) {
		ret = fail(err, EVB_EIO, out, "cannot create the output folder", errno);
		goto out;
	}
	if ((rf->out_fd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		ret = fail(err, EVB_EIO, out, "cannot open the output folder", errno);
		goto out;
	}
	rf->lock_fd = openat(rf->out_fd, lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (rf->lock_fd < 0) {
		ret = fail(err, EVB_EIO, rf->final_path, "cannot create the lock file", errno);
		goto out;
	}
	if (flock(rf->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		ret = errno == EWOULDBLOCK
			? evb_error_set(err, EVB_EIO, rf->final_path, 0, NULL,
					"another run is writing this run folder")
			: fail(err, EVB_EIO, rf->final_path, "cannot lock the run folder", errno);
		goto out;
	}
	if ((ret = recover(rf, err)) || (ret = check_target(rf, err)))
		goto out;
	if (mkdirat(rf->out_fd, rf->tmp_name, 0700) != 0) {
		ret = fail(err, EVB_EIO, rf->tmp_path, "cannot create the temporary run folder",
			   errno);
		goto out;
	}
	rf->made = true;
	rf->dir_fd = openat(rf->out_fd, rf->tmp_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rf->dir_fd < 0) {
		ret = fail(err, EVB_EIO, rf->tmp_path, "cannot open the temporary run folder",
			   errno);
		goto out;
	}
out:
	free(lock);
	return ret;
}

int runfolder_create(struct runfolder *rf, const char *file, struct evb_error *err)
{
	if (!*file || strchr(file, '/') || strcmp(file, ".") == 0 || strcmp(file, "..") == 0) {
		evb_error_set(err, EVB_EINVAL, file, 0, NULL, "not a file name of the run folder");
		return -1;
	}
	int fd = openat(rf->dir_fd, file,
			O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		evb_error_set(err, EVB_EIO, file, 0, NULL, "cannot create: %s", strerror(errno));
	return fd;
}

int runfolder_write_file(struct runfolder *rf, const char *file, const char *data,
			 size_t len, struct evb_error *err)
{
	int fd = runfolder_create(rf, file, err);
	if (fd < 0)
		return EVB_EIO;
	int bad = write_all_fd(fd, data, len) != 0 || fsync_fd(fd) != 0;
	int saved = errno;
	if (close(fd) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	return bad ? fail(err, EVB_EIO, file, "cannot write", saved) : 0;
}

enum swap { SWAP_NONE, SWAP_NEW, SWAP_EXCHANGE, SWAP_RENAMES };

/* Renames the earlier run, moved aside to old for the renames fallback,
 * back into place; when it cannot be, it is left there (rf->hidden) for
 * the next run to restore. */
static void put_back(struct runfolder *rf, const char *old)
{
	if (renameat(rf->out_fd, old, rf->out_fd, rf->name) != 0)
		rf->hidden = old;
}

/* Takes the new run out of place again, as before the swap: true when it
 * is out (after the renames fallback the earlier run may then be left
 * under its hidden old name: put_back), false when it could not be moved
 * and stays in place. */
static bool undo(struct runfolder *rf, enum swap how, const char *old)
{
	if (how == SWAP_EXCHANGE)
		return renameat2(rf->out_fd, rf->tmp_name, rf->out_fd, rf->name,
				 RENAME_EXCHANGE) == 0;
	if (renameat(rf->out_fd, rf->name, rf->out_fd, rf->tmp_name) != 0)
		return false;
	if (how == SWAP_RENAMES)
		put_back(rf, old);
	return true;
}

static bool no_renameat2(int e)
{
	return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP;
}

/* Renames the temporary folder into place; *how says what was done. */
static int swap(struct runfolder *rf, const char *old, enum swap *how, struct evb_error *err)
{
	*how = SWAP_NONE;
	if (rf->exists) {
		if (renameat2(rf->out_fd, rf->tmp_name, rf->out_fd, rf->name, RENAME_EXCHANGE) == 0) {
			*how = SWAP_EXCHANGE;
			return 0;
		}
		if (!no_renameat2(errno))
			return fail(err, EVB_EIO, rf->final_path,
				    "cannot swap the run folder into place", errno);
		/* without renameat2 (SMB, NFS): the old folder to a hidden
		 * name first; a kill in between leaves only that, and the
		 * next run restores it */
		if (renameat(rf->out_fd, rf->name, rf->out_fd, old) != 0)
			return fail(err, EVB_EIO, rf->final_path,
				    "cannot move the earlier run folder aside", errno);
		if (renameat(rf->out_fd, rf->tmp_name, rf->out_fd, rf->name) != 0) {
			int e = errno;
			put_back(rf, old);
			return fail(err, EVB_EIO, rf->final_path,
				    "cannot rename the run folder into place", e);
		}
		*how = SWAP_RENAMES;
		return 0;
	}
	if (renameat2(rf->out_fd, rf->tmp_name, rf->out_fd, rf->name, RENAME_NOREPLACE) == 0) {
		*how = SWAP_NEW;
		return 0;
	}
	/* saved: the fstatat below may set errno itself */
	int e = errno;
	struct stat st;
	if (e == EEXIST || e == ENOTEMPTY ||
	    (no_renameat2(e) && fstatat(rf->out_fd, rf->name, &st, AT_SYMLINK_NOFOLLOW) == 0))
		return evb_error_set(err, EVB_EINVAL, rf->final_path, 0, NULL,
				     "the run folder appeared during the run: give --replace to replace it");
	/* without RENAME_NOREPLACE the lock keeps other runs away */
	if (!no_renameat2(e))
		return fail(err, EVB_EIO, rf->final_path, "cannot rename the run folder into place", e);
	if (renameat(rf->out_fd, rf->tmp_name, rf->out_fd, rf->name) != 0)
		return fail(err, EVB_EIO, rf->final_path, "cannot rename the run folder into place",
			    errno);
	*how = SWAP_NEW;
	return 0;
}

int runfolder_commit(struct runfolder *rf, struct evb_error *err)
{
	if (fsync_fd(rf->dir_fd) != 0)
		return fail(err, EVB_EIO, rf->tmp_path, "cannot flush the run folder", errno);
	const char *id = rf->tmp_name + strlen(rf->name) + sizeof(".tmp-");
	char *old = rf->old_name = str_printf(".%s.old-%s", rf->name, id);
	if (!old)
		return evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
	enum swap how;
	int ret = swap(rf, old, &how, err);
	if (!ret && fsync_fd(rf->out_fd) != 0) {
		int e = errno;
		if (undo(rf, how, old))
			ret = fail(err, EVB_EIO, rf->out, "cannot flush the output folder", e);
		else
			rf->unflushed = e;      /* the new run stays in place: said */
	}
	if (!ret) {
		rf->made = false;       /* it is the run folder now */
		/* the replaced run: under the temporary name after an exchange;
		 * what cannot be removed now the next run removes (said). Not
		 * removed at all when the swap may not be on the disk yet: a
		 * crash could bring its name back */
		const char *gone = how == SWAP_EXCHANGE ? rf->tmp_name
				   : how == SWAP_RENAMES ? old : NULL;
		if (gone && rf->unflushed) {
			rf->left_errno = rf->unflushed;
			rf->left = gone;
		} else if (gone && runfolder_remove_tree(rf->out_fd, gone) != 0) {
			rf->left_errno = errno;
			rf->left = gone;
		}
	}
	return ret;
}

int runfolder_discard(struct runfolder *rf)
{
	if (rf->dir_fd >= 0) {
		close(rf->dir_fd);
		rf->dir_fd = -1;
	}
	if (!rf->made)
		return 0;
	rf->made = false;
	return runfolder_remove_tree(rf->out_fd, rf->tmp_name);
}

void runfolder_release(struct runfolder *rf)
{
	runfolder_discard(rf);  /* an unfinished run leaves nothing; said by the caller */
	if (rf->out_fd >= 0)
		close(rf->out_fd);
	if (rf->lock_fd >= 0)
		close(rf->lock_fd);   /* drops the lock */
	free(rf->out);
	free(rf->name);
	free(rf->tmp_name);
	free(rf->tmp_path);
	free(rf->final_path);
	free(rf->old_name);
	runfolder_init(rf);
}

int write_new_file(const char *path, const char *data, size_t len, struct evb_error *err)
{
	char *copy = strdup(path), *tmp = NULL;
	int dfd = -1, fd = -1, ret = 0;
	bool made = false;
	if (!copy)
		return evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
	char *slash = strrchr(copy, '/');
	const char *dir = ".", *name = copy;
	if (slash) {
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
		name = slash + 1;
	}
	size_t n = strlen(name) + 32;
	if (!*name || !(tmp = malloc(n))) {
		ret = *name ? evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT)
			    : evb_error_set(err, EVB_EINVAL, path, 0, NULL, "not a file name");
		goto out;
	}
	snprintf(tmp, n, ".%s.tmp-%ld", name, (long)getpid());
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		ret = fail(err, EVB_EIO, dir, "cannot open the folder", errno);
		goto out;
	}
	/* a leftover of a killed run of the same process id goes first */
	(void)unlinkat(dfd, tmp, 0);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			 0600)) < 0) {
		ret = fail(err, EVB_EIO, path, "cannot create", errno);
		goto out;
	}
	made = true;
	if (write_all_fd(fd, data, len) != 0 || fsync_fd(fd) != 0) {
		ret = fail(err, EVB_EIO, path, "cannot write", errno);
		goto out;
	}
	int c = close(fd);
	fd = -1;
	if (c != 0) {
		ret = fail(err, EVB_EIO, path, "cannot write", errno);
		goto out;
	}
	/* never replaces: an existing file may be a profile someone edited */
	if (renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) != 0) {
		int e = errno;
		if (no_renameat2(e) && linkat(dfd, tmp, dfd, name, 0) == 0) {
			(void)unlinkat(dfd, tmp, 0);
		} else {
			if (no_renameat2(e))
				e = errno;
			ret = e == EEXIST
				? evb_error_set(err, EVB_EIO, path, 0, NULL,
						"exists: not replaced (remove it, or give another name)")
				: fail(err, EVB_EIO, path, "cannot write", e);
			goto out;
		}
	}
	made = false;
	if (fsync_fd(dfd) != 0)
		ret = fail(err, EVB_EIO, dir, "cannot flush the folder", errno);
out:
	if (fd >= 0)
		close(fd);
	if (made)
		(void)unlinkat(dfd, tmp, 0);
	if (dfd >= 0)
		close(dfd);
	free(tmp);
	free(copy);
	return ret;
}
