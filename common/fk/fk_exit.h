/* One exit-status table for every fieldkit command (see EXIT STATUS in each man page). */
#ifndef FK_EXIT_H
#define FK_EXIT_H

enum fk_exit {
	FK_OK = 0,		/* everything asked for was done */
	FK_PARTIAL = 1,		/* partial or negative result: some meters, lines or commands failed */
	FK_USAGE = 2,		/* bad options or arguments */
	FK_TIMEOUT = 3,		/* a peer started answering but did not finish in time */
	FK_NOANSWER = 4,	/* no peer answered at all */
	FK_PROTO = 5,		/* answers arrived but were malformed (checksum, framing) */
	FK_NODEV = 6,		/* device, port or file could not be opened or configured */
	FK_IO = 7,		/* read or write error on a device, socket, file or stdout */
	FK_BROKER = 8,		/* broker refused the connection (auth, protocol, id) */
	FK_SPOOLED = 9,		/* some messages remain only in the spool, not yet acknowledged */
	FK_SPOOLFULL = 10,	/* the spool reached its limit; input was not consumed */
	FK_STATE = 11,		/* state file corrupt, foreign or unwritable */
	FK_LOCKED = 12,		/* another run holds the lock */
	FK_AUTH = 13,		/* peer refused our credentials (PPP) */
	FK_BUSY = 14,		/* line or modem busy / no carrier */
	FK_SIGNAL = 15,		/* stopped by SIGTERM/SIGINT before finishing */
	FK_SOFTWARE = 70	/* internal error (a bug) */
};

/* Short stable name of an exit status, for JSON output and logs. */
const char *fk_exit_name(int code);

#endif
