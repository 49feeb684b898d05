/* pppd's log, line by line, into the facts pppup reports: interface, addresses, why it ended. */
#ifndef PPP_LOG_H
#define PPP_LOG_H

enum { PPP_LOG_NONE = 0, PPP_LOG_CONNECTED = 1 };

struct ppp_log {
	char iface[32];		/* "ppp0" */
	char local_ip[48];
	char remote_ip[48];
	char dns[2][48];	/* primary, secondary; "" when not given */
	int pending;		/* IP seen, waiting for the DNS lines that follow it */
	int up;			/* the link reached IP */
	int auth_failed;	/* the network refused our PAP/CHAP login */
	char message[160];	/* first line since the link came up (or since the start)
				   that was not routine: the likeliest why it ended */
	char peer_message[160];	/* "Remote message:" text (the network's word on a login) */
};

void ppp_log_init(struct ppp_log *s);

/*
 * Feed one line (no newline).  Returns PPP_LOG_CONNECTED once per link, when
 * the line shows the address block is complete (the secondary DNS line, which
 * pppd prints last, or any line after the block); the block is then in *s.
 */
int ppp_log_line(struct ppp_log *s, const char *line);

/*
 * pppd writes the address lines together; when it has been quiet for a
 * moment (or the pipe ended) the block is complete.  Returns
 * PPP_LOG_CONNECTED if a block was waiting.
 */
int ppp_log_flush(struct ppp_log *s);

#endif
