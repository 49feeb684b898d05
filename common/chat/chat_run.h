/* The chat(8) expect/send engine over a pair of file descriptors, with whole-expect timeouts. */
#ifndef CHAT_RUN_H
#define CHAT_RUN_H

#include <signal.h>
#include <stdio.h>

#include "chat_esc.h"
#include "chat_parse.h"

/* chat(8)'s termination codes; 4 + n for the n-th (0-based) ABORT string. */
enum {
	CHAT_OK = 0,
	CHAT_EPARAM = 1,	/* bad script: unreadable @file, bad TIMEOUT, string too long */
	CHAT_EIO = 2,		/* read/write error, hang-up, or a signal */
	CHAT_ETIMEOUT = 3,	/* an expect (with no sub-send left) timed out */
	CHAT_EABORT = 4,
	CHAT_STOPPED = -1	/* the event handler asked to stop */
};

#define CHAT_DEFAULT_TIMEOUT_MS 45000

enum chat_ev { CHAT_EV_EXPECT, CHAT_EV_SEND, CHAT_EV_SET, CHAT_EV_SAY, CHAT_EV_REPORT };

struct chat_event {
	enum chat_ev type;
	int step;		/* 1-based position in the step list */
	int sub;		/* part of a sub-expect sequence after its first expect */
	const char *keyword;	/* SET: "ABORT", "TIMEOUT", "ECHO", ... */
	const char *text;	/* expect, send, SAY or report text, or the keyword's value;
				   CHAT_MASK when secret */
	int secret;
	const char *result;	/* EXPECT: "matched", "timeout", "aborted", "error" */
	const char *abort;	/* EXPECT aborted: the ABORT string that matched */
	int abort_index;	/* ... and its 1-based position */
	const char *received;	/* EXPECT: what arrived meanwhile (secrets masked) */
	long long elapsed_ms;
	long long timeout_ms;	/* EXPECT: the limit it ran under */
};

struct chat_cfg {
	int in_fd, out_fd;	/* the modem */
	long long timeout_ms;	/* until TIMEOUT changes it */
	struct chat_env env;
	int echo;		/* -e: echo what arrives to echo_fd (ECHO ON/OFF change it) */
	int verbose;		/* -v: log() every step */
	int show_input;		/* -V: like -e but not switched by ECHO */
	int echo_fd;		/* echo and SAY output, normally 2 */
	FILE *report;		/* REPORT lines "chat:  <date> <text>" */
	/* Every step, as it ends; nonzero stops the run with CHAT_STOPPED. */
	int (*event)(void *ctx, const struct chat_event *ev);
	/* Log lines: the -v trace (only when verbose) and "Failed (...)". */
	void (*log)(void *ctx, const char *msg);
	/* HANGUP ON (1) / OFF (0). */
	void (*hangup)(void *ctx, int on);
	volatile sig_atomic_t *stop;	/* set from a signal handler: end with CHAT_EIO */
	void *ctx;
};

struct chat_result {
	int code;		/* CHAT_OK ... 4+n, or CHAT_STOPPED */
	int event_rc;		/* what the event handler returned when it stopped us */
	char why[256];		/* failures: "expect (CONNECT): aborted by BUSY" */
};

/* Run the steps; returns res->code. */
int chat_run(const struct chat_step *steps, size_t n, const struct chat_cfg *cfg,
    struct chat_result *res);

#endif
