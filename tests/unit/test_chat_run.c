/* The chat engine against a scripted peer on a socketpair (no terminal needed). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fk/fk_io.h"
#include "chat/chat_lex.h"
#include "chat/chat_run.h"
#include "check.h"

static int modem[2];		/* [0] the engine's side, [1] the test's */
static struct chat_event evs[32];
static char evtext[32][256], evrecv[32][256], evabort[32][64];
static int nev, stop_after = -1;
static volatile sig_atomic_t stop_flag;

static int
on_event(void *ctx, const struct chat_event *ev)
{
	(void)ctx;
	if (nev < 32) {
		evs[nev] = *ev;
		snprintf(evtext[nev], sizeof(evtext[0]), "%s", ev->text ? ev->text : "");
		snprintf(evrecv[nev], sizeof(evrecv[0]), "%s", ev->received ? ev->received : "");
		snprintf(evabort[nev], sizeof(evabort[0]), "%s", ev->abort ? ev->abort : "");
		nev++;
	}
	return nev == stop_after;
}

static void
open_modem(void)
{
	socketpair(AF_UNIX, SOCK_STREAM, 0, modem);
	nev = 0;
}

static void
close_modem(void)
{
	close(modem[0]);
	close(modem[1]);
}

/* Run a script given as one string of words (chat -f syntax). */
static int
run(const char *script, long long timeout_ms, FILE *report, struct chat_result *res)
{
	struct chat_words w = { 0 };
	struct chat_step steps[32];
	struct chat_cfg cfg = {
		.in_fd = modem[0], .out_fd = modem[0], .timeout_ms = timeout_ms,
		.env = { 0, "5551234", NULL, NULL }, .echo_fd = -1,
		.report = report, .event = on_event, .stop = &stop_flag,
	};
	int bad;

	chat_lex(script, strlen(script), &w, &bad);
	int rc = chat_run(steps, chat_parse(w.w, w.n, steps), &cfg, res);
	chat_words_free(&w);
	return rc;
}

