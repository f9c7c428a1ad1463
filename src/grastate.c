#include "grastate.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool grastate_uuid_valid(const char *s, size_t len)
{
	if (len != GRASTATE_UUID_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

bool grastate_seqno_valid(const char *s, size_t len, long long *out)
{
	char buf[32], *end;

	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!(isdigit((unsigned char)buf[0]) || (buf[0] == '-' && isdigit((unsigned char)buf[1]))))
		return false;
	errno = 0;
	*out = strtoll(buf, &end, 10);
	/* Galera never saves anything below -1 (undefined). */
	return errno == 0 && *end == '\0' && *out >= -1;
}

static void field(struct grastate *g, const char *key, size_t key_len, const char *v, size_t v_len)
{
	if (key_len == 4 && memcmp(key, "uuid", 4) == 0) {
		g->uuid_ok = grastate_uuid_valid(v, v_len);
		if (g->uuid_ok) {
			memcpy(g->uuid, v, v_len);
			g->uuid[v_len] = '\0';
		}
	} else if (key_len == 5 && memcmp(key, "seqno", 5) == 0) {
		g->seqno_ok = grastate_seqno_valid(v, v_len, &g->seqno);
		if (!g->seqno_ok)
			g->seqno = 0;
	} else if (key_len == 17 && memcmp(key, "safe_to_bootstrap", 17) == 0) {
		g->safe_to_bootstrap_ok = v_len == 1 && (v[0] == '0' || v[0] == '1');
		g->safe_to_bootstrap = g->safe_to_bootstrap_ok && v[0] == '1';
	} else if (key_len == 7 && memcmp(key, "version", 7) == 0) {
		size_t n = v_len < sizeof g->version - 1 ? v_len : sizeof g->version - 1;
		size_t i;
		for (i = 0; i < n && isprint((unsigned char)v[i]); i++)
			g->version[i] = v[i];
		g->version[i] = '\0';
	}
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int grastate_parse(const char *buf, size_t len, struct grastate *g)
{
	size_t pos = 0;

	memset(g, 0, sizeof *g);
	if (len > GRASTATE_MAX_BYTES)
		len = GRASTATE_MAX_BYTES;
	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;
		const char *colon = memchr(line, ':', line_len);

		pos += line_len + 1;
		if (!colon || line[0] == '#')
			continue;
		size_t key_len = (size_t)(colon - line);
		const char *v = colon + 1;
		size_t v_len = line_len - key_len - 1;

		while (v_len && blank(*v))
			v++, v_len--;
		while (v_len && blank(v[v_len - 1]))
			v_len--;
		while (key_len && blank(line[key_len - 1]))
			key_len--;
		field(g, line, key_len, v, v_len);
	}
	return g->uuid_ok + g->seqno_ok + g->safe_to_bootstrap_ok;
}
