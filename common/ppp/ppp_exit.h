/* pppd's exit statuses (pppd.h, 0-21): names, and what each means for a dialler. */
#ifndef PPP_EXIT_H
#define PPP_EXIT_H

enum { PPP_EXIT_MAX = 21 };

/* pppd.h's name without EXIT_, lower case ("peer_dead"); "unknown" outside 0..21. */
const char *ppp_exit_name(int code);

/* How the connect program's dial ended, when pppd only says "Connect script failed". */
enum ppp_dial {
	PPP_DIAL_UNKNOWN,	/* no transcript */
	PPP_DIAL_ABORT,		/* the modem answered an ABORT string (BUSY, NO CARRIER...) */
	PPP_DIAL_TIMEOUT,	/* the modem answered, but not what was expected, in time */
	PPP_DIAL_SILENT		/* the modem sent nothing at all */
};

/* Why a dial attempt or a session ended, as pppup reports and acts on it. */
struct ppp_cause {
	const char *reason;	/* stable token for the "down" event, e.g. "auth_refused" */
	int status;		/* fk_exit.h status pppup ends with for this cause */
	int fatal;		/* 1: redialling cannot help (bad options, refused credentials) */
};

/*
 * Cause of pppd's exit status code.  For 8 (connect script failed) dial and
 * abort (the matched string, e.g. "NO CARRIER") refine it.  auth_failed says
 * the log showed our login refused: pppd exits 16 (hangup) instead of 19
 * when the network hangs up right after refusing, and the refusal is the why.
 */
struct ppp_cause ppp_exit_cause(int code, enum ppp_dial dial, const char *abort,
    int auth_failed);

/* Cause when pppd died from a signal it did not handle (killed, crashed). */
struct ppp_cause ppp_signal_cause(void);

#endif
