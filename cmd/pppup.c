/* pppup: dial a 3G modem through pppd, supervised, every step and the reason it ended as JSON. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "chat/at_io.h"
#include "chat/at_parse.h"
#include "chat/at_result.h"
#include "fk/fk_io.h"
#include "fk/fk_cli.h"
#include "fk/fk_clock.h"
#include "fk/fk_exit.h"
#include "fk/fk_sig.h"
#include "fk/fk_wait.h"
#include "fk/jsonl.h"
#include "fk/num_parse.h"
#include "ppp/ppp_backoff.h"
#include "ppp/ppp_dial.h"
#include "ppp/ppp_exit.h"
#include "ppp/ppp_log.h"
#include "ppp/ppp_opts.h"
#include "ppp/ppp_prep.h"
#include "fk/ser_port.h"

#define DIAL_TIMEOUT_S 60	/* for CONNECT after ATD; networks can take half a minute */
#define QUIET_MS 300		/* pppd silent this long after the address lines: block done */
#define STOP_GRACE_MS 15000	/* pppd's LCP terminate exchange, then SIGKILL */
#define SECRET_MAX 256		/* pppd's MAXSECRETLEN */
#define REPORT_TIMEOUT_MS 5000	/* for each --report answer */

static const char *const usage_lines[] = {
	"pppup -d DATA_PORT [-c AT_PORT] [--apn APN] [--number NUMBER]",
	"[--network 3gpp|3gpp2] [--auth none|pap|chap|any] [--user USER]",
	"[--password-file FILE] [--pin-file FILE] [--reg-timeout SECONDS]",
	"[--persist] [--max-fails N] [--report SECONDS] [--print] [--pppd PATH] [-v]",
	"[-- pppd-option ...]",
	NULL
};

struct opts {
	const char *data_port, *at_port, *apn, *number, *user;
	const char *password_file, *pin_file, *pppd_arg;
	enum ppp_net net;
	enum ppp_auth auth;
	int persist, max_fails, print, verbose;
	long long reg_timeout_ms, report_ms;
	char **extra;
	int nextra;
	const char **argv;		/* room for pppd's command line: PPP_ARGV_MAX + nextra + 1 */
	char password[SECRET_MAX + 2], pin[16];
	char pppd[PATH_MAX], atchat[PATH_MAX], dir[256];
};

/* One dial attempt, from the first AT to pppd's exit. */
struct attempt {
	int n;
	struct ppp_log log;
	struct ppp_cause cause;
	int pppd_code;			/* -1: pppd did not run or died by a signal */
	struct ppp_dial_result dial;
	long long up_at_ms;		/* when connected, 0 if never */
	long up_s;			/* how long it carried IP, -1 if never */
	int stopped_up;			/* our stop signal found the link up */
	const char *where;		/* the AT port, or "pppd": who said log.message */
	int data_lock;			/* holds the data port's lock while pppd runs, or -1 */
	struct ser_port *at;		/* a separate AT port, held (and read by --report) */
	const char *reg_query;		/* the registration command the modem knows */
	long long next_report_ms;
};

static int out_state;		/* jsonl_emit()'s last answer: 0, JSONL_GONE, FK_IO */

/* Caught only so that pppd's end cuts the supervisor's wait short (EINTR). */
static void
on_child(int sig)
{
	(void)sig;
}

static _Noreturn void
usage_error(const char *fmt, const char *arg)
{
	warnx(fmt, arg);
	fk_usage(usage_lines, 0);
}

