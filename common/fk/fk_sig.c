#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "fk_sig.h"
#include "fk_wait.h"

volatile sig_atomic_t fk_sig_stop;

static void (*wake_fn)(int);
static sigset_t caught;		/* given to fk_sig_catch() with a handler */
static int caught_ok;
static sigset_t open_mask;

static void
on_stop(int sig)
{
	int e = errno;

	fk_sig_stop = sig;
	if (wake_fn)
		wake_fn(sig);
	errno = e;
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
fk_sig_init(void (*wake)(int))
{
	wake_fn = wake;
	set(SIGINT, on_stop);
	set(SIGTERM, on_stop);
	set(SIGHUP, on_stop);
	set(SIGPIPE, SIG_IGN);
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
	sigdelset(&open_mask, SIGINT);
	sigdelset(&open_mask, SIGTERM);
	sigdelset(&open_mask, SIGHUP);
	/* fk_wait() lets the stop signals through; the others stay as they were there. */
	fk_wait_stop_on(&fk_sig_stop);
	sigprocmask(SIG_BLOCK, &caught, NULL);
}

const sigset_t *
fk_sig_open(void)
{
	return &open_mask;
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
