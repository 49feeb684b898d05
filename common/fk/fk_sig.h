/*
 * The suite's one signal setup.  The stop signals (SIGINT, SIGTERM, SIGHUP)
 * set fk_sig_stop to their number; SIGPIPE is ignored so a closed reader is
 * a write error (EPIPE), not a death.
 */
#ifndef FK_SIG_H
#define FK_SIG_H

#include <signal.h>

/* The stop signal that came (its number), 0 while none. */
extern volatile sig_atomic_t fk_sig_stop;
/*
 * A stop no wait has ended on yet: one taken before fk_sig_block() (or in a
 * program that never blocks) still ends the next fk_wait_fds() at once.
 */
extern volatile sig_atomic_t fk_sig_unseen;

/* Catch the stop signals, ignore SIGPIPE. */
void fk_sig_init(void);

/*
 * Catch sig with fn too (SIGUSR1, SIGCHLD...); SIG_IGN/SIG_DFL allowed, and
 * NULL gives a stop signal back its stop handler (after a SIG_IGN).
 */
void fk_sig_catch(int sig, void (*fn)(int));

/*
 * From now on the stop signals, and those given to fk_sig_catch(), are
 * blocked except inside fk_wait_fds()/fk_wait() (fk_wait.h) and a ppoll()
 * given fk_sig_open(): a signal just before a wait then ends that wait at once
 * instead of being missed.  Every wait of the program must then be one of
 * those (a blocking read() would not see a stop).
 */
void fk_sig_block(void);

/*
 * In a child about to exec another program: every signal fk_sig set back to
 * its default, and the mask as it was before fk_sig_block() (a mask and an
 * ignored SIGPIPE would pass on through exec).
 */
void fk_sig_child(void);

/*
 * After fk_sig_block(): run the handlers of caught signals now pending (a
 * ppoll() that found a descriptor ready did not take them); 1 if there were.
 */
int fk_sig_take_pending(void);

/* The mask for ppoll(): after fk_sig_block() the caught signals let through, before it NULL. */
const sigset_t *fk_sig_open(void);

/*
 * fn (async-signal-safe) puts back what must not outlive the program, such as
 * a serial line's settings.  In a program that leaves the stop signals at
 * their default (no fk_sig_init()), a stop signal now runs fn and then kills
 * as before; one that catches them ends in order and cleans up itself.
 */
void fk_sig_on_death(void (*fn)(void));

/*
 * "SIGTERM" for the signals atchat and pppup stop on, else "signal N", into
 * buf; returns buf.  (sigabbrev_np is glibc 2.32 and later only, not musl.)
 */
const char *fk_sig_name(int sig, char *buf, size_t len);

#endif
