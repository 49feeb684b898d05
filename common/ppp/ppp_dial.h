/* atchat's JSON transcript of a dial, read back for why pppd's connect script failed. */
#ifndef PPP_DIAL_H
#define PPP_DIAL_H

#include <stddef.h>

#include "ppp_exit.h"

struct ppp_dial_result {
	enum ppp_dial how;
	char abort[32];		/* PPP_DIAL_ABORT: the modem's answer, e.g. "BUSY" */
	char expect[64];	/* what was being waited for when it ended */
};

/* Read the transcript text (JSON lines, as atchat --json writes them). */
void ppp_dial_parse(const char *text, struct ppp_dial_result *out);

#endif
