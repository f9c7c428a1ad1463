#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"

static const struct fact_desc facts[FACT_COUNT] = {
	[FACT_LOCAL_STATE] = {"wsrep_local_state", FACT_KIND_INT, FACT_FROM_STATUS},
	[FACT_LOCAL_STATE_COMMENT] = {"wsrep_local_state_comment", FACT_KIND_TEXT, FACT_FROM_STATUS},
	[FACT_READY] = {"wsrep_ready", FACT_KIND_BOOL, FACT_FROM_STATUS},
	[FACT_CONNECTED] = {"wsrep_connected", FACT_KIND_BOOL, FACT_FROM_STATUS},
	[FACT_CLUSTER_STATUS] = {"wsrep_cluster_status", FACT_KIND_TEXT, FACT_FROM_STATUS},
	[FACT_CLUSTER_SIZE] = {"wsrep_cluster_size", FACT_KIND_INT, FACT_FROM_STATUS},
	[FACT_LOCAL_RECV_QUEUE] = {"wsrep_local_recv_queue", FACT_KIND_INT, FACT_FROM_STATUS},
	[FACT_LOCAL_INDEX] = {"wsrep_local_index", FACT_KIND_INT, FACT_FROM_STATUS},
	[FACT_LAST_COMMITTED] = {"wsrep_last_committed", FACT_KIND_INT, FACT_FROM_STATUS},
	[FACT_CLUSTER_STATE_UUID] = {"wsrep_cluster_state_uuid", FACT_KIND_TEXT, FACT_FROM_STATUS},
	[FACT_FLOW_CONTROL_PAUSED] = {"wsrep_flow_control_paused", FACT_KIND_REAL, FACT_FROM_STATUS},
	[FACT_READ_ONLY] = {"read_only", FACT_KIND_BOOL, FACT_FROM_VARIABLE},
	[FACT_DESYNC] = {"wsrep_desync", FACT_KIND_BOOL, FACT_FROM_VARIABLE},
	[FACT_REJECT_QUERIES] = {"wsrep_reject_queries", FACT_KIND_TEXT, FACT_FROM_VARIABLE},
	[FACT_SST_DONOR_REJECTS_QUERIES] = {"wsrep_sst_donor_rejects_queries", FACT_KIND_BOOL, FACT_FROM_VARIABLE},
	[FACT_SST_METHOD] = {"wsrep_sst_method", FACT_KIND_TEXT, FACT_FROM_VARIABLE},
	[FACT_WSREP_ON] = {"wsrep_on", FACT_KIND_BOOL, FACT_FROM_VARIABLE},
	[FACT_PXC_MAINT_MODE] = {"pxc_maint_mode", FACT_KIND_TEXT, FACT_FROM_VARIABLE},
	/* Where grastate.dat and the SST marker really are (datadir.h). */
	[FACT_DATADIR] = {"datadir", FACT_KIND_TEXT, FACT_FROM_VARIABLE},
	[FACT_DESYNC_COUNT] = {"wsrep_desync_count", FACT_KIND_INT, FACT_FROM_STATUS},
	[FACT_CLUSTER_CONF_ID] = {"wsrep_cluster_conf_id", FACT_KIND_INT, FACT_FROM_STATUS},
};

const struct fact_desc *snapshot_fact_desc(enum fact_id id)
{
	return (unsigned)id < FACT_COUNT ? &facts[id] : NULL;
}

int snapshot_fact_lookup(const char *name, size_t len)
{
	for (int i = 0; i < FACT_COUNT; i++)
		if (strlen(facts[i].name) == len && strncasecmp(facts[i].name, name, len) == 0)
			return i;
	return -1;
}

void snapshot_init(struct snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->outcome = SNAP_NONE;
}

static bool parse_int(const char *text, long long *out)
{
	char *end;

	if (!*text)
		return false;
	errno = 0;
	*out = strtoll(text, &end, 10);
	return errno == 0 && *end == '\0' && end != text;
}

static bool parse_bool(const char *text, long long *out)
{
	static const char *const yes[] = {"ON", "1", "YES", "TRUE"};
	static const char *const no[] = {"OFF", "0", "NO", "FALSE"};

	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = 1;
			return true;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = 0;
			return true;
		}
	}
	return false;
}

static bool parse_real(const char *text, double *out)
{
	char *end;

	if (!*text)
		return false;
	errno = 0;
	*out = strtod(text, &end);
	return errno == 0 && *end == '\0' && *out == *out && *out >= 0;
}

bool snapshot_set(struct snapshot *s, const char *name, size_t name_len,
		  const char *value, size_t value_len)
{
	int id = snapshot_fact_lookup(name, name_len);
	struct fact *f;

	if (id < 0)
		return false;
	f = &s->facts[id];
	memset(f, 0, sizeof *f);
	f->present = true;
	if (id == FACT_DATADIR)
		s->mysqld_datadir[0] = '\0';
	if (!value)
		return true;
	if (id == FACT_DATADIR && !memchr(value, '\0', value_len) &&
	    value_len < sizeof s->mysqld_datadir) {
		memcpy(s->mysqld_datadir, value, value_len);
		s->mysqld_datadir[value_len] = '\0';
	}
	/* A value with an embedded NUL or longer than we keep is not trusted. */
	if (memchr(value, '\0', value_len) || value_len >= sizeof f->text) {
		size_t n = value_len < sizeof f->text - 1 ? value_len : sizeof f->text - 1;
		memcpy(f->text, value, n);
		f->text[n] = '\0';
		return true;
	}
	memcpy(f->text, value, value_len);
	f->text[value_len] = '\0';
	switch (facts[id].kind) {
	case FACT_KIND_INT:
		f->valid = parse_int(f->text, &f->num);
		break;
	case FACT_KIND_BOOL:
		f->valid = parse_bool(f->text, &f->num);
		break;
	case FACT_KIND_REAL:
		f->valid = parse_real(f->text, &f->real);
		break;
	case FACT_KIND_TEXT:
		f->valid = true;
		break;
	}
	return true;
}

void snapshot_set_unreachable(struct snapshot *s, unsigned code, const char *why)
{
	uint64_t seq = s->seq;
	struct timespec taken = s->taken;
	double secs = s->poll_seconds;

	snapshot_init(s);
	s->seq = seq;
	s->taken = taken;
	s->poll_seconds = secs;
	s->outcome = SNAP_UNREACHABLE;
	s->error_code = code;
	snprintf(s->error, sizeof s->error, "%s", why ? why : "unknown error");
}

long long snapshot_age_ms(const struct snapshot *s, const struct timespec *now)
{
	return clock_ms_between(&s->taken, now);
}

static const char *sql_list(enum fact_source src, char *buf, size_t len)
{
	size_t n = 0;

	if (buf[0])
		return buf;
	for (int i = 0; i < FACT_COUNT; i++) {
		if (facts[i].source != src)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s'%s'", n ? "," : "", facts[i].name);
	}
	return buf;
}

/* Built once from the table, so adding a fact is one row; the first call
 * happens before any thread starts (probe_new). */
const char *snapshot_status_sql_list(void)
{
	static char buf[1024];
	return sql_list(FACT_FROM_STATUS, buf, sizeof buf);
}

const char *snapshot_variable_sql_list(void)
{
	static char buf[1024];
	return sql_list(FACT_FROM_VARIABLE, buf, sizeof buf);
}
