/*
 * Deadline I/O for the chat and AT engines: one byte at a time within a
 * deadline, whole writes.  Waits are fk_wait(): a stop signal (fk_sig) ends
 * them at once with EINTR; stop is the caller's flag besides (&fk_sig_stop or
 * NULL).
 */
#ifndef FK_IO_H
#define FK_IO_H

#include "fk_clock.h"

#include <signal.h>
#include <stddef.h>

/*
 * Wait until deadline (fk_now_ms() scale) for one byte from fd.  Reads
 * a single byte so that whatever follows a match stays in the line for the
 * next program (pppd).  Returns 1, 0 at the deadline, -1 with errno set
 * (EIO for end of file or hang-up, EINTR when *stop became nonzero).
 */
int fk_io_read_byte(int fd, long long deadline, volatile sig_atomic_t *stop,
    unsigned char *c);

/* Write all of s within timeout_ms; 0 or -1 with errno (ETIMEDOUT, EINTR on *stop). */
int fk_io_write_all(int fd, const void *s, size_t n, long long timeout_ms,
    volatile sig_atomic_t *stop);

/* Sleep ms unless a stop signal comes or *stop becomes nonzero. */
void fk_io_pause(int ms, volatile sig_atomic_t *stop);

#endif
