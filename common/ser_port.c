#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "fk_exit.h"
#include "num_parse.h"
#include "ser_port.h"
#include "ser_tcp.h"

struct ser_port {
	struct sp_port *sp;	/* NULL for pseudo-terminals, see ser_open() */
	int fd;
	int sock;	/* tcp:HOST:PORT, see ser_tcp.h: no termios, no lock */
	int baud;
	char *path;
	struct termios saved;
	struct ser_port *next;
};

const int ser_bauds[] = { 1200, 2400, 4800, 9600, 19200, 38400, 57600,
    115200, 230400, 460800, 921600, 0 };

static struct ser_port *open_ports;
static int handlers_set;

int
ser_baud_ok(long long baud)
{
	for (const int *b = ser_bauds; *b; b++)
		if (*b == baud)
			return (int)baud;
	return -1;
}

static speed_t
speed_of(int baud)
{
	switch (baud) {
	case 1200: return B1200;
	case 2400: return B2400;
	case 4800: return B4800;
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	case 230400: return B230400;
	case 460800: return B460800;
	default: return B921600;
	}
}

/* Put every open line back as we found it; safe from a signal handler. */
static void
restore_all(void)
{
	for (struct ser_port *p = open_ports; p; p = p->next)
		tcsetattr(p->fd, TCSANOW, &p->saved);
}

