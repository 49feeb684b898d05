/*
 * callsim: the far end of a data call for tests.  A modem front on a
 * pseudo-terminal answers AT commands; ATD connects the line to a meter's
 * serial line (e.g. temsim's pty) until the call is hung up by ATH after the
 * +++ escape (guard time before and after), or by a DTR drop: the client's
 * last close of the line while HUPCL is set, as a UART does.  A close with
 * HUPCL clear keeps the call up for the next program.  Opens and closes of
 * the line are seen with inotify, so a quick open and close is never missed.  --log records each
 * event ("connect", "escape", "close-kept", "hangup ath", "hangup dtr").
 * Test use only.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <termios.h>
#include <unistd.h>

#include "fk/fk_cli.h"
#include "fk/fk_clock.h"
#include "fk/fk_exit.h"
#include "fk/fk_sig.h"
#include "fk/fk_wait.h"
#include "fk/num_parse.h"
#include "fk/pty_sim.h"

static const char *const usage_lines[] = {
	"callsim --link path --meter path [--guard ms] [--log file]",
	NULL
};

struct call {
	struct pty_sim ps;
	int meter;
	int up, online, echo;
	int watch, opens;	/* inotify on the line, and how many hold it open */
	long long guard_ms, last_in, last_plus;
	int plus;
	FILE *log;
	char line[256];
	size_t len;
};

static void
event(struct call *c, const char *what)
{
	if (c->log) {
		fprintf(c->log, "%s\n", what);
		fflush(c->log);
	}
}

static void
say(struct call *c, const char *text)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "\r\n%s\r\n", text);

	if (write(c->ps.master, buf, (size_t)n) == -1 && errno != EIO)
		warn("write");
}

static void
hangup(struct call *c, const char *why)
{
	char buf[32];

	c->up = c->online = 0;
	snprintf(buf, sizeof(buf), "hangup %s", why);
	event(c, buf);
}

static void
command(struct call *c)
{
	char *cmd = c->line;

	c->line[c->len] = '\0';
	c->len = 0;
	if (strncasecmp(cmd, "AT", 2) != 0)
		return;
	if (strncasecmp(cmd, "ATD", 3) == 0) {
		if (c->up) {
			say(c, "ERROR");
			return;
		}
		tcflush(c->meter, TCIFLUSH);
		c->up = c->online = 1;
		c->plus = 0;
		c->last_in = fk_now_ms();
		event(c, "connect");
		say(c, "CONNECT 9600");
	} else if (strcasecmp(cmd, "ATO") == 0 || strcasecmp(cmd, "ATO0") == 0) {
		c->online = c->up;
		say(c, c->up ? "CONNECT 9600" : "NO CARRIER");
	} else if (strcasecmp(cmd, "ATH") == 0 || strcasecmp(cmd, "ATH0") == 0) {
		if (c->up)
			hangup(c, "ath");
		say(c, "OK");
	} else {
		if (strcasecmp(cmd, "ATE0") == 0)
			c->echo = 0;
		else if (strcasecmp(cmd, "ATE1") == 0)
			c->echo = 1;
		say(c, "OK");
	}
}

/* Online bytes go to the meter; "+++" framed by guard times is watched for meanwhile. */
static void
online_byte(struct call *c, char b, long long now)
{
	if (b == '+' && (c->plus == 0 ? now - c->last_in >= c->guard_ms :
	    c->plus < 3 && now - c->last_plus < c->guard_ms)) {
		c->plus++;
		c->last_plus = now;
	} else
		c->plus = 0;
	c->last_in = now;
	if (write(c->meter, &b, 1) == -1)
		warn("meter");
}

static void
command_byte(struct call *c, char b)
{
	if (c->echo && write(c->ps.master, &b, 1) == -1 && errno != EIO)
		warn("write");
	if (b == '\r')
		command(c);
	else if (b != '\n' && c->len < sizeof(c->line) - 1)
		c->line[c->len++] = b;
}

/* The client's last close: with HUPCL set the UART would drop DTR, ending the call. */
static void
client_closed(struct call *c)
{
	struct termios t;

	if (!c->up)
		return;
	if (tcgetattr(c->ps.master, &t) == 0 && (t.c_cflag & HUPCL))
		hangup(c, "dtr");
	else
		event(c, "close-kept");
}

