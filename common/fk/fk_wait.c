#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "fk_clock.h"
#include "fk_wait.h"

static volatile sig_atomic_t *stop_flag;
static sigset_t open_mask;	/* the mask inside a wait: stop signals let through */
static int have_mask;

void
fk_wait_stop_on(volatile sig_atomic_t *stop)
{
	sigset_t stops;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	if (!have_mask) {
		sigprocmask(SIG_BLOCK, &stops, &open_mask);
		sigdelset(&open_mask, SIGINT);
		sigdelset(&open_mask, SIGTERM);
		sigdelset(&open_mask, SIGHUP);
		have_mask = 1;
	}
	stop_flag = stop;
}

int
fk_wait(int fd, short ev, long long deadline_ms, short *revents)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	int rc;

	for (;;) {
		if (stop_flag && *stop_flag) {
			errno = EINTR;
			return -1;
		}
		long long left = deadline_ms - fk_now_ms();
		struct timespec ts = { 0, 0 };
		if (left > 0)
			ts = (struct timespec){ left / 1000, (left % 1000) * 1000000L };
		/* A stop signal pending since before the call is taken here, at once. */
		rc = ppoll(&pfd, 1, &ts, have_mask ? &open_mask : NULL);
		if (rc != -1 || errno != EINTR)
			break;
	}
	if (rc > 0 && revents)
		*revents = pfd.revents;
	return rc;
}
