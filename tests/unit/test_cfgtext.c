/* The second reads of the configuration's text that libconfig 1.5 needs:
 * which file a setting came from, the number as written when libconfig
 * wrapped it to 32 bits, and the @include of something not a file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfgtext.h"

static char dir[PATH_MAX];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cck-cfgtext-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text)
{
	static char path[PATH_MAX * 2];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	return path;
}

static void test_source_path(void **state)
{
	char out[PATH_MAX];

	(void)state;
	cfgtext_source_path("/etc/c/main.conf", "/etc/c", NULL, out, sizeof out);
	assert_string_equal(out, "/etc/c/main.conf");
	cfgtext_source_path("/etc/c/main.conf", "/etc/c", "part.conf", out, sizeof out);
	assert_string_equal(out, "/etc/c/part.conf");
	cfgtext_source_path("/etc/c/main.conf", "/etc/c", "/abs/part.conf", out, sizeof out);
	assert_string_equal(out, "/abs/part.conf");
	/* Too long to join: the name as recorded rather than a cut path. */
	cfgtext_source_path("/m", "/a-rather-long-directory", "p.conf", out, 12);
	assert_string_equal(out, "p.conf");
}

static void test_integer_wrapped(void **state)
{
	const char *f = write_file("int.conf",
				   "poll = {\n"
				   "  interval_ms = 4294967797;\n"      /* 2^32 + 501 */
				   "  stale_after_ms = 3000;\n"
				   "  x = 0x100000001; y=-4294967296\n"
				   "  interval_msx = 4294967797;\n"
				   "};\n");
	char text[32];

	(void)state;
	assert_true(cfgtext_integer_wrapped(f, 2, "interval_ms", 501, text, sizeof text));
	assert_string_equal(text, "4294967797");
	/* Not what libconfig made of it: not a wrap, whatever the text says. */
	assert_false(cfgtext_integer_wrapped(f, 2, "interval_ms", 500, text, sizeof text));
	/* In range as written. */
	assert_false(cfgtext_integer_wrapped(f, 3, "stale_after_ms", 3000, text, sizeof text));
	assert_true(cfgtext_integer_wrapped(f, 4, "x", 1, text, sizeof text));
	assert_string_equal(text, "0x100000001");
	assert_true(cfgtext_integer_wrapped(f, 4, "y", 0, text, sizeof text));
	/* A longer name that merely starts alike is another setting. */
	assert_false(cfgtext_integer_wrapped(f, 5, "interval_ms", 501, text, sizeof text));
	/* Wrong line, missing file, not a regular file. */
	assert_false(cfgtext_integer_wrapped(f, 3, "interval_ms", 501, text, sizeof text));
	assert_false(cfgtext_integer_wrapped("/nonexistent/x.conf", 2, "interval_ms", 501, text, sizeof text));
	assert_false(cfgtext_integer_wrapped(dir, 1, "interval_ms", 501, text, sizeof text));
}

struct bad {
	int n;
	char file[PATH_MAX], name[PATH_MAX], target[PATH_MAX * 2];
	unsigned line;
};

static void record(void *ctx, const char *file, unsigned line, const char *name, const char *target)
{
	struct bad *b = ctx;

	b->n++;
	snprintf(b->file, sizeof b->file, "%s", file);
	snprintf(b->name, sizeof b->name, "%s", name);
	snprintf(b->target, sizeof b->target, "%s", target);
	b->line = line;
}

static void test_includes(void **state)
{
	char sub[PATH_MAX + 8], want[PATH_MAX * 2];
	struct bad b = {0};
	const char *main_conf;

	(void)state;
	snprintf(sub, sizeof sub, "%s/conf.d", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file("ok.conf", "@include \"nested.conf\"\n");
	write_file("nested.conf", "a = 1;\n\n@include \"conf.d\"\n");
	main_conf = write_file("main.conf", "# @include \"conf.d\" in a comment is not one\n"
					    "@include \"ok.conf\"\n"
					    "@include \"missing.conf\"\n");
	/* Nested: reported where it stands, in the included file. */
	assert_int_equal(cfgtext_check_includes(main_conf, "shown.conf", dir, record, &b), 1);
	snprintf(want, sizeof want, "%s/nested.conf", dir);
	assert_string_equal(b.file, want);
	assert_int_equal(b.line, 3);
	assert_string_equal(b.name, "conf.d");
	snprintf(want, sizeof want, "%s/conf.d", dir);
	assert_string_equal(b.target, want);

	/* The empty name is the include directory itself; the main file is
	 * reported under the name it was shown as. */
	memset(&b, 0, sizeof b);
	main_conf = write_file("empty.conf", "x = 1;\n  @include \"\"\n");
	assert_int_equal(cfgtext_check_includes(main_conf, "shown.conf", dir, record, &b), 1);
	assert_string_equal(b.file, "shown.conf");
	assert_int_equal(b.line, 2);
	assert_string_equal(b.name, "");

	/* Regular files only, and an unreadable main file: nothing to say. */
	memset(&b, 0, sizeof b);
	main_conf = write_file("fine.conf", "@include \"ok.conf.missing\"\nb = 2;\n");
	assert_int_equal(cfgtext_check_includes(main_conf, main_conf, dir, record, &b), 0);
	assert_int_equal(cfgtext_check_includes("/nonexistent/c.conf", "c", dir, record, &b), 0);
	assert_int_equal(b.n, 0);
}

/* An @include of itself stops at libconfig's own nesting limit. */
static void test_include_loop_ends(void **state)
{
	struct bad b = {0};
	const char *self = write_file("self.conf", "@include \"self.conf\"\n");

	(void)state;
	assert_int_equal(cfgtext_check_includes(self, self, dir, record, &b), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_path),
		cmocka_unit_test(test_integer_wrapped),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_include_loop_ends),
	};
	return cmocka_run_group_tests_name("cfgtext", tests, make_dir, remove_dir);
}
