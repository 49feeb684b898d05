/* atchat: chat(8)-compatible modem scripts and AT queries, with JSON transcripts. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "chat/at_cmd.h"
#include "chat/at_io.h"
#include "chat/at_parse.h"
#include "fk/fk_io.h"
#include "chat/chat_lex.h"
#include "chat/chat_run.h"
#include "chat/chat_secret.h"
#include "fk/fk_cli.h"
#include "fk/fk_clock.h"
#include "fk/fk_exit.h"
#include "fk/fk_sig.h"
#include "fk/jsonl.h"
#include "fk/num_parse.h"
#include "fk/ser_port.h"

#define QUERY_TIMEOUT_MS 10000
#define CMD_MAX 1024

enum { OPT_VERSION = 256 };	/* --version has no short form (-V is chat's) */

static const char *const usage_lines[] = {
	"atchat [-eEsSvV] [-d device [-b baud]] [-t timeout] [-r file] [-T phone]",
	"    [-U phone2] [--json file] [-f file | script ...]",
	"atchat [-EsSv] -d device [-b baud] [-t timeout] -c command [-c command ...]",
	NULL
};

struct cli {
	const char *device, *file, *report_path, *json_path;
	int baud, use_env, echo, verbose, show_input, to_stderr, to_log;
	long long timeout_ms;
	const char *phone, *phone2;
	char **script;			/* words on the command line */
	int nscript;
	const char **cmds;		/* -c, in order */
	int ncmds;
	struct chat_words words;	/* the script, either source */
	struct ser_port *port;
	int in_fd, out_fd;
	FILE *json, *report;
	int json_errno;
	int gone;			/* the JSON reader closed the pipe */
	struct chat_secrets secrets;	/* query mode */
};

static struct termios saved_tty;	/* stdin's settings, when it is a terminal */
static int saved_tty_ok;

static void
restore_stdin(void)
{
	if (saved_tty_ok) {
		tcsetattr(0, TCSANOW, &saved_tty);
		saved_tty_ok = 0;
	}
}

static _Noreturn void
conflict(const char *msg)
{
	warnx("%s", msg);
	fk_usage(usage_lines, 0);
}

static void
parse_args(int argc, char **argv, struct cli *c)
{
	static const struct option longopts[] = {
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int ch, seen_b = 0;

	memset(c, 0, sizeof(*c));
	c->baud = 115200;
	c->to_log = 1;
	c->in_fd = 0;
	c->out_fd = 1;
	if ((c->cmds = calloc((size_t)argc, sizeof(*c->cmds))) == NULL)
		err(FK_SOFTWARE, "calloc");
	/* '+': a script word starting with '-' ends the options, as in chat(8). */
	while ((ch = getopt_long(argc, argv, "+b:c:d:eEf:hr:sSt:T:U:vV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': c->baud = ser_baud_arg("-b", optarg); seen_b = 1; break;
		case 'c': c->cmds[c->ncmds++] = optarg; break;
		case 'd': c->device = optarg; break;
		case 'e': c->echo = 1; break;
		case 'E': c->use_env = 1; break;
		case 'f': c->file = optarg; break;
		case 'h': fk_usage(usage_lines, 1);
		case 'j': c->json_path = optarg; break;
		case 'r': c->report_path = optarg; break;
		case 's': c->to_stderr = 1; break;
		case 'S': c->to_log = 0; break;
		case 't': c->timeout_ms = (long long)(num_arg_double("-t", optarg, 0.01, 86400) * 1000 + 0.5); break;
		case 'T': c->phone = optarg; break;
		case 'U': c->phone2 = optarg; break;
		case 'v': c->verbose = 1; break;
		case 'V': c->show_input = 1; break;
		case OPT_VERSION: fk_version();
		default: fk_usage(usage_lines, 0);
		}
	}
	c->script = argv + optind;
	c->nscript = argc - optind;
	if (c->file && c->nscript)
		conflict("-f and a script on the command line exclude each other");
	if (c->ncmds && (c->file || c->nscript))
		conflict("-c and a script exclude each other");
	if (c->ncmds && (c->echo || c->show_input || c->report_path || c->phone ||
	    c->phone2 || c->json_path))
		conflict("-c does not take -e, -V, -r, -T, -U or --json");
	if (c->ncmds && !c->device)
		conflict("-c needs -d");
	if (seen_b && !c->device)
		conflict("-b needs -d");
	if (!c->ncmds && !c->file && !c->nscript)
		conflict("no script, -f or -c given");
	if (c->timeout_ms == 0)
		c->timeout_ms = c->ncmds ? QUERY_TIMEOUT_MS : CHAT_DEFAULT_TIMEOUT_MS;
}

/* All of path into *text (free it); 0, or -1 with errno set. */
static int
slurp(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;
	int bad;

	if (f == NULL)
		return -1;
	do {
		if (n == cap) {
			if ((nb = realloc(buf, cap = cap * 2 + 4096)) == NULL) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return -1;
			}
			buf = nb;
		}
		n += r = fread(buf + n, 1, cap - n, f);
	} while (r > 0);
	bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return -1;
	}
	*text = buf;
	*len = n;
	return 0;
}

