/*
 * mqpub's reconnection policy: how long to wait before the next attempt,
 * when the wait starts over, and which refusals no wait will cure.
 */
#ifndef MQ_BACKOFF_H
#define MQ_BACKOFF_H

#define MQ_BACKOFF_MIN_MS 250
#define MQ_BACKOFF_MAX_MS 30000
#define MQ_BACKOFF_STEADY_MS 10000	/* up this long without a drop: start over */

/*
 * The pause before the next attempt, *ms give or take an eighth as r picks
 * (so that clients dropped together do not all return together); *ms then
 * doubles, up to MQ_BACKOFF_MAX_MS.  *ms starts at MQ_BACKOFF_MIN_MS.
 */
long mq_backoff_next(int *ms, unsigned long r);

/*
 * The connection carried an acknowledged message (up_ms < 0), or has been
 * up for up_ms: once that shows the broker really takes us, start over.
 */
void mq_backoff_up(int *ms, long long up_ms);

/* A CONNACK refusal (MQTT 5 reason code, or 3.1.1 return code) that retrying will not cure. */
int mq_backoff_refusal_final(int v5, int rc);

#endif
