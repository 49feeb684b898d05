#include <stdio.h>
#include <string.h>

#include "ppp_opts.h"

static const char *const net_names[] = { "3gpp", "3gpp2" };
static const char *const auth_names[] = { "none", "pap", "chap", "any" };

static int
lookup(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
ppp_net_parse(const char *s)
{
	return lookup(s, net_names, 2);
}

int
ppp_auth_parse(const char *s)
{
	return lookup(s, auth_names, 4);
}

const char *
ppp_net_name(enum ppp_net n)
{
	return net_names[n];
}

const char *
ppp_auth_name(enum ppp_auth a)
{
	return auth_names[a];
}

/* The guide's "authentication choice" table: refuse what the user did not pick. */
static const char *const auth_words[][3] = {
	[PPP_AUTH_NONE] = { "-pap", "-chap", NULL },
	[PPP_AUTH_PAP] = { "-chap", NULL, NULL },
	[PPP_AUTH_CHAP] = { "-pap", NULL, NULL },
	[PPP_AUTH_ANY] = { NULL, NULL, NULL },
};

/* The guide's recommended command lines, split where the auth words go. */
static const char *const prof_3gpp[] = {
	"mru", "1280", "nodetach", "defaultroute", "usepeerdns", "novj", "@auth",
	"novjccomp", "noipdefault", "ipcp-accept-local", "ipcp-accept-remote",
	"connect-delay", "5000", "ipcp-max-failure", "60", "ipcp-max-configure",
	"60", "-am", NULL
};
static const char *const prof_3gpp2[] = {
	"crtscts", "@auth", "nodetach", "modem", "noipdefault", "defaultroute",
	"usepeerdns", NULL
};

#define STR_(x) #x
#define STR(x) STR_(x)

int
ppp_argv(const struct ppp_conf *c, const char **argv, size_t max)
{
	const char *const *prof = c->net == PPP_NET_3GPP ? prof_3gpp : prof_3gpp2;
	size_t n = 0;

#define PUT(w) do { if (n + 1 >= max) return -1; argv[n++] = (w); } while (0)
	PUT(c->pppd);
	PUT(c->data_port);
	PUT(STR(PPP_BAUD));
	for (; *prof; prof++) {
		if (strcmp(*prof, "@auth") != 0) {
			PUT(*prof);
			continue;
		}
		for (int i = 0; i < 3 && auth_words[c->auth][i]; i++)
			PUT(auth_words[c->auth][i]);
	}
	/* A mobile network never authenticates itself; Debian's options say "auth". */
	PUT("noauth");
	PUT("lcp-echo-interval");
	PUT(STR(PPP_ECHO_INTERVAL_S));
	PUT("lcp-echo-failure");
	PUT(STR(PPP_ECHO_FAILURES));
	PUT("connect");
	PUT(c->connect);
	/* pppd's UUCP lock too, not only pppup's: a pppd started by hand stays off the port. */
	PUT("lock");
	if (c->secrets) {
		PUT("file");
		PUT(c->secrets);
	}
	for (int i = 0; i < c->nextra; i++)
		PUT(c->extra[i]);
#undef PUT
	argv[n] = NULL;
	return (int)n;
}

const char *
ppp_extra_conflict(const char *opt)
{
	static const struct {
		const char *opt, *why;
	} tab[] = {
		{ "password", "secrets go in --password-file, never on a command line" },
		{ "user", "use --user" },
		{ "connect", "pppup dials with atchat itself" },
		{ "logfile", "pppup reads pppd's log on its standard output" },
		{ "logfd", "pppup reads pppd's log on its standard output" },
		{ "detach", "pppup supervises pppd in the foreground" },
		{ "updetach", "pppup supervises pppd in the foreground" },
		{ "nolock", "pppup keeps the modem to one owner" },
		{ "persist", "use pppup --persist" },
		{ "demand", "use pppup --persist" },
		{ "file", "pppup passes its own options file" },
		{ "call", "pppup builds the whole command line" },
		{ "pty", "pppup dials a serial port" },
		{ "notty", "pppup dials a serial port" },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(opt, tab[i].opt) == 0)
			return tab[i].why;
	return NULL;
}

int
ppp_sh_quote(char *dst, size_t len, const char *s)
{
	size_t n = 0;
	int plain = *s != '\0';

	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_/.,+=:@%-", *p))
			plain = 0;
#define ADD(ch) do { if (n + 1 >= len) return -1; dst[n++] = (ch); } while (0)
	if (!plain)
		ADD('\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'' && !plain) {
			/* close, escaped quote, reopen: the only way in sh */
			ADD('\'');
			ADD('\\');
			ADD('\'');
		}
		ADD(*p);
	}
	if (!plain)
		ADD('\'');
#undef ADD
	dst[n] = '\0';
	return (int)n;
}

int
ppp_connect_cmd(char *dst, size_t len, const char *atchat, const char *json,
    const char *number, int timeout_s)
{
	char dial[96], t[16];
	const char *words[] = {
		atchat, "-t", t, "--json", json,
		"ABORT", "BUSY", "ABORT", "NO CARRIER", "ABORT", "NO ANSWER",
		"ABORT", "NO DIALTONE", "ABORT", "ERROR",
		"", "AT", "OK", dial, "CONNECT", NULL
	};
	size_t n = 0;
	int k;

	snprintf(t, sizeof(t), "%d", timeout_s);
	if (snprintf(dial, sizeof(dial), "ATD%s", number) >= (int)sizeof(dial))
		return -1;
	for (int i = 0; words[i]; i++) {
		if (i > 0) {
			if (n + 1 >= len)
				return -1;
			dst[n++] = ' ';
		}
		if ((k = ppp_sh_quote(dst + n, len - n, words[i])) == -1)
			return -1;
		n += k;
	}
	return (int)n;
}

/* Append v in pppd's double-quoted word syntax. */
static int
quoted(char *dst, size_t len, size_t *n, const char *v)
{
#define ADD(ch) do { if (*n + 1 >= len) return -1; dst[(*n)++] = (ch); } while (0)
	ADD('"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		if (*p == '"' || *p == '\\')
			ADD('\\');
		ADD((char)*p);
	}
	ADD('"');
	ADD('\n');
#undef ADD
	dst[*n] = '\0';
	return 0;
}

int
ppp_secrets_text(char *dst, size_t len, const char *user, const char *password,
    int elide)
{
	size_t n = 0;

	if (len < 1)
		return -1;
	dst[0] = '\0';
	if (snprintf(dst, len, "user ") >= (int)len)
		return -1;
	n = strlen(dst);
	if (quoted(dst, len, &n, user) == -1)
		return -1;
	if (password == NULL)
		return (int)n;
	if (n + 9 >= len)
		return -1;
	memcpy(dst + n, "password ", 9);
	n += 9;
	if (quoted(dst, len, &n, elide ? "********" : password) == -1)
		return -1;
	return (int)n;
}