static int
choice(const char *opt, const char *s, int (*parse)(const char *))
{
	int v = parse(s);

	if (v == -1) {
		warnx("%s: %s: unknown choice", opt, s);
		fk_usage(usage_lines, 0);
	}
	return v;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_APN = 256, O_NUMBER, O_NETWORK, O_AUTH, O_USER, O_PASSFILE, O_PINFILE,
	    O_REGTIMEOUT, O_PERSIST, O_MAXFAILS, O_PRINT, O_PPPD, O_VERSION, O_REPORT };
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "at-port", required_argument, NULL, 'c' },
		{ "apn", required_argument, NULL, O_APN },
		{ "number", required_argument, NULL, O_NUMBER },
		{ "network", required_argument, NULL, O_NETWORK },
		{ "auth", required_argument, NULL, O_AUTH },
		{ "user", required_argument, NULL, O_USER },
		{ "password-file", required_argument, NULL, O_PASSFILE },
		{ "pin-file", required_argument, NULL, O_PINFILE },
		{ "reg-timeout", required_argument, NULL, O_REGTIMEOUT },
		{ "persist", no_argument, NULL, O_PERSIST },
		{ "max-fails", required_argument, NULL, O_MAXFAILS },
		{ "report", required_argument, NULL, O_REPORT },
		{ "print", no_argument, NULL, O_PRINT },
		{ "pppd", required_argument, NULL, O_PPPD },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int ch, auth = -1, max_fails = -1;

	memset(o, 0, sizeof(*o));
	o->reg_timeout_ms = 60000;
	while ((ch = getopt_long(argc, argv, "+c:d:hv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': o->data_port = optarg; break;
		case 'c': o->at_port = optarg; break;
		case 'v': o->verbose = 1; break;
		case 'h': fk_usage(usage_lines, 1);
		case O_APN: o->apn = optarg; break;
		case O_NUMBER: o->number = optarg; break;
		case O_NETWORK: o->net = choice("--network", optarg, ppp_net_parse); break;
		case O_AUTH: auth = choice("--auth", optarg, ppp_auth_parse); break;
		case O_USER: o->user = optarg; break;
		case O_PASSFILE: o->password_file = optarg; break;
		case O_PINFILE: o->pin_file = optarg; break;
		case O_REGTIMEOUT:
			o->reg_timeout_ms = num_arg("--reg-timeout", optarg, 1, 3600) * 1000;
			break;
		case O_PERSIST: o->persist = 1; break;
		case O_MAXFAILS: max_fails = (int)num_arg("--max-fails", optarg, 0, 1000000); break;
		case O_REPORT: o->report_ms = num_arg("--report", optarg, 1, 86400) * 1000; break;
		case O_PRINT: o->print = 1; break;
		case O_PPPD: o->pppd_arg = optarg; break;
		case O_VERSION: fk_version();
		default: fk_usage(usage_lines, 0);
		}
	}
	if (optind < argc && strcmp(argv[optind - 1], "--") != 0)
		usage_error("%s: pppd options go after --", argv[optind]);
	o->extra = argv + optind;
	o->nextra = argc - optind;
	if ((o->argv = calloc(PPP_ARGV_MAX + (size_t)o->nextra + 1, sizeof(*o->argv))) == NULL)
		err(FK_SOFTWARE, "calloc");
	o->auth = auth >= 0 ? (enum ppp_auth)auth : o->user ? PPP_AUTH_ANY : PPP_AUTH_NONE;
	o->max_fails = max_fails >= 0 ? max_fails : 10;
	if (o->number == NULL)
		o->number = o->net == PPP_NET_3GPP ? "*99#" : "#777";
	if (o->data_port == NULL)
		usage_error("%s", "-d DATA_PORT is required");
	if (o->net == PPP_NET_3GPP && o->apn == NULL)
		usage_error("%s", "--apn is required with --network 3gpp");
	if (o->net == PPP_NET_3GPP2 && o->apn)
		usage_error("%s", "--apn is not used with --network 3gpp2");
	if (o->auth == PPP_AUTH_NONE && (o->user || o->password_file))
		usage_error("%s", "--user and --password-file need --auth pap, chap or any");
	if (o->auth != PPP_AUTH_NONE && o->user == NULL)
		usage_error("--auth %s needs --user", ppp_auth_name(o->auth));
	if (max_fails >= 0 && !o->persist)
		usage_error("%s", "--max-fails needs --persist");
	if (o->report_ms && !o->at_port)
		usage_error("%s", "--report needs -c AT_PORT: the data port carries PPP");
	if (strspn(o->number, "0123456789*#+,") != strlen(o->number) || !*o->number ||
	    strlen(o->number) > 32)
		usage_error("--number: %s: digits, *, #, + and , only", o->number);
	for (int i = 0; i < o->nextra; i++) {
		const char *why = ppp_extra_conflict(o->extra[i]);
		if (why) {
			warnx("-- %s: %s", o->extra[i], why);
			fk_usage(usage_lines, 0);
		}
	}
}

