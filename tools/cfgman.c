/* Prints the KEYS section of clustercheckd.conf(5) from the configuration
 * table in cfg.c (name, type, default, bounds, help), so that a key added
 * to the table is documented by the next build without anyone editing the
 * page. */
#include <stdio.h>
#include <string.h>

#include "cfg.h"

/* Text as roff reads it: a backslash is an escape, and a line starting with
 * '.' or '\'' would be a request. */
static void roff(const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", stdout);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-')
			fputs("\\-", stdout);
		else
			putchar(*s);
	}
}

int main(int argc, char **argv)
{
	struct cfg_key_info k;
	char group[96] = "", this_group[96];

	/* --names: one key a line, for the test that reads the page. */
	if (argc > 1 && strcmp(argv[1], "--names") == 0) {
		for (size_t i = 0; cfg_key_describe(i, &k) == 0; i++)
			printf("%s\n", k.name);
		return 0;
	}
	for (size_t i = 0; cfg_key_describe(i, &k) == 0; i++) {
		const char *dot = strchr(k.name, '.');

		snprintf(this_group, sizeof this_group, "%.*s",
			 dot ? (int)(dot - k.name) : 0, k.name);
		if (i == 0 || strcmp(group, this_group) != 0) {
			if (this_group[0])
				printf(".SS \"%s = { ... };\"\n", this_group);
			else
				printf(".SS \"Top level\"\n");
			memcpy(group, this_group, sizeof group);
		}
		printf(".TP\n.B ");
		roff(k.name);
		printf("\n%s", k.type);
		if (k.range[0]) {
			fputs(", ", stdout);
			roff(k.range);
		}
		fputs("; default ", stdout);
		roff(k.def);
		/* The same flag decides what SIGHUP does (cfg_reload_merge). */
		fputs(k.reload ? "; applied by a reload (SIGHUP)" : "; needs a restart", stdout);
		printf(".\n");
		if (k.help[0]) {
			printf(".br\n");
			roff(k.help);
			printf(".\n");
		}
	}
	return 0;
}
