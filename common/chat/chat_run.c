#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "fk/fk_io.h"
#include "chat_match.h"
#include "chat_run.h"
#include "chat_secret.h"
#include "fk/num_parse.h"

#define SEND_MAX 1024		/* chat(8) reads at most this much from an @file */
#define LOG_WRAP 80		/* chat(8) logs long received lines in pieces */

struct run {
	const struct chat_cfg *cfg;
	struct chat_result *res;
	struct chat_strings aborts, reports;
	struct chat_report rep;
	char rep_stamp[32];
	struct chat_secrets secrets;
	long long timeout_ms;
	int echo;
	int step;
	struct chat_match m;
	char logbuf[LOG_WRAP + 1];	/* received text not yet logged */
	size_t loglen;
	char echobuf[256];		/* received text not yet echoed */
	size_t echolen;
	int need_lf;
};

static int
stopped(const struct run *r)
{
	return r->cfg->stop && *r->cfg->stop;
}

static void
logf_(struct run *r, const char *fmt, ...)
{
	char msg[2 * CHAT_WINDOW + 64];
	va_list ap;

	if (r->cfg->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->cfg->log(r->cfg->ctx, msg);
}

static void
vlog(struct run *r, const char *fmt, const char *arg)
{
	if (r->cfg->verbose)
		logf_(r, fmt, arg);
}

static int
fail(struct run *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->res->why, sizeof(r->res->why), fmt, ap);
	va_end(ap);
	return r->res->code = code;
}

/* Received bytes as text with NULs dropped and secrets masked. */
static char *
masked(struct run *r, const char *raw, size_t n, char *out, size_t outlen)
{
	char plain[2 * CHAT_WINDOW + 1];
	size_t k = 0;

	for (size_t i = 0; i < n && k < sizeof(plain) - 1; i++)
		if (raw[i] != '\0')
			plain[k++] = raw[i];
	plain[k] = '\0';
	return chat_mask(&r->secrets, plain, out, outlen);
}

/* The same in chat(8)'s printable form (^M) for logs and echo. */
static char *
shown(struct run *r, const char *raw, size_t n, char *out, size_t outlen)
{
	char m[2 * CHAT_WINDOW + 1];

	masked(r, raw, n, m, sizeof(m));
	return chat_visible((const unsigned char *)m, strlen(m), out, outlen);
}

static void
log_received(struct run *r)
{
	char vis[4 * LOG_WRAP + 8];

	if (r->loglen == 0)
		return;
	vlog(r, "%s", shown(r, r->logbuf, r->loglen, vis, sizeof(vis)));
	r->loglen = 0;
}

static void
echo_flush(struct run *r, int newline)
{
	char vis[4 * sizeof(r->echobuf) + 8];
	size_t k = 0, n;

	/* chat(8) does not echo carriage returns. */
	for (size_t i = 0; i < r->echolen; i++)
		if (r->echobuf[i] != '\r')
			r->echobuf[k++] = r->echobuf[i];
	if (k > 0) {
		shown(r, r->echobuf, k, vis, sizeof(vis));
		n = strlen(vis);
		if (write(r->cfg->echo_fd, vis, n) == (ssize_t)n)
			r->need_lf = 1;
	}
	r->echolen = 0;
	if (newline && write(r->cfg->echo_fd, "\n", 1) == 1)
		r->need_lf = 0;
}

/* Each received byte: the -e/-V echo and the -v trace, a line at a time so secrets can be masked. */
static void
trace_byte(struct run *r, char c)
{
	if (r->echo || r->cfg->show_input) {
		if (c == '\n')
			echo_flush(r, 1);
		else {
			if (r->echolen == sizeof(r->echobuf))
				echo_flush(r, 0);
			r->echobuf[r->echolen++] = c;
		}
	}
	if (r->cfg->verbose) {
		if (c == '\n') {
			if (r->loglen == 0)
				vlog(r, "%s", "");
			log_received(r);
		} else {
			r->logbuf[r->loglen++] = c;
			if (r->loglen >= LOG_WRAP)
				log_received(r);
		}
	}
}

static int
emit(struct run *r, struct chat_event *ev)
{
	int rc;

	ev->step = r->step;
	if (r->cfg->event == NULL || (rc = r->cfg->event(r->cfg->ctx, ev)) == 0)
		return 0;
	r->res->event_rc = rc;
	return fail(r, CHAT_STOPPED, "output stopped");
}

/* The end of a timed step: its event says how long it took (its text still in t). */
static int
step_done(struct run *r, struct chat_event *ev, long long start, struct chat_text *t, int code)
{
	ev->elapsed_ms = fk_now_ms() - start;
	if (emit(r, ev) != 0)
		code = CHAT_STOPPED;
	chat_text_free(t);
	return code;
}

