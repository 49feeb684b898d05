/* mqpub: JSON lines from stdin to an MQTT broker, topics from templates, nothing lost. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "fk/fk_cli.h"
#include "fk/fk_clock.h"
#include "fk/fk_exit.h"
#include "fk/fk_lines.h"
#include "fk/fk_sig.h"
#include "fk/fk_wait.h"
#include "mq/mq_admit.h"
#include "mq/mq_backoff.h"
#include "mq/mq_disc.h"
#include "mq/mq_disc_file.h"
#include "mq/mq_json.h"
#include "mq/mq_payload.h"
#include "mq/mq_poison.h"
#include "mq/mq_rec.h"
#include "mq/mq_reject.h"
#include "mq/mq_ring.h"
#include "mq/mq_spool.h"
#include "mq/mq_taken.h"
#include "mq/mq_topic.h"
#include "mq/mq_url.h"
#include "fk/num_parse.h"

#define LINE_LIMIT (256 << 10)		/* longest input line taken */
#define READ_CHUNK (64 << 10)
#define RING_CAP 16384			/* messages held in memory (< 65535 ids) */
#define RING_BYTES (8 << 20)		/* and their bytes */
#define WINDOW 256			/* messages handed to an MQTT 5 broker, unacknowledged */
/*
 * At 3.1.1 a broker cannot say how many unfinished messages it takes; one
 * over its quota is answered as usual and dropped (mosquitto 2.0 even sends
 * PUBREC).  20 is mosquitto's default max_inflight_messages.
 */
#define WINDOW_311 20
#define CONNECT_TIMEOUT_MS 20000
#define SPOOL_MAX_DEFAULT (64LL << 20)
#define ID_MAX 65535			/* MQTT strings, the client id too */

static const char *const usage_lines[] = {
	"mqpub -h host [-p port] -t template [-q 0|1|2] [-r] [-i client_id] [-c]",
	"      [-k keepalive] [-u user [--password-file file | --no-password]]",
	"      [--tls] [--cafile file | --capath dir] [--cert file --key file]",
	"      [--tls-version version] [--insecure] [-V 5|311] [--max-inflight n]",
	"      [--will-topic topic [--will-payload text] [--will-qos 0|1|2] [--will-retain]]",
	"      [--payload field | --split | --raw]",
	"      [--strict] [--spool dir] [--spool-max bytes] [--drain-timeout seconds]",
	"      [--discovery[=prefix]] [--discovery-id template] [--discovery-state file]",
	"      [--taken-fd fd]",
	"mqpub -L url [-t template] [option ...]",
	NULL
};

enum {
	O_PASSFILE = 256, O_TLS, O_CAFILE, O_CERT, O_KEY, O_INSECURE, O_WTOPIC,
	O_WPAYLOAD, O_SPOOL, O_SPOOLMAX, O_PAYLOAD, O_SPLIT, O_RAW, O_STRICT,
	O_DRAIN, O_HELP, O_VERSION, O_NOPASS, O_CAPATH, O_TLSVER, O_OSCERTS,
	O_MAXINFL, O_WQOS, O_WRETAIN, O_DISC, O_DISC_ID, O_DISC_STATE, O_TAKEN
};

static const struct option longopts[] = {
	{ "password-file", required_argument, NULL, O_PASSFILE },
	{ "tls", no_argument, NULL, O_TLS },
	{ "cafile", required_argument, NULL, O_CAFILE },
	{ "cert", required_argument, NULL, O_CERT },
	{ "key", required_argument, NULL, O_KEY },
	{ "insecure", no_argument, NULL, O_INSECURE },
	{ "will-topic", required_argument, NULL, O_WTOPIC },
	{ "will-payload", required_argument, NULL, O_WPAYLOAD },
	{ "spool", required_argument, NULL, O_SPOOL },
	{ "spool-max", required_argument, NULL, O_SPOOLMAX },
	{ "payload", required_argument, NULL, O_PAYLOAD },
	{ "split", no_argument, NULL, O_SPLIT },
	{ "raw", no_argument, NULL, O_RAW },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "drain-timeout", required_argument, NULL, O_DRAIN },
	{ "taken-fd", required_argument, NULL, O_TAKEN },
	{ "help", no_argument, NULL, O_HELP },
	{ "no-password", no_argument, NULL, O_NOPASS },
	{ "capath", required_argument, NULL, O_CAPATH },
	{ "tls-version", required_argument, NULL, O_TLSVER },
	{ "tls-use-os-certs", no_argument, NULL, O_OSCERTS },
	{ "max-inflight", required_argument, NULL, O_MAXINFL },
	{ "will-qos", required_argument, NULL, O_WQOS },
	{ "will-retain", no_argument, NULL, O_WRETAIN },
	/* mosquitto_pub's spellings, so pasted command lines work */
	{ "host", required_argument, NULL, 'h' },
	{ "port", required_argument, NULL, 'p' },
	{ "topic", required_argument, NULL, 't' },
	{ "qos", required_argument, NULL, 'q' },
	{ "retain", no_argument, NULL, 'r' },
	{ "id", required_argument, NULL, 'i' },
	{ "keepalive", required_argument, NULL, 'k' },
	{ "username", required_argument, NULL, 'u' },
	{ "url", required_argument, NULL, 'L' },
	{ "protocol-version", required_argument, NULL, 'V' },
	{ "disable-clean-session", no_argument, NULL, 'c' },
	{ "version", no_argument, NULL, O_VERSION },
	{ "discovery", optional_argument, NULL, O_DISC },
	{ "discovery-id", required_argument, NULL, O_DISC_ID },
	{ "discovery-state", required_argument, NULL, O_DISC_STATE },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char *host, *url, *tmpl, *client_id, *user, *passfile, *cafile;
	const char *cert, *key, *will_topic, *will_payload, *spool, *payload;
	const char *capath, *tls_version;
	int no_password, persistent, will_qos, will_retain, os_certs;
	const char *disc, *disc_id, *disc_state;
	int port, qos, retain, keepalive, v5, tls, insecure, split, raw, strict;
	int max_inflight;	/* --max-inflight, 0 for the protocol's default */
	long long spool_max;
	double drain;
	int taken_fd;		/* --taken-fd, -1 without */
};

enum conn { DOWN, PENDING, UP };

struct pub {
	const struct opts *o;
	struct mq_url url;
	char *password, id_buf[32];
	const char *client_id;	/* -i, or the generated default in id_buf */
	struct mq_topic *topic;
	struct mq_path *payload;
	struct mq_ring ring;
	struct mq_spool *spool;
	char *topic_buf;
	/* the broker */
	struct mosquitto *m;
	enum conn conn;
	int outage, reported, ever_up, lost, lost_rc, lost_errno, refused, fatal;
	int publishing, early_mid, backoff_ms;
	int window;		/* unfinished messages the broker takes on this connection */
	struct mq_poison poison;	/* a message the broker drops the connection on */
	long long t_up;		/* when this connection was accepted */
	int connect_errno;	/* a TLS connection refused shows only here */
	char log_err[200];	/* libmosquitto's last error, for TLS failures */
	long verify_err;	/* why OpenSSL did not accept the broker's certificate */
	long long t_attempt, t_retry, t_tick;
	/* stdin */
	struct fk_lines in;	/* in.lineno: the line last read */
	int in_eof, in_stop, stopping, full;
	long long t_eof;
	uint64_t next_seq;
	/* messages not in the ring: this line's, and spilled ones bound for the spool */
	struct mq_msg *stage, **stage_tail, *batch, **batch_tail;
	size_t stage_bytes, batch_bytes;
	int stage_checked;
	long long t_batch;
	uint64_t unsaved;	/* spool bytes of messages held only in memory */
	uint64_t disk_free;	/* on the spool's file system, at the last look */
	int disk_full;		/* input waits for room on the disk, not under --spool-max */
	struct mq_msg **pend;	/* ring messages going into one spool segment */
	uint64_t skipped;
	int io_error;
	struct mq_disc *disc;	/* --discovery */
	int disc_born;		/* "online" on the will topic this run */
	uint64_t taken;		/* input lines reported durably held on --taken-fd */
	long long t_taken;
};

