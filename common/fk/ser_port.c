#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <limits.h>
#include <linux/serial.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "fk_exit.h"
#include "fk_io.h"
#include "fk_sig.h"
#include "fk_wait.h"
#include "num_parse.h"
#include "ser_line.h"
#include "ser_port.h"
#include "ser_tcp.h"

struct ser_port {
	struct sp_port *sp;	/* NULL when termios alone configured the line, see ser_open() */
	int fd;
	int sock;	/* tcp:HOST:PORT, see ser_tcp.h: no termios, no lock */
	int baud;
	char *path;
	struct termios saved;
	int rs485_set;		/* rs485_saved is to be put back */
	struct serial_rs485 rs485_saved;
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
	for (struct ser_port *p = open_ports; p; p = p->next) {
		tcsetattr(p->fd, TCSANOW, &p->saved);
		if (p->rs485_set)
			ioctl(p->fd, TIOCSRS485, &p->rs485_saved);
	}
}

/* Once: at exit, and on a stop signal that kills a program not catching it. */
static void
set_handlers(void)
{
	if (handlers_set++)
		return;
	atexit(restore_all);
	fk_sig_on_death(restore_all);
}

/*
 * libserialport opens and sets up what it lists as a serial port (it knows
 * the drivers).  1 when it declines or fails: a pty, a port without sysfs
 * entry, or a driver without the modem-control ioctls it needs (n_gsm lines,
 * some USB gadgets) -- plain termios then does the same job.
 */
static int
configure_sp(struct ser_port *p, const char *real)
{
	struct sp_port *sp;

	if (sp_get_port_by_name(real, &sp) != SP_OK)
		return 1;
	if (sp_open(sp, SP_MODE_READ_WRITE) != SP_OK) {
		sp_free_port(sp);
		return 1;
	}
	if (sp_set_baudrate(sp, p->baud) != SP_OK || sp_set_bits(sp, 8) != SP_OK ||
	    sp_set_parity(sp, SP_PARITY_NONE) != SP_OK ||
	    sp_set_stopbits(sp, 1) != SP_OK ||
	    sp_set_flowcontrol(sp, SP_FLOWCONTROL_NONE) != SP_OK) {
		sp_close(sp);
		sp_free_port(sp);
		return 1;
	}
	p->sp = sp;
	return 0;
}

#define OUR_CFLAG	(CSIZE | CSTOPB | PARENB | CRTSCTS | CLOCAL | CREAD)
#define OUR_IFLAG	(IXON | IXOFF | IXANY | ICRNL | INLCR | IGNCR | ISTRIP)

/*
 * What fieldkit needs, set by us whichever way the port was opened:
 * libserialport 0.1.1 clears hardware flow control in c_iflag instead of
 * c_cflag, so a port left with `stty crtscts` would keep waiting for CTS.
 */
static int
configure_termios(struct ser_port *p, char *errbuf, size_t errlen)
{
	struct termios t;

	if (tcgetattr(p->fd, &t) == -1) {
		snprintf(errbuf, errlen, "cannot read settings: %s", strerror(errno));
		return -1;
	}
	cfmakeraw(&t);
	t.c_cflag &= ~(tcflag_t)OUR_CFLAG;
	t.c_cflag |= CS8 | CLOCAL | CREAD;
	t.c_iflag &= ~(tcflag_t)OUR_IFLAG;
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, speed_of(p->baud));
	cfsetospeed(&t, speed_of(p->baud));
	if (tcsetattr(p->fd, TCSANOW, &t) == -1) {
		snprintf(errbuf, errlen, "cannot set %d 8N1: %s", p->baud, strerror(errno));
		return -1;
	}
	return 0;
}