static void
report_line(struct run *r)
{
	struct chat_event ev = { .type = CHAT_EV_REPORT, .text = r->rep.line };

	if (r->cfg->report) {
		fprintf(r->cfg->report, "chat:  %s%s\n", r->rep_stamp, r->rep.line);
		fflush(r->cfg->report);
	}
	emit(r, &ev);
}

static void
report_started(struct run *r)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(r->rep_stamp, sizeof(r->rep_stamp), "%b %d %H:%M:%S ", &tm);
}

/* One byte from the modem within deadline: 1, 0 at the deadline, -1 error (why set). */
static int
read_byte(struct run *r, long long deadline, unsigned char *c)
{
	int rc = fk_io_read_byte(r->cfg->in_fd, deadline, r->cfg->stop, c);

	if (rc == -1 && errno == EINTR)
		fail(r, CHAT_EIO, "interrupted by a signal");
	else if (rc == -1 && errno == EIO)
		fail(r, CHAT_EIO, "read: end of file or hang-up");
	else if (rc == -1)
		fail(r, CHAT_EIO, "read: %s", strerror(errno));
	return rc;
}

static int
write_all(struct run *r, const unsigned char *s, size_t n)
{
	if (fk_io_write_all(r->cfg->out_fd, s, n, r->timeout_ms, r->cfg->stop) == 0)
		return 0;
	if (errno == EINTR)
		return fail(r, CHAT_EIO, "interrupted by a signal");
	return fail(r, CHAT_EIO, "write: %s", strerror(errno));
}

/* Wait for one expect string; CHAT_OK when it arrived, else the failure code. */
static int
expect_one(struct run *r, const char *raw, int sub)
{
	struct chat_event ev = { .type = CHAT_EV_EXPECT, .sub = sub,
	    .timeout_ms = r->timeout_ms };
	struct chat_text t;
	char recv[2 * CHAT_WINDOW + 1], vis[4 * CHAT_WINDOW + 1];
	long long start = fk_now_ms(), deadline = start + r->timeout_ms;
	int rc = CHAT_M_MORE, code = CHAT_OK;
	size_t which = 0;
	unsigned char c;

	if (chat_clean(raw, 0, &r->cfg->env, &t) == -1)
		return fail(r, CHAT_EIO, "out of memory");
	ev.text = (const char *)t.s;
	vlog(r, "expect (%s)", chat_visible(t.s, t.len, vis, sizeof(vis)));
	chat_match_reset(&r->m);
	if (t.len > CHAT_WINDOW) {
		code = fail(r, CHAT_EPARAM, "expect string is too long");
		vlog(r, "%s", "expect string is too long");
	} else if (t.len == 0)
		vlog(r, "%s", "got it");
	while (code == CHAT_OK && t.len > 0 && rc == CHAT_M_MORE) {
		int got = read_byte(r, deadline, &c);
		if (got == 0)
			vlog(r, "%s", "alarm");	/* chat(8)'s SIGALRM handler says so */
		if (got <= 0) {
			code = got == 0 ? fail(r, CHAT_ETIMEOUT, "expect \"%s\": timed out after %g s",
			    vis, r->timeout_ms / 1000.0) : r->res->code;
			break;
		}
		c &= 0x7f;
		trace_byte(r, (char)c);
		chat_match_push(&r->m, c);
		switch (chat_report_feed(&r->rep, &r->reports, &r->m, c)) {
		case CHAT_R_STARTED: report_started(r); break;
		case CHAT_R_DONE: report_line(r); break;
		}
		rc = chat_match_check(&r->m, (const char *)t.s, &r->aborts, &which);
	}
	if (rc != CHAT_M_MORE) {
		log_received(r);
		vlog(r, "%s", rc == CHAT_M_EXPECT ? " -- got it\n" : " -- failed");
	}
	if (rc == CHAT_M_ABORT) {
		ev.abort = r->aborts.s[which];
		ev.abort_index = (int)which + 1;
		code = fail(r, CHAT_EABORT + (int)which, "expect \"%s\": aborted by \"%s\"",
		    vis, ev.abort);
	}
	if (r->echo || r->cfg->show_input)
		echo_flush(r, 0);
	ev.result = code == CHAT_OK ? "matched" : code == CHAT_ETIMEOUT ? "timeout" :
	    rc == CHAT_M_ABORT ? "aborted" : "error";
	ev.received = masked(r, (const char *)r->m.win, r->m.len, recv, sizeof(recv));
	return step_done(r, &ev, start, &t, code);
}

