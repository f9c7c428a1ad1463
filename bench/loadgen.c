/* loadgen: HAProxy-style health-check load, one new TCP connection per
 * check: connect, send the probe, read to EOF, close.
 *
 *   loadgen -p PORT [-c CONNS] [-d SECONDS] [-n CHECKS] [-r RATE] [-q REQUEST]
 *           [-t CAFILE [-R]] [-s SOURCE]
 *   loadgen -p PORT -H CONNS [-d SECONDS]
 *
 * -c concurrent clients (threads), -d duration, -n stop after this many
 * checks (whichever comes first), -r total checks per second (0 = as fast
 * as possible, closed loop). With -r the schedule is open-loop and each
 * latency is measured from the moment the check was due, so a stalled
 * server shows up as latency instead of silently lowering the rate.
 *
 * -t: HTTPS (GnuTLS), the server's certificate verified against CAFILE for
 * the name "localhost"; each check is a full handshake, or with -R a
 * resumed one (each client thread keeps the session of its last check).
 * -s: connect from this loopback address (default: the kernel's choice).
 *
 * -H is slowloris: open CONNS connections, send the start of a request and
 * then one more header line per connection every second, never finishing,
 * for -d seconds; then close them all. Reports how many the server dropped.
 *
 * Prints one line of key=value pairs (for scripts) on stdout. Only ever
 * connects to 127.0.0.1. */
#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

/* Latencies kept to the microsecond up to 1 s; slower ones share the last
 * bucket (the max is kept exactly). */
#define HIST_US 1000000

struct worker {
	pthread_t thread;
	int index;
	uint32_t *hist;
	uint64_t ok, errors, late, codes[6]; /* codes[k]: kxx */
	uint64_t max_us;
	char first_error[128];
	gnutls_datum_t session; /* -R: of the last check */
	uint64_t resumed;
};

static struct sockaddr_in target;
static uint32_t source_ip; /* -s, host order; 0: the kernel's choice */
static gnutls_certificate_credentials_t tls_cred; /* -t */
static bool tls_resume;                            /* -R */
static const char *request = "OPTIONS / HTTP/1.0\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
static size_t request_len;
static int conns = 8;
static double duration = 5, rate = 0;
static uint64_t max_checks = 0;
static double t_start;
static uint64_t issued;              /* closed loop: checks handed out */
static pthread_mutex_t issued_lock = PTHREAD_MUTEX_INITIALIZER;
/* Seconds since the start. SIGINT/SIGTERM (client_stop) end a run early
 * and still print what was measured, so a test can run load "until done"
 * and read the tally. */
static double now_s(void)
{
	return client_now_s() - t_start;
}

static void sleep_until(double t)
{
	double d = t - now_s();

	if (d > 0) {
		struct timespec ts = {.tv_sec = (time_t)d, .tv_nsec = (long)((d - (double)(time_t)d) * 1e9)};
		nanosleep(&ts, NULL);
	}
}

static bool take_ticket(void)
{
	bool ok;

	if (!max_checks)
		return true;
	pthread_mutex_lock(&issued_lock);
	ok = issued < max_checks;
	if (ok)
		issued++;
	pthread_mutex_unlock(&issued_lock);
	return ok;
}

static void failed(struct worker *w, const char *what)
{
	w->errors++;
	if (!w->first_error[0])
		snprintf(w->first_error, sizeof w->first_error, "%s: %s", what, strerror(errno));
}

/* One check. Returns the HTTP status, or -1. */
static bool complete(const char *buf, size_t got)
{
	const char *end, *cl;

	end = memmem(buf, got, "\r\n\r\n", 4);
	if (!end)
		return false;
	cl = memmem(buf, (size_t)(end - buf), "\r\nContent-Length:", 17);
	if (!cl)
		cl = memmem(buf, (size_t)(end - buf), "\r\ncontent-length:", 17);
	return cl && got >= (size_t)(end + 4 - buf) + strtoul(cl + 17, NULL, 10);
}

/* A TLS session on fd, handshake done; NULL (and counted) on failure. */
static gnutls_session_t tls_open(struct worker *w, int fd)
{
	gnutls_session_t t;
	int rc;

	if (gnutls_init(&t, GNUTLS_CLIENT) < 0)
		return NULL;
	gnutls_set_default_priority(t);
	gnutls_credentials_set(t, GNUTLS_CRD_CERTIFICATE, tls_cred);
	gnutls_server_name_set(t, GNUTLS_NAME_DNS, "localhost", 9);
	gnutls_session_set_verify_cert(t, "localhost", 0);
	if (tls_resume && w->session.data)
		gnutls_session_set_data(t, w->session.data, w->session.size);
	gnutls_transport_set_int(t, fd);
	do
		rc = gnutls_handshake(t);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		w->errors++;
		if (!w->first_error[0])
			snprintf(w->first_error, sizeof w->first_error, "handshake: %s", gnutls_strerror(rc));
		gnutls_deinit(t);
		return NULL;
	}
	w->resumed += gnutls_session_is_resumed(t) != 0;
	return t;
}

