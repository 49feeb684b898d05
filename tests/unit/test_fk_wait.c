#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "check.h"
#include "fk/fk_clock.h"
#include "fk/fk_wait.h"

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(void)
{
	struct sigaction sa = { .sa_handler = on_term };
	int p[2];
	short rev = 0;

	CHECK_INT(pipe(p), 0);
	sigaction(SIGTERM, &sa, NULL);
	fk_wait_stop_on(&stop);
	/* Ready and deadline work as poll(). */
	CHECK_INT(fk_wait(p[0], POLLIN, fk_now_ms() + 20, &rev), 0);
	CHECK_INT(write(p[1], "x", 1), 1);
	CHECK_INT(fk_wait(p[0], POLLIN, fk_now_ms() + 5000, &rev), 1);
	CHECK(rev & POLLIN);
	CHECK_INT(read(p[0], &rev, 1), 1);
	/*
	 * The race: SIGTERM arrives after the caller last looked at its flag
	 * and before the wait starts.  Blocked there, it stays pending and ends
	 * the wait at once; with plain poll() the wait would run to its
	 * deadline (60 s) and return 0.
	 */
	raise(SIGTERM);
	CHECK_INT(stop, 0);
	errno = 0;
	CHECK_INT(fk_wait(p[0], POLLIN, fk_now_ms() + 60000, &rev), -1);
	CHECK_INT(errno, EINTR);
	CHECK_INT(stop, 1);
	/* Once stopping, every later wait ends at once too. */
	CHECK_INT(fk_wait(p[0], POLLIN, fk_now_ms() + 60000, &rev), -1);
	return check_done();
}
