/* Serial line: exclusive open, raw 8N1 at a chosen baud, deadline reads, restore on exit. */
#ifndef SER_PORT_H
#define SER_PORT_H

#include <stddef.h>
#include <sys/types.h>

#include "fk_clock.h"

struct ser_port;
struct ser_line;

/* Baud rates a user may ask for; 0 terminated. */
extern const int ser_bauds[];

/* Return the baud if it is one we can set, else -1. */
int ser_baud_ok(long long baud);

/*
 * Open path exclusively and set it to raw 8N1 at baud, no flow control.
 * The line's previous settings are restored by ser_close(), at exit(), and
 * on a SIGINT/SIGTERM/SIGHUP that kills the program (fk_sig_on_death(); a
 * program catching them with fk_sig_init() ends through ser_close()).  Returns NULL with errbuf holding the reason and
 * *status an fk_exit code (FK_NODEV, FK_LOCKED).
 */
struct ser_port *ser_open(const char *path, int baud, int *status,
    char *errbuf, size_t errlen);
/*
 * The same, and then the control lines as line asks (ser_line.h; NULL for
 * the defaults): RS-485 mode, DTR and RTS.  A UART without RS-485 support
 * fails with FK_NODEV.  The path is resolved first (symlinks), so every name
 * of a device takes the same way: libserialport where it accepts the port,
 * plain termios where it does not, and in both cases raw 8N1, CLOCAL, no
 * hardware or software flow control, set by us and read back.
 */
struct ser_port *ser_open_line(const char *path, int baud, const struct ser_line *line,
    int *status, char *errbuf, size_t errlen);
void ser_close(struct ser_port *p);

int ser_fd(const struct ser_port *p);
const char *ser_path(const struct ser_port *p);
int ser_baud(const struct ser_port *p);

/* Discard anything already received (stale answers, noise). */
void ser_flush_input(struct ser_port *p);

/* Write all of buf within timeout_ms; returns 0 or -1 (errno set, ETIMEDOUT). */
int ser_write(struct ser_port *p, const void *buf, size_t n, int timeout_ms);

/*
 * Wait up to timeout_ms for at least one byte, then return what is there (up
 * to n).  Returns the count, 0 on timeout, -1 on error (EIO when the device
 * went away, EINTR at once when a stop signal came: fk_wait()).
 */
ssize_t ser_read(struct ser_port *p, void *buf, size_t n, int timeout_ms);


/*
 * Leave DTR up when the line is closed, by this program and by the next one
 * (HUPCL off now and in the settings restored on close), so that a data
 * call dialled here outlives the program.  Nothing to do for tcp: devices.
 */
void ser_keep_up(struct ser_port *p);

/* For option parsing: the baud in s, or exit with a usage error naming opt. */
int ser_baud_arg(const char *opt, const char *s);
#endif
