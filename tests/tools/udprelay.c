/*
 * udprelay: forwards datagrams between clients and one target, dropping a given
 * share of them each way with a seeded generator, so loss is repeatable.
 * Each client gets its own upstream socket, so answers find their way back.
 * On SIGTERM/SIGINT prints its counts on stderr and exits 0.  Test use only.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fk/fk_cli.h"
#include "fk/fk_exit.h"
#include "fk/fk_sig.h"
#include "fk/fk_wait.h"
#include "fk/num_parse.h"

#define CLIENTS 64

static const char *const usage_lines[] = {
	"udprelay -l listen_addr:port -t target_addr:port [--loss percent] [--seed n]",
	NULL
};

struct client {
	struct sockaddr_in addr;
	int fd;
};

static uint64_t rng;
static double loss;
static long long passed[2], dropped[2];	/* [0] toward the target, [1] back */

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static int
drop(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0 <
	    loss / 100;
}

static void
addr_port(const char *s, struct sockaddr_in *sa)
{
	const char *colon = strrchr(s, ':');
	char host[64];

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		errx(FK_USAGE, "%s: expected addr:port", s);
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(num_arg("port", colon + 1, 1, 65535));
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		errx(FK_USAGE, "%s: not an IPv4 address", host);
}

static void
pass(int dir, int fd, const void *buf, size_t n, const struct sockaddr_in *to)
{
	if (drop()) {
		dropped[dir]++;
		return;
	}
	passed[dir]++;
	if (sendto(fd, buf, n, 0, (const struct sockaddr *)to, to ? sizeof(*to) : 0) == -1)
		warn("send");
}

static struct client *
client_for(struct client *c, int *nc, const struct sockaddr_in *from,
    const struct sockaddr_in *target)
{
	for (int i = 0; i < *nc; i++)
		if (c[i].addr.sin_addr.s_addr == from->sin_addr.s_addr &&
		    c[i].addr.sin_port == from->sin_port)
			return &c[i];
	if (*nc == CLIENTS)
		return NULL;
	c[*nc].addr = *from;
	if ((c[*nc].fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    connect(c[*nc].fd, (const struct sockaddr *)target, sizeof(*target)) == -1)
		err(FK_IO, "upstream socket");
	return &c[(*nc)++];
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "loss", required_argument, NULL, 'L' },
		{ "seed", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static struct client cl[CLIENTS];
	static unsigned char buf[65536];
	struct pollfd pfd[CLIENTS + 1];
	struct sockaddr_in listen_at = { 0 }, target = { 0 }, from;
	socklen_t len;
	struct client *c;
	ssize_t n;
	int ch, fd, nc = 0;

	rng = 1;
	while ((ch = getopt_long(argc, argv, "l:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': addr_port(optarg, &listen_at); break;
		case 't': addr_port(optarg, &target); break;
		case 'L': loss = num_arg_double("--loss", optarg, 0, 100); break;
		case 'S': rng = num_arg("--seed", optarg, 1, INT64_MAX); break;
		case 'h': fk_usage(usage_lines, 1);
		case 'V': fk_version();
		default: fk_usage(usage_lines, 0);
		}
	}
	if (optind != argc || listen_at.sin_port == 0 || target.sin_port == 0)
		fk_usage(usage_lines, 0);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&listen_at, sizeof(listen_at)) == -1)
		err(FK_NODEV, "listen socket");
	/* Stops are taken only in the wait, so one is never missed between the check and it. */
	fk_sig_init();
	fk_sig_block();
	while (!fk_sig_stop) {
		pfd[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
		for (int i = 0; i < nc; i++)
			pfd[i + 1] = (struct pollfd){ .fd = cl[i].fd, .events = POLLIN };
		if (fk_wait_fds(pfd, (nfds_t)nc + 1, FK_WAIT_FOREVER) == -1) {
			if (errno == EINTR)
				continue;
			err(FK_SOFTWARE, "poll");
		}
		for (int i = 0; i < nc; i++)
			if (pfd[i + 1].revents && (n = recv(cl[i].fd, buf, sizeof(buf), 0)) >= 0)
				pass(1, fd, buf, n, &cl[i].addr);
		if (pfd[0].revents) {
			len = sizeof(from);
			if ((n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len)) >= 0 &&
			    (c = client_for(cl, &nc, &from, &target)) != NULL)
				pass(0, c->fd, buf, n, NULL);
		}
	}
	fprintf(stderr, "udprelay: to target %lld passed %lld dropped, back %lld passed %lld dropped\n",
	    passed[0], dropped[0], passed[1], dropped[1]);
	return FK_OK;
}