/* A secret's first line, from a file nobody else may read. */
static void
read_secret(const char *path, char *buf, size_t len)
{
	struct stat st;
	FILE *f;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t n;

	if (fd == -1)
		err(FK_NODEV, "%s", path);
	if (fstat(fd, &st) == -1)
		err(FK_NODEV, "%s", path);
	if (!S_ISREG(st.st_mode))
		errx(FK_NODEV, "%s: not a regular file", path);
	if (st.st_mode & 077)
		errx(FK_NODEV, "%s: readable by others (chmod 600)", path);
	if ((f = fdopen(fd, "r")) == NULL)
		err(FK_NODEV, "%s", path);
	if (fgets(buf, (int)len, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	n = strcspn(buf, "\r\n");
	if (n >= len - 1 && buf[n] == '\0')
		errx(FK_NODEV, "%s: longer than %zu bytes", path, len - 2);
	buf[n] = '\0';
	if (n == 0)
		errx(FK_NODEV, "%s: empty", path);
}

/* path if it is an executable file, else NULL. */
static const char *
runnable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0 ?
	    path : NULL;
}

/* name in dir (if given), then along PATH, then in fallback; into out. */
static int
find_program(const char *name, const char *dir, const char *fallback, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (dir && snprintf(buf, sizeof(buf), "%s/%s", dir, name) < (int)sizeof(buf) &&
	    runnable(buf))
		return snprintf(out, len, "%s", buf) < (int)len ? 0 : -1;
	for (const char *p = path ? path : ""; *p; ) {
		size_t n = strcspn(p, ":");
		if (n > 0 && snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, name) <
		    (int)sizeof(buf) && buf[0] == '/' && runnable(buf))
			return snprintf(out, len, "%s", buf) < (int)len ? 0 : -1;
		p += n + (p[n] == ':');
	}
	if (fallback && runnable(fallback))
		return snprintf(out, len, "%s", fallback) < (int)len ? 0 : -1;
	return -1;
}

/* Secrets, pppd and atchat: everything a run needs before it touches the modem. */
static void
load(struct opts *o)
{
	char self[PATH_MAX], text[1024], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct ppp_prep_cfg pc = { o->net, o->apn, NULL, o->user, NULL, 0 };
	const char *bad;

	if (o->password_file)
		read_secret(o->password_file, o->password, sizeof(o->password));
	if (o->pin_file)
		read_secret(o->pin_file, o->pin, sizeof(o->pin));
	pc.pin = o->pin_file ? o->pin : NULL;
	pc.password = o->password_file ? o->password : NULL;
	if ((bad = ppp_prep_check(&pc)) && strcmp(bad, "pin") == 0)
		errx(FK_USAGE, "%s: a PIN is 4 to 8 digits", o->pin_file);
	if (bad && strcmp(bad, "password") == 0)
		errx(FK_USAGE, "%s: the password cannot be sent in AT^PPPCFG", o->password_file);
	if (bad)
		usage_error("--%s: cannot be sent in an AT command", bad);
	if (o->user && ppp_secrets_text(text, sizeof(text), o->user,
	    o->password_file ? o->password : NULL, 0) == -1)
		errx(FK_USAGE, "--user or password: control characters or too long");
	if (o->pppd_arg && !runnable(o->pppd_arg))
		errx(FK_NODEV, "%s: not an executable file", o->pppd_arg);
	if (o->pppd_arg)
		snprintf(o->pppd, sizeof(o->pppd), "%s", o->pppd_arg);
	else if (find_program("pppd", NULL, "/usr/sbin/pppd", o->pppd, sizeof(o->pppd)) == -1)
		errx(FK_NODEV, "pppd: not found (Debian package ppp)");
	/* atchat beside us first: a build tree or an install keeps them together. */
	if (n > 0)
		self[n] = '\0';
	slash = n > 0 ? strrchr(self, '/') : NULL;
	if (slash)
		*slash = '\0';
	if (find_program("atchat", slash ? self : NULL, NULL, o->atchat, sizeof(o->atchat)) == -1)
		errx(FK_NODEV, "atchat: not found beside pppup or on PATH");
}

/* dir/name into out ("" if it does not fit). */
static char *
in_dir(char *out, size_t len, const char *dir, const char *name)
{
	if (snprintf(out, len, "%s/%s", dir, name) >= (int)len)
		out[0] = '\0';
	return out;
}

/* Where the secrets file and the dial transcript live: root's tmpfs when we may. */
static char *
dir_template(char *buf, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	if (access("/run", W_OK) == 0)
		tmp = "/run";
	else if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	if (snprintf(buf, len, "%s/pppup.XXXXXX", tmp) >= (int)len)
		snprintf(buf, len, "/tmp/pppup.XXXXXX");
	return buf;
}

/* Write one JSON line with its time; remembers a gone reader or a write error. */
static void
emit(cJSON *o)
{
	char ts[32];
	int rc;

	if (o == NULL || out_state != 0) {
		cJSON_Delete(o);
		return;
	}
	cJSON_AddStringToObject(o, "time", fk_clock_utc(ts, sizeof(ts), time(NULL)));
	if ((rc = jsonl_emit(stdout, o)) == FK_IO)
		warn("stdout");
	if (rc != 0) {
		out_state = rc;
		fk_sig_stop = SIGPIPE;
	}
}

static cJSON *
event(const char *name, int attempt)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "event", name);
	if (attempt > 0)
		cJSON_AddNumberToObject(o, "attempt", attempt);
	return o;
}