/* The script's words, from the command line or a -f file; 0 or a chat(8) exit code. */
static int
load_script(struct cli *c)
{
	char *text;
	size_t len;
	int bad = 0, rc;

	if (!c->file) {
		for (int i = 0; i < c->nscript; i++)
			if (chat_words_add(&c->words, c->script[i], strlen(c->script[i])) == -1)
				err(CHAT_EIO, "out of memory");
		return 0;
	}
	if (slurp(c->file, &text, &len) == -1) {
		warn("%s", c->file);
		return CHAT_EPARAM;
	}
	rc = chat_lex(text, len, &c->words, &bad);
	free(text);
	if (rc == -1)
		warnx("%s: unterminated quote (line %d)", c->file, bad);
	else if (rc != 0)
		warnx("out of memory");
	return rc == 0 ? 0 : rc == -1 ? CHAT_EPARAM : CHAT_EIO;
}

/* -d: our own exclusive, configured line.  Else stdin/stdout, set up as chat(8) does. */
static int
open_modem(struct cli *c)
{
	char why[256];
	int status;

	if (c->device) {
		if ((c->port = ser_open(c->device, c->baud, &status, why, sizeof(why))) == NULL) {
			warnx("%s: %s", c->device, why);
			return c->ncmds ? status : CHAT_EIO;
		}
		c->in_fd = c->out_fd = ser_fd(c->port);
		return 0;
	}
	/* A pipe or socket works as well; only a terminal needs settings. */
	if (tcgetattr(0, &saved_tty) == 0) {
		struct termios t = saved_tty;
		t.c_iflag |= IGNBRK | ISTRIP | IGNPAR;
		t.c_oflag = 0;
		t.c_lflag = 0;
		t.c_cc[VERASE] = t.c_cc[VKILL] = 0;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		saved_tty_ok = 1;
		atexit(restore_stdin);
		if (tcsetattr(0, TCSANOW, &t) == -1) {
			warn("stdin: cannot set terminal parameters");
			return CHAT_EIO;
		}
	}
	return 0;
}

static void
close_modem(struct cli *c)
{
	ser_close(c->port);
	c->port = NULL;
	restore_stdin();
}

static void
log_msg(void *ctx, const char *msg)
{
	struct cli *c = ctx;

	if (c->to_log && c->verbose)
		syslog(LOG_INFO, "%s", msg);
	if (c->to_stderr)
		fprintf(stderr, "%s\n", msg);
}

static void
hangup(void *ctx, int on)
{
	(void)ctx;
	fk_sig_catch(SIGHUP, on ? NULL : SIG_IGN);
}

