#include "mq_backoff.h"

long
mq_backoff_next(int *ms, unsigned long r)
{
	int b = *ms < MQ_BACKOFF_MIN_MS ? MQ_BACKOFF_MIN_MS : *ms;
	long pause = b - b / 8 + (long)(r % (unsigned long)(b / 4 + 1));

	*ms = b * 2 > MQ_BACKOFF_MAX_MS ? MQ_BACKOFF_MAX_MS : b * 2;
	return pause;
}

void
mq_backoff_up(int *ms, long long up_ms)
{
	if (up_ms < 0 || up_ms >= MQ_BACKOFF_STEADY_MS)
		*ms = MQ_BACKOFF_MIN_MS;
}

int
mq_backoff_refusal_final(int v5, int rc)
{
	if (!v5)
		return rc != 3;		/* 3: server unavailable */
	/* server unavailable, server busy, quota exceeded, connection rate exceeded */
	return rc != 0x88 && rc != 0x89 && rc != 0x97 && rc != 0x9f;
}
