/* Confirmed-mode sender: a window of frames resent with backoff until confirmed or given up. */
#ifndef UDP_SENDQ_H
#define UDP_SENDQ_H

#include <stddef.h>
#include <stdint.h>

#include "udp_wire.h"

#define UDP_BACKOFF_CAP 8	/* waits double per resend up to this many times the first */

struct udp_slot {
	int busy;
	uint32_t id;
	long long tag;		/* caller's number for the message (input line) */
	size_t msg_len;
	unsigned char frame[UDP_WIRE_HDR + UDP_MSG_MAX];
	size_t frame_len;
	int attempts;		/* sends so far */
	long long first_us;	/* first send */
	long long due_us;	/* next send, or when to give up after the last */
};

struct udp_outcome {
	uint32_t id;
	long long tag;
	size_t msg_len;
	int confirmed;
	int attempts;
	long long latency_us;	/* first send to confirmation, when confirmed */
};

struct udp_sendq {
	struct udp_slot *slot;
	int window, used, retries;
	long long timeout_us;
};

/* Room for window frames; each sent at most 1 + retries times. -1 on ENOMEM. */
int udp_sendq_init(struct udp_sendq *q, int window, int retries, long long timeout_us);
void udp_sendq_free(struct udp_sendq *q);

static inline int udp_sendq_full(const struct udp_sendq *q) { return q->used == q->window; }
static inline int udp_sendq_empty(const struct udp_sendq *q) { return q->used == 0; }

/* Queue a frame (message of msg_len bytes) to be sent at once; NULL when full or too long. */
struct udp_slot *udp_sendq_add(struct udp_sendq *q, uint32_t id, long long tag,
    const unsigned char *frame, size_t frame_len, size_t msg_len, long long now_us);

/* A frame to (re)send now, with its next deadline set; NULL when none is due. */
struct udp_slot *udp_sendq_due(struct udp_sendq *q, long long now_us);

/* 1 and *o filled when a frame ran out of sends without confirmation (slot freed). */
int udp_sendq_expire(struct udp_sendq *q, long long now_us, struct udp_outcome *o);

/* 1 and *o filled when id was waiting (slot freed); 0 for stale or unknown ids. */
int udp_sendq_ack(struct udp_sendq *q, uint32_t id, long long now_us, struct udp_outcome *o);

/* Microseconds until something is due (0 when overdue), -1 when nothing waits. */
long long udp_sendq_wait(const struct udp_sendq *q, long long now_us);

#endif