/* JSON strings must be UTF-8; a script may send any byte. */
static void
add_text(cJSON *o, const char *name, const char *s)
{
	char *t = strdup(s ? s : "");

	if (t == NULL)
		return;
	at_utf8_fix(t);
	cJSON_AddStringToObject(o, name, t);
	free(t);
}

/* A record stamped with the time (UTC, ms); NULL out of memory. */
static cJSON *
record(void)
{
	char ts[40];
	struct timespec now;
	cJSON *o = cJSON_CreateObject();

	clock_gettime(CLOCK_REALTIME, &now);
	if (o)
		cJSON_AddStringToObject(o, "time", fk_clock_utc_ms(ts, sizeof(ts), &now));
	return o;
}

/* Write one record; 0, 1 when the reader has gone, -1 on a write error. */
static int
emit(struct cli *c, cJSON *o)
{
	int rc = jsonl_emit(c->json, o);

	if (rc == FK_IO)
		c->json_errno = errno;
	return rc == 0 ? 0 : rc == JSONL_GONE ? 1 : -1;
}

static int
on_step(void *ctx, const struct chat_event *ev)
{
	static const char *const names[] = { "expect", "send", "set", "say", "report" };
	struct cli *c = ctx;
	cJSON *o;

	if (c->json == NULL)
		return 0;
	if ((o = record()) == NULL)
		return emit(c, NULL);
	cJSON_AddNumberToObject(o, "step", ev->step);
	cJSON_AddStringToObject(o, "event", names[ev->type]);
	if (ev->type == CHAT_EV_SET) {
		cJSON_AddStringToObject(o, "keyword", ev->keyword);
		add_text(o, "value", ev->text);
	} else
		add_text(o, names[ev->type], ev->text);
	if (ev->sub)
		cJSON_AddTrueToObject(o, "sub");
	if (ev->secret)
		cJSON_AddTrueToObject(o, "secret");
	if (ev->type == CHAT_EV_EXPECT) {
		cJSON_AddStringToObject(o, "result", ev->result);
		if (ev->abort) {
			add_text(o, "abort", ev->abort);
			cJSON_AddNumberToObject(o, "abort_index", ev->abort_index);
		}
		add_text(o, "received", ev->received);
		cJSON_AddNumberToObject(o, "timeout_ms", (double)ev->timeout_ms);
	}
	if (ev->type == CHAT_EV_EXPECT || ev->type == CHAT_EV_SEND)
		cJSON_AddNumberToObject(o, "elapsed_ms", (double)ev->elapsed_ms);
	return emit(c, o);
}

static const char *
script_result(int code)
{
	return code == CHAT_OK ? "ok" : code == CHAT_EPARAM ? "bad_script" :
	    code == CHAT_EIO ? "error" : code == CHAT_ETIMEOUT ? "timeout" : "aborted";
}