static size_t
rec_bytes(const struct mq_msg *m)
{
	return mq_rec_size(m->topic_len, m->payload_len);
}

static void
list_add(struct mq_msg ***tail, struct mq_msg *m)
{
	m->next = NULL;
	**tail = m;
	*tail = &m->next;
}

static const char *
host_port(const struct pub *p)
{
	static char buf[300];

	snprintf(buf, sizeof(buf), "%s:%d", p->o->host, p->o->port);
	return buf;
}

/* ---- input lines into messages ---- */

static void
bad_line(struct pub *p, const char *why)
{
	warnx("line %" PRIu64 ": %s", p->in.lineno, why);
	p->skipped++;
	while (p->stage) {
		struct mq_msg *m = p->stage;
		p->stage = m->next;
		free(m);
	}
	p->stage_tail = &p->stage;
	p->stage_bytes = 0;
	if (p->o->strict && !p->in_stop) {
		p->in_stop = 1;
		p->t_eof = fk_now_ms();
	}
}

static int
stage_msg(struct pub *p, struct mq_msg *m)
{
	if (m == NULL)
		return -2;
	m->seq = p->next_seq++;
	m->line = p->in.lineno;
	list_add(&p->stage_tail, m);
	p->stage_bytes += rec_bytes(m);
	p->stage_checked = 0;
	return 0;
}

static int
stage_add(void *arg, const char *topic, size_t tl, const char *payload, size_t pl)
{
	struct pub *p = arg;

	return stage_msg(p, mq_msg_new(topic, tl, payload, pl, p->o->qos, p->o->retain));
}

/* Discovery configs: retained whatever -r says, at least QoS 1; "online" first. */
static int
disc_add(void *arg, const char *topic, size_t tl, const char *payload, size_t pl)
{
	struct pub *p = arg;
	int q = p->o->qos ? p->o->qos : 1, rc = 0;

	if (p->o->will_topic && !p->disc_born) {
		p->disc_born = 1;
		rc = stage_msg(p, mq_msg_new(p->o->will_topic, strlen(p->o->will_topic),
		    "online", 6, q, 1));
	}
	return rc ? rc : stage_msg(p, mq_msg_new(topic, tl, payload, pl, q, 1));
}

static void
take_json(struct pub *p, const char *s, size_t len)
{
	char err[200], *ts = NULL;
	cJSON *rec, *trec = NULL;
	long tl;
	/* Payload values and discovery's numeric fields come from the line itself. */
	int rc = 0, values = p->o->split || p->payload || p->disc;

	/*
	 * Topic fields come from a copy where numbers keep their text (see
	 * mq_json_for_topic); payload values from the line itself.  Without
	 * those, the copy is all that is parsed.
	 */
	if (mq_topic_fields(p->topic) && (ts = mq_json_for_topic(s, len)) == NULL)
		errx(FK_SOFTWARE, "out of memory");
	/* NUL terminated, so trailing junk fails the parse. */
	if (ts && (trec = cJSON_ParseWithLengthOpts(ts, strlen(ts) + 1, NULL, 1)) == NULL) {
		free(ts);
		bad_line(p, "not JSON");
		return;
	}
	free(ts);
	if (trec && !values) {
		rec = trec;
		trec = NULL;
	} else if ((rec = cJSON_ParseWithLengthOpts(s, len + 1, NULL, 1)) == NULL) {
		cJSON_Delete(trec);
		bad_line(p, "not JSON");
		return;
	}
	if (!cJSON_IsObject(rec)) {
		bad_line(p, "not a JSON object");
		goto out;
	}
	if ((tl = mq_topic_expand(p->topic, trec ? trec : rec, p->topic_buf, MQ_TOPIC_MAX + 1,
	    err, sizeof(err))) < 0) {
		bad_line(p, err);
		goto out;
	}
	if (p->disc && (rc = mq_disc_record(p->disc, rec, p->topic_buf, (size_t)tl,
	    disc_add, p, err, sizeof(err))) != 0) {
		if (rc == 1)
			warnx("line %" PRIu64 ": --discovery-id: %s; not announced",
			    p->in.lineno, err);
		if (rc == -2 || rc == -1)
			errx(FK_SOFTWARE, "out of memory");
		rc = 0;
	}
	if (p->o->split) {
		rc = mq_split(rec, p->topic_buf, (size_t)tl, MQ_TOPIC_MAX, stage_add, p);
		if (rc == -1)
			bad_line(p, "topic longer than 65535 bytes");
	} else if (p->payload) {
		size_t pl;
		char *pv = mq_payload_field(p->payload, rec, &pl, err, sizeof(err));
		if (pv == NULL)
			bad_line(p, err);
		else
			rc = stage_add(p, p->topic_buf, (size_t)tl, pv, pl);
		free(pv);
	} else {
		rc = stage_add(p, p->topic_buf, (size_t)tl, s, len);
	}
	if (rc == -2)
		errx(FK_SOFTWARE, "out of memory");
out:
	cJSON_Delete(rec);
	cJSON_Delete(trec);
}

static void
take_line(struct pub *p, char *s, size_t len)
{
	char err[200];
	long tl;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	s[len] = '\0';
	if (strspn(s, " \t") == len)
		return;		/* blank lines are not sent, as with mosquitto_pub -l */
	if (!p->o->raw) {
		take_json(p, s, len);
		return;
	}
	if ((tl = mq_topic_expand(p->topic, NULL, p->topic_buf, MQ_TOPIC_MAX + 1,
	    err, sizeof(err))) < 0)
		bad_line(p, err);
	else if (stage_add(p, p->topic_buf, (size_t)tl, s, len) == -2)
		errx(FK_SOFTWARE, "out of memory");
}

/* ---- where messages wait: ring (to send), batch (to spill), spool ---- */

/* What a process without privileges may still write there; the disk is the limit too. */
static void
disk_look(struct pub *p)
{
	struct statvfs sv;

	if (p->spool && statvfs(mq_spool_dir(p->spool), &sv) == 0)
		p->disk_free = (uint64_t)sv.f_bavail * sv.f_frsize;
	else
		p->disk_free = UINT64_MAX;
}

/* Can this line be consumed now?  See mq_admit_line(). */
static int
admit(struct pub *p)
{
	struct mq_admit a = { .spool_max = (uint64_t)p->o->spool_max,
	    .spool_bytes = mq_spool_bytes(p->spool), .unsaved = p->unsaved,
	    .disk_free = p->disk_free };
	int rc = mq_admit_line(&a, p->stage_bytes);

	if (rc == MQ_ADMIT_DISK_FULL) {
		disk_look(p);
		a.disk_free = p->disk_free;
		rc = mq_admit_line(&a, p->stage_bytes);
	}
	p->disk_full = rc == MQ_ADMIT_DISK_FULL;
	return rc;
}

static void flush_batch(struct pub *p);

