/* The AT steps before a dial, as a pure sequencer: answer in, next command (or verdict) out. */
#ifndef PPP_PREP_H
#define PPP_PREP_H

#include "chat/at_io.h"
#include "chat/at_parse.h"
#include "ppp_exit.h"
#include "ppp_opts.h"

struct ppp_prep_cfg {
	enum ppp_net net;
	const char *apn;		/* 3GPP: the context to define */
	const char *pin;		/* SIM PIN, or NULL */
	const char *user, *password;	/* 3GPP2: for AT^PPPCFG; NULL to skip it */
	long long reg_timeout_ms;	/* how long to wait for registration */
};

enum { PPP_PREP_SEND, PPP_PREP_DONE, PPP_PREP_FAIL };

/* What the last answer told, for the step's JSON line. */
enum ppp_fact { PPP_FACT_NONE, PPP_FACT_SIM, PPP_FACT_REG, PPP_FACT_CSQ };

struct ppp_prep {
	const struct ppp_prep_cfg *cfg;
	int stage;
	int tries;		/* sends of the current command */
	int reg_cmd;		/* 0: +CGREG, 1: +CREG */
	int pin_sent;		/* a PIN went out this run: never send a second */
	long long reg_deadline;
	/* the next command */
	char cmd[256];		/* to send */
	char shown[256];	/* to report: secrets masked */
	const char *step;	/* its name: "attention", "sim", "pin", "registration"... */
	long long delay_ms;	/* wait this long first */
	long long timeout_ms;	/* for its answer */
	/* the last answer */
	enum ppp_fact fact;
	char sim_state[32];
	struct at_reg reg;
	struct at_csq csq;
	/* the verdict when PPP_PREP_FAIL */
	struct ppp_cause cause;
	char why[128];
};

/*
 * Can these values be put into AT commands?  NULL if so, else which one is
 * not ("apn", "user", "password", "pin").
 */
const char *ppp_prep_check(const struct ppp_prep_cfg *cfg);

/* Start; the first command is in p (PPP_PREP_SEND). */
int ppp_prep_begin(struct ppp_prep *p, const struct ppp_prep_cfg *cfg, long long now_ms);

/*
 * Feed the outcome of sending p->cmd: io is at_exchange()'s return (never
 * AT_IO_STOPPED; the caller handles that), r its reply.  Returns
 * PPP_PREP_SEND with the next command in p, PPP_PREP_DONE, or PPP_PREP_FAIL
 * with p->cause and p->why.
 */
int ppp_prep_answer(struct ppp_prep *p, int io, const struct at_reply *r, long long now_ms);

/*
 * The commands a run sends when every answer is the hoped-for one (the SIM
 * asking for its PIN when cfg has one, registered at once), as reported:
 * secrets masked.  Taken from the sequencer itself, for --print.  Returns
 * how many were put in shown, at most max.
 */
int ppp_prep_plan(const struct ppp_prep_cfg *cfg, char (*shown)[256], int max);

#endif
