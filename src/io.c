#include "io.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"

int io_wait(int fd, short events, long long deadline_ms)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = events};
		int left = clock_ms_left(deadline_ms), r;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&p, 1, left);
		if (r > 0)
			return 0;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

int io_write_all(int fd, const void *buf, size_t len, long long deadline_ms)
{
	const char *p = buf;

	while (len > 0) {
		/* MSG_NOSIGNAL: a peer that closed is EPIPE, not a dead agent. */
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w > 0) {
			p += w;
			len -= (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (io_wait(fd, POLLOUT, deadline_ms) != 0)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

ssize_t io_read_bounded(int fd, char *buf, size_t len, bool stop_at_newline,
			long long deadline_ms)
{
	size_t got = 0;

	while (got + 1 < len) {
		ssize_t r = recv(fd, buf + got, len - 1 - got, MSG_DONTWAIT);
		if (r > 0) {
			got += (size_t)r;
			if (stop_at_newline && memchr(buf, '\n', got))
				break;
		} else if (r == 0) {
			break;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			if (io_wait(fd, POLLIN, deadline_ms) != 0) {
				buf[got] = '\0';
				return got ? (ssize_t)got : -1;
			}
		} else {
			buf[got] = '\0';
			return -1;
		}
	}
	if (len)
		buf[got] = '\0';
	return (ssize_t)got;
}

void io_drain(int fd, long long deadline_ms, int stop_fd)
{
	char junk[512];

	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = stop_fd, .events = POLLIN}};
		int left = clock_ms_left(deadline_ms), r;
		ssize_t n;

		if (left <= 0)
			return;
		/* A negative fd is ignored by poll(). */
		r = poll(p, 2, left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (p[1].revents & POLLIN))
			return;
		n = recv(fd, junk, sizeof junk, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
			return;
	}
}
