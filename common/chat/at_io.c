#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at_io.h"
#include "fk/fk_io.h"
#include "fk/fk_vec.h"

static int
add_line(struct at_reply *r, const char *line)
{
	return fk_strs_add(&r->lines, &r->n, line, strlen(line));
}

void
at_reply_free(struct at_reply *r)
{
	fk_strs_free(&r->lines, &r->n);
}

static int
io_error(char *why, size_t whylen, const char *what)
{
	snprintf(why, whylen, "%s: %s", what,
	    errno == EIO ? "end of file or hang-up" : strerror(errno));
	return errno == EINTR ? AT_IO_STOPPED : AT_IO_ERROR;
}

int
at_exchange(const struct at_io *io, const char *cmd, struct at_reply *r,
    char *why, size_t whylen)
{
	struct at_lines lines = { .len = 0 };
	struct at_query q;
	long long start = fk_now_ms(), deadline = start + io->timeout_ms;
	size_t n = strlen(cmd);
	char *out = malloc(n + 2);
	unsigned char c;
	int rc = AT_IO_DONE;

	memset(r, 0, sizeof(*r));
	r->err = -1;
	why[0] = '\0';
	if (out == NULL) {
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		return AT_IO_ERROR;
	}
	memcpy(out, cmd, n);
	out[n] = '\r';
	at_query_init(&q, cmd);
	if (io->trace)
		io->trace(io->ctx, 1, cmd);
	if (fk_io_write_all(io->out_fd, out, n + 1, io->timeout_ms, io->stop) == -1)
		rc = io_error(why, whylen, "write");
	free(out);
	while (rc == AT_IO_DONE && q.final == AT_NOT_FINAL) {
		int got = fk_io_read_byte(io->in_fd, deadline, io->stop, &c);

		if (got == 0) {
			rc = q.answered || at_lines_pending(&lines) ? AT_IO_TIMEOUT : AT_IO_NOANSWER;
			snprintf(why, whylen, "%s", rc == AT_IO_TIMEOUT ?
			    "answer did not finish in time" : "no answer");
			break;
		}
		if (got == -1) {
			rc = io_error(why, whylen, "read");
			break;
		}
		if (!at_lines_feed(&lines, c))
			continue;
		if (io->trace)
			io->trace(io->ctx, 0, lines.buf);
		switch (at_query_line(&q, lines.buf)) {
		case AT_LINE_ECHO:
			break;
		case AT_LINE_RESPONSE:
			if (add_line(r, lines.buf) == -1) {
				snprintf(why, whylen, "%s", strerror(ENOMEM));
				rc = AT_IO_ERROR;
			}
			break;
		case AT_LINE_URC:
			if (io->urc && io->urc(io->ctx, lines.buf) != 0) {
				snprintf(why, whylen, "output stopped");
				rc = AT_IO_STOPPED;
			}
			break;
		case AT_LINE_FINAL:
			snprintf(r->final, sizeof(r->final), "%s", lines.buf);
			break;
		}
	}
	r->kind = q.final;
	r->err = q.err;
	r->answered = q.answered;
	r->elapsed_ms = fk_now_ms() - start;
	return rc;
}