static cJSON *
strings(const char *const *v, int n)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < n && v[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

/* The pppd command line for this run; paths under dir. */
static int
build_argv(const struct opts *o, const char *dir, char *connect, size_t clen,
    char *secrets, size_t slen, const char **argv, size_t max)
{
	char json[PATH_MAX];
	struct ppp_conf c = { o->pppd, o->data_port, o->net, o->auth, connect,
	    o->user ? secrets : NULL, o->extra, o->nextra };

	in_dir(json, sizeof(json), dir, "dial.json");
	in_dir(secrets, slen, dir, "options");
	if (ppp_connect_cmd(connect, clen, o->atchat, json, o->number, DIAL_TIMEOUT_S) == -1)
		errx(FK_USAGE, "connect command too long");
	return ppp_argv(&c, argv, max);
}

enum { PLAN_MAX = 12 };	/* AT steps --print shows; ppp_prep has at most 8 */

/* The AT steps' settings from the options, for a run and for --print alike. */
static struct ppp_prep_cfg
prep_cfg(const struct opts *o)
{
	return (struct ppp_prep_cfg){ o->net, o->apn, o->pin_file ? o->pin : NULL, o->user,
	    o->password_file ? o->password : NULL, o->reg_timeout_ms };
}

/* --print: what would be sent and run, secrets elided; nothing is touched. */
static int
print_plan(const struct opts *o)
{
	char dir[PATH_MAX], connect[2 * PATH_MAX], secrets[PATH_MAX], text[1024];
	struct ppp_prep_cfg cfg = prep_cfg(o);
	char at[PLAN_MAX][256];
	const char *atv[PLAN_MAX];
	int n = ppp_prep_plan(&cfg, at, PLAN_MAX);
	cJSON *e;

	dir_template(dir, sizeof(dir));
	for (int i = 0; i < n; i++)
		atv[i] = at[i];
	e = event("print", 0);
	cJSON_AddStringToObject(e, "at_port", o->at_port ? o->at_port : o->data_port);
	cJSON_AddItemToObject(e, "at", strings(atv, n));
	emit(e);
	n = build_argv(o, dir, connect, sizeof(connect), secrets, sizeof(secrets), o->argv,
	    PPP_ARGV_MAX + (size_t)o->nextra + 1);
	e = event("print", 0);
	cJSON_AddItemToObject(e, "pppd", strings(o->argv, n));
	emit(e);
	if (o->user) {
		ppp_secrets_text(text, sizeof(text), o->user,
		    o->password_file ? o->password : NULL, 1);
		e = event("print", 0);
		cJSON_AddStringToObject(e, "file", secrets);
		cJSON_AddStringToObject(e, "mode", "0600");
		cJSON_AddStringToObject(e, "content", text);
		emit(e);
	}
	return out_state == FK_IO ? FK_IO : FK_OK;
}

/* The step just answered: step and shown are its name and command, p has what it told. */
static void
step_event(const struct attempt *a, const char *port, const char *step, const char *shown,
    const struct ppp_prep *p, int io, const struct at_reply *r, const char *why)
{
	cJSON *e = event("step", a->n);
	cJSON *resp;

	cJSON_AddStringToObject(e, "step", step);
	cJSON_AddStringToObject(e, "port", port);
	cJSON_AddStringToObject(e, "command", shown);
	resp = cJSON_AddArrayToObject(e, "response");
	for (size_t i = 0; i < r->n; i++)
		cJSON_AddItemToArray(resp, cJSON_CreateString(r->lines[i]));
	if (io == AT_IO_DONE)
		cJSON_AddStringToObject(e, "result", at_final_name(r->kind));
	else {
		cJSON_AddNullToObject(e, "result");
		cJSON_AddStringToObject(e, "error", why);
	}
	if (io == AT_IO_DONE && r->kind == AT_CME_ERROR && r->err >= 0)
		cJSON_AddNumberToObject(e, "cme_error", r->err);
	cJSON_AddNumberToObject(e, "elapsed_ms", (double)r->elapsed_ms);
	if (p->fact == PPP_FACT_SIM)
		cJSON_AddStringToObject(e, "sim_state", p->sim_state);
	if (p->fact == PPP_FACT_REG)
		cJSON_AddStringToObject(e, "reg_state", p->reg.state);
	if (p->fact == PPP_FACT_CSQ && p->csq.has_rssi)
		cJSON_AddNumberToObject(e, "rssi_dbm", p->csq.rssi_dbm);
	else if (p->fact == PPP_FACT_CSQ)
		cJSON_AddNullToObject(e, "rssi_dbm");
	emit(e);
}

/* Sleep ms unless a signal asks us to stop; 0, or -1 when stopped. */
static int
pause_ms(long long ms)
{
	fk_io_pause(ms > INT_MAX ? INT_MAX : (int)ms, NULL);
	return fk_sig_stop ? -1 : 0;
}

/*
 * The data port's lock (the flock ser_open takes), without TIOCEXCL: pppd must
 * still open the port, and a second pppup or atchat must not.  -1 with why.
 */
static int
lock_port(const char *path, int *status, char *why, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	*status = fd == -1 && errno != EBUSY ? FK_NODEV : FK_LOCKED;
	if (fd == -1 && errno != EBUSY) {
		snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	if (fd == -1 || flock(fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(why, len, "in use by another program");
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* Let go of the modem: after pppd has gone, or when there is no pppd to run. */
static void
release(struct attempt *a)
{
	ser_close(a->at);
	a->at = NULL;
	if (a->data_lock != -1)
		close(a->data_lock);
	a->data_lock = -1;
}

/*
 * Take the modem: both ports locked before the first AT, so that a second
 * pppup finds them taken having sent nothing.  0, or -1 with a->cause set.
 */
static int
take_modem(const struct opts *o, struct attempt *a, struct ser_port **sp)
{
	const char *port = o->at_port ? o->at_port : o->data_port;
	char why[256];
	int status;

	a->where = o->at_port ? o->data_port : port;
	if (o->at_port && (a->data_lock = lock_port(o->data_port, &status, why,
	    sizeof(why))) == -1)
		goto fail;
	a->where = port;
	if ((*sp = ser_open(port, PPP_BAUD, &status, why, sizeof(why))) != NULL)
		return 0;
	release(a);
fail:
	a->cause = (struct ppp_cause){ status == FK_LOCKED ? "locked" : "no_device", status, 0 };
	snprintf(a->log.message, sizeof(a->log.message), "%.150s", why);
	return -1;
}

/* The AT steps on the AT port: 0 ready to dial (the modem held), -1 with a->cause set. */
static int
prepare(const struct opts *o, struct attempt *a)
{
	const char *port = o->at_port ? o->at_port : o->data_port;
	struct ppp_prep_cfg cfg = prep_cfg(o);
	struct ppp_prep p;
	struct ser_port *sp;
	char why[256], shown[sizeof(p.shown)];
	int rc = ppp_prep_begin(&p, &cfg, fk_now_ms());

	if (take_modem(o, a, &sp) == -1)
		return -1;
	while (rc == PPP_PREP_SEND && pause_ms(p.delay_ms) == 0) {
		struct at_io io = { ser_fd(sp), ser_fd(sp), p.timeout_ms, &fk_sig_stop, NULL, NULL, NULL };
		struct at_reply r;
		int got = at_exchange(&io, p.cmd, &r, why, sizeof(why));
		const char *step = p.step;

		if (got == AT_IO_STOPPED) {
			at_reply_free(&r);
			break;
		}
		snprintf(shown, sizeof(shown), "%s", p.shown);
		rc = ppp_prep_answer(&p, got, &r, fk_now_ms());
		step_event(a, port, step, shown, &p, got, &r, why);
		at_reply_free(&r);
	}
	a->reg_query = p.reg_cmd ? "AT+CREG?" : "AT+CGREG?";
	if (o->at_port)
		a->at = sp;
	else {
		/* A duplicate shares the lock, which so outlives ser_close() for pppd's whole run. */
		a->data_lock = fcntl(ser_fd(sp), F_DUPFD_CLOEXEC, 0);
		ser_close(sp);
		if (a->data_lock == -1 && rc == PPP_PREP_DONE) {
			snprintf(p.why, sizeof(p.why), "cannot keep the lock: %s", strerror(errno));
			p.cause = (struct ppp_cause){ "port_error", FK_IO, 0 };
			rc = PPP_PREP_FAIL;
		}
	}
	if (rc == PPP_PREP_DONE && !fk_sig_stop)
		return 0;
	if (fk_sig_stop)
		a->cause = (struct ppp_cause){ "stopped", FK_SIGNAL, 0 };
	else {
		a->cause = p.cause;
		snprintf(a->log.message, sizeof(a->log.message), "%.60s: %.90s", p.shown, p.why);
	}
	return -1;
}

static void
connected_event(struct attempt *a)
{
	cJSON *e = event("connected", a->n), *dns = cJSON_CreateArray();

	a->up_at_ms = fk_now_ms();
	cJSON_AddStringToObject(e, "interface", a->log.iface);
	cJSON_AddStringToObject(e, "local_ip", a->log.local_ip);
	cJSON_AddStringToObject(e, "remote_ip", a->log.remote_ip);
	for (int i = 0; i < 2; i++)
		if (a->log.dns[i][0])
			cJSON_AddItemToArray(dns, cJSON_CreateString(a->log.dns[i]));
	cJSON_AddItemToObject(e, "dns", dns);
	emit(e);
}

/* Feed complete lines from buf to the log parser; returns bytes consumed. */
static size_t
feed_lines(const struct opts *o, struct attempt *a, char *buf, size_t n, int flush_all)
{
	size_t used = 0;

	for (;;) {
		char *nl = memchr(buf + used, '\n', n - used);
		size_t len = nl ? (size_t)(nl - (buf + used)) : n - used;

		if (!nl && !flush_all)
			break;
		if (!nl && len == 0)
			break;
		buf[used + len] = '\0';
		if (o->verbose && buf[used] != '\0') {
			cJSON *e = event("log", a->n);
			cJSON_AddStringToObject(e, "line", buf + used);
			emit(e);
		}
		if (ppp_log_line(&a->log, buf + used) == PPP_LOG_CONNECTED) {
			connected_event(a);
		}
		used += len + (nl != NULL);
	}
	return used;
}

static pid_t
spawn(const char *const *argv, int logfd)
{
	pid_t parent = getpid(), pid = fork();
	int null;

	if (pid != 0)
		return pid;
	/* pppd must not outlive its supervisor, or nobody reports its end. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	fk_sig_child();
	if ((null = open("/dev/null", O_RDONLY)) != -1)
		dup2(null, 0);
	dup2(logfd, 1);
	dup2(logfd, 2);
	execv(argv[0], (char *const *)argv);
	fprintf(stderr, "pppup: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* One --report answer: 0 with fields in out (csq or reg), or -1 with why set. */
static int
report_ask(struct attempt *a, const char *cmd, struct at_csq *csq, struct at_reg *reg,
    char *why, size_t len)
{
	struct at_io io = { ser_fd(a->at), ser_fd(a->at), REPORT_TIMEOUT_MS, &fk_sig_stop,
	    NULL, NULL, NULL };
	struct at_reply r;
	int got = at_exchange(&io, cmd, &r, why, len), found = 0;

	for (size_t i = 0; got == AT_IO_DONE && r.kind == AT_OK && i < r.n && !found; i++)
		found = csq ? at_parse_csq(r.lines[i], csq) == 0 : at_parse_reg(r.lines[i], reg) == 0;
	if (got == AT_IO_DONE && !found)
		snprintf(why, len, "%.120s", r.kind == AT_OK ? "answer unreadable" :
		    r.final[0] ? r.final : "no final result");
	at_reply_free(&r);
	return found ? 0 : -1;
}

/* --report: signal and registration from the AT port while the link is up. */
static void
report(const struct opts *o, struct attempt *a)
{
	struct at_csq csq;
	struct at_reg reg;
	char why[2][256];
	int csq_ok, reg_ok;
	cJSON *e;

	/* URCs piled up while nobody read the port: they are old news. */
	ser_flush_input(a->at);
	csq_ok = report_ask(a, "AT+CSQ", &csq, NULL, why[0], sizeof(why[0])) == 0;
	reg_ok = !fk_sig_stop && report_ask(a, a->reg_query, NULL, &reg, why[1], sizeof(why[1])) == 0;
	if (fk_sig_stop)
		return;
	e = event("signal", a->n);
	cJSON_AddStringToObject(e, "port", o->at_port);
	if (csq_ok && csq.has_rssi)
		cJSON_AddNumberToObject(e, "rssi_dbm", csq.rssi_dbm);
	else
		cJSON_AddNullToObject(e, "rssi_dbm");
	if (csq_ok && csq.has_ber)
		cJSON_AddNumberToObject(e, "ber", csq.ber);
	else
		cJSON_AddNullToObject(e, "ber");
	if (reg_ok) {
		cJSON_AddStringToObject(e, "reg_state", reg.state);
		cJSON_AddNumberToObject(e, "reg_stat", reg.stat);
	} else
		cJSON_AddNullToObject(e, "reg_state");
	if (reg_ok && reg.lac[0]) {
		cJSON_AddStringToObject(e, "lac", reg.lac);
		cJSON_AddStringToObject(e, "cell_id", reg.ci);
	}
	if (reg_ok && reg.act >= 0)
		cJSON_AddNumberToObject(e, "act", reg.act);
	if (!csq_ok)
		cJSON_AddStringToObject(e, "signal_error", why[0]);
	if (!reg_ok)
		cJSON_AddStringToObject(e, "reg_error", why[1]);
	emit(e);
}

/* Read pppd's log until it exits; returns its wait status. */
static int
supervise_pppd(const struct opts *o, struct attempt *a, pid_t pid, int logfd)
{
	char buf[4096];
	size_t have = 0;
	long long stop_at = 0;
	int wstatus = 0, exited = 0, eof = 0;

	while (!exited || !eof) {
		struct pollfd pfd = { logfd, POLLIN, 0 };
		int timeout = a->log.pending ? QUIET_MS : 1000;

		if (fk_sig_stop && !stop_at) {
			stop_at = fk_now_ms();
			a->stopped_up = a->log.up;
			kill(pid, SIGTERM);
		}
		if (stop_at && !exited && fk_now_ms() - stop_at > STOP_GRACE_MS)
			kill(pid, SIGKILL);
		if (exited)
			timeout = 0;	/* drain what is left, do not wait on scripts holding the pipe */
		/* A stop or pppd's end (SIGCHLD) cuts it short, even one just before it. */
		if (fk_wait_fds(&pfd, !eof, fk_now_ms() + timeout) == 0 &&
		    ppp_log_flush(&a->log)) {
			connected_event(a);
		}
		if (!eof && (pfd.revents & (POLLIN | POLLHUP))) {
			ssize_t got = read(logfd, buf + have, sizeof(buf) - 1 - have);
			if (got <= 0)
				eof = got == 0 || errno != EINTR;
			else
				have += (size_t)got;
			size_t used = feed_lines(o, a, buf, have, have == sizeof(buf) - 1);
			memmove(buf, buf + used, have - used);
			have -= used;
		} else if (exited)
			eof = 1;
		if (!exited && waitpid(pid, &wstatus, WNOHANG) == pid)
			exited = 1;
		if (o->report_ms && a->at && a->up_at_ms && !exited && !fk_sig_stop &&
		    fk_now_ms() >= a->next_report_ms) {
			report(o, a);
			a->next_report_ms = fk_now_ms() + o->report_ms;
		}
	}
	feed_lines(o, a, buf, have, 1);
	if (ppp_log_flush(&a->log)) {
		connected_event(a);
	}
	return wstatus;
}

static void
cleanup_dir(const char *dir)
{
	char path[PATH_MAX];

	if (!*dir)
		return;
	unlink(in_dir(path, sizeof(path), dir, "options"));
	unlink(in_dir(path, sizeof(path), dir, "dial.json"));
	rmdir(dir);
}

/* What the connect program wrote about the dial. */
static void
read_dial(const char *dir, struct ppp_dial_result *d)
{
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;
	FILE *f, *m;

	ppp_dial_parse(NULL, d);
	if ((f = fopen(in_dir(path, sizeof(path), dir, "dial.json"), "r")) == NULL)
		return;
	if ((m = open_memstream(&text, &len)) != NULL) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, m);
		fclose(m);
		ppp_dial_parse(text, d);
		free(text);
	}
	fclose(f);
}

/* Write the credentials file pppd reads with `file`; only its owner may read it. */
static int
write_secrets(const struct opts *o, const char *path)
{
	char text[1024];
	int fd, n = ppp_secrets_text(text, sizeof(text), o->user,
	    o->password_file ? o->password : NULL, 0);

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (write(fd, text, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	memset(text, 0, sizeof(text));
	return close(fd);
}

/* One pppd run: 0 when it ran (a->cause says how it ended), -1 if it could not start. */
static int
dial(struct opts *o, struct attempt *a)
{
	char connect[2 * PATH_MAX], secrets[PATH_MAX];
	int logp[2], wstatus;
	pid_t pid;
	cJSON *e;

	if (mkdtemp(dir_template(o->dir, sizeof(o->dir))) == NULL) {
		warn("%s", o->dir);
		o->dir[0] = '\0';
		return -1;
	}
	build_argv(o, o->dir, connect, sizeof(connect), secrets, sizeof(secrets), o->argv,
	    PPP_ARGV_MAX + (size_t)o->nextra + 1);
	if ((o->user && write_secrets(o, secrets) == -1) || pipe2(logp, O_CLOEXEC) == -1) {
		warn("%s", o->dir);
		cleanup_dir(o->dir);
		return -1;
	}
	if ((pid = spawn(o->argv, logp[1])) == -1) {
		warn("fork");
		close(logp[0]);
		close(logp[1]);
		cleanup_dir(o->dir);
		return -1;
	}
	close(logp[1]);
	a->where = "pppd";
	e = event("dialing", a->n);
	cJSON_AddStringToObject(e, "device", o->data_port);
	cJSON_AddStringToObject(e, "number", o->number);
	cJSON_AddStringToObject(e, "network", ppp_net_name(o->net));
	cJSON_AddStringToObject(e, "auth", ppp_auth_name(o->auth));
	cJSON_AddNumberToObject(e, "pppd_pid", pid);
	emit(e);
	wstatus = supervise_pppd(o, a, pid, logp[0]);
	close(logp[0]);
	a->up_s = a->up_at_ms ? (long)((fk_now_ms() - a->up_at_ms) / 1000) : -1;
	if (WIFEXITED(wstatus)) {
		a->pppd_code = WEXITSTATUS(wstatus);
		if (a->pppd_code == 8)
			read_dial(o->dir, &a->dial);
		a->cause = ppp_exit_cause(a->pppd_code, a->dial.how, a->dial.abort,
		    a->log.auth_failed);
	} else
		a->cause = ppp_signal_cause();
	if (fk_sig_stop && (a->pppd_code == 5 || !WIFEXITED(wstatus)))
		a->cause = (struct ppp_cause){ "stopped", a->stopped_up ? FK_OK : FK_SIGNAL, 0 };
	cleanup_dir(o->dir);
	o->dir[0] = '\0';
	return 0;
}

static void
down_event(const struct attempt *a)
{
	cJSON *e = event("down", a->n), *x;

	cJSON_AddStringToObject(e, "reason", a->cause.reason);
	cJSON_AddNumberToObject(e, "status", a->cause.status);
	if (a->pppd_code >= 0) {
		x = cJSON_AddObjectToObject(e, "pppd_exit");
		cJSON_AddNumberToObject(x, "code", a->pppd_code);
		cJSON_AddStringToObject(x, "name", ppp_exit_name(a->pppd_code));
	}
	if (a->dial.how == PPP_DIAL_ABORT)
		cJSON_AddStringToObject(e, "modem", a->dial.abort);
	if (a->log.message[0])
		cJSON_AddStringToObject(e, "message", a->log.message);
	if (a->log.peer_message[0])
		cJSON_AddStringToObject(e, "peer_message", a->log.peer_message);
	if (a->up_s >= 0)
		cJSON_AddNumberToObject(e, "connected_s", (double)a->up_s);
	if (a->cause.fatal)
		cJSON_AddTrueToObject(e, "fatal");
	emit(e);
}

/* The last attempt's cause on stderr, err(3) style, when pppup ends on it. */
static int
finish(const struct attempt *a)
{
	char sig[32];

	if (a->cause.status == FK_SIGNAL && fk_sig_stop > 0 && fk_sig_stop != SIGPIPE)
		warnx("stopped by %s", fk_sig_name(fk_sig_stop, sig, sizeof(sig)));
	else if (a->cause.status != FK_OK)
		warnx("%s: %s", a->where ? a->where : "pppd",
		    a->log.message[0] ? a->log.message : a->cause.reason);
	return a->cause.status;
}

/* Dial, watch, and with --persist redial; returns the exit status. */
static int
run(struct opts *o)
{
	struct ppp_backoff b;

	ppp_backoff_init(&b, o->max_fails);
	for (int n = 1;; n++) {
		struct attempt a = { .n = n, .pppd_code = -1, .up_s = -1, .data_lock = -1 };
		int delay;
		cJSON *e;

		ppp_log_init(&a.log);
		if (prepare(o, &a) == 0 && dial(o, &a) == -1)
			a.cause = (struct ppp_cause){ "pppd_not_started", FK_SOFTWARE, 1 };
		release(&a);
		down_event(&a);
		if (out_state != 0)
			return out_state == JSONL_GONE ? FK_OK : FK_IO;
		if (fk_sig_stop || !o->persist)
			return finish(&a);
		if ((delay = ppp_backoff_next(&b, a.up_s, a.cause.fatal)) < 0) {
			e = event("give_up", n);
			cJSON_AddStringToObject(e, "reason", a.cause.reason);
			cJSON_AddNumberToObject(e, "failures", b.fails);
			emit(e);
			return finish(&a);
		}
		e = event("redial", n + 1);
		cJSON_AddNumberToObject(e, "in_s", delay);
		cJSON_AddNumberToObject(e, "failures", b.fails);
		emit(e);
		if (pause_ms(delay * 1000LL) == -1) {
			if (out_state != 0)
				return out_state == JSONL_GONE ? FK_OK : FK_IO;
			a.cause = (struct ppp_cause){ "stopped", FK_SIGNAL, 0 };
			return finish(&a);
		}
	}
}

int
main(int argc, char **argv)
{
	static struct opts o;	/* static: its pppd argv (heap) stays reachable to the end */
	int status;

	parse_args(argc, argv, &o);
	load(&o);
	jsonl_init();
	if (o.print)
		return print_plan(&o);
	fk_sig_init();
	fk_sig_catch(SIGCHLD, on_child);
	fk_sig_block();
	status = run(&o);
	memset(o.password, 0, sizeof(o.password));
	memset(o.pin, 0, sizeof(o.pin));
	return status;
}
