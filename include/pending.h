/* Connections accepted but still waiting for their request, and which one
 * to close when a new connection needs room. Pure: no sockets, no clock
 * (times are passed in), so the admission rule is unit-tested.
 *
 * The rule: a new connection always gets a slot. When its address already
 * has `per_addr` connections waiting, that address's OLDEST is closed to
 * make room; when the whole table is full, the oldest of the address that
 * holds the MOST. A health checker's connection waits for a millisecond
 * (its request comes with the handshake), so it is never an oldest, and its
 * address holds one or two: a flood only ever pushes out its own. */
#ifndef CLUSTERCHECKD_PENDING_H
#define CLUSTERCHECKD_PENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An address as a key: IPv4 is stored as IPv4-mapped IPv6, so a dual-stack
 * socket and an IPv4 socket count the same client once. */
struct pending_addr {
	uint8_t b[16];
};

enum pending_why {
	PENDING_ROOM,     /* no one to close */
	PENDING_FULL,     /* the table is full: the oldest of the biggest holder */
	PENDING_PER_ADDR, /* the address has per_addr waiting: its oldest */
};

struct pending;

/* capacity >= 1; per_addr 0 = no per-address limit. NULL when out of memory. */
struct pending *pending_new(unsigned capacity, unsigned per_addr);
void pending_free(struct pending *p);

/* Who must be closed before a connection from `a` is added: an id, or -1
 * (and *why = PENDING_ROOM) when there is room. Call, close and remove the
 * victim, and call again until it says -1. */
int pending_victim(const struct pending *p, const struct pending_addr *a, enum pending_why *why);
/* Adds a connection: its id (>= 0), or -1 when there is no room (call
 * pending_victim first). `deadline` is when it must have sent its request. */
int pending_add(struct pending *p, const struct pending_addr *a, int fd, long long deadline);
void pending_remove(struct pending *p, int id);

/* The oldest connection whose deadline is <= now, or -1. */
int pending_expired(const struct pending *p, long long now);
/* The oldest connection, or -1 when empty. */
int pending_oldest(const struct pending *p);
/* The earliest deadline, or -1 when empty. */
long long pending_next_deadline(const struct pending *p);

int pending_fd(const struct pending *p, int id);
const struct pending_addr *pending_addr_of(const struct pending *p, int id);
/* How many bytes of the request were already looked at (the caller's). */
uint32_t *pending_scanned(struct pending *p, int id);
unsigned pending_count(const struct pending *p);
unsigned pending_count_addr(const struct pending *p, const struct pending_addr *a);
unsigned pending_capacity(const struct pending *p);

#endif
