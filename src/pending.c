#include "pending.h"

#include <stdlib.h>
#include <string.h>

/* Slots and address entries live in arrays sized once at start, linked by
 * index: nothing is allocated per connection, whatever the flood. */
struct conn {
	int fd;
	long long deadline;
	uint32_t scanned;
	int addr;             /* index into addrs */
	int prev, next;       /* all waiting connections, oldest first */
	int aprev, anext;     /* those of the same address, oldest first */
};

struct addr {
	struct pending_addr key;
	unsigned count;
	int head, tail;       /* its connections */
	int chain;            /* next entry in the same hash bucket, or free list */
	int cprev, cnext;     /* addresses with the same count */
};

struct pending {
	unsigned capacity, per_addr, count;
	struct conn *conns;
	int head, tail, free_conn;
	struct addr *addrs;
	int free_addr;
	int *buckets;
	unsigned nbuckets;    /* power of two */
	int *by_count;        /* [c]: addresses with c connections waiting */
	unsigned max_count;
};

static unsigned hash(const struct pending_addr *a, unsigned n)
{
	/* FNV-1a: addresses are not secret, and a collision only lengthens a
	 * chain that is at most `capacity` long anyway. */
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof a->b; i++)
		h = (h ^ a->b[i]) * 16777619u;
	return h & (n - 1);
}

struct pending *pending_new(unsigned capacity, unsigned per_addr)
{
	struct pending *p = calloc(1, sizeof *p);

	if (!p || capacity == 0)
		goto fail;
	p->capacity = capacity;
	p->per_addr = per_addr;
	for (p->nbuckets = 16; p->nbuckets < capacity; p->nbuckets *= 2)
		;
	p->conns = calloc(capacity, sizeof *p->conns);
	p->addrs = calloc(capacity, sizeof *p->addrs);
	p->buckets = malloc(p->nbuckets * sizeof *p->buckets);
	p->by_count = malloc((capacity + 1) * sizeof *p->by_count);
	if (!p->conns || !p->addrs || !p->buckets || !p->by_count)
		goto fail;
	for (unsigned i = 0; i < p->nbuckets; i++)
		p->buckets[i] = -1;
	for (unsigned i = 0; i <= capacity; i++)
		p->by_count[i] = -1;
	for (unsigned i = 0; i < capacity; i++) {
		p->conns[i].next = i + 1 < capacity ? (int)i + 1 : -1;
		p->addrs[i].chain = i + 1 < capacity ? (int)i + 1 : -1;
	}
	p->free_conn = 0;
	p->free_addr = 0;
	p->head = p->tail = -1;
	return p;
fail:
	pending_free(p);
	return NULL;
}

void pending_free(struct pending *p)
{
	if (!p)
		return;
	free(p->conns);
	free(p->addrs);
	free(p->buckets);
	free(p->by_count);
	free(p);
}

static int find_addr(const struct pending *p, const struct pending_addr *a)
{
	for (int i = p->buckets[hash(a, p->nbuckets)]; i >= 0; i = p->addrs[i].chain)
		if (memcmp(&p->addrs[i].key, a, sizeof *a) == 0)
			return i;
	return -1;
}

static void count_unlink(struct pending *p, int ai)
{
	struct addr *a = &p->addrs[ai];

	if (a->cprev >= 0)
		p->addrs[a->cprev].cnext = a->cnext;
	else
		p->by_count[a->count] = a->cnext;
	if (a->cnext >= 0)
		p->addrs[a->cnext].cprev = a->cprev;
	if (a->count == p->max_count && p->by_count[a->count] < 0)
		p->max_count--;
}

static void count_link(struct pending *p, int ai)
{
	struct addr *a = &p->addrs[ai];

	a->cprev = -1;
	a->cnext = p->by_count[a->count];
	if (a->cnext >= 0)
		p->addrs[a->cnext].cprev = ai;
	p->by_count[a->count] = ai;
	if (a->count > p->max_count)
		p->max_count = a->count;
}

