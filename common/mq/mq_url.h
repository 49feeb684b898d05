/* Broker URLs for -L: mqtt[s]://[user@]host[:port][/topic-template]. */
#ifndef MQ_URL_H
#define MQ_URL_H

#include <stddef.h>

struct mq_url {
	int tls;		/* mqtts */
	int port;		/* 0 when not given */
	char *user;		/* NULL when not given */
	char *host;
	char *topic;		/* NULL when the URL has no path */
};

/*
 * Parse url into u (strings malloc'd; mq_url_free releases them).  A
 * password in the URL is refused: it would show in the process list.
 * Returns 0, or -1 with err set.
 */
int mq_url_parse(const char *url, struct mq_url *u, char *err, size_t errlen);
void mq_url_free(struct mq_url *u);

#endif
