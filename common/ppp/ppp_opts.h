/* pppd option profiles (Huawei guide) into an argv, a connect command and a secrets file. */
#ifndef PPP_OPTS_H
#define PPP_OPTS_H

#include <stddef.h>

enum ppp_net { PPP_NET_3GPP, PPP_NET_3GPP2 };
enum ppp_auth { PPP_AUTH_NONE, PPP_AUTH_PAP, PPP_AUTH_CHAP, PPP_AUTH_ANY };

/* Macros, not enum constants: they are spelled into pppd's argv as text. */
#define PPP_BAUD 115200
#define PPP_ECHO_INTERVAL_S 10	/* LCP echo every 10 s ... */
#define PPP_ECHO_FAILURES 4	/* ... and 4 unanswered mean the link is dead */

enum { PPP_ARGV_MAX = 64 };	/* our own words; extra options come on top */

/* "3gpp"/"3gpp2", "none"/"pap"/"chap"/"any" to the enums; -1 when unknown. */
int ppp_net_parse(const char *s);
int ppp_auth_parse(const char *s);
const char *ppp_net_name(enum ppp_net n);
const char *ppp_auth_name(enum ppp_auth a);

struct ppp_conf {
	const char *pppd;	/* program to run */
	const char *data_port;	/* modem data port */
	enum ppp_net net;
	enum ppp_auth auth;
	const char *connect;	/* shell command pppd runs on the port to dial */
	const char *secrets;	/* options file with user/password, or NULL */
	char *const *extra;	/* user's pppd options, appended last so they win */
	int nextra;
};

/*
 * Fill argv (max slots, NULL-terminated) with the pppd command line for c.
 * Returns the word count, or -1 when max is too small.
 */
int ppp_argv(const struct ppp_conf *c, const char **argv, size_t max);

/* Why an extra pppd option cannot be given to pppup, or NULL when it can. */
const char *ppp_extra_conflict(const char *opt);

/* Quote s for /bin/sh into dst; returns the length, or -1 when it does not fit. */
int ppp_sh_quote(char *dst, size_t len, const char *s);

/*
 * The command pppd runs to dial: atchat on the port, giving up on the
 * modem's refusals, its transcript in json for pppup to read afterwards.
 * Returns the length, or -1 when it does not fit.
 */
int ppp_connect_cmd(char *dst, size_t len, const char *atchat,
    const char *json, const char *number, int timeout_s);

/*
 * pppd options-file text carrying the credentials.  Without a password pppd
 * looks the user up in its pap-secrets/chap-secrets; elide shows the password
 * as asterisks (for --print).  Returns the length, -1 when it does not fit or
 * a value holds a control character pppd's file syntax cannot carry.
 */
int ppp_secrets_text(char *dst, size_t len, const char *user,
    const char *password, int elide);

#endif
