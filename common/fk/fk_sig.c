#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "fk_sig.h"

volatile sig_atomic_t fk_sig_stop;
volatile sig_atomic_t fk_sig_unseen;

static sigset_t caught;		/* given to fk_sig_catch() with a handler */
static int caught_ok;
static sigset_t open_mask;
static sigset_t before;		/* the mask fk_sig_block() found */
static int blocked;
static int stops_caught;	/* fk_sig_init() was called */
static void (*death_fn)(void);

static const int stops[] = { SIGINT, SIGTERM, SIGHUP };

static void
on_stop(int sig)
{
	fk_sig_stop = sig;
	fk_sig_unseen = 1;
}

/* Default action, after putting back what fk_sig_on_death() was given. */
static void
on_death(int sig)
{
	death_fn();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
set(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

void
fk_sig_init(void)
{
	stops_caught = 1;
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		set(stops[i], on_stop);
	set(SIGPIPE, SIG_IGN);
}

void
fk_sig_on_death(void (*fn)(void))
{
	struct sigaction old;

	death_fn = fn;
	if (stops_caught)
		return;
	/* One ignored by whoever started us (nohup) stays ignored. */
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		if (sigaction(stops[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			set(stops[i], on_death);
}

void
fk_sig_catch(int sig, void (*fn)(int))
{
	if (!caught_ok)
		sigemptyset(&caught);
	caught_ok = 1;
	if (fn == NULL) {
		set(sig, on_stop);
		return;
	}
	set(sig, fn);
	if (fn != SIG_IGN && fn != SIG_DFL)
		sigaddset(&caught, sig);
	else
		sigdelset(&caught, sig);
}

void
fk_sig_block(void)
{
	if (!caught_ok)
		sigemptyset(&caught);
	caught_ok = 1;
	/* Taken before blocking: what was open then is open inside a wait. */
	sigprocmask(SIG_BLOCK, NULL, &open_mask);
	before = open_mask;
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		sigdelset(&open_mask, stops[i]);
		sigaddset(&caught, stops[i]);
	}
	sigprocmask(SIG_BLOCK, &caught, NULL);
	blocked = 1;
}

void
fk_sig_child(void)
{
	/* exec resets what has a handler, not what is ignored. */
	signal(SIGPIPE, SIG_DFL);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		signal(stops[i], SIG_DFL);
	if (blocked)
		sigprocmask(SIG_SETMASK, &before, NULL);
}

int
fk_sig_take_pending(void)
{
	sigset_t pend, old;
	int any = 0;

	if (!blocked || sigpending(&pend) == -1)
		return 0;
	for (int sig = 1; sig < NSIG && !any; sig++)
		any = sigismember(&pend, sig) == 1 && sigismember(&open_mask, sig) == 0;
	if (any) {
		/* Open, the pending signals run their handlers before this returns. */
		sigprocmask(SIG_SETMASK, &open_mask, &old);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	return any;
}

const sigset_t *
fk_sig_open(void)
{
	return blocked ? &open_mask : NULL;
}

const char *
fk_sig_name(int sig, char *buf, size_t len)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
		{ SIGTERM, "SIGTERM" }, { SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" },
		{ SIGUSR1, "SIGUSR1" }, { SIGUSR2, "SIGUSR2" }, { SIGKILL, "SIGKILL" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig) {
			snprintf(buf, len, "%s", names[i].name);
			return buf;
		}
	snprintf(buf, len, "signal %d", sig);
	return buf;
}
