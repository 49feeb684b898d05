/*
 * Meter lines reached over TCP (serial-to-Ethernet converters in "TCP
 * server" mode, GPRS modems carrying the line transparently): the device
 * name tcp:HOST:PORT opens a raw TCP connection that ser_port.c then reads
 * and writes like a serial line.
 */
#ifndef SER_TCP_H
#define SER_TCP_H

#include <stddef.h>

#define SER_TCP_PREFIX		"tcp:"
#define SER_TCP_CONNECT_MS	10000	/* a GPRS link may take seconds to set up */

/* Is path a tcp:HOST:PORT device name? */
int ser_tcp_is(const char *path);

/*
 * Split "tcp:HOST:PORT" (HOST may be [v6]) into host and port.
 * 0, or -1 with errbuf saying what is wrong.
 */
int ser_tcp_parse(const char *path, char *host, size_t hostlen, char *port,
    size_t portlen, char *errbuf, size_t errlen);

/*
 * The caller's way to wait for a descriptor, so that its stop signals end a
 * connect as they end a read: 1 ready (or failed, see SO_ERROR), 0 at the
 * deadline (fk_now_ms() clock), -1 with errno (EINTR: the program stops).
 */
typedef int ser_tcp_wait_fn(int fd, short ev, long long deadline);

/*
 * Connect to path within SER_TCP_CONNECT_MS, with keepalive and no Nagle
 * delay.  The non-blocking socket, or -1 with errbuf holding the reason
 * (-2 when the wait was stopped).
 */
int ser_tcp_open(const char *path, ser_tcp_wait_fn *wait, char *errbuf,
    size_t errlen);

/* Discard what has arrived so far, without waiting and without eating an EOF. */
void ser_tcp_drain(int fd);

/* Why a read on the socket ended: its pending error, else ENOLINK (peer closed). */
int ser_tcp_errno(int fd);

#endif