/* Script mode; returns chat(8)'s exit code. */
static int
run_script(struct cli *c)
{
	struct chat_step *steps = calloc(c->words.n + 1, sizeof(*steps));
	struct chat_cfg cfg = {
		.in_fd = c->in_fd, .out_fd = c->out_fd, .timeout_ms = c->timeout_ms,
		.env = { c->use_env, c->phone, c->phone2, NULL },
		.echo = c->echo, .verbose = c->verbose, .show_input = c->show_input,
		.echo_fd = 2, .report = c->report ? c->report : stderr,
		.event = on_step, .log = log_msg, .hangup = hangup,
		.stop = &fk_sig_stop, .ctx = c,
	};
	struct chat_result res;
	char sig[32];
	long long start = fk_now_ms();
	cJSON *o;
	int rc;

	if (steps == NULL)
		err(CHAT_EIO, "out of memory");
	chat_run(steps, chat_parse(c->words.w, c->words.n, steps), &cfg, &res);
	free(steps);
	if (res.code == CHAT_STOPPED && res.event_rc == 1)
		return CHAT_OK;
	if (res.code == CHAT_STOPPED) {
		warnx("%s: %s", c->json_path ? c->json_path : "stdout", strerror(c->json_errno));
		return CHAT_EIO;
	}
	if (fk_sig_stop)
		snprintf(res.why, sizeof(res.why), "stopped by %s",
		    fk_sig_name(fk_sig_stop, sig, sizeof(sig)));
	if (res.code != CHAT_OK) {
		if (c->to_log)
			syslog(LOG_ERR, "%s", res.why);
		warnx("%s", res.why);
	}
	if (c->json == NULL || (o = record()) == NULL)
		return res.code;
	cJSON_AddStringToObject(o, "event", "end");
	cJSON_AddNumberToObject(o, "exit_status", res.code);
	cJSON_AddStringToObject(o, "result", script_result(res.code));
	if (res.code != CHAT_OK)
		add_text(o, "error", res.why);
	cJSON_AddNumberToObject(o, "elapsed_ms", (double)(fk_now_ms() - start));
	if ((rc = emit(c, o)) == 1)
		return CHAT_OK;
	if (rc == -1) {
		warnx("%s: %s", c->json_path ? c->json_path : "stdout", strerror(c->json_errno));
		return res.code == CHAT_OK ? CHAT_EIO : res.code;
	}
	return res.code;
}

/* -v in query mode: what was sent and every line received, secrets masked. */
static void
trace(void *ctx, int sent, const char *text)
{
	struct cli *c = ctx;
	char m[2 * AT_LINE_MAX], msg[2 * AT_LINE_MAX + 16];

	if (!c->verbose)
		return;
	chat_mask(&c->secrets, text, m, sizeof(m));
	snprintf(msg, sizeof(msg), sent ? "send (%s^M)" : "%s", m);
	log_msg(c, msg);
}

