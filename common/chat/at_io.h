/* One AT command over a pair of file descriptors: send, collect the answer, split off URCs. */
#ifndef AT_IO_H
#define AT_IO_H

#include <signal.h>
#include <stddef.h>

#include "at_line.h"
#include "at_result.h"

struct at_io {
	int in_fd, out_fd;	/* the modem */
	long long timeout_ms;	/* for the whole answer; URCs do not extend it */
	volatile sig_atomic_t *stop;	/* set from a signal handler */
	/* Each unsolicited result code, as it arrives; nonzero stops (AT_IO_STOPPED). */
	int (*urc)(void *ctx, const char *line);
	/* -v style tracing: what was sent (sent = 1) and every line received. */
	void (*trace)(void *ctx, int sent, const char *text);
	void *ctx;
};

struct at_reply {
	char **lines;		/* response lines: echo and URCs removed */
	size_t n;
	char final[AT_LINE_MAX];	/* the final result code line, "" if none came */
	enum at_final kind;
	int err;		/* +CME/+CMS ERROR number, -1 if none */
	int answered;		/* anything other than URCs arrived */
	long long elapsed_ms;
};

enum { AT_IO_DONE, AT_IO_TIMEOUT, AT_IO_NOANSWER, AT_IO_ERROR, AT_IO_STOPPED };

/*
 * Send cmd and a carriage return, then read until the final result code.
 * After CONNECT nothing more is read (the line now carries data).  Returns
 * AT_IO_DONE, AT_IO_TIMEOUT (the answer started but did not finish),
 * AT_IO_NOANSWER (not a byte of answer), AT_IO_ERROR (why says what), or
 * AT_IO_STOPPED (*stop was set or urc() asked to stop).
 */
int at_exchange(const struct at_io *io, const char *cmd, struct at_reply *r,
    char *why, size_t whylen);
void at_reply_free(struct at_reply *r);

#endif