/* Read an @file send string; chat(8) drops one trailing newline. */
static int
send_file(struct run *r, const char *arg, char *buf, size_t len)
{
	const char *fn = arg + 1;
	FILE *f;
	size_t n;

	while (*fn == ' ' || *fn == '\t')
		fn++;
	if ((f = fopen(fn, "r")) == NULL)
		return fail(r, CHAT_EPARAM, "%s: %s", fn, strerror(errno));
	n = fread(buf, 1, len - 1, f);
	if (ferror(f)) {
		fclose(f);
		return fail(r, CHAT_EPARAM, "%s: read error", fn);
	}
	fclose(f);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

static int
send_one(struct run *r, const char *arg, int sub)
{
	struct chat_event ev = { .type = CHAT_EV_SEND, .sub = sub };
	char file[SEND_MAX], vis[4 * SEND_MAX + 8];
	const char *s = arg;
	struct chat_text t;
	long long start = fk_now_ms();
	size_t at = 0;
	int code = CHAT_OK;

	if (arg[0] == '@' && arg[1 + strspn(arg + 1, " \t")] != '\0') {
		if (send_file(r, arg, file, sizeof(file)) != 0)
			return r->res->code;
		s = file;
	}
	if (strcmp(s, "EOT") == 0)
		s = "^D\\c";
	else if (strcmp(s, "BREAK") == 0)
		s = "\\K\\c";
	if (chat_clean(s, 1, &r->cfg->env, &t) == -1)
		return fail(r, CHAT_EIO, "out of memory");
	if (t.secret && chat_secret_add(&r->secrets, t.s, t.len) == -1)
		code = fail(r, CHAT_EIO, "out of memory");
	ev.secret = t.secret;
	ev.text = t.secret ? CHAT_MASK : (const char *)t.s;
	vlog(r, "send (%s)", t.secret ? CHAT_MASK : chat_visible(t.s, t.len, vis, sizeof(vis)));
	for (size_t i = 0; code == CHAT_OK && i <= t.nops; i++) {
		size_t end = i < t.nops ? t.ops[i].at : t.len;
		if (end > at && write_all(r, t.s + at, end - at) != 0)
			code = r->res->code;
		at = end;
		if (code != CHAT_OK || i == t.nops)
			break;
		switch (t.ops[i].op) {
		case CHAT_OP_DELAY: fk_io_pause(1000, r->cfg->stop); break;
		case CHAT_OP_PAUSE: fk_io_pause(100, r->cfg->stop); break;
		case CHAT_OP_BREAK: tcsendbreak(r->cfg->out_fd, 0); break;
		}
	}
	return step_done(r, &ev, start, &t, code);
}

/* expect[-subsend-subexpect...]: each part gets the whole timeout. */
static int
expect_step(struct run *r, const char *arg)
{
	char *word = strdup(arg), *parts[64];
	size_t k;
	int code = CHAT_OK;

	if (word == NULL)
		return fail(r, CHAT_EIO, "out of memory");
	k = chat_split_sub(word, parts, sizeof(parts) / sizeof(parts[0]));
	if (k == 0) {
		struct chat_event ev = { .type = CHAT_EV_EXPECT, .text = "",
		    .result = "matched", .received = "", .timeout_ms = r->timeout_ms };
		code = emit(r, &ev);
	}
	for (size_t i = 0; i < k; i += 2) {
		if ((code = expect_one(r, parts[i], i > 0)) == CHAT_OK)
			break;
		if (i + 1 >= k || code != CHAT_ETIMEOUT)
			break;
		if ((code = send_one(r, parts[i + 1], 1)) != CHAT_OK)
			break;
	}
	if (code != CHAT_OK && code != CHAT_STOPPED && code != CHAT_EPARAM) {
		if (code >= CHAT_EABORT)
			logf_(r, "Failed (%s)", r->aborts.s[code - CHAT_EABORT]);
		else
			logf_(r, "%s", "Failed");
	}
	free(word);
	return code;
}

static int
set_step(struct run *r, const struct chat_step *st)
{
	struct chat_event ev = { .type = CHAT_EV_SET, .keyword = chat_kind_name(st->kind),
	    .text = st->arg };
	struct chat_text t;
	char vis[4 * CHAT_WINDOW + 8];
	const char *why;
	double secs;
	int code = CHAT_OK;

	if (chat_clean(st->arg, 0, &r->cfg->env, &t) == -1)
		return fail(r, CHAT_EIO, "out of memory");
	chat_visible(t.s, t.len, vis, sizeof(vis));
	switch (st->kind) {
	case CHAT_ABORT:
	case CHAT_REPORT:
		if (t.len > CHAT_WINDOW) {
			code = fail(r, CHAT_EPARAM, "%s string too long", ev.keyword);
			break;
		}
		if (chat_strings_add(st->kind == CHAT_ABORT ? &r->aborts : &r->reports,
		    (const char *)t.s) == -1)
			code = fail(r, CHAT_EIO, "out of memory");
		vlog(r, st->kind == CHAT_ABORT ? "abort on (%s)" : "report (%s)", vis);
		break;
	case CHAT_CLR_ABORT:
	case CHAT_CLR_REPORT:
		for (size_t n = chat_strings_clear(st->kind == CHAT_CLR_ABORT ?
		    &r->aborts : &r->reports, (const char *)t.s); n > 0; n--)
			vlog(r, st->kind == CHAT_CLR_ABORT ? "clear abort on (%s)" :
			    "clear report (%s)", vis);
		break;
	case CHAT_TIMEOUT:
		if (num_parse_double((const char *)t.s, 0, 86400, &secs, &why) == -1) {
			code = fail(r, CHAT_EPARAM, "TIMEOUT %s: %s", vis, why);
			break;
		}
		r->timeout_ms = secs > 0 ? (long long)(secs * 1000 + 0.5) :
		    CHAT_DEFAULT_TIMEOUT_MS;
		if (r->timeout_ms < 1)
			r->timeout_ms = 1;
		if (r->cfg->verbose)
			logf_(r, "timeout set to %g seconds", r->timeout_ms / 1000.0);
		break;
	case CHAT_ECHO:
		r->echo = strcmp(st->arg, "ON") == 0;
		break;
	case CHAT_HANGUP:
		if (r->cfg->hangup)
			r->cfg->hangup(r->cfg->ctx, strcmp(st->arg, "OFF") != 0);
		break;
	default:
		break;
	}
	chat_text_free(&t);
	if (code == CHAT_OK)
		code = emit(r, &ev);
	return code;
}

static int
say_step(struct run *r, const char *arg)
{
	struct chat_event ev = { .type = CHAT_EV_SAY };
	struct chat_text t;
	size_t n;
	int rc;

	if (chat_clean(arg, CHAT_SAY_FORM, &r->cfg->env, &t) == -1)
		return fail(r, CHAT_EIO, "out of memory");
	ev.secret = t.secret;
	ev.text = t.secret ? CHAT_MASK : (const char *)t.s;
	/* Like chat(8): its cleaned send form, carriage return included, up to any NUL. */
	n = strlen((const char *)t.s);
	if (write(r->cfg->echo_fd, t.s, n) != (ssize_t)n) {
		/* stderr gone: SAY is advisory, the script goes on. */
	}
	rc = emit(r, &ev);
	chat_text_free(&t);
	return rc;
}

/* A report still being gathered at the end may have one more second to finish. */
static void
finish_report(struct run *r)
{
	unsigned char c;

	while (r->rep.gathering) {
		if (read_byte(r, fk_now_ms() + 1000, &c) != 1 || (c & 0x7f) < 32 ||
		    (c & 0x7f) == 127 || r->rep.len >= sizeof(r->rep.line) - 1)
			break;
		r->rep.line[r->rep.len++] = (char)(c & 0x7f);
		r->rep.line[r->rep.len] = '\0';
	}
	if (r->rep.gathering) {
		r->rep.gathering = 0;
		report_line(r);
	}
}

int
chat_run(const struct chat_step *steps, size_t n, const struct chat_cfg *cfg,
    struct chat_result *res)
{
	struct run *r = calloc(1, sizeof(*r));
	struct chat_result keep;
	int code = CHAT_OK;

	memset(res, 0, sizeof(*res));
	if (r == NULL) {
		snprintf(res->why, sizeof(res->why), "out of memory");
		return res->code = CHAT_EIO;
	}
	r->cfg = cfg;
	r->res = res;
	r->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : CHAT_DEFAULT_TIMEOUT_MS;
	r->echo = cfg->echo;
	for (size_t i = 0; i < n && code == CHAT_OK; i++) {
		r->step = (int)i + 1;
		switch (steps[i].kind) {
		case CHAT_EXPECT: code = expect_step(r, steps[i].arg); break;
		case CHAT_SEND: code = send_one(r, steps[i].arg, 0); break;
		case CHAT_SAY: code = say_step(r, steps[i].arg); break;
		default: code = set_step(r, &steps[i]); break;
		}
		if (code == CHAT_OK && stopped(r))
			code = fail(r, CHAT_EIO, "interrupted by a signal");
	}
	/* Gathering the last report must not change the outcome. */
	keep = *res;
	keep.code = code;
	if (code != CHAT_STOPPED)
		finish_report(r);
	*res = keep;
	if (r->echo || cfg->show_input || r->echolen)
		echo_flush(r, 0);
	if (r->need_lf && write(cfg->echo_fd, "\n", 1) == 1)
		r->need_lf = 0;
	chat_strings_free(&r->aborts);
	chat_strings_free(&r->reports);
	chat_secrets_free(&r->secrets);
	free(r);
	return res->code = code;
}