static void
from_client(struct call *c, long long now)
{
	char buf[512];
	ssize_t n = read(c->ps.master, buf, sizeof(buf));

	for (ssize_t i = 0; i < n; i++)
		if (c->online)
			online_byte(c, buf[i], now);
		else
			command_byte(c, buf[i]);
}

/* Count opens and closes of the line; the last close is when DTR would drop. */
static void
opens_closes(struct call *c, long long now)
{
	_Alignas(struct inotify_event) char buf[4096];
	ssize_t n = read(c->watch, buf, sizeof(buf));

	for (char *p = buf; n > 0 && p < buf + n;) {
		const struct inotify_event *e = (const void *)p;
		if (e->mask & IN_OPEN)
			c->opens++;
		if ((e->mask & (IN_CLOSE_WRITE | IN_CLOSE_NOWRITE)) && --c->opens == 0) {
			from_client(c, now);
			client_closed(c);
		}
		p += sizeof(*e) + e->len;
	}
}

static void
serve(struct call *c)
{
	char buf[512];

	while (!fk_sig_stop) {
		/* With nobody on the line the master only reports a hang-up: not polled then. */
		struct pollfd p[3] = { { .fd = c->opens ? c->ps.master : -1, .events = POLLIN },
			{ .fd = c->meter, .events = c->online ? POLLIN : 0 },
			{ .fd = c->watch, .events = POLLIN } };
		long long now;
		ssize_t n;

		if (fk_wait_fds(p, 3, fk_now_ms() + 50) == -1 && errno != EINTR)
			err(FK_IO, "poll");
		now = fk_now_ms();
		if (p[0].revents & POLLIN)
			from_client(c, now);
		if (p[2].revents & POLLIN)
			opens_closes(c, now);
		if (p[1].revents & POLLIN && (n = read(c->meter, buf, sizeof(buf))) > 0 &&
		    write(c->ps.master, buf, (size_t)n) == -1 && errno != EIO)
			warn("write");
		if (c->online && c->plus == 3 && now - c->last_plus >= c->guard_ms) {
			c->online = 0;
			c->plus = 0;
			event(c, "escape");
			say(c, "OK");
		}
	}
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "link", required_argument, NULL, 'l' },
		{ "meter", required_argument, NULL, 'm' },
		{ "guard", required_argument, NULL, 'g' },
		{ "log", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	struct call c = { .echo = 1, .guard_ms = 1000 };
	const char *link = NULL, *meter = NULL, *logpath = NULL;
	struct termios t;
	int ch;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'l': link = optarg; break;
		case 'm': meter = optarg; break;
		case 'g': c.guard_ms = num_arg("--guard", optarg, 20, 10000); break;
		case 'L': logpath = optarg; break;
		case 'h': fk_usage(usage_lines, 1);
		case 'v': fk_version();
		default: fk_usage(usage_lines, 0);
		}
	}
	if (optind != argc || link == NULL || meter == NULL)
		fk_usage(usage_lines, 0);
	fk_sig_init();
	fk_sig_block();
	if (logpath && (c.log = fopen(logpath, "a")) == NULL)
		err(FK_NODEV, "%s", logpath);
	if ((c.meter = open(meter, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) == -1)
		err(FK_NODEV, "%s", meter);
	if (tcgetattr(c.meter, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(c.meter, TCSANOW, &t);
	}
	if (pty_sim_open(&c.ps, link) == -1)
		err(FK_NODEV, "pty");
	/* A UART driver starts with HUPCL set (a pty does not): a plain close hangs up. */
	if (tcgetattr(c.ps.hold, &t) == 0) {
		t.c_cflag |= HUPCL;
		tcsetattr(c.ps.hold, TCSANOW, &t);
	}
	/* Not held open: the client's own closes must reach us, as DTR would. */
	close(c.ps.hold);
	c.ps.hold = -1;
	if ((c.watch = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) == -1 ||
	    inotify_add_watch(c.watch, c.ps.path, IN_OPEN | IN_CLOSE) == -1)
		err(FK_NODEV, "inotify: %s", c.ps.path);
	fcntl(c.ps.master, F_SETFL, fcntl(c.ps.master, F_GETFL) | O_NONBLOCK);
	serve(&c);
	pty_sim_close(&c.ps);
	close(c.meter);
	if (c.log)
		fclose(c.log);
	return 0;
}
