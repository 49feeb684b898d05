#include "check.h"
#include "ppp/ppp_opts.h"

/* argv joined with spaces, for comparing whole command lines */
static const char *
joined(const char **argv)
{
	static char buf[2048];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i]; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "", argv[i]);
	return buf;
}

int
main(void)
{
	const char *argv[PPP_ARGV_MAX + 8];
	char buf[512];
	char *extra[] = { "debug", "lcp-echo-interval", "1" };
	struct ppp_conf c = {
		.pppd = "/usr/sbin/pppd", .data_port = "/dev/ttyUSB0",
		.net = PPP_NET_3GPP, .auth = PPP_AUTH_NONE, .connect = "CONNECT",
	};

	CHECK_INT(ppp_net_parse("3gpp"), PPP_NET_3GPP);
	CHECK_INT(ppp_net_parse("3gpp2"), PPP_NET_3GPP2);
	CHECK_INT(ppp_net_parse("4g"), -1);
	CHECK_INT(ppp_auth_parse("none"), PPP_AUTH_NONE);
	CHECK_INT(ppp_auth_parse("any"), PPP_AUTH_ANY);
	CHECK_INT(ppp_auth_parse("PAP"), -1);
	CHECK_STR(ppp_auth_name(PPP_AUTH_CHAP), "chap");
	CHECK_STR(ppp_net_name(PPP_NET_3GPP2), "3gpp2");

	CHECK(ppp_argv(&c, argv, sizeof(argv) / sizeof(argv[0])) > 0);
	CHECK_STR(joined(argv), "/usr/sbin/pppd /dev/ttyUSB0 115200 mru 1280 nodetach "
	    "defaultroute usepeerdns novj -pap -chap novjccomp noipdefault "
	    "ipcp-accept-local ipcp-accept-remote connect-delay 5000 "
	    "ipcp-max-failure 60 ipcp-max-configure 60 -am noauth "
	    "lcp-echo-interval 10 lcp-echo-failure 4 connect CONNECT lock");
	c.auth = PPP_AUTH_PAP;
	c.secrets = "/run/pppup.1/options";
	ppp_argv(&c, argv, sizeof(argv) / sizeof(argv[0]));
	CHECK(strstr(joined(argv), " novj -chap novjccomp ") != NULL);
	CHECK(strstr(joined(argv), "connect CONNECT lock file /run/pppup.1/options") != NULL);
	c.auth = PPP_AUTH_CHAP;
	ppp_argv(&c, argv, sizeof(argv) / sizeof(argv[0]));
	CHECK(strstr(joined(argv), " novj -pap novjccomp ") != NULL);
	c.auth = PPP_AUTH_ANY;
	ppp_argv(&c, argv, sizeof(argv) / sizeof(argv[0]));
	CHECK(strstr(joined(argv), " novj novjccomp ") != NULL);

	c.net = PPP_NET_3GPP2;
	c.auth = PPP_AUTH_PAP;
	c.extra = extra;
	c.nextra = 3;
	CHECK_INT(ppp_argv(&c, argv, sizeof(argv) / sizeof(argv[0])), 23);
	CHECK_STR(joined(argv), "/usr/sbin/pppd /dev/ttyUSB0 115200 crtscts -chap "
	    "nodetach modem noipdefault defaultroute usepeerdns noauth "
	    "lcp-echo-interval 10 lcp-echo-failure 4 connect CONNECT lock "
	    "file /run/pppup.1/options debug lcp-echo-interval 1");
	CHECK(argv[23] == NULL);
	CHECK_INT(ppp_argv(&c, argv, 23), -1);
	CHECK_INT(ppp_argv(&c, argv, 24), 23);

	CHECK(ppp_extra_conflict("password") != NULL);
	CHECK(ppp_extra_conflict("logfile") != NULL);
	CHECK(ppp_extra_conflict("persist") != NULL);
	CHECK(ppp_extra_conflict("nolock") != NULL);
	CHECK(ppp_extra_conflict("debug") == NULL);
	CHECK(ppp_extra_conflict("lcp-echo-interval") == NULL);

	CHECK_INT(ppp_sh_quote(buf, sizeof(buf), "/usr/bin/atchat"), 15);
	CHECK_STR(buf, "/usr/bin/atchat");
	ppp_sh_quote(buf, sizeof(buf), "");
	CHECK_STR(buf, "''");
	ppp_sh_quote(buf, sizeof(buf), "NO CARRIER");
	CHECK_STR(buf, "'NO CARRIER'");
	ppp_sh_quote(buf, sizeof(buf), "it's $x");
	CHECK_STR(buf, "'it'\\''s $x'");
	CHECK_INT(ppp_sh_quote(buf, 4, "abcd"), -1);
	CHECK_INT(ppp_sh_quote(buf, 5, "abcd"), 4);

	CHECK(ppp_connect_cmd(buf, sizeof(buf), "/opt/fk/atchat", "/run/p 1/dial.json",
	    "*99#", 60) > 0);
	CHECK_STR(buf, "/opt/fk/atchat -t 60 --json '/run/p 1/dial.json' ABORT BUSY "
	    "ABORT 'NO CARRIER' ABORT 'NO ANSWER' ABORT 'NO DIALTONE' ABORT ERROR "
	    "'' AT OK 'ATD*99#' CONNECT");
	CHECK_INT(ppp_connect_cmd(buf, 40, "/opt/fk/atchat", "j", "#777", 60), -1);

	CHECK(ppp_secrets_text(buf, sizeof(buf), "web", "s3cr\"t\\", 0) > 0);
	CHECK_STR(buf, "user \"web\"\npassword \"s3cr\\\"t\\\\\"\n");
	ppp_secrets_text(buf, sizeof(buf), "web", "s3cret", 1);
	CHECK_STR(buf, "user \"web\"\npassword \"********\"\n");
	ppp_secrets_text(buf, sizeof(buf), "", NULL, 0);
	CHECK_STR(buf, "user \"\"\n");
	CHECK_INT(ppp_secrets_text(buf, sizeof(buf), "web", "a\nb", 0), -1);
	CHECK_INT(ppp_secrets_text(buf, 12, "web", "secret", 0), -1);
	return check_done();
}
