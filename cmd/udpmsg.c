/* udpmsg: messages as UDP datagrams, plain for ESP8266 boards or confirmed between PC peers. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fk/fk_cli.h"
#include "fk/fk_clock.h"
#include "fk/fk_exit.h"
#include "fk/fk_lines.h"
#include "fk/fk_sig.h"
#include "fk/fk_wait.h"
#include "fk/jsonl.h"
#include "fk/num_parse.h"
#include "udp/udp_dedup.h"
#include "udp/udp_sendq.h"
#include "udp/udp_text.h"
#include "udp/udp_wire.h"

#define LINE_LIMIT (1 << 20)	/* longest input line taken, even with --split */
#define READ_CHUNK (64 << 10)
#define ADDR_NAME UDP_DEDUP_KEY	/* "[v6%scope]:port" fits */

static const char *const usage_lines[] = {
	"udpmsg send [-p port] [-s src_addr] [--split] [--ack] [--retries n]",
	"       [--timeout ms] [--window n] host [message ...]",
	"udpmsg listen [-p port] [-b bind_addr] [--reply text]",
	"udpmsg chat [-p port] [-b bind_addr] [--split] [--ack] [--retries n]",
	"       [--timeout ms] [--window n] host",
	NULL
};

enum cmd { SEND, LISTEN, CHAT };
enum { O_ACK = 256, O_RETRIES, O_TIMEOUT, O_WINDOW, O_SPLIT, O_REPLY };

static const struct option longopts[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "source", required_argument, NULL, 's' },
	{ "bind", required_argument, NULL, 'b' },
	{ "ack", no_argument, NULL, O_ACK },
	{ "retries", required_argument, NULL, O_RETRIES },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "window", required_argument, NULL, O_WINDOW },
	{ "split", no_argument, NULL, O_SPLIT },
	{ "reply", required_argument, NULL, O_REPLY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	enum cmd cmd;
	const char *host, *src, *bind, *reply;
	int port, ack, retries, window, split;
	long long timeout_ms;
	char **msgs;
	int nmsgs;
	unsigned given;		/* 1 << index in longopts of each option seen */
};

/* The line being cut into datagrams, and stdin's bytes not yet taken. */
struct input {
	char **args;
	int nargs, argi;
	struct fk_lines lines;
	int eof, too_long;
	const unsigned char *msg;
	size_t msg_len, msg_off;
	long long tag;
};

struct ctx {
	const struct opts *o;
	int fd;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	char peer_name[ADDR_NAME];
	unsigned char *buf;	/* one received datagram */
	char *text, *hex;	/* its renderings */
	struct udp_dedup *seen;
	struct udp_sendq q;
	uint32_t session, next_id;
	struct input in;
	long long sent, confirmed, failed, refused;
	int send_errno;
};

enum { FEED_MORE, FEED_FULL, FEED_END };
enum { GO_ON = -1 };	/* status meaning "not finished"; anything else ends the run */

static const char *
addr_name(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE], serv[8];

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(out, outlen, "?");
	else if (sa->sa_family == AF_INET6)
		snprintf(out, outlen, "[%s]:%s", host, serv);
	else
		snprintf(out, outlen, "%s:%s", host, serv);
	return out;
}

