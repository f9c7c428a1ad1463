/* Socket I/O bounded by a deadline (monotonic ms, see clock.h), for the
 * small line protocols served one connection at a time (agent-check, ctl)
 * and the ctl client: a stalled or vanished peer costs at most the time
 * left, and never a SIGPIPE. */
#ifndef CLUSTERCHECKD_IO_H
#define CLUSTERCHECKD_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Waits until fd is ready for `events` (POLLIN, POLLOUT). 0, or -1 with
 * errno ETIMEDOUT once the deadline passes (or poll's errno). */
int io_wait(int fd, short events, long long deadline_ms);

/* Sends all of buf, waiting for room while the deadline allows. 0, or -1
 * with errno: ETIMEDOUT, EPIPE (the peer closed), ... */
int io_write_all(int fd, const void *buf, size_t len, long long deadline_ms);

/* Reads until '\n' (stop_at_newline), EOF, a full buffer or the deadline,
 * and always NUL-terminates. Returns the length, or -1 with errno when
 * nothing was read (a timeout after some bytes returns those bytes). */
ssize_t io_read_bounded(int fd, char *buf, size_t len, bool stop_at_newline,
			long long deadline_ms);

/* Reads and discards what the peer sends until it closes, an error, the
 * deadline, or `stop_fd` (-1: none) becomes readable: unread input would
 * turn close() into a reset that can destroy the answer before the peer
 * reads it. */
void io_drain(int fd, long long deadline_ms, int stop_fd);

#endif