static void
on_signal(int sig)
{
	restore_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
set_handlers(void)
{
	struct sigaction sa, old;
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	if (handlers_set++)
		return;
	atexit(restore_all);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* A program with its own handler restores via ser_close(). */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_DFL)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

/* libserialport configures real UARTs; it declines PTYs, so termios does those. */
static int
configure_sp(struct ser_port *p, char *errbuf, size_t errlen)
{
	struct sp_port *sp;

	if (sp_get_port_by_name(p->path, &sp) != SP_OK)
		return 1;
	if (sp_open(sp, SP_MODE_READ_WRITE) != SP_OK) {
		snprintf(errbuf, errlen, "%s", sp_last_error_message());
		sp_free_port(sp);
		return -1;
	}
	if (sp_set_baudrate(sp, p->baud) != SP_OK || sp_set_bits(sp, 8) != SP_OK ||
	    sp_set_parity(sp, SP_PARITY_NONE) != SP_OK ||
	    sp_set_stopbits(sp, 1) != SP_OK ||
	    sp_set_flowcontrol(sp, SP_FLOWCONTROL_NONE) != SP_OK) {
		snprintf(errbuf, errlen, "cannot set %d 8N1: %s", p->baud,
		    sp_last_error_message());
		sp_close(sp);
		sp_free_port(sp);
		return -1;
	}
	p->sp = sp;
	return 0;
}

static int
configure_termios(struct ser_port *p, char *errbuf, size_t errlen)
{
	struct termios t = p->saved;

	cfmakeraw(&t);
	t.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS | CSIZE);
	t.c_cflag |= CS8 | CLOCAL | CREAD;
	t.c_iflag &= ~(IXON | IXOFF | IXANY);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, speed_of(p->baud));
	cfsetospeed(&t, speed_of(p->baud));
	if (tcsetattr(p->fd, TCSANOW, &t) == -1) {
		snprintf(errbuf, errlen, "cannot set %d 8N1: %s", p->baud,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int wait_fd(int fd, short ev, long long deadline);

struct ser_port *
ser_open(const char *path, int baud, int *status, char *errbuf, size_t errlen)
{
	struct ser_port *p;
	int rc;

	*status = FK_NODEV;
	if ((p = calloc(1, sizeof(*p))) == NULL || (p->path = strdup(path)) == NULL) {
		free(p);
		snprintf(errbuf, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	p->baud = baud;
	if (ser_tcp_is(path)) {
		if ((p->fd = ser_tcp_open(path, wait_fd, errbuf, errlen)) < 0) {
			*status = p->fd == -2 ? FK_SIGNAL : FK_NODEV;
			p->fd = -1;
			goto fail;
		}
		p->sock = 1;
		*status = FK_OK;
		return p;
	}
	p->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (p->fd == -1) {
		if (errno == EBUSY) {
			snprintf(errbuf, errlen, "in use by another program");
			*status = FK_LOCKED;
		} else
			snprintf(errbuf, errlen, "%s", strerror(errno));
		goto fail;
	}
	if (!isatty(p->fd)) {
		snprintf(errbuf, errlen, "not a serial line (terminal)");
		goto fail;
	}
	if (flock(p->fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(errbuf, errlen, "in use by another program");
		*status = FK_LOCKED;
		goto fail;
	}
	if (tcgetattr(p->fd, &p->saved) == -1) {
		snprintf(errbuf, errlen, "%s", strerror(errno));
		goto fail;
	}
	p->next = open_ports;
	open_ports = p;
	set_handlers();
	if ((rc = configure_sp(p, errbuf, errlen)) == 1)
		rc = configure_termios(p, errbuf, errlen);
	/* Only now: libserialport's own open above would be refused under TIOCEXCL. */
	if (rc == 0 && ioctl(p->fd, TIOCEXCL) == -1) {
		snprintf(errbuf, errlen, "cannot lock: %s", strerror(errno));
		rc = -1;
	}
	if (rc == -1) {
		ser_close(p);
		return NULL;
	}
	tcflush(p->fd, TCIOFLUSH);
	*status = FK_OK;
	return p;
fail:
	if (p->fd != -1)
		close(p->fd);
	free(p->path);
	free(p);
	return NULL;
}

void
ser_close(struct ser_port *p)
{
	struct ser_port **pp;

	if (p == NULL)
		return;
	if (p->sock) {
		close(p->fd);
		free(p->path);
		free(p);
		return;
	}
	/* Restore before leaving the restore list, so a signal in between still finds it. */
	tcsetattr(p->fd, TCSANOW, &p->saved);
	ioctl(p->fd, TIOCNXCL);
	for (pp = &open_ports; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	if (p->sp) {
		sp_close(p->sp);
		sp_free_port(p->sp);
	}
	close(p->fd);
	free(p->path);
	free(p);
}

int ser_fd(const struct ser_port *p) { return p->fd; }
const char *ser_path(const struct ser_port *p) { return p->path; }
int ser_baud(const struct ser_port *p) { return p->baud; }

void
ser_flush_input(struct ser_port *p)
{
	if (p->sock)
		ser_tcp_drain(p->fd);
	else
		tcflush(p->fd, TCIFLUSH);
}

static volatile sig_atomic_t *stop_flag;

void
ser_stop_on(volatile sig_atomic_t *flag)
{
	stop_flag = flag;
}

/* poll() until deadline; a signal ends the wait early only once the program is stopping. */
static int
wait_fd(int fd, short ev, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	int rc;

	for (;;) {
		long long left = deadline - fk_now_ms();

		rc = poll(&pfd, 1, left < 0 ? 0 : (int)left);
		if (rc != -1 || errno != EINTR)
			break;
		if (stop_flag && *stop_flag)
			return -1;
	}
	if (rc > 0 && (pfd.revents & (POLLERR | POLLNVAL))) {
		errno = EIO;
		return -1;
	}
	/* A hung-up PTY master still lets us drain what was sent. */
	if (rc > 0 && (pfd.revents & POLLHUP) && !(pfd.revents & ev)) {
		errno = EIO;
		return -1;
	}
	return rc;
}

int
ser_write(struct ser_port *p, const void *buf, size_t n, int timeout_ms)
{
	const unsigned char *b = buf;
	long long deadline = fk_now_ms() + timeout_ms;
	ssize_t w;

	while (n > 0) {
		int rc = wait_fd(p->fd, POLLOUT, deadline);
		if (rc == -1 && p->sock && errno == EIO)
			errno = ser_tcp_errno(p->fd);
		if (rc == -1)
			return -1;
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if ((w = write(p->fd, b, n)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t
ser_read(struct ser_port *p, void *buf, size_t n, int timeout_ms)
{
	long long deadline = fk_now_ms() + timeout_ms;
	ssize_t r;

	for (;;) {
		int rc = wait_fd(p->fd, POLLIN, deadline);
		if (rc == -1 && p->sock && errno == EIO)
			errno = ser_tcp_errno(p->fd);
		if (rc <= 0)
			return rc;
		r = read(p->fd, buf, n);
		if (r > 0)
			return r;
		if (r == 0 || (r == -1 && errno == EIO)) {
			errno = p->sock ? ser_tcp_errno(p->fd) : EIO;
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
	}
}

int
ser_baud_arg(const char *opt, const char *s)
{
	long long b = num_arg(opt, s, 1, 4000000);

	if (ser_baud_ok(b) == -1)
		errx(FK_USAGE, "%s: %s: not a supported baud rate", opt, s);
	return (int)b;
}

void
ser_keep_up(struct ser_port *p)
{
	struct termios t;

	if (p->sock)
		return;
	p->saved.c_cflag &= ~(tcflag_t)HUPCL;
	if (tcgetattr(p->fd, &t) == 0) {
		t.c_cflag &= ~(tcflag_t)HUPCL;
		tcsetattr(p->fd, TCSANOW, &t);
	}
}
