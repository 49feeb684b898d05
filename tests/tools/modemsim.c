/*
 * modemsim: a Hayes/3GPP modem on a pseudo-terminal, for tests.  Echo on/off
 * (ATE0/ATE1), configurable answers, unsolicited-code floods, dial results
 * (CONNECT, BUSY, NO CARRIER, silence), slow bytes, SIM PIN, and after
 * CONNECT a command that takes over the line (e.g. a pppd peer).
 *
 * --answer 'CMD=TEXT' (CMD=>TEXT when CMD holds '='; CMD* matches a prefix):
 * TEXT's lines are separated by a two-character \n, OK follows unless the
 * last line is a final result code itself, and "!silent" answers nothing.
 * --log FILE records every command line received (for tests to check what
 * was sent).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chat/at_result.h"
#include "fk/fk_io.h"
#include "fk/fk_cli.h"
#include "fk/fk_exit.h"
#include "fk/fk_sig.h"
#include "fk/fk_wait.h"
#include "fk/num_parse.h"
#include "fk/pty_sim.h"

static const char *const usage_lines[] = {
	"modemsim [--link path] [--no-echo] [--silent] [--deaf n] [--answer 'CMD=TEXT'] ...",
	"    [--dial connect|busy|no-carrier|no-answer|no-dialtone|error|silent]",
	"    [--connect-text TEXT] [--dial-delay ms] [--on-connect CMD]",
	"    [--urc TEXT] ... [--urc-interval ms] [--byte-delay ms] [--pin PIN] [--log file]",
	NULL
};

struct answer {
	const char *cmd;	/* compared ignoring case; a trailing '*' matches any rest */
	const char *text;	/* lines separated by a two-character "\n" */
};

enum dial { DIAL_CONNECT, DIAL_BUSY, DIAL_NO_CARRIER, DIAL_NO_ANSWER,
	DIAL_NO_DIALTONE, DIAL_ERROR, DIAL_SILENT };

static const char *const dial_names[] = { "connect", "busy", "no-carrier",
	"no-answer", "no-dialtone", "error", "silent", NULL };
static const char *const dial_texts[] = { NULL, "BUSY", "NO CARRIER",
	"NO ANSWER", "NO DIALTONE", "ERROR", NULL };

struct sim {
	struct pty_sim ps;
	int echo, echo_default, silent;
	int deaf;		/* command lines still to ignore, as while booting */
	struct answer *answers;
	size_t nanswers;
	const char **urcs;
	size_t nurcs, next_urc;
	long long urc_interval_ms, next_urc_at;
	int byte_delay_ms, dial_delay_ms;
	const char *pin;
	int unlocked;
	enum dial dial;
	const char *connect_text, *on_connect;
	FILE *log;
	char line[1024];
	size_t len;
};

/* Caught only so that the end of the --on-connect peer cuts a wait short. */
static void
on_child(int sig)
{
	(void)sig;
}

