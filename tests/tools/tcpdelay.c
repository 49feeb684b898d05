/*
 * tcpdelay: a TCP proxy that holds every chunk for a delay each way, as a
 * serial-to-Ethernet converter or a GPRS link does, keeping the byte order.
 * With a range (--delay 100-800) each chunk gets its own delay from a seeded
 * generator, so runs repeat.  --cut-after n ends each connection after n
 * bytes toward the client (closed, or reset with --rst): a link lost
 * mid-frame.  One connection at a time.  Test use only.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fk/fk_cli.h"
#include "fk/fk_clock.h"
#include "fk/fk_exit.h"
#include "fk/fk_sig.h"
#include "fk/fk_wait.h"
#include "fk/num_parse.h"
#include "fk/ser_tcp.h"

static const char *const usage_lines[] = {
	"tcpdelay -l port -t host:port [--delay ms|min-max] [--seed n]",
	"    [--cut-after bytes] [--rst]",
	NULL
};

struct chunk {
	struct chunk *next;
	long long due;
	size_t n, off;
	char b[];
};

/* One direction: bytes read from `from` wait in the queue until due, then go to `to`. */
struct way {
	int from, to;
	struct chunk *head, *tail;
	long long last_due;
	int eof;
};

static long long dmin, dmax, cut = -1;
static int rst;
static uint64_t rng = 88172645463325252ULL;

static int
wait_up(int fd, short ev, long long deadline)
{
	return fk_wait(fd, ev, deadline, NULL);
}

static long long
delay(void)
{
	if (dmax == dmin)
		return dmin;
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return dmin + (long long)((rng * 2685821657736338717ULL) >> 33) % (dmax - dmin + 1);
}

/* Read what is there into the queue; a chunk never overtakes the one before it. */
static void
take(struct way *w)
{
	char buf[4096];
	ssize_t r = read(w->from, buf, sizeof(buf));
	struct chunk *c;

	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			w->eof = 1;
		return;
	}
	if ((c = malloc(sizeof(*c) + (size_t)r)) == NULL)
		err(FK_SOFTWARE, "malloc");
	memcpy(c->b, buf, (size_t)r);
	c->n = (size_t)r;
	c->off = 0;
	c->next = NULL;
	c->due = fk_now_ms() + delay();
	if (c->due < w->last_due)
		c->due = w->last_due;
	w->last_due = c->due;
	if (w->tail)
		w->tail->next = c;
	else
		w->head = c;
	w->tail = c;
}

/* Send what is due; returns the bytes sent, -1 when the peer is gone. */
static ssize_t
give(struct way *w, long long limit)
{
	ssize_t total = 0;

	while (w->head && w->head->due <= fk_now_ms() && limit != 0) {
		struct chunk *c = w->head;
		size_t n = c->n - c->off;
		ssize_t s;
		if (limit > 0 && (long long)n > limit)
			n = (size_t)limit;
		if ((s = send(w->to, c->b + c->off, n, MSG_NOSIGNAL)) == -1)
			return errno == EAGAIN ? total : -1;
		total += s;
		limit -= limit > 0 ? s : 0;
		if ((c->off += (size_t)s) == c->n) {
			w->head = c->next;
			if (w->head == NULL)
				w->tail = NULL;
			free(c);
		}
	}
	return total;
}

static void
drop_queue(struct way *w)
{
	while (w->head) {
		struct chunk *c = w->head;
		w->head = c->next;
		free(c);
	}
	w->tail = NULL;
}

static void
serve(int cl, const char *target)
{
	char why[256];
	int up = ser_tcp_open(target, wait_up, why, sizeof(why));
	struct way w[2] = { { .from = cl, .to = up }, { .from = up, .to = cl } };
	long long sent_down = 0;

	if (up < 0) {
		warnx("%s: %s", target + strlen(SER_TCP_PREFIX), why);
		close(cl);
		return;
	}
	while (!fk_sig_stop) {
		struct pollfd p[2] = { { .fd = cl, .events = w[0].eof ? 0 : POLLIN },
			{ .fd = up, .events = w[1].eof ? 0 : POLLIN } };
		long long wait = 200;
		ssize_t s;

		for (int i = 0; i < 2; i++)
			if (w[i].head) {
				long long d = w[i].head->due - fk_now_ms();
				wait = d < wait ? (d < 0 ? 0 : d) : wait;
			}
		if (fk_wait_fds(p, 2, fk_now_ms() + wait) == -1 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
				take(&w[i]);
		if (give(&w[0], -1) == -1)
			break;
		if ((s = give(&w[1], cut < 0 ? -1 : cut - sent_down)) == -1)
			break;
		sent_down += s;
		if (cut >= 0 && sent_down >= cut)
			break;
		/* A side that closed ends the connection once what it sent is delivered. */
		if ((w[0].eof && !w[0].head) || (w[1].eof && !w[1].head))
			break;
	}
	if (rst) {
		struct linger l = { 1, 0 };
		setsockopt(cl, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	close(cl);
	close(up);
	drop_queue(&w[0]);
	drop_queue(&w[1]);
}

static void
parse_delay(const char *s)
{
	const char *dash = strchr(s, '-'), *why;
	char lo[32];

	if (dash == NULL) {
		dmin = dmax = num_arg("--delay", s, 0, 60000);
		return;
	}
	snprintf(lo, sizeof(lo), "%.*s", (int)(dash - s), s);
	if (num_parse(lo, 0, 60000, 0, &dmin, &why) == -1)
		errx(FK_USAGE, "--delay: %s: %s", lo, why);
	dmax = num_arg("--delay", dash + 1, dmin, 60000);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "delay", required_argument, NULL, 'D' },
		{ "seed", required_argument, NULL, 's' },
		{ "cut-after", required_argument, NULL, 'c' },
		{ "rst", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char target[300] = SER_TCP_PREFIX;
	int ch, ls, on = 1;

	while ((ch = getopt_long(argc, argv, "l:t:", lo, NULL)) != -1) {
		switch (ch) {
		case 'l': sa.sin_port = htons((uint16_t)num_arg("-l", optarg, 1, 65535)); break;
		case 't': snprintf(target + strlen(SER_TCP_PREFIX), sizeof(target) - strlen(SER_TCP_PREFIX), "%s", optarg); break;
		case 'D': parse_delay(optarg); break;
		case 's': rng = (uint64_t)num_arg("--seed", optarg, 1, 1LL << 62); break;
		case 'c': cut = num_arg("--cut-after", optarg, 0, 1LL << 40); break;
		case 'r': rst = 1; break;
		case 'h': fk_usage(usage_lines, 1);
		case 'v': fk_version();
		default: fk_usage(usage_lines, 0);
		}
	}
	if (optind != argc || sa.sin_port == 0 || target[strlen(SER_TCP_PREFIX)] == '\0')
		fk_usage(usage_lines, 0);
	fk_sig_init();
	fk_sig_block();
	if ((ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1 ||
	    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == -1 || listen(ls, 4) == -1)
		err(FK_NODEV, "listen");
	while (!fk_sig_stop) {
		struct pollfd lp = { .fd = ls, .events = POLLIN };
		int cl;

		if (fk_wait_fds(&lp, 1, FK_WAIT_FOREVER) <= 0)
			continue;
		if ((cl = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				warn("accept");
			continue;
		}
		setsockopt(cl, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		serve(cl, target);
	}
	close(ls);
	return 0;
}
