/*
 * The suite's one way to wait for descriptors: ppoll() with fk_sig's mask,
 * so that after fk_sig_block() a stop signal is taken only inside a wait and
 * one that came just before it ends it at once instead of at its deadline.
 */
#ifndef FK_WAIT_H
#define FK_WAIT_H

#include <poll.h>

/* A deadline that never comes. */
#define FK_WAIT_FOREVER (-1LL)

/*
 * Wait until one of fds is ready, deadline_ms (fk_now_ms() clock, or
 * FK_WAIT_FOREVER) has passed, or a caught signal is taken (any: a stop,
 * SIGCHLD, SIGUSR1...; the caller looks at its flags).  The count ready, 0 at
 * the deadline, -1 with errno EINTR for a signal or another errno on failure.
 * It does not look at fk_sig_stop: a program may go on waiting after a stop
 * (for a child to end, for a reader's last word), and a second stop still
 * ends such a wait.  A stop taken before fk_sig_block() ends the first wait
 * after it.
 */
int fk_wait_fds(struct pollfd *fds, nfds_t n, long long deadline_ms);

/*
 * For I/O in the middle of an exchange: wait until fd is ready for ev
 * (POLLIN/POLLOUT) or deadline_ms has passed.  1 ready (*revents set when not
 * NULL), 0 at the deadline, -1 with errno EINTR at once while fk_sig_stop is
 * set (a stop now or before), other errno on failure.  Other signals do not
 * end it.
 */
int fk_wait(int fd, short ev, long long deadline_ms, short *revents);

#endif