/* Bytes to the client, paced when --byte-delay is set; drop=1 gives up when the line is full. */
static void
out(struct sim *s, const char *buf, size_t n, int drop)
{
	size_t step = s->byte_delay_ms ? 1 : n;

	while (n > 0 && !fk_sig_stop) {
		struct pollfd p = { .fd = s->ps.master, .events = POLLOUT };
		ssize_t w;

		if (fk_wait_fds(&p, 1, fk_now_ms() + (drop ? 0 : 1000)) <= 0)
			return;
		if ((w = write(s->ps.master, buf, n < step ? n : step)) <= 0) {
			if (w == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			return;
		}
		buf += w;
		n -= (size_t)w;
		if (s->byte_delay_ms && n > 0)
			fk_io_pause(s->byte_delay_ms, NULL);
	}
}

static void
out_line(struct sim *s, const char *text)
{
	out(s, "\r\n", 2, 0);
	out(s, text, strlen(text), 0);
	out(s, "\r\n", 2, 0);
}

/* A configured answer: its lines, and OK unless the last line is already final. */
static void
say_answer(struct sim *s, const char *text)
{
	char buf[1024];
	const char *p = text;
	int err, final = 0;

	if (strcmp(text, "!silent") == 0)
		return;
	while (*p) {
		const char *nl = strstr(p, "\\n");
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
		out_line(s, buf);
		final = at_final(buf, &err) != AT_NOT_FINAL;
		p += n + (nl ? 2 : 0);
	}
	if (!final)
		out_line(s, "OK");
}

static const struct answer *
find_answer(const struct sim *s, const char *cmd)
{
	for (size_t i = 0; i < s->nanswers; i++) {
		const char *a = s->answers[i].cmd;
		size_t n = strlen(a);
		if (n > 0 && a[n - 1] == '*' ? strncasecmp(a, cmd, n - 1) == 0 :
		    strcasecmp(a, cmd) == 0)
			return &s->answers[i];
	}
	return NULL;
}

/*
 * After CONNECT: hand the line to --on-connect until it exits, then NO
 * CARRIER.  Without it the call drops at once, silently, and the modem is
 * back in command mode for the next test.
 */
static void
connected(struct sim *s)
{
	pid_t pid;
	int st;

	if (s->on_connect == NULL)
		return;
	if ((pid = fork()) == -1) {
		warn("fork");
		return;
	}
	if (pid == 0) {
		int fl = fcntl(s->ps.master, F_GETFL);
		fcntl(s->ps.master, F_SETFL, fl & ~O_NONBLOCK);
		dup2(s->ps.master, 0);
		dup2(s->ps.master, 1);
		fk_sig_child();
		execl("/bin/sh", "sh", "-c", s->on_connect, (char *)NULL);
		_exit(127);
	}
	/* No URCs meanwhile: the peer owns the line until it exits. */
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (fk_sig_stop)
			kill(pid, SIGTERM);
		fk_wait_fds(NULL, 0, FK_WAIT_FOREVER);	/* until SIGCHLD or a stop */
	}
	if (!fk_sig_stop)
		out_line(s, "NO CARRIER");
}

static void
dial(struct sim *s)
{
	if (s->pin && !s->unlocked) {
		out_line(s, "+CME ERROR: 11");
		return;
	}
	fk_io_pause(s->dial_delay_ms, NULL);
	if (s->dial == DIAL_SILENT)
		return;
	if (s->dial != DIAL_CONNECT) {
		out_line(s, dial_texts[s->dial]);
		return;
	}
	out_line(s, s->connect_text);
	connected(s);
}

static void
cpin(struct sim *s, const char *arg)
{
	char given[64];
	size_t n = strlen(arg);

	if (n >= 2 && arg[0] == '"' && arg[n - 1] == '"')
		snprintf(given, sizeof(given), "%.*s", (int)(n - 2), arg + 1);
	else
		snprintf(given, sizeof(given), "%s", arg);
	if (s->pin == NULL || s->unlocked)
		out_line(s, "+CME ERROR: 3");
	else if (strcmp(given, s->pin) != 0)
		out_line(s, "+CME ERROR: 16");
	else {
		s->unlocked = 1;
		out_line(s, "OK");
	}
}

