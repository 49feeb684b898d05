#include <stdlib.h>
#include <string.h>

#include "udp_sendq.h"

int
udp_sendq_init(struct udp_sendq *q, int window, int retries, long long timeout_us)
{
	memset(q, 0, sizeof(*q));
	if ((q->slot = calloc(window, sizeof(*q->slot))) == NULL)
		return -1;
	q->window = window;
	q->retries = retries;
	q->timeout_us = timeout_us;
	return 0;
}

void
udp_sendq_free(struct udp_sendq *q)
{
	free(q->slot);
	q->slot = NULL;
}

struct udp_slot *
udp_sendq_add(struct udp_sendq *q, uint32_t id, long long tag,
    const unsigned char *frame, size_t frame_len, size_t msg_len, long long now_us)
{
	struct udp_slot *s = NULL;

	if (frame_len > sizeof(s->frame))
		return NULL;
	for (int i = 0; i < q->window && s == NULL; i++)
		if (!q->slot[i].busy)
			s = &q->slot[i];
	if (s == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->busy = 1;
	s->id = id;
	s->tag = tag;
	s->msg_len = msg_len;
	memcpy(s->frame, frame, frame_len);
	s->frame_len = frame_len;
	s->due_us = now_us;
	q->used++;
	return s;
}

/* Wait after the n-th send: the first timeout, doubled per resend, capped. */
static long long
backoff(const struct udp_sendq *q, int n)
{
	long long w = q->timeout_us;

	for (int i = 1; i < n && w < q->timeout_us * UDP_BACKOFF_CAP; i++)
		w *= 2;
	return w < q->timeout_us * UDP_BACKOFF_CAP ? w : q->timeout_us * UDP_BACKOFF_CAP;
}

struct udp_slot *
udp_sendq_due(struct udp_sendq *q, long long now_us)
{
	for (int i = 0; i < q->window; i++) {
		struct udp_slot *s = &q->slot[i];

		if (!s->busy || s->attempts > q->retries || s->due_us > now_us)
			continue;
		if (s->attempts++ == 0)
			s->first_us = now_us;
		s->due_us = now_us + backoff(q, s->attempts);
		return s;
	}
	return NULL;
}

static void
settle(struct udp_sendq *q, struct udp_slot *s, int confirmed, long long now_us,
    struct udp_outcome *o)
{
	o->id = s->id;
	o->tag = s->tag;
	o->msg_len = s->msg_len;
	o->confirmed = confirmed;
	o->attempts = s->attempts;
	o->latency_us = confirmed ? now_us - s->first_us : -1;
	s->busy = 0;
	q->used--;
}

int
udp_sendq_expire(struct udp_sendq *q, long long now_us, struct udp_outcome *o)
{
	for (int i = 0; i < q->window; i++) {
		struct udp_slot *s = &q->slot[i];

		if (s->busy && s->attempts > q->retries && s->due_us <= now_us) {
			settle(q, s, 0, now_us, o);
			return 1;
		}
	}
	return 0;
}

int
udp_sendq_ack(struct udp_sendq *q, uint32_t id, long long now_us, struct udp_outcome *o)
{
	for (int i = 0; i < q->window; i++) {
		struct udp_slot *s = &q->slot[i];

		/* A confirmation cannot come before the first send. */
		if (s->busy && s->id == id && s->attempts > 0) {
			settle(q, s, 1, now_us, o);
			return 1;
		}
	}
	return 0;
}

long long
udp_sendq_wait(const struct udp_sendq *q, long long now_us)
{
	long long best = -1;

	for (int i = 0; i < q->window; i++) {
		const struct udp_slot *s = &q->slot[i];

		if (s->busy && (best == -1 || s->due_us < best))
			best = s->due_us;
	}
	if (best == -1)
		return -1;
	return best > now_us ? best - now_us : 0;
}
