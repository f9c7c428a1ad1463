#include "probe.h"

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "sstproc.h"

struct probe {
	struct probe_cfg cfg;
	MYSQL *mysql;
	char query[2048];
	size_t query_len;
	pid_t server_pid; /* mysqld's, from the unix socket; 0 unknown */
};

struct probe *probe_new(const struct probe_cfg *cfg)
{
	struct probe *p = calloc(1, sizeof *p);
	int n;

	if (!p)
		return NULL;
	p->cfg = *cfg;
	/* Two statements, one round trip: SHOW works on a node that rejects
	 * every other query (non-Primary, joining, wsrep_reject_queries), and
	 * on MariaDB, MySQL-wsrep and PXC alike. Rows are matched by name. */
	n = snprintf(p->query, sizeof p->query,
		     "SHOW GLOBAL STATUS WHERE Variable_name IN (%s);"
		     "SHOW GLOBAL VARIABLES WHERE Variable_name IN (%s)",
		     snapshot_status_sql_list(), snapshot_variable_sql_list());
	if (n < 0 || (size_t)n >= sizeof p->query) {
		free(p);
		return NULL;
	}
	p->query_len = (size_t)n;
	return p;
}

void probe_disconnect(struct probe *p)
{
	if (p->mysql) {
		mysql_close(p->mysql);
		p->mysql = NULL;
	}
}

void probe_free(struct probe *p)
{
	if (!p)
		return;
	probe_disconnect(p);
	explicit_bzero(p->cfg.password, sizeof p->cfg.password);
	free(p);
}

bool probe_connected(const struct probe *p)
{
	return p->mysql != NULL;
}

int probe_fd(const struct probe *p)
{
	return p->mysql ? (int)mysql_get_socket(p->mysql) : -1;
}

enum snapshot_failure probe_failure_class(unsigned code)
{
	/* Connector/C sets only CR_ (2000-2999) and CER_ (5000-5999) codes
	 * itself, and turns an error packet carrying a code from those ranges
	 * into CR_MALFORMED_PACKET: every other code was read off the wire,
	 * in mysqld's error packet. 0 is the agent's own failure. */
	if (code == 0)
		return SNAP_FAIL_SILENT;
	if ((code < CR_MIN_ERROR || code > CR_MAX_ERROR) &&
	    (code < CER_MIN_ERROR || code > CER_MAX_ERROR))
		return SNAP_FAIL_REFUSED;
	switch (code) {
	/* The client's own codes for a reply it could not use: mysqld's
	 * handshake (or a packet) reached the agent. */
	case CR_VERSION_ERROR:           /* handshake of another protocol version */
	case CR_SERVER_HANDSHAKE_ERR:    /* handshake the client cannot parse */
	case CR_NET_PACKET_TOO_LARGE:    /* a packet arrived, too large */
	case CR_SSL_CONNECTION_ERROR:    /* handshake arrived, TLS failed */
	case CR_MALFORMED_PACKET:        /* an error packet with a client-side code */
	case CR_SECURE_AUTH:             /* asked for the pre-4.1 password scheme */
	case CR_AUTH_PLUGIN_CANNOT_LOAD: /* asked for a plugin the client lacks */
	case CR_AUTH_PLUGIN_ERR:         /* the plugin's exchange failed */
		return SNAP_FAIL_REFUSED;
	default:
		/* Refused or absent socket, connect or read timeout, connection
		 * lost (also while waiting for the handshake), out of memory,
		 * unknown host, ...: nothing says mysqld runs. */
		return SNAP_FAIL_SILENT;
	}
}

static int fail(struct probe *p, struct snapshot *out, MYSQL *m, const char *what)
{
	char why[SNAPSHOT_ERROR_MAX];
	unsigned code = m ? mysql_errno(m) : 0;

	/* mysql_error() lives in the handle: copy it before closing. */
	if (m && code)
		snprintf(why, sizeof why, "%s (%u)", mysql_error(m), code);
	else
		snprintf(why, sizeof why, "%s", what);
	snapshot_set_unreachable(out, code, why);
	out->failure = probe_failure_class(code);
	if (m && m != p->mysql)
		mysql_close(m);
	probe_disconnect(p);
	clock_mono(&out->taken);
	return -1;
}

static int set_uint_option(MYSQL *m, enum mysql_option opt, unsigned v)
{
	unsigned int value = v;
	return mysql_optionsv(m, opt, &value);
}

