/* Redial policy for --persist: exponential backoff, give up on fatal causes and repeated failure. */
#ifndef PPP_BACKOFF_H
#define PPP_BACKOFF_H

enum {
	PPP_BACKOFF_BASE_S = 2,		/* first pause after a failure */
	PPP_BACKOFF_CAP_S = 300,	/* longest pause between dials */
	PPP_BACKOFF_STABLE_S = 60	/* a link up this long was a success, not a failure */
};

struct ppp_backoff {
	int max_fails;	/* give up after this many failures in a row; 0 = never */
	int fails;	/* failures in a row so far */
};

void ppp_backoff_init(struct ppp_backoff *b, int max_fails);

/*
 * An attempt ended: up_s is how long the link carried IP (-1 if it never
 * did), fatal whether the cause rules out redialling.  Returns the seconds to
 * wait before the next dial, or -1 to give up.
 */
int ppp_backoff_next(struct ppp_backoff *b, long up_s, int fatal);

#endif
