/*
 * freeport: prints a TCP port on 127.0.0.1 that nobody has bound right now, the one the
 * kernel gives a socket bound to port 0.  What fk_free_port in tests/helpers.bash runs: a
 * Python one-liner did the same, but tests pick a port hundreds of times a run and Python
 * took ten times as long to start.  A port found free can be taken before the caller binds
 * it; the servers the tests start retry on another.  Test use only.
 */
#include <arpa/inet.h>
#include <err.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fk/fk_exit.h"

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd;

	(void)argv;
	if (argc != 1)
		errx(FK_USAGE, "usage: freeport");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) == -1)
		err(FK_SOFTWARE, "freeport");
	if (printf("%u\n", ntohs(sa.sin_port)) < 0 || fflush(stdout) == EOF)
		err(FK_IO, "stdout");
	close(fd);
	return FK_OK;
}