/* tcsetattr() succeeds if any one change was taken: read back what the driver kept. */
static int
verify_termios(struct ser_port *p, char *errbuf, size_t errlen)
{
	struct termios t;
	const char *bad = NULL;

	if (tcgetattr(p->fd, &t) == -1) {
		snprintf(errbuf, errlen, "cannot read settings back: %s", strerror(errno));
		return -1;
	}
	if ((t.c_cflag & OUR_CFLAG) != (CS8 | CLOCAL | CREAD))
		bad = t.c_cflag & CRTSCTS ? "hardware flow control (CRTSCTS) stays on" :
		    "8N1 with CLOCAL was not taken";
	else if (t.c_iflag & (IXON | IXOFF | IXANY))
		bad = "software flow control (IXON/IXOFF) stays on";
	else if (t.c_lflag & (ICANON | ECHO | ISIG) || t.c_oflag & OPOST)
		bad = "raw mode was not taken";
	else if (cfgetospeed(&t) != speed_of(p->baud) || cfgetispeed(&t) != speed_of(p->baud))
		bad = "the baud rate was not taken";
	if (bad) {
		snprintf(errbuf, errlen, "settings did not hold: %s", bad);
		return -1;
	}
	return 0;
}

/*
 * DTR and RTS are raised (as the kernel does on open) so converters powered
 * from them work; a line that has no modem control (a pty) is fine unless the
 * user asked for a level, which is then read back.
 */
static int
set_modem_line(struct ser_port *p, int bit, const char *name, enum ser_level want,
    char *errbuf, size_t errlen)
{
	int b = bit, now = 0;

	if (ioctl(p->fd, want == SER_OFF ? TIOCMBIC : TIOCMBIS, &b) == -1) {
		if (want == SER_ASIS && (errno == ENOTTY || errno == EINVAL))
			return 0;
		snprintf(errbuf, errlen, "cannot set %s %s: %s", name,
		    want == SER_OFF ? "off" : "on", strerror(errno));
		return -1;
	}
	if (want != SER_ASIS && (ioctl(p->fd, TIOCMGET, &now) == -1 ||
	    !(now & bit) != (want == SER_OFF))) {
		snprintf(errbuf, errlen, "%s did not go %s", name, want == SER_OFF ? "off" : "on");
		return -1;
	}
	return 0;
}

static int
set_rs485(struct ser_port *p, const struct ser_line *l, char *errbuf, size_t errlen)
{
	struct serial_rs485 rs;

	if (ioctl(p->fd, TIOCGRS485, &p->rs485_saved) == -1) {
		snprintf(errbuf, errlen, "RS-485 mode: not supported by this UART's driver (%s)",
		    strerror(errno));
		return -1;
	}
	rs = p->rs485_saved;
	rs.flags |= SER_RS485_ENABLED | SER_RS485_RTS_ON_SEND;
	rs.flags &= ~(unsigned)(SER_RS485_RTS_AFTER_SEND | SER_RS485_RX_DURING_TX);
	rs.delay_rts_before_send = (unsigned)l->delay_before_ms;
	rs.delay_rts_after_send = (unsigned)l->delay_after_ms;
	p->rs485_set = 1;
	if (ioctl(p->fd, TIOCSRS485, &rs) == -1 || ioctl(p->fd, TIOCGRS485, &rs) == -1) {
		snprintf(errbuf, errlen, "RS-485 mode: not supported by this UART's driver (%s)",
		    strerror(errno));
		return -1;
	}
	if (!(rs.flags & SER_RS485_ENABLED) || !(rs.flags & SER_RS485_RTS_ON_SEND)) {
		snprintf(errbuf, errlen, "RS-485 mode: the driver did not take RTS-on-send");
		return -1;
	}
	return 0;
}

static int
configure_line(struct ser_port *p, const struct ser_line *l, char *errbuf, size_t errlen)
{
	if (l->rs485 && set_rs485(p, l, errbuf, errlen) == -1)
		return -1;
	if (set_modem_line(p, TIOCM_DTR, "DTR", l->dtr, errbuf, errlen) == -1)
		return -1;
	if (!l->rs485 && set_modem_line(p, TIOCM_RTS, "RTS", l->rts, errbuf, errlen) == -1)
		return -1;
	return 0;
}

static int wait_fd(int fd, short ev, long long deadline);

