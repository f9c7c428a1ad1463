#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

static void test_local_port_of_a_bound_socket(void **state)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	assert_true(ntohs(a.sin_port) > 0);
	assert_int_equal(net_local_port(fd), ntohs(a.sin_port));
	close(fd);
	/* not a socket: no port, no crash */
	assert_int_equal(net_local_port(-1), 0);
}

static void test_ipv6_wildcard_becomes_ipv4_wildcard_same_port(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;

	(void)state;
	memset(&ss, 0xab, sizeof ss);
	a6->sin6_family = AF_INET6;
	a6->sin6_addr = in6addr_any;
	a6->sin6_port = htons(9200);
	net_wildcard_to_ipv4(&ss);
	assert_int_equal(a4->sin_family, AF_INET);
	assert_int_equal(ntohs(a4->sin_port), 9200);
	assert_int_equal(a4->sin_addr.s_addr, htonl(INADDR_ANY));
}

/* ---- listen addresses ---- */

struct listen_case {
	const char *text;
	int rc;
	const char *host;
	unsigned port;
};

static const struct listen_case listen_cases[] = {
	{"127.0.0.1:9200", 0, "127.0.0.1", 9200},
	{"[::1]:9200", 0, "::1", 9200},
	{"[::]:1", 0, "::", 1},
	{":9200", 0, "", 9200},
	{"*:65535", 0, "*", 65535},
	{"0.0.0.0:9200", 0, "0.0.0.0", 9200},
	{"db-1.example.net:9200", 0, "db-1.example.net", 9200},
	{"0.0.0.0:0", -1, NULL, 0},
	{"host", -1, NULL, 0},
	{"1.2.3.4:99999", -1, NULL, 0},
	{"1.2.3.4:65536", -1, NULL, 0},
	{"1.2.3.4:", -1, NULL, 0},
	{"1.2.3.4:-1", -1, NULL, 0},
	{"1.2.3.4:+80", -1, NULL, 0},
	{"1.2.3.4:80x", -1, NULL, 0},
	{"1.2.3.4: 80", -1, NULL, 0},
	{"1.2.3.4:0000080", -1, NULL, 0},
	{"::1:9200", -1, NULL, 0},
	{"[::1]9200", -1, NULL, 0},
	{"[::1", -1, NULL, 0},
	{"[]:9200", -1, NULL, 0},
	{"[1.2.3.4]:9200", -1, NULL, 0},
	{"[zz::1]:9200", -1, NULL, 0},
	{"a b:9200", -1, NULL, 0},
	{"", -1, NULL, 0},
};

static void test_parse_listen(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof listen_cases / sizeof listen_cases[0]; i++) {
		const struct listen_case *l = &listen_cases[i];
		char host[256] = "untouched", why[96] = "";
		unsigned port = 4242;

		print_message("  listen \"%s\"\n", l->text);
		assert_int_equal(net_parse_listen(l->text, host, sizeof host, &port, why, sizeof why), l->rc);
		if (l->rc == 0) {
			assert_string_equal(host, l->host);
			assert_int_equal(port, l->port);
		} else {
			assert_true(why[0] != '\0'); /* cfg.c puts it in its message */
			assert_string_equal(host, "untouched");
			assert_int_equal(port, 4242);
		}
	}
}

static void test_parse_listen_host_buffer(void **state)
{
	char host[10];
	unsigned port;

	(void)state;
	assert_int_equal(net_parse_listen("127.0.0.1:9200", host, sizeof host, &port, NULL, 0), 0);
	assert_int_equal(net_parse_listen("127.0.0.10:9200", host, sizeof host, &port, NULL, 0), -1);
	assert_int_equal(net_parse_listen(NULL, host, sizeof host, &port, NULL, 0), -1);
}


/* One rule for every listener: each spelling of the IPv4 wildcard is the
 * dual-stack one, [::] is IPv6's as the system says, an address is itself. */
static void test_wildcards_resolve_alike(void **state)
{
	static const char *const wild[] = {"0.0.0.0:9200", "*:9200", ":9200"};
	struct sockaddr_storage ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	char err[256];
	bool dual;

	(void)state;
	for (size_t i = 0; i < sizeof wild / sizeof wild[0]; i++) {
		assert_int_equal(net_resolve_listen(wild[i], &ss, &dual, err, sizeof err), 0);
		assert_true(dual);
		assert_int_equal(ss.ss_family, AF_INET6);
		assert_memory_equal(&a6->sin6_addr, &in6addr_any, sizeof in6addr_any);
		assert_int_equal(ntohs(a6->sin6_port), 9200);
	}
	assert_int_equal(net_resolve_listen("[::]:9200", &ss, &dual, err, sizeof err), 0);
	assert_false(dual);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(net_resolve_listen("127.0.0.1:9200", &ss, &dual, err, sizeof err), 0);
	assert_false(dual);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(net_resolve_listen("1.2.3.4:0", &ss, &dual, err, sizeof err), -1);
	assert_string_equal(err, "invalid listen address '1.2.3.4:0'");
}

/* A port free on every address a moment ago (the port-0 trick does not
 * apply: 0 is not a listen address). */
static unsigned free_port(void)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	unsigned port;

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	port = net_local_port(fd);
	close(fd);
	return port;
}

static bool have_ipv6_loopback(void)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The IPv4 wildcard takes IPv6 clients too, where the host has IPv6: the
 * agent-check listener once bound 0.0.0.0 as IPv4 only. */
static void test_ipv4_wildcard_listener_takes_ipv6_clients(void **state)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	char err[256], addr[32];
	int l = -1, c;

	(void)state;
	if (!have_ipv6_loopback()) {
		skip();
		return;
	}
	for (int tries = 0; l < 0 && tries < 5; tries++) {
		snprintf(addr, sizeof addr, "0.0.0.0:%u", free_port());
		l = net_listen(addr, 0, err, sizeof err);
	}
	assert_true(l >= 0);
	a.sin6_port = htons((uint16_t)net_local_port(l));
	c = socket(AF_INET6, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof a), 0);
	close(c);
	close(l);
}

/* A listener that cannot be had says which address and why. */
static void test_listen_failure_names_the_address(void **state)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int held = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	char err[256], addr[64];

	(void)state;
	setsockopt(held, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	assert_int_equal(bind(held, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(held, 1), 0);
	snprintf(addr, sizeof addr, "127.0.0.1:%u", net_local_port(held));
	assert_int_equal(net_listen(addr, 0, err, sizeof err), -1);
	assert_non_null(strstr(err, addr));
	assert_non_null(strstr(err, "in use"));
	close(held);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_port_of_a_bound_socket),
		cmocka_unit_test(test_ipv6_wildcard_becomes_ipv4_wildcard_same_port),
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_parse_listen_host_buffer),
		cmocka_unit_test(test_wildcards_resolve_alike),
		cmocka_unit_test(test_ipv4_wildcard_listener_takes_ipv6_clients),
		cmocka_unit_test(test_listen_failure_names_the_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
