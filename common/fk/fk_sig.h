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
 * Catch the stop signals, ignore SIGPIPE.  wake (or NULL) is called from the
 * handler after the flag is set, and must be async-signal-safe (a self-pipe).
 */
void fk_sig_init(void (*wake)(int));

/*
 * Catch sig with fn too (SIGUSR1, SIGCHLD...); SIG_IGN/SIG_DFL allowed, and
 * NULL gives a stop signal back its stop handler (after a SIG_IGN).
 */
void fk_sig_catch(int sig, void (*fn)(int));

/*
 * From now on the stop signals, and those given to fk_sig_catch(), are
 * blocked except inside fk_wait() and a ppoll() given fk_sig_open(): a signal
 * just before a wait then ends that wait at once instead of being missed.
 */
void fk_sig_block(void);

/* The mask for ppoll() after fk_sig_block(): the caught signals let through. */
const sigset_t *fk_sig_open(void);

/*
 * "SIGTERM" for the signals atchat and pppup stop on, else "signal N", into
 * buf; returns buf.  (sigabbrev_np is glibc 2.32 and later only, not musl.)
 */
const char *fk_sig_name(int sig, char *buf, size_t len);

#endif