int pending_victim(const struct pending *p, const struct pending_addr *a, enum pending_why *why)
{
	int ai;

	if (p->per_addr && (ai = find_addr(p, a)) >= 0 && p->addrs[ai].count >= p->per_addr) {
		*why = PENDING_PER_ADDR;
		return p->addrs[ai].head;
	}
	if (p->count >= p->capacity) {
		/* Of the address holding the most: a flood from many
		 * addresses loses its own connections, never those of an
		 * address that holds a few. */
		*why = PENDING_FULL;
		return p->addrs[p->by_count[p->max_count]].head;
	}
	*why = PENDING_ROOM;
	return -1;
}

int pending_add(struct pending *p, const struct pending_addr *a, int fd, long long deadline)
{
	enum pending_why why;
	int id, ai;

	if (pending_victim(p, a, &why) >= 0)
		return -1;
	ai = find_addr(p, a);
	if (ai < 0) {
		/* Never empty here: there are fewer addresses than connections. */
		unsigned b = hash(a, p->nbuckets);
		ai = p->free_addr;
		p->free_addr = p->addrs[ai].chain;
		p->addrs[ai] = (struct addr){.key = *a, .head = -1, .tail = -1, .chain = p->buckets[b]};
		p->buckets[b] = ai;
	} else {
		count_unlink(p, ai);
	}
	id = p->free_conn;
	p->free_conn = p->conns[id].next;
	p->conns[id] = (struct conn){.fd = fd, .deadline = deadline, .addr = ai,
				     .prev = p->tail, .next = -1, .aprev = p->addrs[ai].tail, .anext = -1};
	if (p->tail >= 0)
		p->conns[p->tail].next = id;
	else
		p->head = id;
	p->tail = id;
	if (p->addrs[ai].tail >= 0)
		p->conns[p->addrs[ai].tail].anext = id;
	else
		p->addrs[ai].head = id;
	p->addrs[ai].tail = id;
	p->addrs[ai].count++;
	count_link(p, ai);
	p->count++;
	return id;
}

static void drop_addr(struct pending *p, int ai)
{
	int *link = &p->buckets[hash(&p->addrs[ai].key, p->nbuckets)];

	while (*link != ai)
		link = &p->addrs[*link].chain;
	*link = p->addrs[ai].chain;
	p->addrs[ai].chain = p->free_addr;
	p->free_addr = ai;
}

void pending_remove(struct pending *p, int id)
{
	struct conn *c = &p->conns[id];
	struct addr *a = &p->addrs[c->addr];

	if (c->prev >= 0)
		p->conns[c->prev].next = c->next;
	else
		p->head = c->next;
	if (c->next >= 0)
		p->conns[c->next].prev = c->prev;
	else
		p->tail = c->prev;
	if (c->aprev >= 0)
		p->conns[c->aprev].anext = c->anext;
	else
		a->head = c->anext;
	if (c->anext >= 0)
		p->conns[c->anext].aprev = c->aprev;
	else
		a->tail = c->aprev;
	count_unlink(p, c->addr);
	if (--a->count == 0)
		drop_addr(p, c->addr);
	else
		count_link(p, c->addr);
	c->fd = -1;
	c->next = p->free_conn;
	p->free_conn = id;
	p->count--;
}

/* Deadlines are accept time + one timeout, so the oldest is also the one
 * whose deadline comes first. */
int pending_expired(const struct pending *p, long long now)
{
	return p->head >= 0 && p->conns[p->head].deadline <= now ? p->head : -1;
}

int pending_oldest(const struct pending *p)
{
	return p->head;
}

long long pending_next_deadline(const struct pending *p)
{
	return p->head >= 0 ? p->conns[p->head].deadline : -1;
}

int pending_fd(const struct pending *p, int id)
{
	return p->conns[id].fd;
}

const struct pending_addr *pending_addr_of(const struct pending *p, int id)
{
	return &p->addrs[p->conns[id].addr].key;
}

uint32_t *pending_scanned(struct pending *p, int id)
{
	return &p->conns[id].scanned;
}

unsigned pending_count(const struct pending *p)
{
	return p->count;
}

unsigned pending_count_addr(const struct pending *p, const struct pending_addr *a)
{
	int ai = find_addr(p, a);

	return ai >= 0 ? p->addrs[ai].count : 0;
}

unsigned pending_capacity(const struct pending *p)
{
	return p->capacity;
}