/* What the engine sent so far. */
static char *
sent(void)
{
	static char buf[256];
	ssize_t n;

	fcntl(modem[1], F_SETFL, O_NONBLOCK);
	n = read(modem[1], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void
answer(const char *s)
{
	if (write(modem[1], s, strlen(s)) != (ssize_t)strlen(s))
		CHECK(!"write");
}

int
main(void)
{
	struct chat_result res;
	long long t0;
	char buf[256];
	FILE *rep;

	/* A plain exchange; what follows the match stays unread for pppd. */
	open_modem();
	answer("AT\r\r\nOK\r\n~");
	CHECK_INT(run("'' AT OK ''", 2000, NULL, &res), CHAT_OK);
	CHECK_STR(sent(), "AT\r\r");
	CHECK_INT(nev, 4);
	CHECK_INT(evs[0].type, CHAT_EV_EXPECT);
	CHECK_STR(evs[0].result, "matched");
	CHECK_INT(evs[1].type, CHAT_EV_SEND);
	CHECK_STR(evtext[1], "AT\r");
	CHECK_STR(evtext[2], "OK");
	CHECK_STR(evrecv[2], "AT\r\r\nOK");
	CHECK_INT(evs[2].step, 3);
	CHECK_INT(read(modem[0], buf, 3), 3);
	CHECK(memcmp(buf, "\r\n~", 3) == 0);
	close_modem();

	/* ABORT strings give 4 + their position; CLR_ABORT renumbers. */
	open_modem();
	answer("\r\nNO CARRIER\r\n");
	CHECK_INT(run("ABORT BUSY ABORT 'NO CARRIER' '' ATD CONNECT", 2000, NULL, &res), 5);
	CHECK_STR(evs[4].result, "aborted");
	CHECK_STR(evabort[4], "NO CARRIER");
	CHECK_INT(evs[4].abort_index, 2);
	CHECK_STR(res.why, "expect \"CONNECT\": aborted by \"NO CARRIER\"");
	close_modem();
	open_modem();
	answer("\r\nNO CARRIER\r\n");
	CHECK_INT(run("ABORT BUSY ABORT 'NO CARRIER' CLR_ABORT BUSY '' ATD CONNECT", 2000,
	    NULL, &res), 4);
	close_modem();

	/* The timeout covers the whole expect, however much else arrives. */
	open_modem();
	for (int i = 0; i < 200; i++)
		answer("^RSSI:14\r\n");
	t0 = fk_now_ms();
	CHECK_INT(run("TIMEOUT 0.3 OK", 45000, NULL, &res), CHAT_ETIMEOUT);
	CHECK(fk_now_ms() - t0 >= 300);
	CHECK(fk_now_ms() - t0 < 2000);
	CHECK_INT(evs[1].timeout_ms, 300);
	CHECK_STR(evs[1].result, "timeout");
	CHECK_STR(res.why, "expect \"OK\": timed out after 0.3 s");
	close_modem();

	/* Sub-expect: on timeout send the sub-send, expect again (each in full). */
	open_modem();
	CHECK_INT(run("OK-AT-OK", 150, NULL, &res), CHAT_ETIMEOUT);
	CHECK_STR(sent(), "AT\r");
	CHECK_INT(nev, 3);
	CHECK_INT(evs[1].sub, 1);
	CHECK_INT(evs[2].sub, 1);
	close_modem();
	open_modem();
	pid_t pid = fork();
	if (pid == 0) {
		/* A modem that only answers once it is spoken to. */
		char c;
		while (read(modem[1], &c, 1) == 1 && c != '\r')
			;
		answer("OK\r\n");
		_exit(0);
	}
	CHECK_INT(run("OK-AT-OK", 1000, NULL, &res), CHAT_OK);
	waitpid(pid, NULL, 0);
	CHECK_STR(evs[2].result, "matched");
	close_modem();
	/* "OK-AT": after the sub-send there is nothing left to expect: success. */
	open_modem();
	CHECK_INT(run("OK-AT", 100, NULL, &res), CHAT_OK);
	close_modem();

	/* REPORT: the line goes to the report file in chat(8)'s format. */
	open_modem();
	rep = tmpfile();
	answer("\r\nCONNECT 115200\r\n");
	CHECK_INT(run("REPORT CONNECT '' ATD CONNECT ''", 2000, rep, &res), CHAT_OK);
	rewind(rep);
	CHECK(fgets(buf, sizeof(buf), rep) != NULL);
	CHECK(strncmp(buf, "chat:  ", 7) == 0);
	CHECK(strstr(buf, " CONNECT 115200\n") != NULL);
	CHECK_INT(strlen(buf), strlen("chat:  Nov 21 10:59:55 CONNECT 115200\n"));
	fclose(rep);
	/* The rest of the line came after the script's last step. */
	CHECK_INT(evs[nev - 1].type, CHAT_EV_REPORT);
	CHECK_STR(evtext[nev - 1], "CONNECT 115200");
	close_modem();

	/* \q: the send and its echo are masked in the transcript. */
	open_modem();
	answer("hello2u2\r\nOK\r\n");
	CHECK_INT(run("'' hello2u2\\q OK", 100, NULL, &res), CHAT_OK);
	CHECK_STR(sent(), "hello2u2\r");
	CHECK_INT(evs[1].secret, 1);
	CHECK_STR(evtext[1], "??????");
	CHECK_STR(evrecv[2], "??????\r\nOK");
	close_modem();

	/* \T, @file, EOT. */
	open_modem();
	char path[] = "/tmp/test_chat_run.XXXXXX", script[64];
	int fd = mkstemp(path);
	CHECK(fd != -1 && write(fd, "ATZ\n", 4) == 4);
	close(fd);
	snprintf(script, sizeof(script), "'' ATDT\\T '' @%s '' EOT", path);
	CHECK_INT(run(script, 100, NULL, &res), CHAT_OK);
	CHECK_STR(sent(), "ATDT5551234\rATZ\r\004");
	unlink(path);
	close_modem();
	open_modem();
	CHECK_INT(run("'' @/nonexistent/x", 100, NULL, &res), CHAT_EPARAM);
	CHECK_INT(run("TIMEOUT soon OK", 100, NULL, &res), CHAT_EPARAM);
	CHECK_STR(res.why, "TIMEOUT soon: invalid");
	close_modem();

	/* Hang-up, a signal, and an output reader that went away. */
	open_modem();
	close(modem[1]);
	CHECK_INT(run("OK", 1000, NULL, &res), CHAT_EIO);
	close(modem[0]);
	open_modem();
	stop_flag = 1;
	CHECK_INT(run("OK", 1000, NULL, &res), CHAT_EIO);
	CHECK_STR(res.why, "interrupted by a signal");
	stop_flag = 0;
	stop_after = 1;
	nev = 0;
	CHECK_INT(run("'' AT OK", 1000, NULL, &res), CHAT_STOPPED);
	CHECK_INT(res.event_rc, 1);
	CHECK_STR(sent(), "");
	stop_after = -1;
	close_modem();
	return check_done();
}
