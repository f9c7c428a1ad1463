#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_port_of_a_bound_socket),
		cmocka_unit_test(test_ipv6_wildcard_becomes_ipv4_wildcard_same_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
