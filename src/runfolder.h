/*
 * The life of a run folder (SPEC 5): all or nothing.
 *
 *   out/.ivo-2026Q3.lock            held with flock() for the run's life
 *   out/.ivo-2026Q3.tmp-<pid>-<r>/  where the run writes its files
 *   out/ivo-2026Q3/                 the complete run, renamed into place
 *
 * runfolder_open() takes the lock (a second run of the same folder stops),
 * restores a run folder that a killed --replace left under its hidden old
 * name, removes the leftovers of dead runs, refuses an existing run folder
 * unless replace is set, and creates the hidden temporary folder (mode
 * 0700). Files are created in it relative to its descriptor, never
 * following a symbolic link. runfolder_commit() flushes the folder and
 * renames it into place: renameat2(RENAME_NOREPLACE), or with replace
 * renameat2(RENAME_EXCHANGE) and the old folder removed; where the
 * filesystem lacks renameat2 (SMB, NFS) the old folder is renamed to a
 * hidden name first, and --out is flushed: when that fails the swap is
 * taken back, and when that fails too the new run stays (unflushed, said)
 * with the earlier one kept hidden. A failed commit whose earlier run
 * cannot be renamed back leaves it hidden (said; the next run puts it
 * back). A crash at any moment leaves the earlier complete run folder or
 * the new complete one, under its name or under the hidden old name.
 * runfolder_discard() removes the temporary folder of a run that did not
 * commit; runfolder_release() does too (silently) and drops the lock.
 * Nothing that evb did not create is ever chmod-ed or followed.
 */
#ifndef EVB_RUNFOLDER_H
#define EVB_RUNFOLDER_H

#include <dirent.h>
#include <sys/types.h>

#include "evb.h"

struct runfolder {
	int out_fd;             /* the --out folder */
	int lock_fd;
	int dir_fd;             /* the hidden temporary folder */
	char *out;              /* the --out folder as given */
	char *name;             /* the run folder's name, e.g. ivo-2026Q3 */
	char *tmp_name;         /* .<name>.tmp-<pid>-<random> */
	char *tmp_path;         /* <out>/<tmp_name>, for libraries that need a path */
	char *final_path;       /* <out>/<name> */
	bool replace, exists;
	/* the temporary folder exists and is not committed (a commit makes it
	 * the run folder) */
	bool made;
	char *old_name;         /* .<name>.old-<pid>-<random>, after a commit */
	/* after a commit: the replaced run could not be removed (errno
	 * left_errno), or was kept because --out is unflushed, and is left
	 * under this hidden name (tmp_name or old_name), which the next run's
	 * recovery removes; NULL when none is left */
	const char *left;
	int left_errno;
	/* after a commit: 0, or the errno of the flush of --out that failed
	 * after the swap when the swap could not be taken back either: the
	 * new run is in place and complete, but a crash could undo it */
	int unflushed;
	/* after a failed commit without renameat2: the earlier run, moved
	 * aside for the swap, could not be renamed back and is under this
	 * hidden name (old_name), which the next run's recovery puts back;
	 * NULL when it is in place */
	const char *hidden;
};

/* Removes the temporary folder of a run that will not be committed (a
 * failed run: run_release says what it could not remove). Returns 0 (also
 * when there is none), or -1 with errno: it is then left under its hidden
 * name tmp_name, which the next run there removes. */
int runfolder_discard(struct runfolder *rf);

/* Zeroes rf (descriptors -1): runfolder_release is then always safe. */
void runfolder_init(struct runfolder *rf);
/* See above. Returns 0, or EVB_EIO / EVB_EINVAL / EVB_ENOMEM with the
 * reason in err (an existing run folder without replace, another run
 * holding the lock, a run folder that is a symbolic link ...). */
int runfolder_open(struct runfolder *rf, const char *out, const char *name,
		   bool replace, struct evb_error *err);
/* Creates a new file in the temporary folder (mode 0600, O_EXCL,
 * O_NOFOLLOW; file is a plain name) and returns its descriptor, or -1
 * with err filled. */
int runfolder_create(struct runfolder *rf, const char *file, struct evb_error *err);
/* Writes data as the new file `file` of the temporary folder, flushed. */
int runfolder_write_file(struct runfolder *rf, const char *file, const char *data,
			 size_t len, struct evb_error *err);
/* Flushes the folder and renames it into place (see above). */
int runfolder_commit(struct runfolder *rf, struct evb_error *err);
/* Removes an uncommitted temporary folder, closes, unlocks, frees. */
void runfolder_release(struct runfolder *rf);

/* Removes path and everything under it, never following a symbolic link
 * (a link is removed itself). 0, or -1 with errno. */
int runfolder_remove_tree(int at, const char *path);

/* The next entry of d but "." and "..", or NULL at the end of the
 * listing (*error 0) or when it failed (*error the errno): a listing cut
 * short must not pass for the whole folder. */
struct dirent *dir_next(DIR *d, int *error);

/* Reads len bytes from fd, fewer only at its end, retrying short reads;
 * the bytes read, or -1 with errno. */
ssize_t read_all_fd(int fd, char *buf, size_t len);
/* Writes all of data to fd, retrying short writes; -1 with errno. */
int write_all_fd(int fd, const char *data, size_t len);
/* fsync that accepts filesystems which cannot sync (EINVAL, EROFS). */
int fsync_fd(int fd);

/* Writes data as the new file path (mode 0600) under a hidden temporary
 * name beside it, flushed, then linked into place: all or nothing, never
 * replacing an existing file or following a symbolic link. */
int write_new_file(const char *path, const char *data, size_t len, struct evb_error *err);

#endif