/* Move this line's messages on; 0 while they have to wait. */
static int
place(struct pub *p)
{
	struct mq_msg *m;

	if (p->spool && !p->stage_checked && p->stage) {
		int rc = admit(p);

		if (rc == MQ_ADMIT_NEVER) {
			bad_line(p, "larger than --spool-max");
			p->full = 0;
			return 1;
		}
		if (rc != MQ_ADMIT_YES) {
			p->full = 1;
			return 0;
		}
		p->stage_checked = 1;
	}
	p->full = 0;
	while ((m = p->stage) != NULL) {
		int spill = mq_admit_spill(p->spool != NULL, p->outage, p->stopping,
		    p->batch != NULL, p->spool ? mq_spool_unloaded(p->spool) : 0);
		if (!spill && !mq_ring_room(&p->ring, mq_msg_bytes(m)))
			return 0;
		p->stage = m->next;
		if (p->stage == NULL)
			p->stage_tail = &p->stage;
		p->stage_bytes -= rec_bytes(m);
		if (p->spool)
			p->unsaved += rec_bytes(m);
		if (!spill) {
			mq_ring_push(&p->ring, m);
			continue;
		}
		if (p->batch == NULL)
			p->t_batch = fk_now_ms();
		list_add(&p->batch_tail, m);
		p->batch_bytes += rec_bytes(m);
		if (mq_admit_flush(p->batch_bytes, 0, p->outage))	/* its age: see tick() */
			flush_batch(p);
	}
	return 1;
}

static void
feed(struct pub *p)
{
	char *s;
	size_t len;

	for (;;) {
		if (p->stage && !place(p))
			return;
		if (p->in_stop)
			return;
		switch (fk_lines_next(&p->in, p->in_eof, &s, &len)) {
		case FK_LINES_LINE:
			take_line(p, s, len);
			break;
		case FK_LINES_LONG:
			bad_line(p, "longer than 262144 bytes");
			break;
		default:
			return;
		}
	}
}

static void
read_input(struct pub *p)
{
	size_t room;
	char *to = fk_lines_room(&p->in, &room);
	ssize_t r = read(STDIN_FILENO, to, room);

	if (r > 0) {
		fk_lines_put(&p->in, (size_t)r);
		return;
	}
	if (r == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r == -1) {
		warn("stdin");
		p->io_error = 1;
	}
	p->in_eof = 1;
	p->t_eof = fk_now_ms();
}

/* Ring messages held only in memory go to the spool, in runs between spooled ones. */
static int
save_ring(struct pub *p)
{
	char err[300];
	size_t n = mq_ring_count(&p->ring), np = 0, bytes = 0;
	uint64_t key;
	int rc = 0;

	for (size_t i = 0; i <= n; i++) {
		struct mq_msg *m = i < n ? mq_ring_at(&p->ring, i) : NULL;

		if (m && !m->spooled && m->state != MQ_DONE) {
			struct mq_rec r = { m->seq, m->qos, m->retain, MQ_MSG_TOPIC(m),
			    m->topic_len, MQ_MSG_PAYLOAD(m), m->payload_len };
			if (mq_spool_add(p->spool, &r) == -1)
				errx(FK_SOFTWARE, "out of memory");
			p->pend[np++] = m;
			bytes += rec_bytes(m);
		}
		if (np == 0 || (m && !m->spooled && bytes < MQ_ADMIT_SEG))
			continue;
		if (mq_spool_commit(p->spool, 1, &key, err, sizeof(err)) == -1) {
			warnx("%s", err);
			rc = -1;
		} else {
			for (size_t k = 0; k < np; k++) {
				p->pend[k]->spooled = 1;
				p->pend[k]->seg = key;
				p->unsaved -= rec_bytes(p->pend[k]);
			}
		}
		np = 0;
		bytes = 0;
	}
	return rc;
}

/* Spilled messages become a segment (or join the newest small one). */
static int
save_list(struct pub *p, struct mq_msg **head, struct mq_msg ***tail, size_t *bytes)
{
	char err[300];
	uint64_t key;
	struct mq_msg *m;

	if (*head == NULL)
		return 0;
	for (m = *head; m; m = m->next) {
		struct mq_rec r = { m->seq, m->qos, m->retain, MQ_MSG_TOPIC(m),
		    m->topic_len, MQ_MSG_PAYLOAD(m), m->payload_len };
		if (mq_spool_add(p->spool, &r) == -1)
			errx(FK_SOFTWARE, "out of memory");
	}
	if (mq_spool_commit(p->spool, 0, &key, err, sizeof(err)) == -1) {
		warnx("%s", err);
		return -1;
	}
	disk_look(p);
	while ((m = *head) != NULL) {
		*head = m->next;
		if (p->unsaved >= rec_bytes(m))
			p->unsaved -= rec_bytes(m);
		free(m);
	}
	*tail = head;
	*bytes = 0;
	return 0;
}

static void
flush_batch(struct pub *p)
{
	if (save_list(p, &p->batch, &p->batch_tail, &p->batch_bytes) == -1 && !p->fatal)
		p->fatal = FK_IO;
}

/* Fill the ring from the spool, then from spilled input, oldest first. */
static void
refill(struct pub *p)
{
	char err[300];
	struct mq_rec r;
	uint64_t key;
	struct mq_msg *m;

	if (p->outage || p->stopping)
		return;
	while (mq_ring_room(&p->ring, 0)) {
		if (p->spool && mq_spool_unloaded(p->spool) > 0) {
			int rc = mq_spool_next(p->spool, &r, &key, err, sizeof(err));
			if (rc == 0)
				break;
			if (rc == -1) {
				warnx("%s", err);
				continue;
			}
			if ((m = mq_msg_new(r.topic, r.topic_len, r.payload, r.payload_len,
			    r.qos, r.retain)) == NULL)
				errx(FK_SOFTWARE, "out of memory");
			m->seq = r.seq;
			m->spooled = 1;
			m->seg = key;
			mq_ring_push(&p->ring, m);
		} else if ((m = p->batch) != NULL) {
			if (!mq_ring_room(&p->ring, mq_msg_bytes(m)))
				return;
			p->batch = m->next;
			if (p->batch == NULL)
				p->batch_tail = &p->batch;
			p->batch_bytes -= rec_bytes(m);
			mq_ring_push(&p->ring, m);
		} else {
			return;
		}
	}
}

/* ---- the broker ---- */

/*
 * The broker will not take m: into the spool's rejected file (written and
 * synced before the spool counts m as done), named on stderr; the run goes
 * on and ends with status 1.  -1 when the file could not be written: the
 * run ends, and m must stay where it is.
 */
