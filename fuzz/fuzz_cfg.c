/* Config text -> cfg_load(), through a real file (cfg_load re-reads lines
 * to catch 32-bit overflow and stats the file for the password check).
 * Every error must come back as one "file:line: ..." or "file: ..." line,
 * and the password must never be echoed. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "fuzz_common.h"
#include "net.h"

static char dir[64], path[96];
static const char secret[] = "s3cr3t-PW";
static bool input_has_secret; /* then an echoed name may contain it */

static void remove_scratch(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_logs();
	snprintf(dir, sizeof dir, "/tmp/cck-fuzz-cfg.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/c.conf", dir);
	atexit(remove_scratch);
	return 0;
}

static void report(void *ctx, const char *msg)
{
	size_t *count = ctx;

	(*count)++;
	if (strncmp(msg, path, strlen(path)) != 0 && strncmp(msg, dir, strlen(dir)) != 0)
		abort(); /* every message names the file it is about */
	if (!input_has_secret && strstr(msg, secret))
		abort();
	if (strchr(msg, '\n'))
		abort(); /* one message, one log line */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_bytes b = {data, size};
	struct cfg c, before;
	size_t reported = 0;
	int fd, errors;
	mode_t mode;

	/* An @include may name any file; "../../dev/zero" or a FIFO would
	 * test the file system, not the parser. */
	if (memmem(data, size, "..", 2) || (memmem(data, size, "@include", 8) && memmem(data, size, "/", 1)))
		return 0;
	input_has_secret = memmem(data, size, secret, sizeof secret - 1) != NULL;
	mode = fuzz_byte(&b) & 1 ? 0600 : 0644;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	if (write(fd, b.p, b.n) != (ssize_t)b.n)
		abort();
	fchmod(fd, mode);
	close(fd);

	cfg_defaults(&c);
	/* A password so that the mode check and the no-echo rule have
	 * something to bite on even when the input sets none. */
	snprintf(c.mysql.password, sizeof c.mysql.password, "%s", secret);
	before = c;
	errors = cfg_load(&c, path, true, report, &reported);
	if (errors != (int)reported)
		abort();
	if (errors && memcmp(&c, &before, sizeof c) != 0)
		abort(); /* "*c is left untouched on error" */
	if (!errors) {
		/* What was accepted is within the table's bounds. */
		if (c.http_timeout_s < 1 || c.http_timeout_s > 300 || c.poll_interval_ms < 50 ||
		    c.policy.stale_after_ms <= c.poll_interval_ms ||
		    (c.policy.drain_code != 404 && c.policy.drain_code != 503) ||
		    c.mysql.port < 1 || c.mysql.port > 65535 || strcmp(cfg_value_name("policy.donor", c.policy.donor), "?") == 0 ||
		    !memchr(c.listen, '\0', sizeof c.listen) || !memchr(c.mysql.password, '\0', sizeof c.mysql.password))
			abort();
		char host[256];
		unsigned port;
		if (net_parse_listen(c.listen, host, sizeof host, &port, NULL, 0) != 0)
			abort();
		/* Peers configured: this node is one of them, names unique. */
		bool self = c.cluster.npeers == 0;
		if (c.cluster.npeers > CLUSTER_PEERS_MAX)
			abort();
		for (unsigned i = 0; i < c.cluster.npeers; i++) {
			self |= strcmp(c.cluster.peers[i].name, c.cluster.name) == 0;
			for (unsigned j = 0; j < i; j++)
				if (strcmp(c.cluster.peers[i].name, c.cluster.peers[j].name) == 0)
					abort();
		}
		if (!self)
			abort();
	}
	return 0;
}
