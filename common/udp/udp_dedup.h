/* Receiver memory of confirmed-mode ids, per peer and sender session, to drop resends. */
#ifndef UDP_DEDUP_H
#define UDP_DEDUP_H

#include <stdint.h>

#define UDP_DEDUP_PEERS 64	/* peers remembered; the least recently heard is forgotten */
#define UDP_DEDUP_IDS 4096	/* ids remembered below a peer's highest; older count as seen */
#define UDP_DEDUP_KEY 80

struct udp_dedup_peer {
	char key[UDP_DEDUP_KEY];	/* "addr:port" as printed */
	uint32_t session;
	uint32_t top;			/* highest id marked */
	uint64_t bits[UDP_DEDUP_IDS / 64];
	unsigned long long used;	/* tick of last use, for eviction */
	int in_use;
};

struct udp_dedup {
	struct udp_dedup_peer peer[UDP_DEDUP_PEERS];
	unsigned long long tick;
};

void udp_dedup_init(struct udp_dedup *d);

/* 1 when (key, session, id) was marked before (or is too old to tell), else 0. */
int udp_dedup_seen(struct udp_dedup *d, const char *key, uint32_t session, uint32_t id);

/* Remember (key, session, id) as delivered. */
void udp_dedup_mark(struct udp_dedup *d, const char *key, uint32_t session, uint32_t id);

#endif