static int
set_aside(struct pub *p, const struct mq_msg *m, const char *reason)
{
	char who[80], where[300] = "dropped (no --spool)";
	char *line;
	size_t len;
	int fd, rc = 0;

	if (m->line)
		snprintf(who, sizeof(who), "line %" PRIu64, m->line);
	else
		snprintf(who, sizeof(who), "spooled message %" PRIu64, m->seq);
	p->skipped++;
	if (p->spool) {
		snprintf(where, sizeof(where), "%s/rejected", mq_spool_dir(p->spool));
		if (mq_reject_line(&line, &len, m->line, m->seq, MQ_MSG_TOPIC(m), m->topic_len,
		    reason, MQ_MSG_PAYLOAD(m), m->payload_len) == -1)
			errx(FK_SOFTWARE, "out of memory");
		if ((fd = open(where, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) == -1 ||
		    write(fd, line, len) != (ssize_t)len || fsync(fd) == -1) {
			warn("%s", where);
			/* Not kept anywhere: the spool must not let go of it. */
			if (!p->fatal)
				p->fatal = FK_IO;
			rc = -1;
		}
		if (fd != -1)
			close(fd);
		free(line);
		snprintf(where, sizeof(where), "set aside in %s/rejected", mq_spool_dir(p->spool));
	}
	if (rc == 0)
		warnx("%s: %s: %s; %s", who, MQ_MSG_TOPIC(m), reason, where);
	else
		p->skipped--;
	return rc;
}

static void
done(struct pub *p, struct mq_msg *m, int reason)
{
	if (reason >= 0x80) {
		char why[200];

		snprintf(why, sizeof(why), "broker refused the message: %s",
		    mosquitto_reason_string(reason));
		set_aside(p, m, why);
	}
	if (p->spool && !m->spooled && p->unsaved >= rec_bytes(m))
		p->unsaved -= rec_bytes(m);
}

/*
 * How many unfinished messages this connection may carry: the broker's
 * Receive Maximum at MQTT 5, a stock broker's quota at 3.1.1, at most
 * --max-inflight.
 */
static int
window_for(const struct opts *o, const mosquitto_property *props)
{
	int w = o->max_inflight ? o->max_inflight : o->v5 ? WINDOW : WINDOW_311;
	uint16_t rm;

	if (o->v5 && mosquitto_property_read_int16(props, MQTT_PROP_RECEIVE_MAXIMUM, &rm,
	    false) && rm < w)
		w = rm;
	return w > RING_CAP ? RING_CAP : w < 1 ? 1 : w;
}

static void
on_connect(struct mosquitto *m, void *arg, int rc, int flags,
    const mosquitto_property *props)
{
	struct pub *p = arg;

	(void)m, (void)flags, (void)props;
	if (rc != 0) {
		p->refused = rc;
		return;
	}
	p->conn = UP;
	p->outage = p->reported = 0;
	p->ever_up = 1;
	p->window = window_for(p->o, props);
	/* The backoff starts over only once this connection has carried traffic. */
	p->t_up = fk_now_ms();
}

static void
on_disconnect(struct mosquitto *m, void *arg, int rc, const mosquitto_property *props)
{
	struct pub *p = arg;

	(void)m, (void)props;
	if (!p->lost) {
		p->lost = 1;
		p->lost_rc = rc;
		p->lost_errno = errno;
	}
}

static void
on_publish(struct mosquitto *m, void *arg, int mid, int reason,
    const mosquitto_property *props)
{
	struct pub *p = arg;
	struct mq_msg *msg = mq_ring_ack(&p->ring, mid);

	(void)m, (void)props;
	if (msg) {
		mq_backoff_up(&p->backoff_ms, -1);
		mq_poison_acked(&p->poison, msg->seq, reason >= 0x80);
		done(p, msg, reason);
	}
	else if (p->publishing)
		p->early_mid = mid;	/* QoS 0, written inside mosquitto_publish() */
}

/* libmosquitto says why TLS failed only in its log; keep the last error line. */
static void
on_log(struct mosquitto *m, void *arg, int level, const char *text)
{
	struct pub *p = arg;

	if (level != MOSQ_LOG_ERR)
		return;
	snprintf(p->log_err, sizeof(p->log_err), "%s", text);
	/* Logged while the handshake's state still exists: after this it is gone. */
	if (p->o->tls && mosquitto_ssl_get(m) != NULL) {
		long v = SSL_get_verify_result(mosquitto_ssl_get(m));
		if (v != X509_V_OK)
			p->verify_err = v;
	}
}

/*
 * Without --cafile or --capath the system's store is trusted, as OpenSSL
 * finds it (SSL_CERT_FILE, SSL_CERT_DIR).  libmosquitto takes a client
 * certificate only together with a CA location: then the system's
 * directory is named as well.
 */
static int
tls_configure(const struct opts *o, struct mosquitto *m, const char **why)
{
	const char *capath = o->capath;

	if (o->os_certs)
		mosquitto_int_option(m, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
	if (o->cafile == NULL && o->capath == NULL) {
		mosquitto_int_option(m, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
		if (o->cert)
			capath = getenv("SSL_CERT_DIR") ? getenv("SSL_CERT_DIR") :
			    "/etc/ssl/certs";
	}
	if ((o->cafile || capath) &&
	    mosquitto_tls_set(m, o->cafile, capath, o->cert, o->key, NULL)) {
		*why = "TLS files";
		return -1;
	}
	if (o->tls_version && mosquitto_tls_opts_set(m, 1, o->tls_version, NULL)) {
		*why = "--tls-version";
		return -1;
	}
	if (o->insecure && mosquitto_tls_insecure_set(m, true)) {
		*why = "--insecure";
		return -1;
	}
	return 0;
}

/* Options on a fresh client; -1 with why set when they cannot be applied. */
static int
configure(struct pub *p, struct mosquitto *m, const char **why)
{
	const struct opts *o = p->o;
	int rc = MOSQ_ERR_SUCCESS;

	mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION,
	    o->v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
	mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, window_for(o, NULL));
	mosquitto_connect_v5_callback_set(m, on_connect);
	mosquitto_disconnect_v5_callback_set(m, on_disconnect);
	mosquitto_publish_v5_callback_set(m, on_publish);
	mosquitto_log_callback_set(m, on_log);
	if (o->user && (rc = mosquitto_username_pw_set(m, o->user, p->password))) {
		*why = "-u";
		return -1;
	}
	if (o->tls && tls_configure(o, m, why) == -1)
		return -1;
	if (o->will_topic && (rc = mosquitto_will_set(m, o->will_topic,
	    o->will_payload ? (int)strlen(o->will_payload) : 0, o->will_payload,
	    o->will_qos >= 0 ? o->will_qos : o->qos, o->retain || o->will_retain))) {
		*why = "--will-topic";
		return -1;
	}
	return 0;
}

static void
retry_later(struct pub *p, const char *why)
{
	size_t n = strlen(why);

	/* libmosquitto's sentences end in a full stop; ours go on. */
	if (!p->reported)
		warnx("%s: %.*s; retrying", host_port(p),
		    (int)(n > 0 && why[n - 1] == '.' ? n - 1 : n), why);
	p->reported = p->outage = 1;
	p->t_retry = fk_now_ms() + mq_backoff_next(&p->backoff_ms, (unsigned long)random());
}

/*
 * libmosquitto writes a byte to a socketpair on every publish to wake the
 * select() of its own network thread.  We run our own poll loop, and on
 * this hardware a system call costs as much as the rest of a message, so
 * the client is created while no descriptor can be opened: the pair is
 * left out (the library carries on without it) and a message costs one
 * write instead of two.
 */
static struct mosquitto *
new_client(struct pub *p)
{
	struct rlimit old, none = { 0, 0 };
	struct mosquitto *m;

	if (getrlimit(RLIMIT_NOFILE, &old) == -1)
		return mosquitto_new(p->client_id, !p->o->persistent, p);
	none.rlim_max = old.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &none) == -1)
		return mosquitto_new(p->client_id, !p->o->persistent, p);
	m = mosquitto_new(p->client_id, !p->o->persistent, p);
	/* Without descriptors nothing could be spooled: stop while finish() still can. */
	if (setrlimit(RLIMIT_NOFILE, &old) == -1) {
		warn("setrlimit");
		if (!p->fatal)
			p->fatal = FK_SOFTWARE;
	}
	return m;
}

/* The first TLS file that cannot be read (errno says why), or NULL. */
static const char *
unreadable_file(const struct opts *o)
{
	const char *files[] = { o->cafile, o->capath, o->cert, o->key };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i] && access(files[i], R_OK) == -1)
			return files[i];
	return NULL;
}

/*
 * A TLS failure that no retry cures, said so that the fix is plain: 1 with
 * why set.  OpenSSL's own words ("certificate verify failed") do not say
 * which certificate, or what is wrong with it.
 */
