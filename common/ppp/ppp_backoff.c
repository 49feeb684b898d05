#include "ppp_backoff.h"

void
ppp_backoff_init(struct ppp_backoff *b, int max_fails)
{
	b->max_fails = max_fails;
	b->fails = 0;
}

int
ppp_backoff_next(struct ppp_backoff *b, long up_s, int fatal)
{
	long delay = PPP_BACKOFF_BASE_S;

	if (fatal)
		return -1;
	/* A link that held is the network's normal churn: redial promptly. */
	if (up_s >= PPP_BACKOFF_STABLE_S) {
		b->fails = 0;
		return PPP_BACKOFF_BASE_S;
	}
	/* A link that drops at once counts as a failure, or flapping would loop forever. */
	b->fails++;
	if (b->max_fails > 0 && b->fails >= b->max_fails)
		return -1;
	for (int i = 1; i < b->fails && delay < PPP_BACKOFF_CAP_S; i++)
		delay *= 2;
	return delay < PPP_BACKOFF_CAP_S ? (int)delay : PPP_BACKOFF_CAP_S;
}
