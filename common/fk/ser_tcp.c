#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fk_clock.h"
#include "num_parse.h"
#include "ser_tcp.h"

int
ser_tcp_is(const char *path)
{
	return strncmp(path, SER_TCP_PREFIX, strlen(SER_TCP_PREFIX)) == 0;
}

int
ser_tcp_parse(const char *path, char *host, size_t hostlen, char *port,
    size_t portlen, char *errbuf, size_t errlen)
{
	const char *h = path + strlen(SER_TCP_PREFIX), *colon, *hend;
	long long n;
	const char *why;

	if (*h == '[') {
		h++;
		if ((hend = strchr(h, ']')) == NULL || hend[1] != ':') {
			snprintf(errbuf, errlen, "expected tcp:[ADDRESS]:PORT");
			return -1;
		}
		colon = hend + 1;
	} else {
		if ((colon = strrchr(h, ':')) == NULL || memchr(h, ':', (size_t)(colon - h))) {
			snprintf(errbuf, errlen, "expected tcp:HOST:PORT (an IPv6 address in [])");
			return -1;
		}
		hend = colon;
	}
	if (hend == h || (size_t)(hend - h) >= hostlen) {
		snprintf(errbuf, errlen, "expected tcp:HOST:PORT");
		return -1;
	}
	if (num_parse(colon + 1, 1, 65535, 0, &n, &why) == -1) {
		snprintf(errbuf, errlen, "port %s: %s", colon + 1, why);
		return -1;
	}
	snprintf(host, hostlen, "%.*s", (int)(hend - h), h);
	snprintf(port, portlen, "%lld", n);
	return 0;
}

/* Find a dead converter or a dropped GPRS session within about a minute of silence. */
static void
tune(int fd)
{
	int on = 1, idle = 30, intvl = 10, cnt = 3;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	/* A request is one small write that must leave at once, not wait for an ACK. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* One address: 0 connected, -1 with errno (ETIMEDOUT past deadline, EINTR when stopped). */
static int
connect_one(int fd, const struct addrinfo *ai, long long deadline,
    ser_tcp_wait_fn *wait)
{
	socklen_t len = sizeof(int);
	int rc, e = 0;

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	/* A refused connect is "ready" with an error, which the wait may call EIO: SO_ERROR says. */
	if ((rc = wait(fd, POLLOUT, deadline)) == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (rc == -1 && errno == EINTR)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
		return -1;
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

int
ser_tcp_open(const char *path, ser_tcp_wait_fn *wait, char *errbuf,
    size_t errlen)
{
	char host[256], port[8];
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	long long deadline = fk_now_ms() + SER_TCP_CONNECT_MS;
	int fd = -1, rc, e = 0;

	if (ser_tcp_parse(path, host, sizeof(host), port, sizeof(port), errbuf, errlen) == -1)
		return -1;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(errbuf, errlen, "%s: %s", host,
		    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if (connect_one(fd, ai, deadline, wait) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
		if (e == ETIMEDOUT || e == EINTR)
			break;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		if (e == EINTR) {
			snprintf(errbuf, errlen, "connect: stopped by a signal");
			return -2;
		}
		if (e == ETIMEDOUT)
			snprintf(errbuf, errlen, "connect: no answer within %d s",
			    SER_TCP_CONNECT_MS / 1000);
		else
			snprintf(errbuf, errlen, "connect: %s", strerror(e));
		return -1;
	}
	tune(fd);
	return fd;
}

void
ser_tcp_drain(int fd)
{
	char buf[512];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

int
ser_tcp_errno(int fd)
{
	socklen_t len = sizeof(int);
	int e = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1 || e == 0)
		e = ENOLINK;
	return e;
}