static int connect_mysqld(struct probe *p, struct snapshot *out)
{
	const struct probe_cfg *c = &p->cfg;
	my_bool no = 0;
	MYSQL *m = mysql_init(NULL);
	bool tcp = c->host[0] != '\0';

	if (!m)
		return fail(p, out, NULL, "out of memory");
	if (set_uint_option(m, MYSQL_OPT_CONNECT_TIMEOUT, c->connect_timeout_s) ||
	    set_uint_option(m, MYSQL_OPT_READ_TIMEOUT, c->read_timeout_s) ||
	    set_uint_option(m, MYSQL_OPT_WRITE_TIMEOUT, c->write_timeout_s) ||
	    mysql_optionsv(m, MYSQL_OPT_RECONNECT, &no))
		return fail(p, out, m, "cannot set client options");
	if (tcp && set_uint_option(m, MYSQL_OPT_PROTOCOL, MYSQL_PROTOCOL_TCP))
		return fail(p, out, m, "cannot set client options");
	if (c->defaults_file[0] && mysql_optionsv(m, MYSQL_READ_DEFAULT_FILE, c->defaults_file))
		return fail(p, out, m, "cannot set defaults_file");
	if (c->defaults_group[0] && mysql_optionsv(m, MYSQL_READ_DEFAULT_GROUP, c->defaults_group))
		return fail(p, out, m, "cannot set defaults_group");

	if (!mysql_real_connect(m, tcp ? c->host : "localhost",
				c->user[0] ? c->user : NULL,
				c->password[0] ? c->password : NULL, NULL,
				/* No socket named: the defaults file's, or the library's. */
				tcp ? c->port : 0, tcp || !c->socket[0] ? NULL : c->socket,
				CLIENT_MULTI_STATEMENTS))
		return fail(p, out, m, "cannot connect");

	/* A DBA may set wsrep_sync_wait globally; SHOW would then wait for
	 * causality and the check could hang behind replication. Servers
	 * without wsrep (1193 unknown variable) are told apart by the verdict. */
	static const char sync_wait_off[] = "SET SESSION wsrep_sync_wait=0";
	if (mysql_real_query(m, sync_wait_off, sizeof sync_wait_off - 1) &&
	    mysql_errno(m) != ER_UNKNOWN_SYSTEM_VARIABLE)
		return fail(p, out, m, "cannot set wsrep_sync_wait");
	p->mysql = m;
	/* Only a unix socket names its peer; over TCP the pid stays unknown
	 * and a donor cannot be told from a lock (sstproc.h). */
	p->server_pid = tcp ? 0 : sstproc_peer_pid((int)mysql_get_socket(m));
	return 0;
}

pid_t probe_server_pid(const struct probe *p)
{
	return p->mysql ? p->server_pid : 0;
}

static void elapsed(struct snapshot *out, const struct timespec *t0)
{
	out->poll_seconds = clock_seconds_between(t0, &out->taken);
}

int probe_poll(struct probe *p, struct snapshot *out)
{
	struct timespec t0;
	int status;

	snapshot_init(out);
	clock_mono(&t0);
	if (!p->mysql && connect_mysqld(p, out) != 0) {
		elapsed(out, &t0);
		return -1;
	}
	if (mysql_real_query(p->mysql, p->query, p->query_len)) {
		fail(p, out, p->mysql, "query failed");
		elapsed(out, &t0);
		return -1;
	}
	do {
		MYSQL_RES *res = mysql_store_result(p->mysql);
		MYSQL_ROW row;

		if (!res) {
			if (mysql_field_count(p->mysql) != 0 || mysql_errno(p->mysql)) {
				fail(p, out, p->mysql, "cannot read result");
				elapsed(out, &t0);
				return -1;
			}
			continue;
		}
		while ((row = mysql_fetch_row(res))) {
			unsigned long *len = mysql_fetch_lengths(res);
			if (mysql_num_fields(res) < 2 || !row[0])
				continue;
			snapshot_set(out, row[0], len[0], row[1], row[1] ? len[1] : 0);
		}
		mysql_free_result(res);
	} while ((status = mysql_next_result(p->mysql)) == 0);
	if (status > 0) {
		fail(p, out, p->mysql, "cannot read result");
		elapsed(out, &t0);
		return -1;
	}
	out->outcome = SNAP_OK;
	clock_mono(&out->taken);
	elapsed(out, &t0);
	return 0;
}

/* mysqld starts the SST script a moment after it turns Donor: before
 * saying "desynced without a transfer", look again a few times. */
#define SST_START_RETRIES 6
#define SST_START_RETRY_MS 50

static bool in_donor_state(const struct snapshot *s)
{
	const struct fact *f = snapshot_fact(s, FACT_LOCAL_STATE);
	return s->outcome == SNAP_OK && f->present && f->valid && f->num == 2;
}

void probe_look_for_sst(struct probe *p, struct snapshot *snap, struct sst_tracker *t)
{
	struct sst_process scan = {.kind = SST_PROC_NOT_LOOKED};
	struct timespec now;
	bool donor = in_donor_state(snap);

	if (donor)
		sstproc_scan("/proc", probe_server_pid(p), &scan);
	for (int i = 0; donor && scan.kind == SST_PROC_NONE && !t->in_episode &&
			i < SST_START_RETRIES; i++) {
		struct timespec pause = {.tv_nsec = SST_START_RETRY_MS * 1000000L};
		nanosleep(&pause, NULL);
		if (probe_poll(p, snap) != 0)
			break;
		donor = in_donor_state(snap);
		if (donor)
			sstproc_scan("/proc", probe_server_pid(p), &scan);
	}
	clock_mono(&now);
	sstproc_track(t, donor, &scan, clock_ms(&now),
		      &snap->sst);
}
