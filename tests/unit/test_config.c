/* Unit tests: the configuration file (src/config.c). */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "config.h"

static char path[64];

static const char *write_conf(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/evb-test-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_reads_keys_comments_blanks(void **state)
{
	(void)state;
	struct config c;
	struct evb_error err = { 0 };
	write_conf("# sample\n\nmunicipality = Exempelkommun\n"
		   "  ivo_key=0123456789abcdef0123456789abcdef#not-a-comment  \n"
		   "ivo_mailbox = IVO-rapportör LSS\r\n");
	assert_int_equal(config_load(&c, path, &err), 0);
	assert_string_equal(c.municipality, "Exempelkommun");
	/* '#' inside a value is part of the secret: only whole lines are comments */
	assert_string_equal(c.ivo_key, "0123456789abcdef0123456789abcdef#not-a-comment");
	assert_string_equal(c.ivo_mailbox, "IVO-rapportör LSS");
	assert_int_equal(config_require_key(&c, &err), 0);
	config_wipe(&c);
	assert_int_equal(c.ivo_key[0], 0);
	unlink(path);
}

static void test_unknown_key_is_error_with_line(void **state)
{
	(void)state;
	struct config c;
	struct evb_error err = { 0 };
	write_conf("municipality = X\nivo_mailboxx = typo\n");
	assert_int_equal(config_load(&c, path, &err), EVB_ECONFIG);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.column, "ivo_mailboxx");
	unlink(path);
}

static void test_repeated_key_and_missing_equals(void **state)
{
	(void)state;
	struct config c;
	struct evb_error err = { 0 };
	write_conf("municipality = X\nmunicipality = Y\n");
	assert_int_equal(config_load(&c, path, &err), EVB_ECONFIG);
	assert_int_equal(err.line, 2);
	unlink(path);
	write_conf("municipality Exempel\n");
	assert_int_equal(config_load(&c, path, &err), EVB_ECONFIG);
	assert_int_equal(err.line, 1);
	unlink(path);
}

static void test_short_or_missing_key(void **state)
{
	(void)state;
	struct config c;
	struct evb_error err = { 0 };
	write_conf("ivo_key = only-31-characters-long-secret!\n");
	assert_int_equal(strlen("only-31-characters-long-secret!"), 31);
	assert_int_equal(config_load(&c, path, &err), 0);
	assert_int_equal(config_require_key(&c, &err), EVB_ECONFIG);
	assert_non_null(strstr(err.message, "too short"));
	/* the message never shows the key */
	assert_null(strstr(err.message, "only-31"));
	unlink(path);
	write_conf("municipality = X\n");
	assert_int_equal(config_load(&c, path, &err), 0);
	assert_int_equal(config_require_key(&c, &err), EVB_ECONFIG);
	assert_non_null(strstr(err.message, "no IVO key"));
	unlink(path);
}

/* A mistyped line may hold the secret: a message names a plain key
 * ([a-z_]{1,32}) at most, never the rest of a line. */
static void test_no_echo_of_a_line(void **state)
{
	(void)state;
	struct config c;
	struct evb_error err = { 0 };
	write_conf("municipality = X\nS3cr3tPrefix-0123456789=abcdef\n");
	assert_int_equal(config_load(&c, path, &err), EVB_ECONFIG);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.column, "");
	assert_string_equal(err.message, "not a 'key = value' line");
	unlink(path);
	write_conf("k3y = a-secret-value\n");
	assert_int_equal(config_load(&c, path, &err), EVB_ECONFIG);
	assert_null(strstr(err.column, "k3y"));
	assert_null(strstr(err.message, "secret"));
	unlink(path);
	write_conf("the_secret_is_here_and_is_longer_than_32 = x\n");
	assert_int_equal(config_load(&c, path, &err), EVB_ECONFIG);
	assert_string_equal(err.column, "");
	unlink(path);
}

/* NUL anywhere, a control character in ivo_key: errors; a tab inside
 * municipality's value is kept (only the key is held to this). */
static void test_nul_and_control_characters(void **state)
{
	(void)state;
	struct config c;
	struct evb_error err = { 0 };
	static const char nul[] = "ivo_key = K\0zz0123456789abcdef0123456789abcdef\n";
	snprintf(path, sizeof(path), "/tmp/evb-test-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, nul, sizeof(nul) - 1), (ssize_t)sizeof(nul) - 1);
	close(fd);
	assert_int_equal(config_load(&c, path, &err), EVB_ECONFIG);
	assert_non_null(strstr(err.message, "NUL"));
	unlink(path);
	write_conf("ivo_key = 0123456789abcdef\x1b" "0123456789abcdef\n");
	assert_int_equal(config_load(&c, path, &err), EVB_ECONFIG);
	assert_string_equal(err.message, "the IVO key holds a control character");
	assert_int_equal(c.ivo_key_len, 0);
	unlink(path);
}

/* A file that group or others can read is marked for a warning. */
static void test_shared_file(void **state)
{
	(void)state;
	struct config c;
	struct evb_error err = { 0 };
	write_conf("municipality = X\n");   /* mkstemp: 0600 */
	assert_int_equal(config_load(&c, path, &err), 0);
	assert_false(c.shared);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(config_load(&c, path, &err), 0);
	assert_true(c.shared);
	unlink(path);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct config c;
	struct evb_error err = { 0 };
	assert_int_equal(config_load(&c, "/nonexistent/evb.conf", &err), EVB_ECONFIG);
	assert_non_null(strstr(err.message, "cannot read"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_keys_comments_blanks),
		cmocka_unit_test(test_unknown_key_is_error_with_line),
		cmocka_unit_test(test_repeated_key_and_missing_equals),
		cmocka_unit_test(test_short_or_missing_key),
		cmocka_unit_test(test_no_echo_of_a_line),
		cmocka_unit_test(test_nul_and_control_characters),
		cmocka_unit_test(test_shared_file),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
