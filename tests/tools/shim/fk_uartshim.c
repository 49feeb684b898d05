/*
 * LD_PRELOAD shim for tests/serial-uart.bats: gives a pseudo-terminal the
 * modem-control ioctls of a UART (TIOCMGET/TIOCMBIS/TIOCMBIC/TIOCMSET), and
 * with FK_SHIM_RS485=1 the RS-485 ones, so that libserialport accepts it.
 * A pty has no modem lines; the levels kept here are what a UART would drive.
 * FK_SHIM_NOMODEM=1 leaves them out again (a driver without TIOCMGET: the
 * pty's own ENOTTY), logged as "ioctl TIOCMGET refused lsp".
 * With FK_SHIM_LOG it appends to that file what happened and who did it
 * ("lsp" when the call came from libserialport, "app" otherwise):
 *   ioctl TIOCMBIS RTS lsp        a modem-line change
 *   tcsetattr crtscts=1 lsp       termios being set
 *   read crtscts=0 clocal=1 ...   the termios in force at each read()
 *   lines dtr=1 rts=0             the levels at exit
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/serial.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* glibc and musl declare ioctl()'s request differently. */
#ifdef __GLIBC__
typedef unsigned long ioctl_req;
#else
typedef int ioctl_req;
#endif

static int lines = TIOCM_DTR | TIOCM_RTS | TIOCM_CTS | TIOCM_DSR | TIOCM_CD;
static struct serial_rs485 rs485;
static int logged_atexit;

static const char *
who(const void *ret)
{
	Dl_info di;

	return dladdr(ret, &di) && di.dli_fname && strstr(di.dli_fname, "libserialport") ?
	    "lsp" : "app";
}

static void
say(const char *fmt, ...)
{
	const char *path = getenv("FK_SHIM_LOG");
	char buf[256];
	va_list ap;
	int fd, n;

	if (path == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(buf) - 1)
		return;
	buf[n++] = '\n';
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) == -1)
		return;
	if (write(fd, buf, (size_t)n) != n)
		n = -1;
	close(fd);
}

static void
at_exit(void)
{
	say("lines dtr=%d rts=%d", !!(lines & TIOCM_DTR), !!(lines & TIOCM_RTS));
}

static const char *
bits(int b)
{
	return b == TIOCM_RTS ? "RTS" : b == TIOCM_DTR ? "DTR" :
	    b == (TIOCM_RTS | TIOCM_DTR) ? "DTR|RTS" : "other";
}

static int
is_pty(int fd)
{
	char p[64];

	return ptsname_r(fd, p, sizeof(p)) != 0 && ttyname_r(fd, p, sizeof(p)) == 0 &&
	    strncmp(p, "/dev/pts/", 9) == 0;
}

int
ioctl(int fd, ioctl_req req, ...)
{
	static int (*real)(int, ioctl_req, ...);
	const void *ret = __builtin_return_address(0);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (real == NULL)
		real = (int (*)(int, ioctl_req, ...))dlsym(RTLD_NEXT, "ioctl");
	if (!logged_atexit++)
		atexit(at_exit);
	if (!is_pty(fd))
		return real(fd, req, arg);
	if (getenv("FK_SHIM_NOMODEM") && strcmp(getenv("FK_SHIM_NOMODEM"), "1") == 0 &&
	    (req == TIOCMGET || req == TIOCMBIS || req == TIOCMBIC || req == TIOCMSET)) {
		say("ioctl %s refused %s", req == TIOCMGET ? "TIOCMGET" : "TIOCM*", who(ret));
		return real(fd, req, arg);
	}
	switch (req) {
	case TIOCMGET:
		*(int *)arg = lines;
		say("ioctl TIOCMGET %s", who(ret));
		return 0;
	case TIOCMBIS:
		lines |= *(int *)arg & (TIOCM_DTR | TIOCM_RTS);
		say("ioctl TIOCMBIS %s %s", bits(*(int *)arg), who(ret));
		return 0;
	case TIOCMBIC:
		lines &= ~(*(int *)arg & (TIOCM_DTR | TIOCM_RTS));
		say("ioctl TIOCMBIC %s %s", bits(*(int *)arg), who(ret));
		return 0;
	case TIOCMSET:
		lines = (lines & ~(TIOCM_DTR | TIOCM_RTS)) | (*(int *)arg & (TIOCM_DTR | TIOCM_RTS));
		say("ioctl TIOCMSET %s %s", bits(*(int *)arg), who(ret));
		return 0;
	case TIOCGRS485:
	case TIOCSRS485:
		if (!getenv("FK_SHIM_RS485") || strcmp(getenv("FK_SHIM_RS485"), "1") != 0)
			break;
		if (req == TIOCSRS485) {
			rs485 = *(struct serial_rs485 *)arg;
			say("ioctl TIOCSRS485 enabled=%d rts_on_send=%d rts_after_send=%d "
			    "before=%u after=%u %s", !!(rs485.flags & SER_RS485_ENABLED),
			    !!(rs485.flags & SER_RS485_RTS_ON_SEND),
			    !!(rs485.flags & SER_RS485_RTS_AFTER_SEND),
			    rs485.delay_rts_before_send, rs485.delay_rts_after_send, who(ret));
		} else
			*(struct serial_rs485 *)arg = rs485;
		return 0;
	}
	return real(fd, req, arg);
}

static void
say_termios(const char *what, const struct termios *t, const char *by)
{
	say("%s crtscts=%d clocal=%d cs8=%d parenb=%d cstopb=%d ixon=%d ixoff=%d icanon=%d "
	    "ospeed=%u %s", what, !!(t->c_cflag & CRTSCTS), !!(t->c_cflag & CLOCAL),
	    (t->c_cflag & CSIZE) == CS8, !!(t->c_cflag & PARENB), !!(t->c_cflag & CSTOPB),
	    !!(t->c_iflag & IXON), !!(t->c_iflag & IXOFF), !!(t->c_lflag & ICANON),
	    (unsigned)cfgetospeed(t), by);
}

int
tcsetattr(int fd, int act, const struct termios *t)
{
	static int (*real)(int, int, const struct termios *);

	if (real == NULL)
		real = (int (*)(int, int, const struct termios *))dlsym(RTLD_NEXT, "tcsetattr");
	if (is_pty(fd))
		say_termios("tcsetattr", t, who(__builtin_return_address(0)));
	return real(fd, act, t);
}

ssize_t
read(int fd, void *buf, size_t n)
{
	static ssize_t (*real)(int, void *, size_t);
	struct termios t;

	if (real == NULL)
		real = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	if (is_pty(fd) && tcgetattr(fd, &t) == 0)
		say_termios("read", &t, who(__builtin_return_address(0)));
	return real(fd, buf, n);
}
