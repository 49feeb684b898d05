#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ppp_log.h"

void
ppp_log_init(struct ppp_log *s)
{
	memset(s, 0, sizeof(*s));
}

static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

/* Split line into up to n whitespace-separated words in buf; returns the count. */
static int
words(const char *line, char *buf, size_t len, char **w, int n)
{
	int k = 0;
	char *save;

	copy(buf, len, line);
	for (char *t = strtok_r(buf, " \t\r", &save); t && k < n;
	    t = strtok_r(NULL, " \t\r", &save))
		w[k++] = t;
	return k;
}

static int
is_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

enum { ADDR_NONE, ADDR_IP, ADDR_DNS1, ADDR_LAST };

/* "local  IP address A", "primary   DNS address A"...: the IPCP outcome. */
static int
address_line(struct ppp_log *s, char **w, int n)
{
	if (n != 4 || strcmp(w[2], "address") != 0 || !is_ipv4(w[3]))
		return ADDR_NONE;
	if (strcmp(w[1], "IP") == 0 && strcmp(w[0], "local") == 0)
		copy(s->local_ip, sizeof(s->local_ip), w[3]);
	else if (strcmp(w[1], "IP") == 0 && strcmp(w[0], "remote") == 0)
		copy(s->remote_ip, sizeof(s->remote_ip), w[3]);
	else if (strcmp(w[1], "DNS") == 0 && strcmp(w[0], "primary") == 0) {
		copy(s->dns[0], sizeof(s->dns[0]), w[3]);
		return ADDR_DNS1;
	} else if (strcmp(w[1], "DNS") == 0 && strcmp(w[0], "secondary") == 0) {
		copy(s->dns[1], sizeof(s->dns[1]), w[3]);
		return ADDR_LAST;	/* pppd prints it last: no need to wait */
	} else
		return ADDR_NONE;
	return ADDR_IP;
}

/* Lines every session prints; they never explain why it ended. */
static int
routine(const char *line)
{
	static const char *const pre[] = {
		"Using interface ", "Connect: ", "Connect time ", "Sent ",
		"Connection terminated", "Serial connection established",
		"Script ", "Remote message: ", "rcvd [", "sent [",
		"PAP authentication succeeded", "CHAP authentication succeeded",
		"IPv6 socket creation failed",
		"Renamed interface ", "local  LL address", "remote LL address",
		"using channel ", "Waiting for ", "not replacing existing default route",
		"Cannot determine ethernet address",
	};

	/* blank, or pppd's debug continuation lines ("  script /etc/ppp/ip-down, pid 9") */
	if (*line == '\0' || *line == ' ' || *line == '\t')
		return 1;
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (strncmp(line, pre[i], strlen(pre[i])) == 0)
			return 1;
	return 0;
}

int
ppp_log_line(struct ppp_log *s, const char *line)
{
	char buf[256], *w[6];
	int n = words(line, buf, sizeof(buf), w, 6), ev = PPP_LOG_NONE;

	if ((ev = address_line(s, w, n)) != ADDR_NONE) {
		if (!s->up && s->local_ip[0])
			s->pending = 1;
		return ev == ADDR_LAST ? ppp_log_flush(s) : PPP_LOG_NONE;
	}
	ev = ppp_log_flush(s);
	if (n == 3 && strcmp(w[0], "Using") == 0 && strcmp(w[1], "interface") == 0)
		copy(s->iface, sizeof(s->iface), w[2]);
	else if (n >= 2 && strcmp(w[0], "Connect:") == 0)
		copy(s->iface, sizeof(s->iface), w[1]);
	else if (strncmp(line, "Renamed interface ", 18) == 0 && n == 5)
		copy(s->iface, sizeof(s->iface), w[4]);
	if (strncmp(line, "Remote message: ", 16) == 0)
		copy(s->peer_message, sizeof(s->peer_message), line + 16);
	/* The first trouble is the cause; what follows (a hang-up...) is its consequence. */
	if (!routine(line) && s->message[0] == '\0')
		copy(s->message, sizeof(s->message), line);
	if (strcmp(line, "PAP authentication failed") == 0 ||
	    strncmp(line, "CHAP authentication failed", 26) == 0)
		s->auth_failed = 1;
	return ev;
}

int
ppp_log_flush(struct ppp_log *s)
{
	if (!s->pending)
		return PPP_LOG_NONE;
	s->pending = 0;
	s->up = 1;
	s->message[0] = '\0';	/* whatever happened while dialling is over */
	return PPP_LOG_CONNECTED;
}
