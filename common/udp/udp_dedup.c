#include <stdio.h>
#include <string.h>

#include "udp_dedup.h"

void
udp_dedup_init(struct udp_dedup *d)
{
	memset(d, 0, sizeof(*d));
}

static struct udp_dedup_peer *
find(struct udp_dedup *d, const char *key, uint32_t session)
{
	for (int i = 0; i < UDP_DEDUP_PEERS; i++) {
		struct udp_dedup_peer *p = &d->peer[i];

		if (p->in_use && p->session == session && strcmp(p->key, key) == 0)
			return p;
	}
	return NULL;
}

static int
bit(const struct udp_dedup_peer *p, uint32_t id)
{
	uint32_t i = id % UDP_DEDUP_IDS;

	return (p->bits[i / 64] >> (i % 64)) & 1;
}

int
udp_dedup_seen(struct udp_dedup *d, const char *key, uint32_t session, uint32_t id)
{
	struct udp_dedup_peer *p = find(d, key, session);

	if (p == NULL || id > p->top)
		return 0;
	if (p->top - id >= UDP_DEDUP_IDS)
		return 1;
	return bit(p, id);
}

void
udp_dedup_mark(struct udp_dedup *d, const char *key, uint32_t session, uint32_t id)
{
	struct udp_dedup_peer *p = find(d, key, session);
	uint32_t i;

	if (p == NULL) {
		p = &d->peer[0];
		for (int k = 0; k < UDP_DEDUP_PEERS; k++) {
			if (!d->peer[k].in_use) {
				p = &d->peer[k];
				break;
			}
			if (d->peer[k].used < p->used)
				p = &d->peer[k];
		}
		memset(p, 0, sizeof(*p));
		p->in_use = 1;
		p->session = session;
		snprintf(p->key, sizeof(p->key), "%s", key);
	}
	p->used = ++d->tick;
	if (id > p->top) {
		/* Slots between the old top and id now stand for ids never seen. */
		if (id - p->top >= UDP_DEDUP_IDS)
			memset(p->bits, 0, sizeof(p->bits));
		else
			for (uint32_t k = p->top + 1; k != id; k++) {
				i = k % UDP_DEDUP_IDS;
				p->bits[i / 64] &= ~(1ULL << (i % 64));
			}
		p->top = id;
	} else if (p->top - id >= UDP_DEDUP_IDS)
		return;
	i = id % UDP_DEDUP_IDS;
	p->bits[i / 64] |= 1ULL << (i % 64);
}