/* Built-in behaviour of a plain, registered 3G modem. */
static void
builtin(struct sim *s, const char *cmd)
{
	static const struct { const char *cmd, *text; } plain[] = {
		{ "AT", "" }, { "ATH", "" }, { "ATH0", "" },
		{ "ATI", "Manufacturer: fieldkit\\nModel: modemsim\\nRevision: 1.0" },
		{ "AT+CGMI", "fieldkit" }, { "AT+CGMM", "modemsim" },
		{ "AT+CSQ", "+CSQ: 17,99" },
		{ "AT+CREG?", "+CREG: 0,1" }, { "AT+CGREG?", "+CGREG: 0,1" },
		{ "AT+CEREG?", "+CEREG: 0,1" },
		{ "AT+COPS?", "+COPS: 0,0,\"fieldkit\",2" },
	};
	const char *rest = cmd + 2;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcasecmp(cmd, plain[i].cmd) == 0) {
			say_answer(s, plain[i].text);
			return;
		}
	if (strncasecmp(cmd, "ATZ", 3) == 0)
		s->echo = s->echo_default;
	else if (strcasecmp(cmd, "ATE0") == 0)
		s->echo = 0;
	else if (strcasecmp(cmd, "ATE1") == 0 || strcasecmp(cmd, "ATE") == 0)
		s->echo = 1;
	else if (strncasecmp(cmd, "ATD", 3) == 0) {
		dial(s);
		return;
	} else if (strcasecmp(cmd, "AT+CPIN?") == 0) {
		say_answer(s, s->pin && !s->unlocked ? "+CPIN: SIM PIN" : "+CPIN: READY");
		return;
	} else if (strncasecmp(cmd, "AT+CPIN=", 8) == 0) {
		cpin(s, cmd + 8);
		return;
	} else if ((*rest == '+' || *rest == '^') && strchr(rest, '=') == NULL) {
		/* An extended command we do not know. */
		out_line(s, "ERROR");
		return;
	}
	/* Basic commands (ATS0=0, AT&D2, ATQ0 V1 ...) and extended settings succeed. */
	out_line(s, "OK");
}

static void
command(struct sim *s)
{
	const struct answer *a;
	char *cmd = s->line;

	s->line[s->len] = '\0';
	s->len = 0;
	while (*cmd == ' ')
		cmd++;
	if (*cmd == '\0')
		return;
	if (s->log) {
		fprintf(s->log, "%s\n", cmd);
		fflush(s->log);
	}
	if (s->deaf > 0) {
		s->deaf--;
		return;
	}
	if (s->silent || strncasecmp(cmd, "AT", 2) != 0)
		return;
	if ((a = find_answer(s, cmd)) != NULL)
		say_answer(s, a->text);
	else
		builtin(s, cmd);
}

static void
byte_in(struct sim *s, char c)
{
	if (s->echo && !s->silent && !s->deaf)
		out(s, &c, 1, 0);
	if (c == '\r')
		command(s);
	else if (c == '\b' || c == 0x7f) {
		if (s->len > 0)
			s->len--;
	} else if (c != '\n' && s->len < sizeof(s->line) - 1)
		s->line[s->len++] = c;
}

static void
urc_due(struct sim *s)
{
	char buf[600];
	int n;

	if (s->nurcs == 0 || fk_now_ms() < s->next_urc_at)
		return;
	s->next_urc_at = fk_now_ms() + s->urc_interval_ms;
	n = snprintf(buf, sizeof(buf), "\r\n%s\r\n", s->urcs[s->next_urc++ % s->nurcs]);
	out(s, buf, (size_t)n, 1);
}

static void
serve(struct sim *s)
{
	char buf[256];

	while (!fk_sig_stop) {
		struct pollfd p = { .fd = s->ps.master, .events = POLLIN };
		long long wait = s->nurcs ? s->next_urc_at - fk_now_ms() : 1000;
		ssize_t n;

		if (fk_wait_fds(&p, 1, fk_now_ms() + (wait < 0 ? 0 : wait)) > 0 &&
		    (n = read(s->ps.master, buf, sizeof(buf))) > 0)
			for (ssize_t i = 0; i < n && !fk_sig_stop; i++)
				byte_in(s, buf[i]);
		urc_due(s);
	}
}