/* host (NULL: the wildcard of family) and port as a socket address, or warn and -1. */
static int
resolve(const char *host, int port, int family, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct addrinfo hints = { 0 }, *ai;
	char serv[8];
	int e;

	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV | (host == NULL ? AI_PASSIVE : 0);
	snprintf(serv, sizeof(serv), "%d", port);
	if ((e = getaddrinfo(host, serv, &hints, &ai)) != 0) {
		warnx("%s: %s", host ? host : "*", gai_strerror(e));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* The socket, bound where the subcommand listens (or sends from), the peer resolved. */
static int
open_socket(struct ctx *c)
{
	const struct opts *o = c->o;
	struct sockaddr_storage local;
	socklen_t local_len;
	const char *where = o->cmd == SEND ? o->src : o->bind;
	int bound = o->cmd != SEND || where != NULL;
	int family = AF_INET, fd, rcvbuf = 1 << 20;
	char name[ADDR_NAME];

	if (o->cmd != LISTEN) {
		if (resolve(o->host, o->port, AF_UNSPEC, &c->peer, &c->peer_len) == -1)
			return -1;
		family = c->peer.ss_family;
		addr_name((struct sockaddr *)&c->peer, c->peer_len, c->peer_name,
		    sizeof(c->peer_name));
	}
	if (bound) {
		if (resolve(where, o->cmd == SEND ? 0 : o->port, o->cmd == LISTEN && where ?
		    AF_UNSPEC : family, &local, &local_len) == -1)
			return -1;
		family = local.ss_family;
	}
	if ((fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		warn("socket");
		return -1;
	}
	/* Bursts from a pipe or a relay must not overflow the default buffer. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bound && bind(fd, (struct sockaddr *)&local, local_len) == -1) {
		warn("%s", addr_name((struct sockaddr *)&local, local_len, name, sizeof(name)));
		close(fd);
		return -1;
	}
	return fd;
}

/* GO_ON, FK_OK when the reader has gone, FK_IO on a write error. */
static int
emit(cJSON *obj)
{
	int rc = jsonl_emit(stdout, obj);

	if (rc == FK_IO)
		warn("stdout");
	return rc == 0 ? GO_ON : rc == JSONL_GONE ? FK_OK : rc;
}

static void
add_time(cJSON *obj)
{
	struct timespec ts;
	char t[40];

	clock_gettime(CLOCK_REALTIME, &ts);
	cJSON_AddStringToObject(obj, "time", fk_clock_utc_ms(t, sizeof(t), &ts));
}

/* One JSON line for a received datagram; the text is exact unless "hex" is given. */
static int
report(struct ctx *c, const char *from, const struct udp_frame *f, size_t full)
{
	cJSON *obj = cJSON_CreateObject();
	int exact = udp_text_render(f->msg, f->len, c->text);

	add_time(obj);
	cJSON_AddStringToObject(obj, "from", from);
	if (f->kind == UDP_DATA)
		cJSON_AddNumberToObject(obj, "id", f->id);
	cJSON_AddStringToObject(obj, "text", c->text);
	if (!exact)
		cJSON_AddStringToObject(obj, "hex", udp_text_hex(f->msg, f->len, c->hex));
	cJSON_AddNumberToObject(obj, "bytes", full - (f->msg - c->buf));
	if (f->len > UDP_MSG_MAX)
		cJSON_AddTrueToObject(obj, "oversize");
	if (f->kind == UDP_MALFORMED)
		cJSON_AddStringToObject(obj, "error", f->why);
	else if (full > UDP_DGRAM_MAX)
		cJSON_AddStringToObject(obj, "error", "truncated to 65536 bytes");
	return emit(obj);
}

/* Report a datagram, then confirm it: a confirmation promises it reached stdout. */
static int
receive(struct ctx *c, size_t full, const struct sockaddr *from, socklen_t from_len)
{
	struct udp_frame f;
	unsigned char ack[UDP_WIRE_HDR];
	char name[ADDR_NAME];
	int rc;

	udp_wire_parse(c->buf, full < UDP_DGRAM_MAX ? full : UDP_DGRAM_MAX, &f);
	addr_name(from, from_len, name, sizeof(name));
	if (f.kind == UDP_ACK)
		return GO_ON;	/* a late or foreign confirmation: nothing waits for it */
	if (f.kind == UDP_DATA && udp_dedup_seen(c->seen, name, f.session, f.id))
		rc = GO_ON;
	else if ((rc = report(c, name, &f, full)) != GO_ON)
		return rc;
	/* A lost confirmation or reply is resent by the peer's retry, so errors pass. */
	if (f.kind == UDP_DATA) {
		udp_dedup_mark(c->seen, name, f.session, f.id);
		sendto(c->fd, ack, udp_wire_ack(ack, f.session, f.id), 0, from, from_len);
	} else if (f.kind == UDP_PLAIN && c->o->reply != NULL)
		sendto(c->fd, c->o->reply, strlen(c->o->reply), 0, from, from_len);
	return rc;
}

static int
outcome(struct ctx *c, const struct udp_outcome *oc)
{
	cJSON *obj = cJSON_CreateObject();

	if (oc->confirmed)
		c->confirmed++;
	else
		c->failed++;
	add_time(obj);
	cJSON_AddStringToObject(obj, "to", c->peer_name);
	cJSON_AddNumberToObject(obj, "id", oc->id);
	if (c->in.args == NULL)
		cJSON_AddNumberToObject(obj, "line", oc->tag);
	cJSON_AddNumberToObject(obj, "bytes", oc->msg_len);
	cJSON_AddBoolToObject(obj, "confirmed", oc->confirmed);
	cJSON_AddNumberToObject(obj, "attempts", oc->attempts);
	if (oc->confirmed)
		jsonl_add_num(obj, "latency_ms", oc->latency_us / 1000.0, 3);
	return emit(obj);
}

/*
 * Read what waits on the socket: confirmations for us, messages to report (chat,
 * listen).  A batch at a time, so a flood cannot keep the loop from its stop check.
 */
static int
drain(struct ctx *c)
{
	struct sockaddr_storage from;
	socklen_t from_len;
	struct udp_frame f;
	struct udp_outcome oc;
	ssize_t n;
	int rc;

	for (int batch = 0; batch < 64; batch++) {
		from_len = sizeof(from);
		n = recvfrom(c->fd, c->buf, UDP_DGRAM_MAX, MSG_DONTWAIT | MSG_TRUNC,
		    (struct sockaddr *)&from, &from_len);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return GO_ON;
		if (n == -1 && (errno == EINTR || errno == ECONNREFUSED))
			continue;
		if (n == -1) {
			warn("%s: receive", c->peer_name[0] ? c->peer_name : "socket");
			return FK_IO;
		}
		udp_wire_parse(c->buf, n < UDP_DGRAM_MAX ? (size_t)n : UDP_DGRAM_MAX, &f);
		rc = GO_ON;
		if (c->o->ack && f.kind == UDP_ACK && f.session == c->session) {
			if (udp_sendq_ack(&c->q, f.id, fk_now_us(), &oc))
				rc = outcome(c, &oc);
		} else if (c->o->cmd != SEND)
			rc = receive(c, n, (struct sockaddr *)&from, from_len);
		if (rc != GO_ON)
			return rc;
	}
	return GO_ON;
}

/* Take the next whole message from the arguments or stdin: 1, 0 (need input), -1 (end). */
static int
next_message(struct input *in)
{
	char *line;
	int rc;

	in->msg_off = 0;
	in->too_long = 0;
	if (in->args != NULL) {
		if (in->argi == in->nargs)
			return -1;
		in->msg = (const unsigned char *)in->args[in->argi];
		in->msg_len = strlen(in->args[in->argi]);
		in->tag = ++in->argi;
		return 1;
	}
	rc = fk_lines_next(&in->lines, in->eof, &line, &in->msg_len);
	if (rc == FK_LINES_MORE || rc == FK_LINES_END)
		return rc == FK_LINES_MORE ? 0 : -1;
	in->msg = (const unsigned char *)line;
	in->too_long = rc == FK_LINES_LONG;
	in->tag = (long long)in->lines.lineno;
	return 1;
}

/* Refuse what a board or a confirmed-mode receiver would mangle; 1 when it may go. */
static int
acceptable(struct ctx *c)
{
	struct input *in = &c->in;
	const char *what = in->args ? "message" : "line";

	if (in->too_long)
		warnx("%s %lld: longer than %d bytes", what, in->tag, LINE_LIMIT);
	else if (in->msg_len == 0)
		return 0;
	else if (in->msg_len > UDP_MSG_MAX && !c->o->split)
		warnx("%s %lld: %zu bytes, more than %d (see --split)", what, in->tag,
		    in->msg_len, UDP_MSG_MAX);
	else if (!c->o->ack && udp_wire_looks_framed(in->msg, in->msg_len))
		warnx("%s %lld: starts with the confirmed-mode magic 00 55 4d (see --ack)",
		    what, in->tag);
	else
		return 1;
	c->refused++;
	return 0;
}

/* Hand messages to the wire (plain) or the window (confirmed) until input or room runs out. */
static int
feed(struct ctx *c, int *status)
{
	struct input *in = &c->in;
	unsigned char frame[UDP_WIRE_HDR + UDP_MSG_MAX];
	const unsigned char *p;
	size_t n;
	int r;

	for (;;) {
		if (in->msg == NULL) {
			if ((r = next_message(in)) <= 0)
				return r == 0 ? FEED_MORE : FEED_END;
			if (!acceptable(c)) {
				in->msg = NULL;
				continue;
			}
		}
		if (c->o->ack && udp_sendq_full(&c->q))
			return FEED_FULL;
		p = in->msg + in->msg_off;
		n = udp_text_cut(p, in->msg_len - in->msg_off, UDP_MSG_MAX);
		if ((in->msg_off += n) == in->msg_len)
			in->msg = NULL;
		c->sent++;
		if (c->o->ack) {
			udp_sendq_add(&c->q, c->next_id, in->tag, frame,
			    udp_wire_data(frame, c->session, c->next_id, p, n), n, fk_now_us());
			c->next_id++;
		} else if (sendto(c->fd, p, n, 0, (struct sockaddr *)&c->peer,
		    c->peer_len) == -1) {
			warn("%s", c->peer_name);
			*status = FK_IO;
			return FEED_END;
		}
	}
}

/* Send what is due, give up on what ran out of retries. */
static int
pump(struct ctx *c)
{
	struct udp_slot *s;
	struct udp_outcome oc;
	long long now = fk_now_us();
	int rc = GO_ON;

	while ((s = udp_sendq_due(&c->q, now)) != NULL)
		if (sendto(c->fd, s->frame, s->frame_len, 0, (struct sockaddr *)&c->peer,
		    c->peer_len) == -1)
			c->send_errno = errno;
	while (rc == GO_ON && udp_sendq_expire(&c->q, now, &oc))
		rc = outcome(c, &oc);
	return rc;
}

static int
read_input(struct input *in)
{
	size_t room;
	char *to = fk_lines_room(&in->lines, &room);
	ssize_t n = read(STDIN_FILENO, to, room);

	if (n == -1 && errno != EINTR && errno != EAGAIN) {
		warn("stdin");
		return FK_IO;
	}
	if (n == 0)
		in->eof = 1;
	fk_lines_put(&in->lines, n > 0 ? (size_t)n : 0);
	return GO_ON;
}

static int
summary(struct ctx *c)
{
	if (c->failed > 0 && c->confirmed == 0)
		warnx("%s: no answer: none of %lld messages confirmed%s%s", c->peer_name,
		    c->failed, c->send_errno ? ": " : "",
		    c->send_errno ? strerror(c->send_errno) : "");
	else if (c->failed > 0)
		warnx("%s: %lld of %lld messages not confirmed", c->peer_name, c->failed,
		    c->sent);
	if (c->failed > 0 && c->confirmed == 0)
		return FK_NOANSWER;
	return c->failed > 0 || c->refused > 0 ? FK_PARTIAL : FK_OK;
}

/* The event loop of every subcommand: input to the peer, datagrams from anyone. */
static int
run(struct ctx *c)
{
	struct pollfd pfd[2];
	long long wait, deadline;
	int status = GO_ON, fed, rc;

	for (;;) {
		fed = c->o->cmd == LISTEN ? FEED_MORE : feed(c, &status);
		if (status != GO_ON || (c->o->ack && (status = pump(c)) != GO_ON))
			return status;
		if (fed == FEED_END && udp_sendq_empty(&c->q))
			return summary(c);
		pfd[0] = (struct pollfd){ .fd = c->o->ack || c->o->cmd != SEND ? c->fd : -1,
		    .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = fed == FEED_MORE && c->o->cmd != LISTEN ?
		    STDIN_FILENO : -1, .events = POLLIN };
		/* Rounded up: a wake-up before the resend is due would only spin. */
		deadline = (wait = udp_sendq_wait(&c->q, fk_now_us())) >= 0 ?
		    fk_now_ms() + (wait + 999) / 1000 : FK_WAIT_FOREVER;
		if (fk_wait_fds(pfd, 2, deadline) == -1 && errno != EINTR)
			err(FK_SOFTWARE, "poll");
		if (fk_sig_stop) {
			if (!udp_sendq_empty(&c->q))
				warnx("stopped with %d messages not yet confirmed", c->q.used);
			return c->o->cmd == SEND || !udp_sendq_empty(&c->q) ? FK_SIGNAL : FK_OK;
		}
		if (pfd[0].revents && (rc = drain(c)) != GO_ON)
			return rc;
		if (pfd[1].revents && (rc = read_input(&c->in)) != GO_ON)
			return rc;
	}
}

static void
ctx_init(struct ctx *c)
{
	const struct opts *o = c->o;

	c->in = (struct input){ .args = o->nmsgs > 0 ? o->msgs : NULL, .nargs = o->nmsgs };
	/* A fresh session per run keeps a receiver from taking our id 1 for an old run's. */
	if (getrandom(&c->session, sizeof(c->session), 0) != sizeof(c->session))
		c->session = (uint32_t)fk_now_us() ^ (uint32_t)getpid() << 16;
	if (!(c->buf = malloc(UDP_DGRAM_MAX)) || !(c->text = malloc(3 * UDP_DGRAM_MAX + 1)) ||
	    !(c->hex = malloc(2 * UDP_DGRAM_MAX + 1)) ||
	    fk_lines_init(&c->in.lines, LINE_LIMIT, READ_CHUNK) == -1 ||
	    !(c->seen = malloc(sizeof(*c->seen))) ||
	    udp_sendq_init(&c->q, o->window, o->retries, o->timeout_ms * 1000) == -1)
		err(FK_SOFTWARE, "malloc");
	udp_dedup_init(c->seen);
}

static void
ctx_free(struct ctx *c)
{
	free(c->buf);
	free(c->text);
	free(c->hex);
	fk_lines_free(&c->in.lines);
	free(c->seen);
	udp_sendq_free(&c->q);
}

static enum cmd
subcommand(const char *s)
{
	if (strcmp(s, "send") == 0)
		return SEND;
	if (strcmp(s, "listen") == 0)
		return LISTEN;
	if (strcmp(s, "chat") == 0)
		return CHAT;
	warnx("%s: unknown subcommand", s);
	fk_usage(usage_lines, 0);
}

/* Reject options the subcommand does not take, and operands it does not want. */
static void
check_opts(struct opts *o, int argc, char **argv)
{
	static const char *const names[] = { "send", "listen", "chat" };
	enum { S = 1 << SEND, L = 1 << LISTEN, C = 1 << CHAT };
	/* Who takes each entry of longopts, in its order. */
	static const unsigned takes[] = { S | L | C, S, L | C, S | C, S | C, S | C, S | C, S | C, L };

	for (size_t i = 0; i < sizeof(takes) / sizeof(takes[0]); i++) {
		if (!(o->given >> i & 1))
			continue;
		if (!(takes[i] >> o->cmd & 1))
			warnx("--%s: not an option of %s", longopts[i].name, names[o->cmd]);
		else if (longopts[i].val >= O_RETRIES && longopts[i].val <= O_WINDOW && !o->ack)
			warnx("--%s: needs --ack", longopts[i].name);
		else
			continue;
		fk_usage(usage_lines, 0);
	}
	if (o->reply && strlen(o->reply) > UDP_MSG_MAX) {
		warnx("--reply: %zu bytes, more than %d", strlen(o->reply), UDP_MSG_MAX);
		fk_usage(usage_lines, 0);
	}
	if ((o->cmd == LISTEN) != (argc == 0) || (o->cmd == CHAT && argc != 1))
		fk_usage(usage_lines, 0);
	o->host = argc > 0 ? argv[0] : NULL;
	o->msgs = argv + 1;
	o->nmsgs = argc - 1;
}

int
main(int argc, char **argv)
{
	static struct opts o = { .port = 2380, .retries = 8, .window = 16, .timeout_ms = 250 };
	struct ctx c = { .o = &o, .next_id = 1 };
	int ch, idx, rc;

	if (argc > 1 && argv[1][0] != '-') {
		o.cmd = subcommand(argv[1]);
		optind = 2;
	}
	while ((ch = getopt_long(argc, argv, "+p:s:b:hV", longopts, NULL)) != -1) {
		for (idx = 0; longopts[idx].val != ch; idx++)
			if (longopts[idx].name == NULL)
				fk_usage(usage_lines, 0);
		o.given |= 1u << idx;
		switch (ch) {
		case 'p': o.port = num_arg("-p", optarg, 1, 65535); break;
		case 's': o.src = optarg; break;
		case 'b': o.bind = optarg; break;
		case O_ACK: o.ack = 1; break;
		case O_RETRIES: o.retries = num_arg("--retries", optarg, 0, 100); break;
		case O_TIMEOUT: o.timeout_ms = num_arg("--timeout", optarg, 1, 60000); break;
		case O_WINDOW: o.window = num_arg("--window", optarg, 1, 1024); break;
		case O_SPLIT: o.split = 1; break;
		case O_REPLY: o.reply = optarg; break;
		case 'h': fk_usage(usage_lines, 1);
		case 'V': fk_version();
		}
	}
	if (argc < 2 || argv[1][0] == '-')
		fk_usage(usage_lines, 0);
	check_opts(&o, argc - optind, argv + optind);

	fk_sig_init();
	ctx_init(&c);
	if ((c.fd = open_socket(&c)) == -1)
		rc = FK_NODEV;
	else {
		/* The stop signals only get through inside fk_wait_fds(), so a stop is never missed. */
		fk_sig_block();
		rc = run(&c);
		close(c.fd);
	}
	ctx_free(&c);
	return rc;
}
