#include "net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

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
