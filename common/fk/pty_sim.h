/* Pseudo-terminal for simulators: the device end a client opens like a serial line. */
#ifndef PTY_SIM_H
#define PTY_SIM_H

#include <stddef.h>

struct pty_sim {
	int master;	/* the simulator reads requests and writes answers here */
	int hold;	/* slave kept open so a client's close never hangs up the master */
	char path[64];	/* slave path, e.g. /dev/pts/3 */
	char *link;	/* symlink to path, removed by pty_sim_close() */
};

/* Open a raw pty pair; with link, also make a symlink to the slave. -1 + errno on failure. */
int pty_sim_open(struct pty_sim *ps, const char *link);
void pty_sim_close(struct pty_sim *ps);

#endif
