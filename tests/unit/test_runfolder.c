/* Unit tests: the life of a run folder (src/runfolder.c, SPEC 5). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "runfolder.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, "runfolder");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static const char *in_dir(const char *name)
{
	static char path[4][256];
	static int i;
	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static bool exists(const char *name)
{
	struct stat st;
	return lstat(in_dir(name), &st) == 0;
}

/* The names in dir (hidden ones too, but the lock files), sorted, joined
 * by spaces. */
static const char *listing(const char *sub)
{
	static char buf[1024];
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "cd '%s/%s' && ls -A | grep -v '\\.lock$' | sort | tr '\\n' ' '",
		 dir, sub);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	pclose(p);
	return buf;
}

static void write_run(const char *out, const char *name, const char *file, const char *text,
		      bool replace, int expect)
{
	struct runfolder rf;
	struct evb_error err = { 0 };
	int ret = runfolder_open(&rf, out, name, replace, &err);
	if (!ret)
		ret = runfolder_write_file(&rf, file, text, strlen(text), &err);
	if (!ret)
		ret = runfolder_commit(&rf, &err);
	if (ret != expect)
		fail_msg("%s/%s: got %d (%s), expected %d", out, name, ret, err.message, expect);
	runfolder_release(&rf);
}

static const char *slurp(const char *name)
{
	static char buf[256];
	FILE *f = fopen(in_dir(name), "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A new run appears whole under its name, mode 0700, files 0600, with no
 * hidden leftovers; a second run without replace stops and leaves the
 * first one as it was; with replace the new one is swapped in whole
 * (the old file of the first run does not survive beside it). */
static void test_new_then_replace(void **state)
{
	(void)state;
	const char *out = in_dir("out1");
	write_run(out, "ivo-2026Q3", "a.csv", "first\n", false, 0);
	struct stat st;
	assert_int_equal(stat(in_dir("out1/ivo-2026Q3"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(in_dir("out1/ivo-2026Q3/a.csv"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_string_equal(listing("out1"), "ivo-2026Q3 ");

	write_run(out, "ivo-2026Q3", "b.csv", "second\n", false, EVB_EINVAL);
	assert_string_equal(listing("out1/ivo-2026Q3"), "a.csv ");
	assert_string_equal(listing("out1"), "ivo-2026Q3 ");

	write_run(out, "ivo-2026Q3", "b.csv", "third\n", true, 0);
	assert_string_equal(listing("out1/ivo-2026Q3"), "b.csv ");
	assert_string_equal(slurp("out1/ivo-2026Q3/b.csv"), "third\n");
	assert_string_equal(listing("out1"), "ivo-2026Q3 ");
}

/* A run that does not commit leaves nothing: no run folder, no hidden
 * temporary folder. */
static void test_release_without_commit(void **state)
{
	(void)state;
	struct runfolder rf;
	struct evb_error err = { 0 };
	assert_int_equal(runfolder_open(&rf, in_dir("out2"), "r", false, &err), 0);
	assert_int_equal(runfolder_write_file(&rf, "x", "1", 1, &err), 0);
	/* a file of that name exists: O_EXCL */
	assert_int_equal(runfolder_write_file(&rf, "x", "1", 1, &err), EVB_EIO);
	assert_true(exists("out2/.r.lock"));
	runfolder_release(&rf);
	assert_string_equal(listing("out2"), "");
}

/* While a run holds the lock, a second run of the same folder stops; the
 * lock goes with the first run. */
static void test_lock(void **state)
{
	(void)state;
	struct runfolder a, b;
	struct evb_error err = { 0 };
	assert_int_equal(runfolder_open(&a, in_dir("out3"), "r", false, &err), 0);
	assert_int_equal(runfolder_open(&b, in_dir("out3"), "r", false, &err), EVB_EIO);
	assert_non_null(strstr(err.message, "another run is writing"));
	runfolder_release(&b);
	/* another run folder in the same --out is not blocked */
	assert_int_equal(runfolder_open(&b, in_dir("out3"), "s", false, &err), 0);
	runfolder_release(&b);
	assert_int_equal(runfolder_commit(&a, &err), 0);
	runfolder_release(&a);
	write_run(in_dir("out3"), "r", "y", "2", true, 0);
}

/* Leftovers of killed runs (hidden temporary folders, with files) are
 * removed by the next run of that run folder, and only of that one; a run
 * folder that a killed swap left only under its hidden old name is
 * restored first. */
static void test_leftovers(void **state)
{
	(void)state;
	assert_int_equal(mkdir(in_dir("out4"), 0700), 0);
	assert_int_equal(mkdir(in_dir("out4/.r.tmp-1-dead"), 0700), 0);
	assert_int_equal(mkdir(in_dir("out4/.r.tmp-1-dead/sub"), 0700), 0);
	FILE *f = fopen(in_dir("out4/.r.tmp-1-dead/sub/f"), "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(mkdir(in_dir("out4/.r.old-2-dead"), 0700), 0);
	assert_int_equal(mkdir(in_dir("out4/.other.tmp-1-x"), 0700), 0);
	assert_int_equal(mkdir(in_dir("out4/.r-preliminar.tmp-1-x"), 0700), 0);
	write_run(in_dir("out4"), "r", "x", "1", false, EVB_EINVAL);
	/* the old folder came back as the run folder, so this run stopped */
	assert_string_equal(listing("out4"),
			    ".other.tmp-1-x .r-preliminar.tmp-1-x r ");
	write_run(in_dir("out4"), "r", "x", "1", true, 0);
	assert_string_equal(listing("out4/r"), "x ");
}

/* A symbolic link at the run folder's name is never followed, never
 * replaced, and its target is left alone (not chmod-ed). */
static void test_symlink_not_followed(void **state)
{
	(void)state;
	assert_int_equal(mkdir(in_dir("out5"), 0700), 0);
	FILE *f = fopen(in_dir("target"), "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(chmod(in_dir("target"), 0644), 0);
	assert_int_equal(symlink(in_dir("target"), in_dir("out5/r")), 0);
	write_run(in_dir("out5"), "r", "x", "1", false, EVB_EINVAL);
	write_run(in_dir("out5"), "r", "x", "1", true, EVB_EINVAL);
	struct stat st;
	assert_int_equal(lstat(in_dir("out5/r"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(in_dir("target"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_string_equal(listing("out5"), "r ");
}

/* Files are created relative to the folder, never through a link. */
static void test_create_no_follow(void **state)
{
	(void)state;
	struct runfolder rf;
	struct evb_error err = { 0 };
	assert_int_equal(runfolder_open(&rf, in_dir("out6"), "r", false, &err), 0);
	assert_int_equal(symlinkat(in_dir("target"), rf.dir_fd, "link"), 0);
	assert_int_equal(runfolder_create(&rf, "link", &err), -1);
	/* only names of the folder */
	assert_int_equal(runfolder_create(&rf, "../escape", &err), -1);
	assert_int_equal(runfolder_create(&rf, "..", &err), -1);
	int fd = runfolder_create(&rf, "ok", &err);
	assert_true(fd >= 0);
	close(fd);
	runfolder_release(&rf);
	assert_false(exists("out6/escape"));
	assert_string_equal(listing("out6"), "");
}

static void test_bad_names(void **state)
{
	(void)state;
	struct runfolder rf;
	struct evb_error err = { 0 };
	assert_int_equal(runfolder_open(&rf, in_dir("out7"), "../x", false, &err), EVB_EINVAL);
	runfolder_release(&rf);
	assert_int_equal(runfolder_open(&rf, in_dir("out7"), ".x", false, &err), EVB_EINVAL);
	runfolder_release(&rf);
	assert_int_equal(runfolder_open(&rf, "/proc/evb-no-such/x", "r", false, &err), EVB_EIO);
	runfolder_release(&rf);
}

/* write_new_file (evb profile --out): a new file, mode 0600, whole; an
 * existing file or a symbolic link at the name is never replaced, and no
 * hidden temporary file is left either way. */
static void test_write_new_file(void **state)
{
	(void)state;
	struct evb_error err = { 0 };
	assert_int_equal(mkdir(in_dir("out8"), 0700), 0);
	assert_int_equal(write_new_file(in_dir("out8/p.profile"), "a = b\n", 6, &err), 0);
	assert_string_equal(slurp("out8/p.profile"), "a = b\n");
	struct stat st;
	assert_int_equal(stat(in_dir("out8/p.profile"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* an edited profile is not overwritten */
	assert_int_equal(write_new_file(in_dir("out8/p.profile"), "x", 1, &err), EVB_EIO);
	assert_non_null(strstr(err.message, "exists"));
	assert_string_equal(slurp("out8/p.profile"), "a = b\n");
	/* nor is a link followed: its target stays absent */
	assert_int_equal(symlink(in_dir("out8/target"), in_dir("out8/link")), 0);
	assert_int_equal(write_new_file(in_dir("out8/link"), "x", 1, &err), EVB_EIO);
	assert_false(exists("out8/target"));
	assert_string_equal(listing("out8"), "link p.profile ");
}

/* ---- read_all_fd, write_all_fd: short transfers and signals ---- */

/* A signal handler installed without SA_RESTART (a library or a caller may
 * do so) makes a read or write that is blocked fail with EINTR; the two
 * helpers must go on. A timer sends SIGALRM every 20 ms to this thread
 * while the other end of a pipe keeps it waiting. */
static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void alarms_every_20ms(bool on)
{
	/* the handler stays when the timer stops: a signal already on its
	 * way then finds it, not the default action (which ends the test) */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;        /* no SA_RESTART: a blocked call fails with EINTR */
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	struct itimerval it = { { 0, on ? 20000 : 0 }, { 0, on ? 20000 : 0 } };
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	alarms = 0;
}

/* Starts fn on a thread that never takes SIGALRM, so it reaches the
 * thread blocked in the call under test. */
static pthread_t start_peer(void *(*fn)(void *), void *arg)
{
	sigset_t alrm, old;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	assert_int_equal(pthread_sigmask(SIG_BLOCK, &alrm, &old), 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, fn, arg), 0);
	assert_int_equal(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
	return t;
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* what a peer thread returns when its own call failed */
static char peer_failed[] = "the peer's call failed";

/* writes "0123456789" ten times, in two pieces 150 ms apart, then EOF */
static void *late_writer(void *arg)
{
	int fd = *(int *)arg;
	char text[100];
	for (int i = 0; i < 100; i++)
		text[i] = (char)('0' + i % 10);
	pause_ms(150);
	if (write(fd, text, 40) != 40)
		return peer_failed;
	pause_ms(150);
	if (write(fd, text + 40, 60) != 60)
		return peer_failed;
	close(fd);
	return NULL;
}

static void test_read_all_fd_interrupted(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	alarms_every_20ms(true);
	pthread_t t = start_peer(late_writer, &fds[1]);
	char buf[200];
	/* two short reads and EOF: the 100 bytes there were */
	ssize_t n = read_all_fd(fds[0], buf, sizeof(buf));
	int interrupted = alarms;
	alarms_every_20ms(false);
	void *why;
	assert_int_equal(pthread_join(t, &why), 0);
	assert_null(why);
	assert_int_equal(n, 100);
	assert_memory_equal(buf, "0123456789", 10);
	assert_memory_equal(buf + 90, "0123456789", 10);
	assert_true(interrupted >= 5);  /* about 15 in 300 ms */
	close(fds[0]);
}

struct drain {
	int fd;
	size_t got;
};

/* reads the pipe dry after 150 ms, to EOF */
static void *late_reader(void *arg)
{
	struct drain *d = arg;
	char buf[4096];
	ssize_t n;
	pause_ms(150);
	while ((n = read(d->fd, buf, sizeof(buf))) > 0)
		d->got += (size_t)n;
	return n < 0 ? peer_failed : NULL;
}

static void test_write_all_fd_interrupted(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	/* the pipe filled first, so the next write waits with nothing written
	 * and a signal makes it fail with EINTR, not return short */
	int fl = fcntl(fds[1], F_GETFL);
	assert_int_equal(fcntl(fds[1], F_SETFL, fl | O_NONBLOCK), 0);
	static char data[256 * 1024];
	size_t full = 0;
	ssize_t n;
	while ((n = write(fds[1], data, 4096)) > 0)
		full += (size_t)n;
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(fcntl(fds[1], F_SETFL, fl), 0);
	struct drain d = { fds[0], 0 };
	alarms_every_20ms(true);
	pthread_t t = start_peer(late_reader, &d);
	int ret = write_all_fd(fds[1], data, sizeof(data));
	int interrupted = alarms;
	alarms_every_20ms(false);
	close(fds[1]);
	void *why;
	assert_int_equal(pthread_join(t, &why), 0);
	assert_null(why);
	assert_int_equal(ret, 0);
	assert_int_equal(d.got, full + sizeof(data));
	assert_true(interrupted >= 5);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_then_replace),
		cmocka_unit_test(test_release_without_commit),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_leftovers),
		cmocka_unit_test(test_symlink_not_followed),
		cmocka_unit_test(test_create_no_follow),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_write_new_file),
		cmocka_unit_test(test_read_all_fd_interrupted),
		cmocka_unit_test(test_write_all_fd_interrupted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
