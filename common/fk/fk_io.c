#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fk_io.h"
#include "fk_sig.h"
#include "fk_wait.h"

static int
wait_fd(int fd, short ev, long long deadline, volatile sig_atomic_t *stop)
{
	short rev = 0;
	int rc;

	if (stop && *stop) {
		errno = EINTR;
		return -1;
	}
	if ((rc = fk_wait(fd, ev, deadline, &rev)) > 0 && (rev & ev) == 0 &&
	    (rev & (POLLHUP | POLLERR | POLLNVAL))) {
		errno = EIO;
		return -1;
	}
	return rc;
}

int
fk_io_read_byte(int fd, long long deadline, volatile sig_atomic_t *stop,
    unsigned char *c)
{
	for (;;) {
		int rc = wait_fd(fd, POLLIN, deadline, stop);
		ssize_t n;

		if (rc <= 0)
			return rc;
		if ((n = read(fd, c, 1)) == 1)
			return 1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
	}
}

int
fk_io_write_all(int fd, const void *s, size_t n, long long timeout_ms,
    volatile sig_atomic_t *stop)
{
	const unsigned char *p = s;
	long long deadline = fk_now_ms() + timeout_ms;

	while (n > 0) {
		int rc = wait_fd(fd, POLLOUT, deadline, stop);
		ssize_t w;

		if (rc == -1)
			return -1;
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		/* A socket peer that has gone must not kill us with SIGPIPE. */
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) == -1 && errno == ENOTSOCK)
			w = write(fd, p, n);
		if (w == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void
fk_io_pause(int ms, volatile sig_atomic_t *stop)
{
	long long end = fk_now_ms() + ms;

	/* Only a stop ends it early: other signals (SIGCHLD) wait on. */
	while (!fk_sig_stop && !(stop && *stop) && fk_now_ms() < end)
		fk_wait_fds(NULL, 0, end);
}
