#include <stdlib.h>
#include <string.h>

#include "chat/at_cmd.h"
#include "chat/at_parse.h"
#include "check.h"

static char *
fake_env(const char *name)
{
	static char pin[] = "4321";

	return strcmp(name, "SIM_PIN") == 0 ? pin : NULL;
}

int
main(void)
{
	struct at_csq csq;
	struct at_reg reg;
	struct at_cops cops;
	char f[6][64], s[64];
	int dbm, known, secret;

	CHECK_INT(at_fields("+COPS: 0,0,\"Big, Telco\",2", f, 6), 4);
	CHECK_STR(f[2], "Big, Telco");
	CHECK_INT(at_fields("no colon", f, 6), 0);

	/* +CSQ: rssi 0..31 -> -113 + 2n dBm; 99 means unknown. */
	CHECK_INT(at_parse_csq("+CSQ: 17,99", &csq), 0);
	CHECK_INT(csq.rssi_dbm, -79);
	CHECK_INT(csq.has_rssi, 1);
	CHECK_INT(csq.has_ber, 0);
	CHECK_INT(at_parse_csq("+CSQ: 31,3", &csq), 0);
	CHECK_INT(csq.rssi_dbm, -51);
	CHECK_INT(csq.ber, 3);
	CHECK_INT(at_parse_csq("+CSQ: 0,0", &csq), 0);
	CHECK_INT(csq.rssi_dbm, -113);
	CHECK_INT(at_parse_csq("+CSQ: 99,99", &csq), 0);
	CHECK_INT(csq.has_rssi, 0);
	CHECK_INT(at_parse_csq("+CSQ: 17", &csq), -1);
	CHECK_INT(at_parse_csq("+CSQ: x,99", &csq), -1);
	CHECK_INT(at_parse_csq("+CSQ: 100,99", &csq), -1);
	CHECK_INT(at_parse_csq("+CREG: 0,1", &csq), -1);
	CHECK_INT(at_parse_rssi("^RSSI:14", &dbm, &known), 0);
	CHECK_INT(dbm, -85);
	CHECK_INT(at_parse_rssi("^RSSI:99", &dbm, &known), 0);
	CHECK_INT(known, 0);
	CHECK_INT(at_parse_rssi("^RSSIX:1", &dbm, &known), -1);

	/* Registration: read form (n,stat,...) and unsolicited form (stat,...). */
	CHECK_INT(at_parse_reg("+CREG: 0,1", &reg), 0);
	CHECK_INT(reg.stat, 1);
	CHECK_STR(reg.state, "registered_home");
	CHECK_STR(reg.lac, "");
	CHECK_INT(reg.act, -1);
	CHECK_INT(at_parse_reg("+CGREG: 2,5,\"1A2B\",\"01C3D4E5\",2", &reg), 0);
	CHECK_STR(reg.state, "registered_roaming");
	CHECK_STR(reg.lac, "1A2B");
	CHECK_STR(reg.ci, "01C3D4E5");
	CHECK_INT(reg.act, 2);
	CHECK_INT(at_parse_reg("+CREG: 2", &reg), 0);
	CHECK_STR(reg.state, "searching");
	CHECK_INT(at_parse_reg("+CEREG: 1,\"00C3\",\"0A1B2C3D\",7", &reg), 0);
	CHECK_INT(reg.stat, 1);
	CHECK_STR(reg.lac, "00C3");
	CHECK_INT(reg.act, 7);
	CHECK_INT(at_parse_reg("+CREG: 0,3", &reg), 0);
	CHECK_STR(reg.state, "denied");
	CHECK_INT(at_parse_reg("+CEREG: 1,4", &reg), 0);
	CHECK_STR(reg.state, "unknown");
	CHECK_STR(at_reg_state_name(0), "not_registered");
	CHECK_STR(at_reg_state_name(8), "emergency_only");
	CHECK_STR(at_reg_state_name(42), "unknown");
	CHECK_INT(at_parse_reg("+CREG: x", &reg), -1);
	/* 27.007 7.2: the read form leads with <n>; the URC form does not. */
	CHECK(at_reg_read_form("+CREG: 0,1"));
	CHECK(at_reg_read_form("+CREG: 2,1,\"00C3\",\"0000C4F1\",2"));
	CHECK(at_reg_read_form("+C5GREG: 0,5"));
	CHECK(!at_reg_read_form("+CREG: 2"));
	CHECK(!at_reg_read_form("+CGREG: 1,\"00C3\",\"0000C4F1\",2"));
	CHECK(!at_reg_read_form("+CEREG: 0,,,,1,5"));
	CHECK(!at_reg_read_form("+CSQ: 17,99"));
	CHECK_INT(at_parse_reg("+CSQ: 1,2", &reg), -1);

	CHECK_INT(at_parse_cpin("+CPIN: READY", s, sizeof(s)), 0);
	CHECK_STR(s, "ready");
	CHECK_INT(at_parse_cpin("+CPIN: SIM PIN", s, sizeof(s)), 0);
	CHECK_STR(s, "sim_pin");
	CHECK_INT(at_parse_cpin("+CPIN: PH-NET PIN", s, sizeof(s)), 0);
	CHECK_STR(s, "ph_net_pin");
	CHECK_INT(at_parse_cpin("+CPIN:", s, sizeof(s)), -1);
	CHECK_INT(at_parse_cpin("+CPINX: READY", s, sizeof(s)), -1);

	CHECK_INT(at_parse_cops("+COPS: 0,0,\"Vodafone.de\",2", &cops), 0);
	CHECK_INT(cops.mode, 0);
	CHECK_INT(cops.format, 0);
	CHECK_STR(cops.oper, "Vodafone.de");
	CHECK_INT(cops.act, 2);
	CHECK_INT(at_parse_cops("+COPS: 1,2,\"26202\"", &cops), 0);
	CHECK_STR(cops.oper, "26202");
	CHECK_INT(cops.act, -1);
	CHECK_INT(at_parse_cops("+COPS: 0", &cops), 0);
	CHECK_INT(cops.format, -1);
	CHECK_STR(cops.oper, "");
	CHECK_INT(at_parse_cops("+COPS: (2,\"A\",\"A\",\"1\",2),,(0-4),(0-2)", &cops), -1);

	/* -c text: literal except \q, \\, \$ and (with -E) $NAME. */
	CHECK_INT(at_cmd_expand("AT^SYSINFO", 0, fake_env, s, sizeof(s), &secret), 0);
	CHECK_STR(s, "AT^SYSINFO");
	CHECK_INT(secret, 0);
	CHECK_INT(at_cmd_expand("AT+CPIN=\"$SIM_PIN\"\\q", 1, fake_env, s, sizeof(s), &secret), 0);
	CHECK_STR(s, "AT+CPIN=\"4321\"");
	CHECK_INT(secret, 1);
	CHECK_INT(at_cmd_expand("AT+CPIN=$SIM_PIN", 0, fake_env, s, sizeof(s), &secret), 0);
	CHECK_STR(s, "AT+CPIN=$SIM_PIN");
	CHECK_INT(at_cmd_expand("a\\\\b\\$c$NOPE\\r", 1, fake_env, s, sizeof(s), &secret), 0);
	CHECK_STR(s, "a\\b$c\\r");
	CHECK_INT(at_cmd_expand("AT+TOOLONG", 0, NULL, s, 5, &secret), -1);
	at_cmd_masked("AT+CPIN=\"4321\"", s, sizeof(s));
	CHECK_STR(s, "AT+CPIN=??????");
	at_cmd_masked("hello2u2", s, sizeof(s));
	CHECK_STR(s, "??????");
	return check_done();
}