static ssize_t io_send(gnutls_session_t t, int fd, const void *b, size_t n)
{
	return t ? gnutls_record_send(t, b, n) : send(fd, b, n, MSG_NOSIGNAL);
}

/* 0 at the end (a TLS close without close_notify counts as the end). */
static ssize_t io_recv(gnutls_session_t t, int fd, void *b, size_t n)
{
	ssize_t r;

	if (!t)
		return recv(fd, b, n, 0);
	do
		r = gnutls_record_recv(t, b, n);
	while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	if (r == GNUTLS_E_PREMATURE_TERMINATION)
		return 0;
	if (r < 0)
		errno = EPROTO;
	return r < 0 ? -1 : r;
}

static int check(struct worker *w)
{
	char buf[4096];
	size_t got = 0;
	const char *what;
	int fd = client_connect(&target, source_ip, 0, &what), one = 1, status = -1;
	gnutls_session_t t = NULL;

	if (fd < 0) {
		failed(w, what);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (tls_cred && !(t = tls_open(w, fd)))
		goto out;
	if (io_send(t, fd, request, request_len) != (ssize_t)request_len) {
		failed(w, "send");
		goto out;
	}
	for (;;) {
		ssize_t r = io_recv(t, fd, buf + got, sizeof buf - 1 - got);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			failed(w, "recv");
			goto out;
		}
		got += (size_t)r;
		if (complete(buf, got))
			break;
		if (got == sizeof buf - 1)
			got = 12; /* keep the status line, drop the rest */
	}
	buf[got] = '\0';
	if (got >= 12 && strncmp(buf, "HTTP/1.", 7) == 0)
		status = atoi(buf + 9);
	else {
		errno = EPROTO;
		failed(w, "response");
	}
	/* TLS 1.3 tickets come after the handshake: taken once the answer
	 * is in. */
	if (t && tls_resume) {
		gnutls_free(w->session.data);
		w->session.data = NULL;
		gnutls_session_get_data2(t, &w->session);
	}
out:
	if (t)
		gnutls_deinit(t);
	close(fd);
	return status;
}

static void record(struct worker *w, double due, int status)
{
	double lat = now_s() - due;
	uint64_t us = lat <= 0 ? 0 : (uint64_t)(lat * 1e6);

	if (status < 0)
		return;
	w->ok++;
	if (status >= 100 && status < 600)
		w->codes[status / 100]++;
	if (us > w->max_us)
		w->max_us = us;
	w->hist[us < HIST_US ? us : HIST_US - 1]++;
}

static void *run(void *arg)
{
	struct worker *w = arg;

	if (rate > 0) {
		/* Thread i owns slots i, i+conns, i+2*conns, ... of one global
		 * schedule, so the total rate is exact whatever the thread count. */
		double period = (double)conns / rate;
		for (uint64_t k = 0;; k++) {
			double due = ((double)k + (double)w->index / conns) * period;
			if (due >= duration || client_stop || !take_ticket())
				break;
			sleep_until(due);
			if (client_stop)
				break;
			if (now_s() - due > 0.001)
				w->late++;
			record(w, due, check(w));
		}
	} else {
		while (now_s() < duration && !client_stop && take_ticket()) {
			double t = now_s();
			record(w, t, check(w));
		}
	}
	return NULL;
}

static uint64_t percentile(const uint64_t *hist, uint64_t total, double p)
{
	uint64_t want = (uint64_t)ceil(p * (double)total), seen = 0;

	for (uint64_t us = 0; us < HIST_US; us++) {
		seen += hist[us];
		if (seen >= want && want)
			return us;
	}
	return HIST_US;
}

