/* What the load tools (loadgen, flood) share: a stop flag that SIGINT and
 * SIGTERM set, a monotonic clock, and TCP connections to 127.0.0.1 from a
 * chosen loopback source address. */
#ifndef CCK_BENCH_CLIENT_H
#define CCK_BENCH_CLIENT_H

#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>

/* Set by SIGINT/SIGTERM once client_stop_on_signals() ran: a run ends
 * early and still prints what it measured. */
extern volatile sig_atomic_t client_stop;
void client_stop_on_signals(void);

/* Seconds on the monotonic clock. */
double client_now_s(void);

/* 127.0.0.1:PORT */
struct sockaddr_in client_loopback(int port);

/* A TCP socket (CLOEXEC | FLAGS, e.g. SOCK_NONBLOCK) connected or
 * connecting (EINPROGRESS) to TO, from source address SRC (host order; 0:
 * the kernel's choice). Returns the fd, or -1 with errno and *WHAT naming
 * the step that failed. */
int client_connect(const struct sockaddr_in *to, uint32_t src, int flags, const char **what);

#endif