static int
tls_final(const struct pub *p, char *why, size_t len)
{
	const char *e = p->log_err;

	if (!p->o->tls || p->conn == UP)
		return 0;
	switch (p->verify_err) {
	case X509_V_OK:
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		if (p->o->cafile || p->o->capath)
			snprintf(why, len, "TLS: the broker's certificate is not from a CA in %s",
			    p->o->cafile ? p->o->cafile : p->o->capath);
		else
			snprintf(why, len, "TLS: the broker's certificate is not from a CA in the "
			    "system's store (--cafile names one)");
		return 1;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		snprintf(why, len, "TLS: the broker's certificate has expired");
		return 1;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		snprintf(why, len, "TLS: the broker's certificate is not valid yet "
		    "(is this clock right?)");
		return 1;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
	/* libmosquitto checks the name itself, after the chain, and gives no reason. */
	case X509_V_ERR_UNSPECIFIED:
		snprintf(why, len, "TLS: the broker's certificate is not for %s", p->o->host);
		return 1;
	default:
		snprintf(why, len, "TLS: the broker's certificate was not accepted: %s",
		    X509_verify_cert_error_string(p->verify_err));
		return 1;
	}
	if (strstr(e, "alert certificate required") ||
	    (p->o->cert == NULL && strstr(e, "alert handshake failure"))) {
		snprintf(why, len, "TLS: the broker wants a client certificate (--cert, --key)");
		return 1;
	}
	if (p->o->cert && (strstr(e, "alert bad certificate") || strstr(e, "alert unknown ca") ||
	    strstr(e, "alert certificate unknown") || strstr(e, "alert certificate expired"))) {
		snprintf(why, len, "TLS: the broker did not accept the client certificate %s "
		    "(%s)", p->o->cert, strstr(e, "alert ") + 6);
		return 1;
	}
	return 0;
}

static void
conn_start(struct pub *p)
{
	const char *why;
	int rc;

	if ((p->m = new_client(p)) == NULL)
		errx(FK_SOFTWARE, "out of memory");
	/* libmosquitto opens the TLS files again each time; one may have gone. */
	if (configure(p, p->m, &why) == -1) {
		const char *file = unreadable_file(p->o);

		if (file)
			warn("%s", file);
		else
			warnx("%s: cannot apply", why);
		mosquitto_destroy(p->m);
		p->m = NULL;
		if (!p->fatal)
			p->fatal = file ? FK_NODEV : FK_SOFTWARE;
		return;
	}
	p->lost = p->refused = p->lost_rc = p->lost_errno = 0;
	p->log_err[0] = '\0';
	p->verify_err = X509_V_OK;
	p->t_attempt = fk_now_ms();
	errno = 0;
	rc = mosquitto_connect_async(p->m, p->o->host, p->o->port, p->o->keepalive);
	p->connect_errno = errno;
	if (rc != MOSQ_ERR_SUCCESS) {
		char why[300];
		int e = errno;

		mosquitto_destroy(p->m);
		p->m = NULL;
		if (tls_final(p, why, sizeof(why))) {
			warnx("%s: %s", host_port(p), why);
			if (!p->fatal)
				p->fatal = FK_BROKER;
			return;
		}
		if (rc == MOSQ_ERR_TLS && p->log_err[0])
			snprintf(why, sizeof(why), "TLS: %s", p->log_err);
		else
			snprintf(why, sizeof(why), "%s",
			    rc == MOSQ_ERR_ERRNO ? strerror(e) : mosquitto_strerror(rc));
		retry_later(p, why);
		return;
	}
	p->conn = PENDING;
}

/* The connection was closed under us: was it on one message?  See mq_poison.h. */
static void
note_drop(struct pub *p)
{
	const struct mq_msg *m = NULL;

	for (size_t i = 0; i < mq_ring_count(&p->ring) && m == NULL; i++) {
		const struct mq_msg *c = mq_ring_at(&p->ring, i);
		if (c->state == MQ_SENT)
			m = c;
	}
	mq_poison_drop(&p->poison, m != NULL, m ? m->seq : 0, p->ring.inflight, fk_now_ms());
}

static void
conn_end(struct pub *p)
{
	char why[300];
	size_t n;

	if (!p->refused && tls_final(p, why, sizeof(why))) {
		warnx("%s: %s", host_port(p), why);
		mosquitto_destroy(p->m);
		p->m = NULL;
		p->conn = DOWN;
		mq_ring_requeue(&p->ring);
		p->lost = 0;
		if (!p->fatal)
			p->fatal = FK_BROKER;
		return;
	}
	if (p->refused)
		snprintf(why, sizeof(why), "broker refused the connection: %s",
		    p->o->v5 ? mosquitto_reason_string(p->refused) :
		    mosquitto_connack_string(p->refused));
	else if (p->conn == PENDING && p->lost_rc == MOSQ_ERR_SUCCESS)
		snprintf(why, sizeof(why), "no answer within %d s", CONNECT_TIMEOUT_MS / 1000);
	else if (p->lost_rc == MOSQ_ERR_CONN_LOST)
		snprintf(why, sizeof(why), "connection lost");
	else if (p->lost_rc == MOSQ_ERR_TLS && p->log_err[0])
		snprintf(why, sizeof(why), "TLS: %s", p->log_err);
	else
		snprintf(why, sizeof(why), "%s%s", p->conn == UP ? "connection lost: " : "",
		    p->lost_rc == MOSQ_ERR_ERRNO && p->lost_errno ?
		    strerror(p->lost_errno) : mosquitto_strerror(p->lost_rc));
	if ((n = strlen(why)) > 0 && why[n - 1] == '.')
		why[n - 1] = '\0';
	if (p->conn == UP && !p->refused)
		note_drop(p);
	mosquitto_destroy(p->m);
	p->m = NULL;
	p->conn = DOWN;
	mq_ring_requeue(&p->ring);
	if (p->refused && mq_backoff_refusal_final(p->o->v5, p->refused)) {
		warnx("%s: %s", host_port(p), why);
		p->fatal = FK_BROKER;
	} else {
		retry_later(p, why);
	}
	/* Dealt with: run() waits for input and the retry again instead of spinning. */
	p->lost = p->refused = 0;
}

static void
pump(struct pub *p)
{
	struct mq_msg *m;

	while (p->conn == UP && !p->lost &&
	    p->ring.inflight < mq_poison_window(&p->poison, (size_t)p->window) &&
	    (m = mq_ring_next(&p->ring)) != NULL) {
		int mid = 0, rc;

		if (mq_poison_is(&p->poison, m->seq)) {
			char why[120];

			snprintf(why, sizeof(why), "the broker closed the connection on it %d "
			    "times in a row", MQ_POISON_DROPS);
			if (set_aside(p, m, why) == -1)
				return;
			mq_ring_skip(&p->ring);
			done(p, m, 0);
			mq_poison_clear(&p->poison);
			continue;
		}
		if (p->poison.probing)	/* a clock read per message only then */
			mq_poison_sent(&p->poison, fk_now_ms());

		p->publishing = 1;
		p->early_mid = 0;
		rc = mosquitto_publish_v5(p->m, &mid, MQ_MSG_TOPIC(m), (int)m->payload_len,
		    MQ_MSG_PAYLOAD(m), m->qos, m->retain, NULL);
		p->publishing = 0;
		if (rc == MOSQ_ERR_SUCCESS) {
			int early = mid != 0 && p->early_mid == mid;
			if (mq_ring_sent(&p->ring, mid, early) == -1) {
				p->lost = 1;
				p->lost_rc = MOSQ_ERR_PROTOCOL;
				return;
			}
			if (early)
				done(p, m, 0);
		} else if (rc == MOSQ_ERR_PAYLOAD_SIZE || rc == MOSQ_ERR_OVERSIZE_PACKET ||
		    rc == MOSQ_ERR_MALFORMED_UTF8 || rc == MOSQ_ERR_QOS_NOT_SUPPORTED ||
		    rc == MOSQ_ERR_INVAL) {
			if (set_aside(p, m, mosquitto_strerror(rc)) == -1)
				return;
			mq_ring_skip(&p->ring);
			done(p, m, 0);
		} else if (!p->lost) {
			p->lost = 1;
			p->lost_rc = rc;
			p->lost_errno = errno;
		}
	}
}