static int hold(int n)
{
	int *fds = calloc((size_t)n, sizeof *fds), opened = 0, dropped = 0, refused = 0;
	static const char start[] = "GET / HTTP/1.1\r\nHost: x\r\n";
	static const char more[] = "X-Slow: 1\r\n";

	if (!fds)
		return 1;
	for (int i = 0; i < n; i++) {
		const char *what;

		fds[i] = client_connect(&target, 0, 0, &what);
		if (fds[i] < 0 || send(fds[i], start, sizeof start - 1, MSG_NOSIGNAL) < 0) {
			if (fds[i] >= 0)
				close(fds[i]);
			fds[i] = -1;
			refused++;
			continue;
		}
		opened++;
	}
	fprintf(stderr, "loadgen: holding %d connections\n", opened);
	for (double next = 1; next < duration && !client_stop; next += 1) {
		sleep_until(next);
		for (int i = 0; i < n; i++) {
			if (fds[i] < 0)
				continue;
			if (send(fds[i], more, sizeof more - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
				close(fds[i]);
				fds[i] = -1;
				dropped++;
			}
		}
	}
	if (!client_stop)
		sleep_until(duration);
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	printf("opened=%d refused=%d dropped=%d seconds=%.3f\n", opened, refused, dropped, now_s());
	free(fds);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: loadgen -p PORT [-c CONNS] [-d SECONDS] [-n CHECKS] [-r RATE] [-q REQUEST]\n"
			"               [-t CAFILE [-R]] [-s SOURCE]\n"
			"       loadgen -p PORT -H CONNS [-d SECONDS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int opt, port = 0, slow = 0;
	struct worker *w;
	uint64_t *hist, ok = 0, errors = 0, late = 0, codes[6] = {0}, max_us = 0, resumed = 0;
	const char *first_error = "";
	double elapsed;

	const char *cafile = NULL;

	while ((opt = getopt(argc, argv, "p:c:d:n:r:q:H:t:Rs:")) != -1) {
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 'c': conns = atoi(optarg); break;
		case 'd': duration = atof(optarg); break;
		case 'n': max_checks = strtoull(optarg, NULL, 10); break;
		case 'r': rate = atof(optarg); break;
		case 'q': request = optarg; break;
		case 'H': slow = atoi(optarg); break;
		case 't': cafile = optarg; break;
		case 'R': tls_resume = true; break;
		case 's': {
			struct in_addr a;

			if (inet_pton(AF_INET, optarg, &a) != 1)
				usage();
			source_ip = ntohl(a.s_addr);
			break;
		}
		default: usage();
		}
	}
	if (port <= 0 || port > 65535 || conns < 1 || conns > 1024 || duration <= 0 || rate < 0)
		usage();
	request_len = strlen(request);
	if (cafile) {
		int rc = gnutls_certificate_allocate_credentials(&tls_cred);
		if (rc >= 0)
			rc = gnutls_certificate_set_x509_trust_file(tls_cred, cafile, GNUTLS_X509_FMT_PEM);
		if (rc <= 0) {
			fprintf(stderr, "loadgen: %s: no CA certificate read (%s)\n", cafile,
				rc < 0 ? gnutls_strerror(rc) : "empty");
			return 2;
		}
	}
	target = client_loopback(port);
	client_stop_on_signals();
	t_start = client_now_s();
	if (slow > 0)
		return hold(slow);

	w = calloc((size_t)conns, sizeof *w);
	hist = calloc(HIST_US, sizeof *hist);
	if (!w || !hist)
		return 1;
	t_start = client_now_s();
	for (int i = 0; i < conns; i++) {
		w[i].index = i;
		w[i].hist = calloc(HIST_US, sizeof *w[i].hist);
		if (!w[i].hist || pthread_create(&w[i].thread, NULL, run, &w[i]) != 0)
			return 1;
	}
	for (int i = 0; i < conns; i++)
		pthread_join(w[i].thread, NULL);
	elapsed = now_s();
	for (int i = 0; i < conns; i++) {
		ok += w[i].ok;
		errors += w[i].errors;
		late += w[i].late;
		resumed += w[i].resumed;
		for (int k = 0; k < 6; k++)
			codes[k] += w[i].codes[k];
		if (w[i].max_us > max_us)
			max_us = w[i].max_us;
		if (!first_error[0] && w[i].first_error[0])
			first_error = w[i].first_error;
		for (uint64_t us = 0; us < HIST_US; us++)
			hist[us] += w[i].hist[us];
	}
	printf("checks=%llu errors=%llu seconds=%.3f rate=%.1f p50_us=%llu p90_us=%llu p99_us=%llu "
	       "max_us=%llu late=%llu 2xx=%llu 4xx=%llu 5xx=%llu",
	       (unsigned long long)ok, (unsigned long long)errors, elapsed, (double)ok / elapsed,
	       (unsigned long long)percentile(hist, ok, 0.50), (unsigned long long)percentile(hist, ok, 0.90),
	       (unsigned long long)percentile(hist, ok, 0.99), (unsigned long long)max_us,
	       (unsigned long long)late, (unsigned long long)codes[2], (unsigned long long)codes[4],
	       (unsigned long long)codes[5]);
	if (tls_cred)
		printf(" resumed=%llu", (unsigned long long)resumed);
	if (first_error[0])
		printf(" first_error=\"%s\"", first_error);
	printf("\n");
	return 0;
}
