/*
 * espboard: a peer that behaves like the ESP8266 messenger firmware on the wire.
 * Binds port 2380, sends each stdin line as one bare datagram (a C string, as
 * Udp.write(buf) does) to the access point 11.11.11.11:2380, and reads each
 * datagram the way Udp.read(packetBuffer, 255) does: at most 255 bytes, the
 * rest dropped.  Every datagram is logged on stdout as
 *   rx FROM LEN HEX [truncated SIZE] [overrun]
 * where "overrun" marks the 255-byte read after which the firmware's
 * packetBuffer[len] = 0 writes past its 255-byte buffer.  With -e it ends
 * with its input (for benchmarks: a bare sendto() per line).  Test use only.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fk/fk_cli.h"
#include "fk/fk_exit.h"
#include "fk/fk_wait.h"
#include "fk/num_parse.h"

#define BOARD_BUF 255

static const char *const usage_lines[] = {
	"espboard [-e] [-b bind_addr] [-p port] [-r remote_addr]",
	NULL
};

static void
inet_or_die(const char *s, int port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	if (inet_pton(AF_INET, s, &sa->sin_addr) != 1)
		errx(FK_USAGE, "%s: not an IPv4 address", s);
}

static void
log_datagram(int fd)
{
	unsigned char buf[BOARD_BUF];
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	char addr[INET_ADDRSTRLEN];
	ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from, &len);
	size_t got;

	if (n == -1)
		err(FK_IO, "recv");
	got = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf);
	printf("rx %s:%d %zu ", inet_ntop(AF_INET, &from.sin_addr, addr, sizeof(addr)),
	    ntohs(from.sin_port), got);
	for (size_t i = 0; i < got; i++)
		printf("%02x", buf[i]);
	if ((size_t)n > got)
		printf(" truncated %zd", n);
	if (got == BOARD_BUF)
		printf(" overrun");
	printf("\n");
	if (fflush(stdout) == EOF)
		err(FK_IO, "stdout");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *bind_addr = "0.0.0.0", *remote_addr = "11.11.11.11";
	struct sockaddr_in local, remote;
	struct pollfd pfd[2];
	static char in[4096];
	size_t have = 0;
	char *nl;
	ssize_t n;
	int ch, port = 2380, fd, end_with_input = 0;

	while ((ch = getopt_long(argc, argv, "eb:p:r:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e': end_with_input = 1; break;
		case 'b': bind_addr = optarg; break;
		case 'p': port = num_arg("-p", optarg, 1, 65535); break;
		case 'r': remote_addr = optarg; break;
		case 'h': fk_usage(usage_lines, 1);
		case 'V': fk_version();
		default: fk_usage(usage_lines, 0);
		}
	}
	if (optind != argc)
		fk_usage(usage_lines, 0);
	inet_or_die(bind_addr, port, &local);
	inet_or_die(remote_addr, port, &remote);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(FK_NODEV, "socket");
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) == -1)
		err(FK_NODEV, "%s:%d", bind_addr, port);
	pfd[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	/* Like the firmware's loop(), it never ends by itself; input ending only stops sending. */
	for (;;) {
		if (fk_wait_fds(pfd, 2, FK_WAIT_FOREVER) == -1 && errno != EINTR)
			err(FK_SOFTWARE, "poll");
		if (pfd[0].revents)
			log_datagram(fd);
		if (!pfd[1].revents)
			continue;
		/* read(), not stdio: poll cannot see lines already in a FILE buffer. */
		if ((n = read(STDIN_FILENO, in + have, sizeof(in) - 1 - have)) <= 0) {
			if (end_with_input)
				return FK_OK;
			pfd[1].fd = -1;
			continue;
		}
		have += n;
		in[have] = '\0';
		while ((nl = memchr(in, '\n', have)) != NULL) {
			*nl = '\0';
			if (sendto(fd, in, strlen(in), 0, (struct sockaddr *)&remote,
			    sizeof(remote)) == -1)
				warn("%s:%d", remote_addr, port);
			have -= nl + 1 - in;
			memmove(in, nl + 1, have);
		}
		if (have == sizeof(in) - 1)
			have = 0;	/* a line longer than any board message: dropped */
	}
}