static void
reap(struct pub *p)
{
	struct mq_msg *m;

	while ((m = mq_ring_pop(&p->ring)) != NULL) {
		if (m->spooled)
			mq_spool_acked(p->spool, m->seg);
		free(m);
	}
}

static void
read_broker(struct pub *p)
{
	for (int i = 0; i < 4096 && p->m && !p->lost; i++) {
		int rc;

		errno = 0;
		rc = mosquitto_loop_read(p->m, 1);
		if (rc != MOSQ_ERR_SUCCESS) {
			if (!p->lost) {
				p->lost = 1;
				p->lost_rc = rc;
				p->lost_errno = errno;
			}
			return;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || p->refused)
			return;
	}
}

/*
 * libmosquitto takes a TLS handshake on a socket that failed or was closed
 * for one still under way, and would be polled for it, busily, until the
 * connect timeout: look at the socket itself.  Why the connection failed
 * was seen only by the handshake's first write, inside the connect call.
 */
static void
check_handshake(struct pub *p, int fd)
{
	char c;
	ssize_t r;
	int e;

	if (p->conn != PENDING || !p->o->tls || p->lost)
		return;
	r = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	e = r == -1 ? errno : 0;
	if (r > 0 || e == EAGAIN || e == EWOULDBLOCK || e == EINTR)
		return;
	if (r == 0 || e == ENOTCONN || e == EPIPE)
		switch (p->connect_errno) {
		case ECONNREFUSED: case ECONNRESET: case ENETUNREACH: case EHOSTUNREACH:
		case ETIMEDOUT:
			e = p->connect_errno;
			break;
		default:
			e = 0;
		}
	p->lost = 1;
	p->lost_rc = e ? MOSQ_ERR_ERRNO : MOSQ_ERR_CONN_LOST;
	p->lost_errno = e;
}

static void
wait_io(struct pub *p, int timeout)
{
	struct pollfd pf[2];
	int n = 0, in = -1, mq = -1;

	if (!p->in_eof && !p->in_stop && !p->stopping && p->stage == NULL) {
		pf[n] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		in = n++;
	}
	if (p->m && mosquitto_socket(p->m) >= 0) {
		pf[n] = (struct pollfd){ .fd = mosquitto_socket(p->m),
		    .events = POLLIN | (mosquitto_want_write(p->m) ? POLLOUT : 0) };
		mq = n++;
	}
	/* A stop just before it ends it at once: the stop signals get through only here. */
	if (fk_wait_fds(pf, (nfds_t)n, fk_now_ms() + timeout) <= 0)
		return;
	if (mq >= 0 && (pf[mq].revents & (POLLIN | POLLERR | POLLHUP)))
		check_handshake(p, pf[mq].fd);
	if (mq >= 0 && (pf[mq].revents & (POLLIN | POLLERR | POLLHUP)))
		read_broker(p);
	if (mq >= 0 && p->m && !p->lost && (pf[mq].revents & POLLOUT)) {
		int rc = mosquitto_loop_write(p->m, 1);
		if (rc != MOSQ_ERR_SUCCESS && !p->lost) {
			p->lost = 1;
			p->lost_rc = rc;
			p->lost_errno = errno;
		}
	}
	if (in >= 0 && (pf[in].revents & (POLLIN | POLLHUP | POLLERR)))
		read_input(p);
}

/* ---- the run ---- */

static int
input_done(const struct pub *p)
{
	return (p->in_eof || p->in_stop) && p->stage == NULL &&
	    (p->in_stop || fk_lines_pending(&p->in) == 0);
}

static int
all_done(const struct pub *p)
{
	return mq_ring_count(&p->ring) == 0 && p->batch == NULL &&
	    (p->spool == NULL || mq_spool_pending(p->spool) == 0);
}

static uint64_t
unacked(const struct pub *p)
{
	uint64_t n = 0;

	for (size_t i = 0; i < mq_ring_count(&p->ring); i++)
		n += mq_ring_at(&p->ring, i)->state != MQ_DONE;
	for (const struct mq_msg *m = p->stage; m; m = m->next)
		n++;
	return n;
}

/* Stop: keep what is not acknowledged in the spool, say what became of it. */
static int
finish(struct pub *p, int why)
{
	const char *dir = p->spool ? mq_spool_dir(p->spool) : NULL;
	char head[80] = "", fate[300];
	int saved = 0, full = why == FK_SPOOLFULL;
	uint64_t n;

	/* An orderly end, even a signal, is no reason for the broker to send the will. */
	if (p->conn == UP)
		mosquitto_disconnect(p->m);
	if (why == FK_OK) {
		if (p->spool && mq_spool_damaged(p->spool))
			p->skipped++;
		return p->io_error ? FK_IO : p->skipped ? FK_PARTIAL : FK_OK;
	}
	n = unacked(p);
	if (p->spool) {
		if (!full) {
			p->stopping = 1;
			feed(p);
			n = unacked(p);
			/* Lines already read that no longer fit: said below, the status stays. */
			full = p->full;
		}
		for (const struct mq_msg *m = p->batch; m; m = m->next)
			n++;
		p->unsaved += p->stage_bytes;
		saved = save_ring(p) == 0 &&
		    save_list(p, &p->batch, &p->batch_tail, &p->batch_bytes) == 0 &&
		    (full || save_list(p, &p->stage, &p->stage_tail, &p->stage_bytes) == 0);
		if (saved)
			n = mq_spool_pending(p->spool);
	}
	if (why == FK_SIGNAL)
		snprintf(head, sizeof(head), "stopped by signal after line %" PRIu64 "; ",
		    p->in.lineno);
	if (saved)
		snprintf(fate, sizeof(fate), "kept in spool %s", dir);
	else
		snprintf(fate, sizeof(fate), "lost%s", p->spool ? "" : " (no --spool)");
	if (why == FK_TIMEOUT && n)
		warnx("%" PRIu64 " message%s not acknowledged within %g s; %s", n,
		    n == 1 ? "" : "s", p->o->drain, fate);
	else if (n && why != FK_SPOOLFULL)
		warnx("%s%" PRIu64 " message%s not acknowledged; %s", head, n,
		    n == 1 ? "" : "s", fate);
	else if (why == FK_SIGNAL)
		warnx("stopped by signal after line %" PRIu64, p->in.lineno);
	if (full && saved && why == FK_SPOOLFULL && n)
		warnx("%" PRIu64 " message%s not acknowledged; %s", n, n == 1 ? "" : "s", fate);
	if (full && p->disk_full)
		warnx("%s: no room left on its file system (%" PRIu64 " bytes free); input "
		    "not consumed from line %" PRIu64, dir, p->disk_free, p->in.lineno);
	else if (full)
		warnx("%s: spool full (limit %lld bytes); input not consumed from line %"
		    PRIu64, dir, p->o->spool_max, p->in.lineno);
	if (p->spool && !saved)
		return FK_IO;
	if (why == FK_TIMEOUT)
		return p->spool ? FK_SPOOLED : p->ever_up ? FK_TIMEOUT : FK_NOANSWER;
	return why;
}

static int
poll_timeout(const struct pub *p, long long now)
{
	long long t = 1000;

	if (p->conn == DOWN && p->t_retry - now < t)
		t = p->t_retry - now;
	if (input_done(p) && p->t_eof + (long long)(p->o->drain * 1000) - now < t)
		t = p->t_eof + (long long)(p->o->drain * 1000) - now;
	return t < 0 ? 0 : (int)t;
}

/*
 * --taken-fd: the number of input lines whose messages are all acknowledged
 * or in the spool (fsynced), so a producer may forget them.  Lines are taken
 * in order: one still held only in memory holds back every line after it.
 */
