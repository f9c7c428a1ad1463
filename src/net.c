#include "net.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int say(char *why, size_t why_len, const char *text)
{
	if (why && why_len)
		snprintf(why, why_len, "%s", text);
	return -1;
}

static bool hostname_chars_only(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* Points *name and *port_text into s; -1 with why when the shape is wrong. */
static int split_host_port(const char *s, const char **name, size_t *name_len,
			   const char **port_text, char *why, size_t why_len)
{
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			return say(why, why_len, "missing ']'");
		if (close[1] != ':')
			return say(why, why_len, "missing :PORT after ']'");
		*name = s + 1;
		*name_len = (size_t)(close - *name);
		*port_text = close + 2;
		return 0;
	}
	const char *colon = strrchr(s, ':');

	if (!colon)
		return say(why, why_len, "missing :PORT");
	*name = s;
	*name_len = (size_t)(colon - s);
	*port_text = colon + 1;
	if (memchr(s, ':', *name_len))
		return say(why, why_len, "an IPv6 address needs brackets, [ADDR]:PORT");
	return 0;
}

/* The checks here only catch what could never resolve or bind: names go to
 * getaddrinfo() later. */
int net_parse_listen(const char *s, char *host, size_t host_len, unsigned *port,
		     char *why, size_t why_len)
{
	const char *name, *port_text;
	size_t name_len, digits;
	unsigned long port_number;
	char addr[256];
	struct in6_addr a6;

	if (!s || !host || !port)
		return say(why, why_len, "no address");
	if (split_host_port(s, &name, &name_len, &port_text, why, why_len) != 0)
		return -1;
	/* Digits only: strtoul would also take a sign or leading blanks. */
	digits = strspn(port_text, "0123456789");
	port_number = digits && digits <= 5 ? strtoul(port_text, NULL, 10) : 0;
	if (port_text[digits] != '\0' || port_number < 1 || port_number > 65535)
		return say(why, why_len, "the port must be a number from 1 to 65535");
	if (name_len >= sizeof addr || name_len >= host_len)
		return say(why, why_len, "the address is too long");
	memcpy(addr, name, name_len);
	addr[name_len] = '\0';
	if (s[0] == '[' && inet_pton(AF_INET6, addr, &a6) != 1)
		return say(why, why_len, "not an IPv6 address inside [ ]");
	if (s[0] != '[' && strcmp(addr, "*") != 0 && !hostname_chars_only(addr, name_len))
		return say(why, why_len, "not an IPv4 address or host name");
	memcpy(host, addr, name_len + 1);
	*port = (unsigned)port_number;
	return 0;
}

int net_resolve_listen(const char *listen, struct sockaddr_storage *ss, bool *dual,
		       char *err, size_t errlen)
{
	char host[256], portstr[8];
	unsigned port;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *ai;
	int rc;

	if (net_parse_listen(listen, host, sizeof host, &port, NULL, 0) != 0) {
		snprintf(err, errlen, "invalid listen address '%s'", listen ? listen : "");
		return -1;
	}
	memset(ss, 0, sizeof *ss);
	*dual = false;
	/* The wildcard means every address, IPv6 too where the host has it. */
	if (host[0] == '\0' || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "*") == 0) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_any;
		a6->sin6_port = htons((uint16_t)port);
		*dual = true;
		return 0;
	}
	snprintf(portstr, sizeof portstr, "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &ai);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve listen address '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

int net_bind(const struct sockaddr_storage *ss, bool dual, int flags)
{
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in);
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | flags, 0), one = 1, off = 0, e;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (dual)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	if (bind(fd, (const struct sockaddr *)ss, len) == 0)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int bind_and_listen(const struct sockaddr_storage *ss, bool dual, int flags)
{
	int fd = net_bind(ss, dual, flags), e;

	if (fd < 0 || listen(fd, SOMAXCONN) == 0)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int net_listen(const char *listen, int flags, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	bool dual;
	int fd;

	if (net_resolve_listen(listen, &ss, &dual, err, errlen) != 0)
		return -1;
	fd = bind_and_listen(&ss, dual, flags);
	if (fd < 0 && dual) {
		/* No IPv6 on this host: the wildcard still means IPv4. */
		net_wildcard_to_ipv4(&ss);
		fd = bind_and_listen(&ss, false, flags);
	}
	if (fd < 0)
		snprintf(err, errlen, "cannot listen on %s: %s", listen, strerror(errno));
	return fd;
}

unsigned net_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

void net_wildcard_to_ipv4(struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	uint16_t port = ((struct sockaddr_in6 *)ss)->sin6_port;

	memset(ss, 0, sizeof *ss);
	a4->sin_family = AF_INET;
	a4->sin_addr.s_addr = htonl(INADDR_ANY);
	a4->sin_port = port;
}
