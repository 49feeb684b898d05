/*
 * Messages between stdin and the broker's acknowledgement, oldest first.
 * A message is done only when the broker acknowledged its id (PUBACK or
 * PUBCOMP; for QoS 0 when written): ids wrap at 65535, so completion is
 * never inferred from "the last id".  Memory is freed in stream order.
 */
#ifndef MQ_RING_H
#define MQ_RING_H

#include <stddef.h>
#include <stdint.h>

enum mq_state { MQ_QUEUED, MQ_SENT, MQ_DONE };

struct mq_msg {
	struct mq_msg *next;	/* in lists outside the ring */
	uint64_t seq;		/* stream position, kept across runs by the spool */
	uint64_t line;		/* input line, 0 for messages out of the spool */
	uint64_t seg;		/* spool segment holding it, if spooled */
	uint32_t payload_len;
	uint16_t topic_len;
	uint8_t qos, retain, state, spooled;
	char data[];		/* topic, NUL, payload */
};

#define MQ_MSG_TOPIC(m) ((m)->data)
#define MQ_MSG_PAYLOAD(m) ((m)->data + (m)->topic_len + 1)

/* A message with copies of topic and payload; NULL when out of memory. */
struct mq_msg *mq_msg_new(const char *topic, size_t topic_len, const void *payload,
    size_t payload_len, int qos, int retain);
/* Bytes a message holds, as counted against the ring's limit. */
size_t mq_msg_bytes(const struct mq_msg *m);

struct mq_ring {
	struct mq_msg **slot;
	size_t cap, max_bytes, bytes;
	uint64_t tail, send, head;	/* oldest, next to send, next free */
	size_t inflight;		/* sent, not yet acknowledged */
	uint64_t *by_mid;		/* message id -> position + 1, 0 if none */
};

/* cap must stay below 65535 so one connection never has two messages on one id. */
int mq_ring_init(struct mq_ring *r, size_t cap, size_t max_bytes);
void mq_ring_free(struct mq_ring *r);

size_t mq_ring_count(const struct mq_ring *r);
/* 1 if a message of `bytes` fits (always when the ring is empty). */
int mq_ring_room(const struct mq_ring *r, size_t bytes);
void mq_ring_push(struct mq_ring *r, struct mq_msg *m);
/* The i-th oldest message. */
struct mq_msg *mq_ring_at(const struct mq_ring *r, size_t i);

/* The next message to send, or NULL. */
struct mq_msg *mq_ring_next(struct mq_ring *r);
/*
 * The message mq_ring_next() gave went out with id mid; done when its
 * acknowledgement already came (QoS 0 is written within the publish call).
 * Returns 0, or -1 if mid is still held by another message.
 */
int mq_ring_sent(struct mq_ring *r, int mid, int done);
/* The next message is finished without sending (refused). */
void mq_ring_skip(struct mq_ring *r);
/* Acknowledgement of mid: the message, now done, or NULL if none waits on mid. */
struct mq_msg *mq_ring_ack(struct mq_ring *r, int mid);
/* The oldest message, taken out, if it is done; else NULL. */
struct mq_msg *mq_ring_pop(struct mq_ring *r);
/* The connection is gone: everything not done is to be sent again. */
void mq_ring_requeue(struct mq_ring *r);

#endif