static void
report_taken(struct pub *p, int force)
{
	const struct mq_msg *lists[] = { p->stage, p->batch };
	uint64_t n;

	if (p->o->taken_fd < 0 || (!force && fk_now_ms() < p->t_taken))
		return;
	p->t_taken = fk_now_ms() + 500;
	if ((n = mq_taken(&p->ring, lists, 2, p->in.lineno)) <= p->taken)
		return;
	p->taken = n;
	if (dprintf(p->o->taken_fd, "%" PRIu64 "\n", n) < 0) {
		if (errno != EPIPE)
			warn("--taken-fd");
		((struct opts *)p->o)->taken_fd = -1;	/* the reader has gone */
	}
}

/* Once a second: in an outage, what is held only in memory goes to the spool. */
static void
tick(struct pub *p, long long now)
{
	report_taken(p, 0);
	if (now < p->t_tick || p->spool == NULL)
		return;
	p->t_tick = now + 1000;
	disk_look(p);
	if (p->outage && save_ring(p) == -1 && !p->fatal)
		p->fatal = FK_IO;
	if (mq_admit_flush(p->batch_bytes, now - p->t_batch, p->outage))
		flush_batch(p);
	mq_spool_mark(p->spool);
}

static int
run(struct pub *p)
{
	for (;;) {
		long long now = fk_now_ms();
		int rc;

		if (fk_sig_stop)
			return finish(p, FK_SIGNAL);
		if (p->m && (p->lost || p->refused))
			conn_end(p);
		if (p->fatal)
			return finish(p, p->fatal);
		if (p->conn == DOWN && now >= p->t_retry)
			conn_start(p);
		else if (p->conn == PENDING && now - p->t_attempt > CONNECT_TIMEOUT_MS)
			p->lost = 1;
		else if (p->m && (rc = mosquitto_loop_misc(p->m)) != MOSQ_ERR_SUCCESS &&
		    !p->lost) {
			p->lost = 1;
			p->lost_rc = rc;
		}
		if (p->conn == UP)
			mq_backoff_up(&p->backoff_ms, now - p->t_up);
		reap(p);
		feed(p);
		refill(p);
		pump(p);
		reap(p);
		if (p->full && p->outage)
			return finish(p, FK_SPOOLFULL);
		if (input_done(p) && all_done(p))
			return finish(p, FK_OK);
		if (input_done(p) && now >= p->t_eof + (long long)(p->o->drain * 1000))
			return finish(p, FK_TIMEOUT);
		tick(p, now);
		if (!p->lost && !p->refused)
			wait_io(p, poll_timeout(p, now));
	}
}

/* ---- setup ---- */

static void
usage_error(const char *why)
{
	warnx("%s", why);
	fk_usage(usage_lines, 0);
}

/* -V as mqpub and mosquitto_pub spell it; 1 for MQTT 5. */
static int
protocol_arg(const char *s)
{
	if (strcmp(s, "5") == 0 || strcmp(s, "mqttv5") == 0)
		return 1;
	if (strcmp(s, "311") == 0 || strcmp(s, "mqttv311") == 0)
		return 0;
	if (strcmp(s, "31") == 0 || strcmp(s, "mqttv31") == 0)
		errx(FK_USAGE, "-V: %s: MQTT 3.1 is not supported; use 311 or 5", s);
	errx(FK_USAGE, "-V: %s: expected 5, 311, mqttv5 or mqttv311", s);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "h:p:t:q:ri:k:u:V:L:c", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': o->host = optarg; break;
		case 'p': o->port = (int)num_arg("-p", optarg, 1, 65535); break;
		case 't': o->tmpl = optarg; break;
		case 'q': o->qos = (int)num_arg("-q", optarg, 0, 2); break;
		case 'r': o->retain = 1; break;
		case 'i': o->client_id = optarg; break;
		case 'k': o->keepalive = (int)num_arg("-k", optarg, 5, 65535); break;
		case 'u': o->user = optarg; break;
		case 'V':
			o->v5 = protocol_arg(optarg);
			break;
		case 'c': o->persistent = 1; break;
		case O_NOPASS: o->no_password = 1; break;
		case O_CAPATH: o->capath = optarg; break;
		case O_TLSVER: o->tls_version = optarg; break;
		case O_OSCERTS: o->tls = o->os_certs = 1; break;
		case O_MAXINFL:
			o->max_inflight = (int)num_arg("--max-inflight", optarg, 1, RING_CAP);
			break;
		case O_WQOS: o->will_qos = (int)num_arg("--will-qos", optarg, 0, 2); break;
		case O_WRETAIN: o->will_retain = 1; break;
		case 'L': o->url = optarg; break;
		case O_PASSFILE: o->passfile = optarg; break;
		case O_TLS: o->tls = 1; break;
		case O_CAFILE: o->cafile = optarg; break;
		case O_CERT: o->cert = optarg; break;
		case O_KEY: o->key = optarg; break;
		case O_INSECURE: o->insecure = 1; break;
		case O_WTOPIC: o->will_topic = optarg; break;
		case O_WPAYLOAD: o->will_payload = optarg; break;
		case O_SPOOL: o->spool = optarg; break;
		case O_SPOOLMAX:
			o->spool_max = num_arg("--spool-max", optarg, 65536, 1LL << 40);
			break;
		case O_PAYLOAD: o->payload = optarg; break;
		case O_SPLIT: o->split = 1; break;
		case O_RAW: o->raw = 1; break;
		case O_STRICT: o->strict = 1; break;
		case O_DRAIN: o->drain = num_arg_double("--drain-timeout", optarg, 0, 86400); break;
		case O_DISC: o->disc = optarg ? optarg : "homeassistant"; break;
		case O_DISC_ID: o->disc_id = optarg; break;
		case O_DISC_STATE: o->disc_state = optarg; break;
		case O_TAKEN:
			o->taken_fd = (int)num_arg("--taken-fd", optarg, 3, 1023);
			if (fcntl(o->taken_fd, F_SETFD, FD_CLOEXEC) == -1)
				errx(FK_USAGE, "--taken-fd: %s: not an open descriptor", optarg);
			break;
		case O_HELP: fk_usage(usage_lines, 1);
		case O_VERSION: fk_version();
		default: fk_usage(usage_lines, 0);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument");
}

