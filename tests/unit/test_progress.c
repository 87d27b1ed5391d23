/* Unit tests: progress on stderr (src/progress.c), written to a memory
 * stream with a clock the test sets. */
#include <string.h>

#include "testutil.h"
#include "progress.h"

static uint64_t now_ms;
static uint64_t fake_clock(void)
{
	return now_ms;
}

static char *buf;
static size_t len;
static FILE *f;

static void open_stream(void)
{
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	now_ms = 1000;
	progress_set_output(f, fake_clock);
}

/* What was written since the last call. */
static const char *taken(void)
{
	static char copy[512];
	static size_t from;
	assert_int_equal(fflush(f), 0);
	if (from > len)
		from = 0;
	snprintf(copy, sizeof(copy), "%.*s", (int)(len - from), buf + from);
	from = len;
	return copy;
}

static void close_stream(void)
{
	progress_set_output(NULL, NULL);
	fclose(f);
	free(buf);
	buf = NULL;
	len = 0;
	taken();
}

static void test_phase_file_mb_and_speed(void **state)
{
	(void)state;
	open_stream();
	taken();
	/* nothing before a phase starts (templates are read with the same
	 * reader) */
	progress_at(5, 0);
	assert_string_equal(taken(), "");
	progress_start("reading", "beslut.csv", 2000000);
	assert_string_equal(taken(), "\rreading beslut.csv\033[K");
	/* at most 4 updates a second: 100 ms later nothing */
	now_ms += 100;
	progress_at(500000, 0);
	assert_string_equal(taken(), "");
	/* 500 ms after the start: 1 MB of 2 MB in 0.5 s = 2.0 MB/s */
	now_ms += 400;
	progress_at(1000000, 0);
	assert_string_equal(taken(), "\rreading beslut.csv: 1.0 of 2.0 MB, 2.0 MB/s\033[K");
	/* records when the reader counts them */
	now_ms += 250;
	progress_at(1500000, 30000);
	assert_string_equal(taken(),
			    "\rreading beslut.csv: 30000 records, 1.5 of 2.0 MB, 2.0 MB/s\033[K");
	/* another message clears the line, the phase goes on */
	progress_clear();
	assert_string_equal(taken(), "\r\033[K");
	progress_clear();
	assert_string_equal(taken(), "");
	now_ms += 250;
	progress_at(0, 40000);
	assert_string_equal(taken(), "\rreading beslut.csv: 40000 records\033[K");
	/* the end of the phase clears the line; later updates say nothing */
	progress_end();
	assert_string_equal(taken(), "\r\033[K");
	now_ms += 1000;
	progress_at(1, 1);
	assert_string_equal(taken(), "");
	close_stream();
}

/* A file name is shown without control characters and cut on a character
 * boundary. */
static void test_file_name_shown_safely(void **state)
{
	(void)state;
	open_stream();
	taken();
	progress_start("reading", "a\033[2Jb\n.csv", 0);
	assert_string_equal(taken(), "\rreading a?[2Jb?.csv\033[K");
	char name[200];
	memset(name, 'x', sizeof(name));
	memcpy(name + 93, "\xC3\xA5\xC3\xA5", 4);   /* "åå" across the limit of 95 bytes */
	name[sizeof(name) - 1] = '\0';
	progress_start("reading", name, 0);
	const char *t = taken();
	assert_non_null(strstr(t, "xxx\xC3\xA5\033[K"));
	progress_end();
	close_stream();
}

/* Off (not a terminal, or --quiet): nothing is written anywhere. */
static void test_off(void **state)
{
	(void)state;
	open_stream();
	progress_set_output(NULL, fake_clock);
	taken();
	progress_start("reading", "beslut.csv", 10);
	now_ms += 1000;
	progress_at(5, 5);
	progress_end();
	assert_string_equal(taken(), "");
	/* a test's stderr is not a terminal: enabling leaves it off */
	progress_enable(true);
	progress_start("reading", "beslut.csv", 10);
	progress_end();
	close_stream();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phase_file_mb_and_speed),
		cmocka_unit_test(test_file_name_shown_safely),
		cmocka_unit_test(test_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
