/*
 * A broker that will not take a message often just closes the connection
 * (3.1.1 has no other way to say no).  After such a drop the oldest
 * unacknowledged message is sent alone; if the connection is closed on it
 * MQ_POISON_DROPS times in a row, each within MQ_POISON_PROBE_MS of sending
 * it, it is set aside instead of blocking everything behind it.
 */
#ifndef MQ_POISON_H
#define MQ_POISON_H

#include <stddef.h>
#include <stdint.h>

#define MQ_POISON_DROPS 3
#define MQ_POISON_PROBE_MS 5000

struct mq_poison {
	int probing;		/* the suspect goes alone */
	int drops;		/* in a row, on the suspect */
	int reject;		/* the suspect is to be set aside */
	uint64_t suspect;	/* its stream position (seq) */
	long long t_probe;	/* when it last went alone */
};

/*
 * The connection was closed at now.  sent: a QoS 1 or 2 message was out,
 * seq the oldest of them, inflight how many (QoS 0 messages are done once
 * written: there is no telling which one it was).
 */
void mq_poison_drop(struct mq_poison *ps, int sent, uint64_t seq, size_t inflight,
    long long now);

/* How many messages may be out at once: one while a suspect is tried alone. */
size_t mq_poison_window(const struct mq_poison *ps, size_t window);

/* The next message goes out at now. */
void mq_poison_sent(struct mq_poison *ps, long long now);

/* The broker answered on seq, refusing it with a reason code or not: the row is broken. */
void mq_poison_acked(struct mq_poison *ps, uint64_t seq, int refused);

/* Is seq to be set aside?  After that, mq_poison_clear(). */
int mq_poison_is(const struct mq_poison *ps, uint64_t seq);
void mq_poison_clear(struct mq_poison *ps);

#endif
