#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mq_url.h"
#include "fk/num_parse.h"

void
mq_url_free(struct mq_url *u)
{
	free(u->user);
	free(u->host);
	free(u->topic);
	memset(u, 0, sizeof(*u));
}

int
mq_url_parse(const char *url, struct mq_url *u, char *err, size_t errlen)
{
	const char *s, *auth_end, *at, *host, *host_end, *port = NULL;
	char num[8];
	long long v;
	const char *why;

	memset(u, 0, sizeof(*u));
	if (strncmp(url, "mqtt://", 7) == 0)
		s = url + 7;
	else if (strncmp(url, "mqtts://", 8) == 0) {
		s = url + 8;
		u->tls = 1;
	} else {
		snprintf(err, errlen, "not an mqtt:// or mqtts:// URL");
		return -1;
	}
	auth_end = s + strcspn(s, "/");
	at = memrchr(s, '@', (size_t)(auth_end - s));
	host = at ? at + 1 : s;
	if (at) {
		if (memchr(s, ':', (size_t)(at - s))) {
			snprintf(err, errlen, "password in the URL refused "
			    "(use --password-file or MQPUB_PASSWORD)");
			return -1;
		}
		if (at == s) {
			snprintf(err, errlen, "empty user name");
			return -1;
		}
		u->user = strndup(s, (size_t)(at - s));
	}
	if (*host == '[') {
		host_end = memchr(host, ']', (size_t)(auth_end - host));
		if (host_end == NULL) {
			snprintf(err, errlen, "'[' without ']'");
			goto fail;
		}
		host++;
		if (host_end + 1 < auth_end) {
			if (host_end[1] != ':') {
				snprintf(err, errlen, "junk after ']'");
				goto fail;
			}
			port = host_end + 2;
		}
	} else {
		host_end = memchr(host, ':', (size_t)(auth_end - host));
		if (host_end)
			port = host_end + 1;
		else
			host_end = auth_end;
	}
	if (host_end == host) {
		snprintf(err, errlen, "no host");
		goto fail;
	}
	u->host = strndup(host, (size_t)(host_end - host));
	if (port) {
		size_t n = (size_t)(auth_end - port);
		if (n == 0 || n >= sizeof(num)) {
			snprintf(err, errlen, "port: %.*s: invalid", (int)n, port);
			goto fail;
		}
		memcpy(num, port, n);
		num[n] = '\0';
		if (num_parse(num, 1, 65535, 0, &v, &why) == -1) {
			snprintf(err, errlen, "port: %s: %s", num, why);
			goto fail;
		}
		u->port = (int)v;
	}
	if (*auth_end == '/' && auth_end[1] != '\0')
		u->topic = strdup(auth_end + 1);
	if ((at && u->user == NULL) || u->host == NULL ||
	    (*auth_end == '/' && auth_end[1] != '\0' && u->topic == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	return 0;
fail:
	mq_url_free(u);
	return -1;
}
