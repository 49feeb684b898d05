#include "check.h"
#include "ppp/ppp_log.h"

static int
feed(struct ppp_log *s, const char *const *lines)
{
	int connected = 0;

	for (int i = 0; lines[i]; i++)
		if (ppp_log_line(s, lines[i]) == PPP_LOG_CONNECTED)
			connected++;
	return connected;
}

int
main(void)
{
	struct ppp_log s;
	/* pppd 2.4.9 as the client, from a real PAP session */
	static const char *const pap[] = {
		"Using interface ppp0",
		"Connect: ppp0 <--> /dev/pts/1",
		"Remote message: Login ok",
		"PAP authentication succeeded",
		"IPv6 socket creation failed: Address family not supported by protocol",
		"local  IP address 192.168.70.41",
		"remote IP address 10.64.64.1",
		"primary   DNS address 10.11.12.13",
		"secondary DNS address 10.11.12.14",
		NULL
	};
	static const char *const drop[] = {
		"No response to 2 echo-requests",
		"Serial link appears to be disconnected.",
		"Connect time 0.1 minutes.",
		"Sent 0 bytes, received 0 bytes.",
		"Connection terminated.",
		NULL
	};
	static const char *const refused[] = {
		"Using interface ppp0",
		"Connect: ppp0 <--> /dev/pts/1",
		"Remote message: Login incorrect",
		"PAP authentication failed",
		"Connection terminated.",
		NULL
	};

	ppp_log_init(&s);
	CHECK_INT(feed(&s, pap), 1);	/* the secondary DNS line ends the block */
	CHECK_INT(s.pending, 0);
	CHECK_INT(ppp_log_flush(&s), PPP_LOG_NONE);
	CHECK_STR(s.iface, "ppp0");
	CHECK_STR(s.local_ip, "192.168.70.41");
	CHECK_STR(s.remote_ip, "10.64.64.1");
	CHECK_STR(s.dns[0], "10.11.12.13");
	CHECK_STR(s.dns[1], "10.11.12.14");
	CHECK_STR(s.peer_message, "Login ok");
	CHECK_INT(s.up, 1);
	CHECK_INT(s.auth_failed, 0);
	CHECK_INT(feed(&s, drop), 0);
	CHECK_STR(s.message, "No response to 2 echo-requests");

	/* with one DNS server, the first line after the block completes it ... */
	ppp_log_init(&s);
	ppp_log_line(&s, "local  IP address 192.168.70.41");
	ppp_log_line(&s, "remote IP address 10.64.64.1");
	CHECK_INT(ppp_log_line(&s, "primary   DNS address 10.11.12.13"), PPP_LOG_NONE);
	CHECK_INT(s.pending, 1);
	CHECK_INT(ppp_log_line(&s, "Modem hangup"), PPP_LOG_CONNECTED);
	CHECK_STR(s.dns[0], "10.11.12.13");
	CHECK_STR(s.dns[1], "");
	CHECK_STR(s.message, "Modem hangup");
	CHECK_INT(ppp_log_line(&s, "local  IP address 192.168.70.42"), PPP_LOG_NONE);
	CHECK_INT(ppp_log_line(&s, "secondary DNS address 10.11.12.14"), PPP_LOG_NONE);
	CHECK_INT(ppp_log_flush(&s), PPP_LOG_NONE);	/* once per link */
	/* ... or a quiet moment (ppp_log_flush) */
	ppp_log_init(&s);
	ppp_log_line(&s, "local  IP address 192.168.70.41");
	ppp_log_line(&s, "remote IP address 10.64.64.1");
	ppp_log_line(&s, "primary   DNS address 10.11.12.13");
	CHECK_INT(ppp_log_flush(&s), PPP_LOG_CONNECTED);
	CHECK_INT(ppp_log_flush(&s), PPP_LOG_NONE);

	/* no DNS offered: the block is local and remote only */
	ppp_log_init(&s);
	ppp_log_line(&s, "local  IP address 10.0.0.2");
	CHECK_INT(ppp_log_line(&s, "remote IP address 10.0.0.1"), PPP_LOG_NONE);
	CHECK_INT(ppp_log_line(&s, "Script /etc/ppp/ip-up started (pid 7)"), PPP_LOG_CONNECTED);
	CHECK_STR(s.dns[0], "");
	CHECK_STR(s.message, "");

	/* a refused login */
	ppp_log_init(&s);
	CHECK_INT(feed(&s, refused), 0);
	CHECK_INT(s.up, 0);
	CHECK_INT(s.auth_failed, 1);
	CHECK_STR(s.message, "PAP authentication failed");
	CHECK_STR(s.peer_message, "Login incorrect");
	ppp_log_init(&s);
	ppp_log_line(&s, "CHAP authentication failed: Access denied");
	CHECK_INT(s.auth_failed, 1);
	ppp_log_line(&s, "Modem hangup");
	CHECK_STR(s.message, "CHAP authentication failed: Access denied");

	/* renamed interface, option errors, junk */
	ppp_log_init(&s);
	ppp_log_line(&s, "Using interface ppp3");
	ppp_log_line(&s, "Renamed interface ppp3 to wwan0");
	CHECK_STR(s.iface, "wwan0");
	ppp_log_line(&s, "pppd: unrecognized option 'bogus'");
	ppp_log_line(&s, "pppd version 2.4.9");
	CHECK_STR(s.message, "pppd: unrecognized option 'bogus'");
	ppp_log_init(&s);
	ppp_log_line(&s, "local  IP address not-an-ip");
	CHECK_STR(s.local_ip, "");
	CHECK_INT(s.pending, 0);
	ppp_log_line(&s, "");
	CHECK_STR(s.message, "local  IP address not-an-ip");

	/* pppd's multi-line complaint: its first line says it */
	ppp_log_init(&s);
	ppp_log_line(&s, "Couldn't open the /dev/ppp device: No such file or directory");
	ppp_log_line(&s, "/usr/sbin/pppd: You need to create the /dev/ppp device node by");
	ppp_log_line(&s, "executing the following command as root:");
	ppp_log_line(&s, "\tmknod /dev/ppp c 108 0");
	CHECK_STR(s.message, "Couldn't open the /dev/ppp device: No such file or directory");

	/* debug output and benign notices are never the reason */
	ppp_log_init(&s);
	ppp_log_line(&s, "using channel 1");
	ppp_log_line(&s, "sent [LCP ConfReq id=0x1 <mru 1280>]");
	ppp_log_line(&s, "not replacing existing default route via 10.0.0.1");
	ppp_log_line(&s, "  script /etc/ppp/ip-down, pid 891");
	ppp_log_line(&s, "Script /etc/ppp/ip-down finished (pid 893), status = 0x0");
	ppp_log_line(&s, "Waiting for 1 child processes...");
	CHECK_STR(s.message, "");
	ppp_log_line(&s, "Terminating on signal 15");
	ppp_log_line(&s, "Modem hangup");
	CHECK_STR(s.message, "Terminating on signal 15");
	return check_done();
}
