/* cck_sample: samples several things at (nearly) the same instant, every
 * INTERVAL ms, for the cluster-aware scenarios -- a shell loop with curl
 * and socat needs 100+ ms per round on a loaded 2-core box.
 *
 *   cck_sample INTERVAL_MS STOP_FILE TARGET...
 *     TARGET http:PORT/PATH  -> the HTTP status of GET PATH on 127.0.0.1:PORT
 *                               (000: no answer within 1 s)
 *     TARGET stat:SOCKET     -> HAProxy's UP servers of `galera` on that
 *                               stats socket, joined by '+' ('-' none, '?' error)
 * One line per round on stdout: "EPOCH_MS r1 r2 ...", until STOP_FILE exists.
 * Built by the scenario itself (tests/integration/cluster_lib.sh). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void timeouts(int fd)
{
	struct timeval tv = {.tv_sec = 1};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Reads until EOF (or the buffer is full) into buf; returns the length. */
static size_t read_all(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return len;
}

static void http_code(const char *target, char *out, size_t outlen)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	const char *path = strchr(target, '/');
	char req[256], buf[512];
	int fd, code;

	snprintf(out, outlen, "000");
	sa.sin_port = htons((unsigned short)atoi(target));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return;
	timeouts(fd);
	snprintf(req, sizeof req, "GET %s HTTP/1.0\r\n\r\n", path ? path : "/");
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && write(fd, req, strlen(req)) > 0 &&
	    read_all(fd, buf, sizeof buf) > 12 && sscanf(buf, "HTTP/1.%*d %d", &code) == 1)
		snprintf(out, outlen, "%d", code);
	close(fd);
}

static void haproxy_up(const char *sock, char *out, size_t outlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	static char buf[65536];
	size_t used = 0;
	int fd;

	snprintf(out, outlen, "?");
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return;
	timeouts(fd);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || write(fd, "show stat\n", 10) != 10) {
		close(fd);
		return;
	}
	read_all(fd, buf, sizeof buf);
	close(fd);
	out[0] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *field[20];
		int n = 0;

		for (char *p = line; n < 20; n++) {
			field[n] = p;
			p = strchr(p, ',');
			if (!p) {
				n++;
				break;
			}
			*p++ = '\0';
		}
		if (n < 18 || strcmp(field[0], "galera") != 0 || strcmp(field[1], "FRONTEND") == 0 ||
		    strcmp(field[1], "BACKEND") == 0 || strncmp(field[17], "UP", 2) != 0)
			continue;
		used += (size_t)snprintf(out + used, outlen - used, "%s%s", used ? "+" : "", field[1]);
		if (used >= outlen)
			break;
	}
	if (!out[0])
		snprintf(out, outlen, "-");
}

int main(int argc, char **argv)
{
	struct stat st;
	long interval;

	if (argc < 4) {
		fprintf(stderr, "usage: cck_sample INTERVAL_MS STOP_FILE TARGET...\n");
		return 2;
	}
	interval = atol(argv[1]);
	while (stat(argv[2], &st) != 0) {
		struct timespec t0, t1;
		long long ms;

		clock_gettime(CLOCK_REALTIME, &t0);
		ms = (long long)t0.tv_sec * 1000 + t0.tv_nsec / 1000000;
		printf("%lld", ms);
		for (int i = 3; i < argc; i++) {
			char r[128];

			if (strncmp(argv[i], "http:", 5) == 0)
				http_code(argv[i] + 5, r, sizeof r);
			else if (strncmp(argv[i], "stat:", 5) == 0)
				haproxy_up(argv[i] + 5, r, sizeof r);
			else
				snprintf(r, sizeof r, "bad-target");
			printf(" %s", r);
		}
		printf("\n");
		fflush(stdout);
		clock_gettime(CLOCK_REALTIME, &t1);
		long spent = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent < interval)
			usleep((useconds_t)(interval - spent) * 1000);
	}
	return 0;
}
