#include <stdlib.h>
#include <string.h>

#include "mq_ring.h"

#define MIDS 65536

struct mq_msg *
mq_msg_new(const char *topic, size_t topic_len, const void *payload,
    size_t payload_len, int qos, int retain)
{
	struct mq_msg *m;

	if (topic_len > UINT16_MAX || payload_len > UINT32_MAX ||
	    (m = malloc(sizeof(*m) + topic_len + 1 + payload_len)) == NULL)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->topic_len = (uint16_t)topic_len;
	m->payload_len = (uint32_t)payload_len;
	m->qos = (uint8_t)qos;
	m->retain = (uint8_t)retain;
	memcpy(m->data, topic, topic_len);
	m->data[topic_len] = '\0';
	if (payload_len)
		memcpy(m->data + topic_len + 1, payload, payload_len);
	return m;
}

size_t
mq_msg_bytes(const struct mq_msg *m)
{
	return sizeof(*m) + m->topic_len + 1 + m->payload_len;
}

int
mq_ring_init(struct mq_ring *r, size_t cap, size_t max_bytes)
{
	memset(r, 0, sizeof(*r));
	if (cap == 0 || cap >= MIDS - 1)
		return -1;
	r->cap = cap;
	r->max_bytes = max_bytes;
	r->slot = calloc(cap, sizeof(*r->slot));
	r->by_mid = calloc(MIDS, sizeof(*r->by_mid));
	if (r->slot == NULL || r->by_mid == NULL) {
		mq_ring_free(r);
		return -1;
	}
	return 0;
}

void
mq_ring_free(struct mq_ring *r)
{
	if (r->slot)
		for (uint64_t i = r->tail; i < r->head; i++)
			free(r->slot[i % r->cap]);
	free(r->slot);
	free(r->by_mid);
	memset(r, 0, sizeof(*r));
}

size_t
mq_ring_count(const struct mq_ring *r)
{
	return (size_t)(r->head - r->tail);
}

int
mq_ring_room(const struct mq_ring *r, size_t bytes)
{
	if (r->head == r->tail)
		return 1;
	return mq_ring_count(r) < r->cap && r->bytes + bytes <= r->max_bytes;
}

void
mq_ring_push(struct mq_ring *r, struct mq_msg *m)
{
	m->state = MQ_QUEUED;
	m->next = NULL;
	r->slot[r->head++ % r->cap] = m;
	r->bytes += mq_msg_bytes(m);
}

struct mq_msg *
mq_ring_at(const struct mq_ring *r, size_t i)
{
	return r->slot[(r->tail + i) % r->cap];
}

struct mq_msg *
mq_ring_next(struct mq_ring *r)
{
	/* After a reconnection some later messages may be done already. */
	while (r->send < r->head && r->slot[r->send % r->cap]->state == MQ_DONE)
		r->send++;
	return r->send < r->head ? r->slot[r->send % r->cap] : NULL;
}

int
mq_ring_sent(struct mq_ring *r, int mid, int done)
{
	struct mq_msg *m = r->slot[r->send % r->cap];

	if (done) {
		m->state = MQ_DONE;
	} else {
		if (r->by_mid[mid & (MIDS - 1)] != 0)
			return -1;
		r->by_mid[mid & (MIDS - 1)] = r->send + 1;
		m->state = MQ_SENT;
		r->inflight++;
	}
	r->send++;
	return 0;
}

void
mq_ring_skip(struct mq_ring *r)
{
	r->slot[r->send++ % r->cap]->state = MQ_DONE;
}

struct mq_msg *
mq_ring_ack(struct mq_ring *r, int mid)
{
	uint64_t pos = r->by_mid[mid & (MIDS - 1)];
	struct mq_msg *m;

	if (pos == 0)
		return NULL;
	r->by_mid[mid & (MIDS - 1)] = 0;
	m = r->slot[(pos - 1) % r->cap];
	m->state = MQ_DONE;
	r->inflight--;
	return m;
}

struct mq_msg *
mq_ring_pop(struct mq_ring *r)
{
	struct mq_msg *m;

	if (r->tail == r->head)
		return NULL;
	m = r->slot[r->tail % r->cap];
	if (m->state != MQ_DONE)
		return NULL;
	r->slot[r->tail++ % r->cap] = NULL;
	if (r->send < r->tail)
		r->send = r->tail;
	r->bytes -= mq_msg_bytes(m);
	return m;
}

void
mq_ring_requeue(struct mq_ring *r)
{
	memset(r->by_mid, 0, MIDS * sizeof(*r->by_mid));
	for (uint64_t i = r->tail; i < r->head; i++) {
		struct mq_msg *m = r->slot[i % r->cap];
		if (m->state == MQ_SENT)
			m->state = MQ_QUEUED;
	}
	r->inflight = 0;
	r->send = r->tail;
}
