/* One AT exchange against canned answers on a socketpair. */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chat/at_io.h"
#include "fk/fk_io.h"
#include "fk/fk_sig.h"
#include "check.h"

static int modem[2];
static char urcs[8][64];
static int nurc;

static int
on_urc(void *ctx, const char *line)
{
	(void)ctx;
	if (nurc < 8)
		strcpy(urcs[nurc++], line);
	return 0;
}

static int
ask(const char *answer, const char *cmd, long long timeout_ms, struct at_reply *r)
{
	struct at_io io = { 0, 0, timeout_ms, NULL, on_urc, NULL, NULL };
	char why[128];

	socketpair(AF_UNIX, SOCK_STREAM, 0, modem);
	io.in_fd = io.out_fd = modem[0];
	nurc = 0;
	if (write(modem[1], answer, strlen(answer)) != (ssize_t)strlen(answer))
		return -1;
	return at_exchange(&io, cmd, r, why, sizeof(why));
}

static void
done(struct at_reply *r)
{
	at_reply_free(r);
	close(modem[0]);
	close(modem[1]);
}

int
main(void)
{
	struct at_reply r;
	char buf[16];
	long long t0;

	/* Echo stripped, URCs in the middle set apart, response and final kept. */
	CHECK_INT(ask("AT+CSQ\r\r\n^RSSI:14\r\n+CSQ: 17,99\r\n^MODE:5,4\r\n\r\nOK\r\n",
	    "AT+CSQ", 1000, &r), AT_IO_DONE);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.lines[0], "+CSQ: 17,99");
	CHECK_STR(r.final, "OK");
	CHECK_INT(r.kind, AT_OK);
	CHECK_INT(nurc, 2);
	CHECK_STR(urcs[0], "^RSSI:14");
	CHECK_STR(urcs[1], "^MODE:5,4");
	CHECK_INT(read(modem[1], buf, 7), 7);
	CHECK(memcmp(buf, "AT+CSQ\r", 7) == 0);
	done(&r);

	CHECK_INT(ask("\r\n+CME ERROR: 10\r\n", "AT+CPIN?", 1000, &r), AT_IO_DONE);
	CHECK_INT(r.kind, AT_CME_ERROR);
	CHECK_INT(r.err, 10);
	done(&r);

	/*
	 * A registration URC just before the answer to a read command is not the
	 * answer (27.007 7.2: the solicited form leads with <n>), either way round.
	 */
	CHECK_INT(ask("\r\n+CREG: 2\r\n\r\n+CREG: 2,1,\"00C3\",\"0000C4F1\",2\r\n\r\nOK\r\n",
	    "AT+CREG?", 1000, &r), AT_IO_DONE);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.lines[0], "+CREG: 2,1,\"00C3\",\"0000C4F1\",2");
	CHECK_INT(nurc, 1);
	CHECK_STR(urcs[0], "+CREG: 2");
	done(&r);
	CHECK_INT(ask("\r\n+CGREG: 1\r\n\r\n+CGREG: 5,\"1A2B\",\"01C3D4E5\",2\r\n"
	    "\r\n+CGREG: 0,2\r\n\r\nOK\r\n", "AT+CGREG?", 1000, &r), AT_IO_DONE);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.lines[0], "+CGREG: 0,2");
	CHECK_INT(nurc, 2);
	CHECK_STR(urcs[0], "+CGREG: 1");
	CHECK_STR(urcs[1], "+CGREG: 5,\"1A2B\",\"01C3D4E5\",2");
	done(&r);
	/* A set command has no such answer: its lines stay responses. */
	CHECK_INT(ask("\r\n+CEREG: 1\r\n\r\nOK\r\n", "AT+CEREG=2", 1000, &r), AT_IO_DONE);
	CHECK_INT(r.n, 1);
	CHECK_INT(nurc, 0);
	done(&r);

	/* Silence, or only URCs, is no answer; half an answer is a timeout. */
	t0 = fk_now_ms();
	CHECK_INT(ask("", "AT", 200, &r), AT_IO_NOANSWER);
	CHECK(fk_now_ms() - t0 >= 200 && fk_now_ms() - t0 < 2000);
	CHECK_INT(r.answered, 0);
	done(&r);
	CHECK_INT(ask("\r\n^RSSI:14\r\n^RSSI:15\r\n", "AT", 200, &r), AT_IO_NOANSWER);
	CHECK_INT(nurc, 2);
	done(&r);
	CHECK_INT(ask("\r\n+CSQ: 1", "AT+CSQ", 200, &r), AT_IO_TIMEOUT);
	done(&r);
	CHECK_INT(ask("AT+CSQ\r", "AT+CSQ", 200, &r), AT_IO_TIMEOUT);
	CHECK_INT(r.err, -1);
	done(&r);

	/* After CONNECT the data is left for the next program. */
	CHECK_INT(ask("ATD*99#\r\r\nCONNECT 115200\r\n~\x7d", "ATD*99#", 1000, &r), AT_IO_DONE);
	CHECK_INT(r.kind, AT_CONNECT);
	CHECK_STR(r.final, "CONNECT 115200");
	fcntl(modem[0], F_SETFL, O_NONBLOCK);
	CHECK_INT(read(modem[0], buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "\n~\x7d", 3) == 0);
	done(&r);

	socketpair(AF_UNIX, SOCK_STREAM, 0, modem);
	close(modem[1]);
	struct at_io io = { modem[0], modem[0], 1000, NULL, NULL, NULL, NULL };
	char why[128];
	CHECK_INT(at_exchange(&io, "AT", &r, why, sizeof(why)), AT_IO_ERROR);
	/* No +CME ERROR came: no number. */
	CHECK_INT(r.err, -1);
	at_reply_free(&r);
	CHECK_STR(fk_sig_name(SIGTERM, buf, sizeof(buf)), "SIGTERM");
	CHECK_STR(fk_sig_name(SIGHUP, buf, sizeof(buf)), "SIGHUP");
	CHECK_STR(fk_sig_name(SIGPIPE, buf, sizeof(buf)), "SIGPIPE");
	CHECK_STR(fk_sig_name(0, buf, sizeof(buf)), "signal 0");
	close(modem[0]);
	return check_done();
}
