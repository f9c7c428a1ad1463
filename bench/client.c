#include "client.h"

#include <errno.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t client_stop;

static void on_stop(int sig)
{
	(void)sig;
	client_stop = 1;
}

void client_stop_on_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop};

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

double client_now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct sockaddr_in client_loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	return a;
}

int client_connect(const struct sockaddr_in *to, uint32_t src, int flags, const char **what)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | flags, 0), one = 1, e;

	*what = "socket";
	if (fd < 0)
		return -1;
	if (src) {
		struct sockaddr_in from = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(src)};

		/* Many connections from one source address: the kernel picks
		 * the port at connect time, per destination. */
		setsockopt(fd, SOL_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
		*what = "bind";
		if (bind(fd, (const struct sockaddr *)&from, sizeof from) != 0)
			goto fail;
	}
	*what = "connect";
	if (connect(fd, (const struct sockaddr *)to, sizeof *to) != 0 && errno != EINPROGRESS)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}