static struct ser_port *
port_new(const char *path, int baud, char *errbuf, size_t errlen)
{
	struct ser_port *p;

	if ((p = calloc(1, sizeof(*p))) == NULL || (p->path = strdup(path)) == NULL) {
		free(p);
		snprintf(errbuf, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	p->fd = -1;
	p->baud = baud;
	return p;
}

/*
 * The last step of every way out: a port not opened (fd negative, as the
 * openers report failure), a socket, or a line already restored.
 */
static void
port_free(struct ser_port *p)
{
	if (p->fd >= 0)
		close(p->fd);
	free(p->path);
	free(p);
}

/* tcp:HOST:PORT: a socket in place of a terminal; the line's settings are the converter's. */
static struct ser_port *
open_tcp(const char *path, int baud, const struct ser_line *line, int *status,
    char *errbuf, size_t errlen)
{
	struct ser_port *p;

	/* Not silently dropped: the converter's own settings would differ from what was asked. */
	if (line && (line->rs485 || line->rts != SER_ASIS || line->dtr != SER_ASIS)) {
		snprintf(errbuf, errlen, "--rs485, --rts and --dtr are set in the converter, not over TCP");
		return NULL;
	}
	if ((p = port_new(path, baud, errbuf, errlen)) == NULL)
		return NULL;
	p->sock = 1;
	if ((p->fd = ser_tcp_open(path, wait_fd, errbuf, errlen)) < 0) {
		*status = p->fd == -2 ? FK_SIGNAL : FK_NODEV;
		port_free(p);
		return NULL;
	}
	*status = FK_OK;
	return p;
}

struct ser_port *
ser_open(const char *path, int baud, int *status, char *errbuf, size_t errlen)
{
	return ser_open_line(path, baud, NULL, status, errbuf, errlen);
}

struct ser_port *
ser_open_line(const char *path, int baud, const struct ser_line *line, int *status,
    char *errbuf, size_t errlen)
{
	struct ser_port *p;
	struct ser_line dflt;
	char real[PATH_MAX];
	int rc;

	*status = FK_NODEV;
	if (ser_tcp_is(path))
		return open_tcp(path, baud, line, status, errbuf, errlen);
	if (line == NULL) {
		ser_line_init(&dflt);
		line = &dflt;
	}
	/* /dev/serial/by-id/... and the ttyUSB0 it names must take the same way. */
	if (realpath(path, real) == NULL) {
		snprintf(errbuf, errlen, "%s", strerror(errno));
		return NULL;
	}
	if ((p = port_new(path, baud, errbuf, errlen)) == NULL)
		return NULL;
	p->fd = open(real, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
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
	configure_sp(p, real);
	rc = configure_termios(p, errbuf, errlen);
	if (rc == 0)
		rc = verify_termios(p, errbuf, errlen);
	if (rc == 0)
		rc = configure_line(p, line, errbuf, errlen);
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
	port_free(p);
	return NULL;
}

void
ser_close(struct ser_port *p)
{
	struct ser_port **pp;

	if (p == NULL)
		return;
	if (p->sock) {
		port_free(p);
		return;
	}
	/* Restore before leaving the restore list, so a signal in between still finds it. */
	tcsetattr(p->fd, TCSANOW, &p->saved);
	if (p->rs485_set)
		ioctl(p->fd, TIOCSRS485, &p->rs485_saved);
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
	port_free(p);
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

/* fk_wait() until deadline; a stop signal ends it at once (EINTR). */
static int
wait_fd(int fd, short ev, long long deadline)
{
	short rev = 0;
	int rc = fk_wait(fd, ev, deadline, &rev);

	if (rc > 0 && (rev & (POLLERR | POLLNVAL))) {
		errno = EIO;
		return -1;
	}
	/* A hung-up PTY master still lets us drain what was sent. */
	if (rc > 0 && (rev & POLLHUP) && !(rev & ev)) {
		errno = EIO;
		return -1;
	}
	return rc;
}

int
ser_write(struct ser_port *p, const void *buf, size_t n, int timeout_ms)
{
	int rc = fk_io_write_all(p->fd, buf, n, timeout_ms, NULL);

	if (rc == -1 && p->sock && errno == EIO)
		errno = ser_tcp_errno(p->fd);
	return rc;
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