static void
add_num_or_null(cJSON *o, const char *name, int known, double v)
{
	if (known)
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/*
 * Fields parsed from one line: +CSQ, ^RSSI, +CREG/+CGREG/+CEREG, +CPIN, +COPS.
 * Only the first line that parses adds fields, so no key appears twice.
 */
static void
add_parsed(cJSON *o, const char *line)
{
	struct at_csq csq;
	struct at_reg reg;
	struct at_cops cops;
	char sim[32];
	int dbm, known;

	if (cJSON_HasObjectItem(o, "rssi_dbm") || cJSON_HasObjectItem(o, "reg_state") ||
	    cJSON_HasObjectItem(o, "sim_state") || cJSON_HasObjectItem(o, "cops_mode"))
		return;
	if (at_parse_csq(line, &csq) == 0) {
		add_num_or_null(o, "rssi_dbm", csq.has_rssi, csq.rssi_dbm);
		add_num_or_null(o, "ber", csq.has_ber, csq.ber);
	} else if (at_parse_rssi(line, &dbm, &known) == 0) {
		add_num_or_null(o, "rssi_dbm", known, dbm);
	} else if (at_parse_reg(line, &reg) == 0) {
		cJSON_AddStringToObject(o, "reg_state", reg.state);
		cJSON_AddNumberToObject(o, "reg_stat", reg.stat);
		if (reg.lac[0]) {
			add_text(o, "lac", reg.lac);
			add_text(o, "cell_id", reg.ci);
		}
		if (reg.act >= 0)
			cJSON_AddNumberToObject(o, "act", reg.act);
	} else if (at_parse_cpin(line, sim, sizeof(sim)) == 0) {
		add_text(o, "sim_state", sim);
	} else if (at_parse_cops(line, &cops) == 0) {
		cJSON_AddNumberToObject(o, "cops_mode", cops.mode);
		if (cops.format >= 0) {
			add_text(o, "operator", cops.oper);
			cJSON_AddNumberToObject(o, "operator_format", cops.format);
		} else
			cJSON_AddNullToObject(o, "operator");
		if (cops.act >= 0)
			cJSON_AddNumberToObject(o, "act", cops.act);
	}
}

static int
on_urc(void *ctx, const char *line)
{
	struct cli *c = ctx;
	char m[2 * AT_LINE_MAX];
	cJSON *o = record();

	if (o == NULL) {
		c->json_errno = ENOMEM;
		return -1;
	}
	add_text(o, "urc", chat_mask(&c->secrets, line, m, sizeof(m)));
	add_parsed(o, m);
	return emit(c, o);
}

/* The command for -c: an @file names a file holding it (secrets stay off the command line). */
static int
command_text(struct cli *c, const char *raw, char *out, size_t outlen, int *secret)
{
	char file[CMD_MAX];

	if (raw[0] == '@') {
		FILE *f = fopen(raw + 1, "r");
		size_t n;
		if (f == NULL) {
			warn("%s", raw + 1);
			return FK_NODEV;
		}
		n = fread(file, 1, sizeof(file) - 1, f);
		fclose(f);
		while (n > 0 && (file[n - 1] == '\n' || file[n - 1] == '\r'))
			n--;
		file[n] = '\0';
		raw = file;
	}
	if (at_cmd_expand(raw, c->use_env, NULL, out, outlen, secret) == -1) {
		warnx("%s: command too long", raw == file ? "@file" : raw);
		return FK_USAGE;
	}
	return FK_OK;
}

/* One -c command: its JSON line, and the status it contributes. */
static int
query_one(struct cli *c, const char *raw, int *stop)
{
	struct at_io io = { c->in_fd, c->out_fd, c->timeout_ms, &fk_sig_stop, on_urc, trace, c };
	struct at_reply r;
	char cmd[CMD_MAX], shown[CMD_MAX + 16], why[256], m[2 * AT_LINE_MAX];
	int secret, rc, status;
	cJSON *o, *a;

	if ((status = command_text(c, raw, cmd, sizeof(cmd), &secret)) != FK_OK)
		return *stop = 1, status;
	if (secret) {
		/* Unmaskable is unsendable: better no command than a leaked PIN. */
		if (chat_secret_add(&c->secrets, (const unsigned char *)cmd, strlen(cmd)) == -1)
			errx(FK_SOFTWARE, "out of memory");
		at_cmd_masked(cmd, shown, sizeof(shown));
	} else
		snprintf(shown, sizeof(shown), "%s", cmd);
	rc = at_exchange(&io, cmd, &r, why, sizeof(why));
	/* A call dialled with -c is for the next program on this line: closing must not drop it. */
	if (rc == AT_IO_DONE && r.kind == AT_CONNECT && c->port)
		ser_keep_up(c->port);
	if (rc == AT_IO_STOPPED || (o = record()) == NULL) {
		/* A signal, or on_urc() could not write: run_queries() says which. */
		at_reply_free(&r);
		*stop = 1;
		if (!fk_sig_stop && !c->json_errno)
			c->gone = 1;
		return fk_sig_stop ? FK_SIGNAL : c->json_errno ? FK_IO : FK_OK;
	}
	add_text(o, "command", shown);
	if (secret)
		cJSON_AddTrueToObject(o, "secret");
	a = cJSON_AddArrayToObject(o, "response");
	for (size_t i = 0; i < r.n; i++) {
		cJSON_AddItemToArray(a, cJSON_CreateString(chat_mask(&c->secrets, r.lines[i], m, sizeof(m))));
		add_parsed(o, m);
	}
	if (r.final[0])
		add_text(o, "result", r.final);
	else
		cJSON_AddNullToObject(o, "result");
	if ((r.kind == AT_CME_ERROR || r.kind == AT_CMS_ERROR) && r.err >= 0)
		cJSON_AddNumberToObject(o, r.kind == AT_CME_ERROR ? "cme_error" : "cms_error", r.err);
	status = rc == AT_IO_TIMEOUT ? FK_TIMEOUT : rc == AT_IO_NOANSWER ? FK_NOANSWER :
	    rc == AT_IO_ERROR ? FK_IO : at_final_is_error(r.kind) ? FK_PARTIAL :
	    at_final_is_call_failure(r.kind) ? FK_BUSY : FK_OK;
	cJSON_AddStringToObject(o, "status", rc == AT_IO_DONE ? (status == FK_OK ? "ok" :
	    status == FK_PARTIAL ? "error" : "call_failed") : fk_exit_name(status));
	cJSON_AddNumberToObject(o, "elapsed_ms", (double)r.elapsed_ms);
	at_reply_free(&r);
	if ((rc = emit(c, o)) != 0) {
		c->gone = rc == 1;
		return *stop = 1, rc == 1 ? FK_OK : FK_IO;
	}
	if (status == FK_TIMEOUT || status == FK_NOANSWER || status == FK_IO) {
		warnx("%s: %s: %s", c->device, shown, why);
		*stop = 1;
	}
	return status;
}

/* Errors < call failures < anything that stopped the run. */
static int
rank(int status)
{
	return status == FK_OK ? 0 : status == FK_PARTIAL ? 1 : status == FK_BUSY ? 2 : 3;
}

/* Query mode: the worst of the commands' statuses; a silent or broken modem stops the run. */
static int
run_queries(struct cli *c)
{
	int status = FK_OK, stop = 0;
	char sig[32];

	c->json = stdout;
	for (int i = 0; i < c->ncmds && !stop; i++) {
		int s = query_one(c, c->cmds[i], &stop);
		if (rank(s) > rank(status))
			status = s;
	}
	if (fk_sig_stop) {
		warnx("stopped by %s", fk_sig_name(fk_sig_stop, sig, sizeof(sig)));
		status = FK_SIGNAL;
	} else if (c->gone)
		status = FK_OK;
	else if (c->json_errno) {
		warnx("stdout: %s", strerror(c->json_errno));
		status = FK_IO;
	}
	chat_secrets_free(&c->secrets);
	return status;
}

/* Where the transcript and REPORT lines go; 0 or chat(8)'s code for bad parameters. */
static int
open_outputs(struct cli *c)
{
	if (c->json_path && (c->json = fopen(c->json_path, "a")) == NULL) {
		warn("%s", c->json_path);
		return CHAT_EPARAM;
	}
	if (!c->json_path && c->device)
		c->json = stdout;
	if (c->report_path && (c->report = fopen(c->report_path, "a")) == NULL) {
		warn("%s", c->report_path);
		return CHAT_EPARAM;
	}
	/* chat(8) -v marks its own stretch of a shared report file. */
	if (c->report && c->verbose)
		fprintf(c->report, "Opening \"%s\"...\n", c->report_path);
	return 0;
}

static void
close_all(struct cli *c)
{
	close_modem(c);
	if (c->json && c->json != stdout)
		fclose(c->json);
	if (c->report && c->verbose)
		fprintf(c->report, "Closing \"%s\".\n", c->report_path);
	if (c->report)
		fclose(c->report);
	chat_words_free(&c->words);
	free(c->cmds);
}

int
main(int argc, char **argv)
{
	struct cli c;
	int status;

	parse_args(argc, argv, &c);
	if (c.to_log)
		openlog("atchat", LOG_PID | LOG_NDELAY, LOG_LOCAL2);
	fk_sig_init();
	if ((status = c.ncmds ? 0 : load_script(&c)) == 0 &&
	    (status = c.ncmds ? 0 : open_outputs(&c)) == 0 &&
	    (status = open_modem(&c)) == 0) {
		/* Only now: the script may come from a pipe, read without fk_wait(). */
		fk_sig_block();
		status = c.ncmds ? run_queries(&c) : run_script(&c);
	}
	close_all(&c);
	return status;
}