/* Conflicts between options, the URL form, and defaults that depend on others. */
static void
check_opts(struct opts *o, struct pub *p)
{
	char err[200];

	if (o->url) {
		if (o->host || o->port)
			usage_error("-L excludes -h and -p");
		if (mq_url_parse(o->url, &p->url, err, sizeof(err)) == -1)
			errx(FK_USAGE, "-L: %s: %s", o->url, err);
		if (p->url.topic && o->tmpl)
			usage_error("the topic comes from -L or -t, not both");
		o->host = p->url.host;
		o->port = p->url.port;
		o->tls |= p->url.tls;
		if (p->url.user && o->user)
			usage_error("the user comes from -L or -u, not both");
		if (p->url.user)
			o->user = p->url.user;
		if (p->url.topic)
			o->tmpl = p->url.topic;
	}
	if (o->host == NULL || o->tmpl == NULL)
		usage_error(o->host ? "-t is required" : "-h or -L is required");
	if (o->split + o->raw + (o->payload != NULL) > 1)
		usage_error("--payload, --split and --raw exclude each other");
	if ((o->cert == NULL) != (o->key == NULL))
		usage_error("--cert and --key go together");
	if (o->will_payload && o->will_topic == NULL)
		usage_error("--will-payload needs --will-topic");
	if ((o->passfile || o->no_password) && o->user == NULL)
		usage_error(o->passfile ? "--password-file needs -u" : "--no-password needs -u");
	if (o->passfile && o->no_password)
		usage_error("--password-file and --no-password exclude each other");
	/* Silently connecting without one only ends in "not authorised". */
	if (o->user && !o->passfile && !o->no_password && getenv("MQPUB_PASSWORD") == NULL)
		usage_error("-u needs a password: --password-file, MQPUB_PASSWORD, or --no-password");
	if (o->cafile && o->capath)
		usage_error("--cafile and --capath exclude each other");
	if ((o->will_qos >= 0 || o->will_retain) && o->will_topic == NULL)
		usage_error(o->will_qos >= 0 ? "--will-qos needs --will-topic" :
		    "--will-retain needs --will-topic");
	if (o->persistent && o->client_id == NULL)
		usage_error("-c needs -i: the broker finds the session by the client id");
	if (o->spool_max && o->spool == NULL)
		usage_error("--spool-max needs --spool");
	if ((o->disc_id || o->disc_state) && o->disc == NULL)
		usage_error("--discovery-id and --discovery-state need --discovery");
	if (o->disc && (o->split || o->raw || o->payload))
		usage_error("--discovery needs whole records (no --payload, --split, --raw)");
	if (o->client_id && strlen(o->client_id) > ID_MAX)
		usage_error("-i: longer than 65535 bytes");
	o->tls |= o->cafile != NULL || o->capath != NULL || o->cert != NULL ||
	    o->tls_version != NULL;
	if (o->insecure && !o->tls)
		usage_error("--insecure needs TLS (--tls, --cafile or mqtts://)");
	if (o->port == 0)
		o->port = o->tls ? 8883 : 1883;
	if (o->spool_max == 0)
		o->spool_max = SPOOL_MAX_DEFAULT;
}

/* The password from a file only we can read, or from the environment; never argv. */
static char *
read_password(const char *file)
{
	char *buf;
	struct stat st;
	ssize_t n;
	int fd;

	if (file == NULL)
		return getenv("MQPUB_PASSWORD") ? strdup(getenv("MQPUB_PASSWORD")) : NULL;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1)
		err(FK_NODEV, "%s", file);
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		errx(FK_NODEV, "%s: readable by group or others; chmod 600 it", file);
	if ((buf = malloc(65536)) == NULL)
		errx(FK_SOFTWARE, "out of memory");
	if ((n = read(fd, buf, 65535)) == -1)
		err(FK_NODEV, "%s", file);
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

static void
disc_open(struct pub *p, const struct opts *o)
{
	static char gw[300];	/* mq_disc keeps the pointer */
	char host[256] = "", msg[300];
	struct mq_disc_opts d = { o->disc, o->disc_id ? o->disc_id : "{serial}", gw,
	    o->will_topic, o->will_payload };

	gethostname(host, sizeof(host) - 1);
	snprintf(gw, sizeof(gw), "fieldkit_gateway_%s", host);
	if ((p->disc = mq_disc_new(&d, msg, sizeof(msg))) == NULL)
		errx(FK_USAGE, "--discovery: %s", msg);
	if (o->disc_state && mq_disc_read(p->disc, o->disc_state, msg, sizeof(msg)) == -1)
		errx(FK_STATE, "%s: %s", o->disc_state, msg);
}

/* What was announced is remembered only once it is acknowledged or spooled. */
static int
disc_close(struct pub *p, int status)
{
	char msg[300];

	if (p->disc && p->o->disc_state && (status == FK_OK || status == FK_SPOOLED) &&
	    mq_disc_write(p->disc, p->o->disc_state, msg, sizeof(msg)) == -1) {
		warnx("%s: %s", p->o->disc_state, msg);
		status = status == FK_OK ? FK_STATE : status;
	}
	mq_disc_free(p->disc);
	return status;
}

static void
open_all(struct pub *p, const struct opts *o)
{
	char msg[300];
	const char *why = NULL;
	int status;

	p->o = o;
	p->password = o->user ? read_password(o->passfile) : NULL;
	if ((p->topic = mq_topic_new(o->tmpl, msg, sizeof(msg))) == NULL)
		errx(FK_USAGE, "-t: %s: %s", o->tmpl, msg);
	if (o->raw && mq_topic_fields(p->topic))
		errx(FK_USAGE, "-t: %s: --raw lines have no fields", o->tmpl);
	if (o->will_topic && mq_topic_check(o->will_topic, strlen(o->will_topic), &why))
		errx(FK_USAGE, "--will-topic: %s: %s", o->will_topic, why);
	if (o->payload && (p->payload = mq_json_path_new(o->payload, strlen(o->payload),
	    msg, sizeof(msg))) == NULL)
		errx(FK_USAGE, "--payload: %s", msg);
	if ((why = unreadable_file(o)) != NULL)
		err(FK_NODEV, "%s", why);
	if (o->disc)
		disc_open(p, o);
	if (o->client_id) {
		p->client_id = o->client_id;
	} else {
		snprintf(p->id_buf, sizeof(p->id_buf), "mqpub-%x-%lx",
		    (unsigned)getpid(), (unsigned long)random() & 0xffffff);
		p->client_id = p->id_buf;
	}
	mosquitto_lib_init();
	/* Made once now, so what libmosquitto rejects is a usage error, not a failed run. */
	if ((p->m = mosquitto_new(p->client_id, !p->o->persistent, p)) == NULL && errno != ENOMEM)
		errx(FK_USAGE, "-i: not accepted by libmosquitto (empty or not UTF-8)");
	if (p->m == NULL)
		errx(FK_SOFTWARE, "out of memory");
	if (configure(p, p->m, &why) == -1)
		errx(FK_USAGE, "%s: not accepted by libmosquitto", why);
	mosquitto_destroy(p->m);
	p->m = NULL;
	if (o->spool && (p->spool = mq_spool_open(o->spool, &status, msg, sizeof(msg))) == NULL)
		errx(status, "%s: %s", o->spool, msg);
	p->next_seq = p->spool ? mq_spool_next_seq(p->spool) : 0;
	disk_look(p);
	p->topic_buf = malloc(MQ_TOPIC_MAX + 2);
	p->pend = calloc(RING_CAP, sizeof(*p->pend));
	if (fk_lines_init(&p->in, LINE_LIMIT, READ_CHUNK) == -1 || p->topic_buf == NULL ||
	    p->pend == NULL || mq_ring_init(&p->ring, RING_CAP, RING_BYTES) == -1)
		errx(FK_SOFTWARE, "out of memory");
	p->stage_tail = &p->stage;
	p->batch_tail = &p->batch;
	p->backoff_ms = MQ_BACKOFF_MIN_MS;
	fk_sig_init();
	fk_sig_block();
}

static void
close_all(struct pub *p)
{
	if (p->m)
		mosquitto_destroy(p->m);
	mq_spool_close(p->spool);
	mq_ring_free(&p->ring);
	mq_topic_free(p->topic);
	mq_json_path_free(p->payload);
	mq_url_free(&p->url);
	if (p->password) {
		explicit_bzero(p->password, strlen(p->password));
		free(p->password);
	}
	fk_lines_free(&p->in);
	free(p->topic_buf);
	free(p->pend);
	mosquitto_lib_cleanup();
}

int
main(int argc, char **argv)
{
	static struct opts o = { .keepalive = 60, .drain = 30, .qos = 0, .will_qos = -1,
	    .taken_fd = -1 };
	static struct pub p;
	int status;

	srandom((unsigned)getpid() ^ (unsigned)time(NULL));
	parse_opts(argc, argv, &o);
	check_opts(&o, &p);
	open_all(&p, &o);
	status = disc_close(&p, run(&p));
	report_taken(&p, 1);
	close_all(&p);
	return status;
}
