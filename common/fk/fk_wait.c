#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "fk_clock.h"
#include "fk_sig.h"
#include "fk_wait.h"

int
fk_wait_fds(struct pollfd *fds, nfds_t n, long long deadline_ms)
{
	struct timespec ts = { 0, 0 };
	long long left = deadline_ms - fk_now_ms();
	int rc;

	/* A stop taken while the signals were still open (before fk_sig_block()). */
	if (fk_sig_unseen) {
		fk_sig_unseen = 0;
		errno = EINTR;
		return -1;
	}
	if (deadline_ms != FK_WAIT_FOREVER && left > 0)
		ts = (struct timespec){ left / 1000, (left % 1000) * 1000000L };
	/* A signal pending since before the call is taken here, at once. */
	rc = ppoll(fds, n, deadline_ms == FK_WAIT_FOREVER ? NULL : &ts, fk_sig_open());
	/*
	 * Linux takes a signal in ppoll() only when it returns EINTR: with a
	 * descriptor ready (stdin from `yes`), the mask is put back first and the
	 * signal stays pending, so a busy input would keep a stop out for ever.
	 */
	if (rc > 0 && fk_sig_take_pending())
		rc = -1, errno = EINTR;
	if (rc == -1 && errno == EINTR)
		fk_sig_unseen = 0;	/* this wait has ended on it */
	return rc;
}

int
fk_wait(int fd, short ev, long long deadline_ms, short *revents)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	int rc;

	do {
		if (fk_sig_stop) {
			errno = EINTR;
			return -1;
		}
		rc = fk_wait_fds(&pfd, 1, deadline_ms);
	} while (rc == -1 && errno == EINTR);
	if (rc > 0 && revents)
		*revents = pfd.revents;
	return rc;
}