static void
add_answer(struct sim *s, char *spec)
{
	char *sep = strstr(spec, "=>");
	size_t skip = 2;

	if (sep == NULL) {
		sep = strchr(spec, '=');
		skip = 1;
	}
	if (sep == NULL || sep == spec)
		errx(FK_USAGE, "--answer: %s: expected CMD=TEXT", spec);
	*sep = '\0';
	if ((s->answers = realloc(s->answers, (s->nanswers + 1) * sizeof(*s->answers))) == NULL)
		err(FK_SOFTWARE, "realloc");
	s->answers[s->nanswers++] = (struct answer){ spec, sep + skip };
}

static void
parse_args(int argc, char **argv, struct sim *s, const char **link, const char **logpath)
{
	static const struct option longopts[] = {
		{ "link", required_argument, NULL, 'l' },
		{ "no-echo", no_argument, NULL, 'E' },
		{ "silent", no_argument, NULL, 'q' },
		{ "deaf", required_argument, NULL, 'd' },
		{ "answer", required_argument, NULL, 'a' },
		{ "dial", required_argument, NULL, 'D' },
		{ "connect-text", required_argument, NULL, 'C' },
		{ "dial-delay", required_argument, NULL, 'w' },
		{ "on-connect", required_argument, NULL, 'o' },
		{ "urc", required_argument, NULL, 'u' },
		{ "urc-interval", required_argument, NULL, 'i' },
		{ "byte-delay", required_argument, NULL, 'b' },
		{ "pin", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': *link = optarg; break;
		case 'E': s->echo = s->echo_default = 0; break;
		case 'q': s->silent = 1; break;
		case 'd': s->deaf = (int)num_arg("--deaf", optarg, 0, 1000); break;
		case 'a': add_answer(s, optarg); break;
		case 'D':
			for (s->dial = 0; dial_names[s->dial] && strcmp(dial_names[s->dial], optarg); s->dial++)
				;
			if (dial_names[s->dial] == NULL)
				errx(FK_USAGE, "--dial: %s: unknown result", optarg);
			break;
		case 'C': s->connect_text = optarg; break;
		case 'w': s->dial_delay_ms = (int)num_arg("--dial-delay", optarg, 0, 600000); break;
		case 'o': s->on_connect = optarg; break;
		case 'u':
			if ((s->urcs = realloc(s->urcs, (s->nurcs + 1) * sizeof(*s->urcs))) == NULL)
				err(FK_SOFTWARE, "realloc");
			s->urcs[s->nurcs++] = optarg;
			break;
		case 'i': s->urc_interval_ms = num_arg("--urc-interval", optarg, 1, 600000); break;
		case 'b': s->byte_delay_ms = (int)num_arg("--byte-delay", optarg, 0, 10000); break;
		case 'p': s->pin = optarg; break;
		case 'L': *logpath = optarg; break;
		case 'h': fk_usage(usage_lines, 1);
		case 'v': fk_version();
		default: fk_usage(usage_lines, 0);
		}
	}
	if (optind != argc)
		fk_usage(usage_lines, 0);
}

int
main(int argc, char **argv)
{
	struct sim s = { .echo = 1, .echo_default = 1, .urc_interval_ms = 1000,
	    .connect_text = "CONNECT 115200" };
	const char *link = NULL, *logpath = NULL;

	parse_args(argc, argv, &s, &link, &logpath);
	fk_sig_init();
	fk_sig_catch(SIGCHLD, on_child);
	fk_sig_block();
	if (logpath && (s.log = fopen(logpath, "a")) == NULL)
		err(FK_NODEV, "%s", logpath);
	if (pty_sim_open(&s.ps, link) == -1)
		err(FK_NODEV, "pty");
	fcntl(s.ps.master, F_SETFL, fcntl(s.ps.master, F_GETFL) | O_NONBLOCK);
	if (link == NULL) {
		printf("%s\n", s.ps.path);
		fflush(stdout);
	}
	s.next_urc_at = fk_now_ms() + s.urc_interval_ms;
	serve(&s);
	pty_sim_close(&s.ps);
	if (s.log)
		fclose(s.log);
	free(s.answers);
	free(s.urcs);
	return 0;
}
