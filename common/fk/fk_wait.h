/*
 * The suite's one way to wait for a descriptor: ppoll() with the stop
 * signals blocked everywhere else, so a stop that arrives just before a
 * wait still ends it at once instead of at its deadline.
 */
#ifndef FK_WAIT_H
#define FK_WAIT_H

#include <signal.h>

/*
 * From now on SIGINT, SIGTERM and SIGHUP are blocked except inside
 * fk_wait(); their handlers (the caller's) set *stop.  Call once, after
 * installing the handlers.
 */
void fk_wait_stop_on(volatile sig_atomic_t *stop);

/*
 * Wait until fd is ready for ev (POLLIN/POLLOUT) or deadline_ms (fk_now_ms()
 * clock) has passed.  1 ready (*revents set when not NULL), 0 deadline,
 * -1 with errno EINTR when a stop signal came (now or before), other errno
 * on failure.
 */
int fk_wait(int fd, short ev, long long deadline_ms, short *revents);

#endif
