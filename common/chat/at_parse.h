/* Parsers for the common answers: +CSQ, +CREG/+CGREG/+CEREG, +CPIN, +COPS (and Huawei ^RSSI). */
#ifndef AT_PARSE_H
#define AT_PARSE_H

#include <stddef.h>

/* Split the values after "NAME:" at commas; quotes removed.  Returns the count (<= max). */
int at_fields(const char *line, char fields[][64], int max);

struct at_csq {
	int rssi_dbm;		/* valid when has_rssi */
	int has_rssi;		/* 99 means "not known" */
	int ber;		/* RXQUAL class 0..7, valid when has_ber */
	int has_ber;
};

/* "+CSQ: 17,99" -> -79 dBm, ber unknown.  0 or -1 if the line is not that. */
int at_parse_csq(const char *line, struct at_csq *out);

/* Huawei "^RSSI:14" (same 0..31 scale as +CSQ); 0 or -1. */
int at_parse_rssi(const char *line, int *rssi_dbm, int *known);

/* 27.007 <rssi> 0..31 to dBm (-113 + 2n); 99 or out of range: -1 with *known = 0. */
int at_rssi_to_dbm(long long rssi, int *known);

struct at_reg {
	int stat;		/* 27.007 <stat> */
	const char *state;	/* "registered_home", "searching", ... */
	char lac[16];		/* lac or tac, hex as sent; "" if absent */
	char ci[16];		/* cell id, hex as sent; "" if absent */
	int act;		/* access technology, -1 if absent */
};

/*
 * "+CREG: 0,1" (read form) or "+CREG: 1", "+CREG: 1,\"1A2B\",..."
 * (unsolicited form); also +CGREG and +CEREG.  0 or -1.
 */
int at_parse_reg(const char *line, struct at_reg *out);

/*
 * Is line the read form of a registration answer ("+CREG: 0,1", <n> first),
 * as opposed to the unsolicited form ("+CREG: 1", "+CREG: 1,\"00C3\",...")?
 */
int at_reg_read_form(const char *line);

/* Name of a registration <stat>: "not_registered", "registered_home", ... */
const char *at_reg_state_name(int stat);

/* "+CPIN: SIM PIN" -> "sim_pin", "READY" -> "ready" into out; 0 or -1. */
int at_parse_cpin(const char *line, char *out, size_t outlen);

struct at_cops {
	int mode;		/* 0 automatic, 1 manual, 2 deregister, ... */
	int format;		/* 0 long, 1 short, 2 numeric; -1 if no operator */
	char oper[64];		/* "" when not registered */
	int act;		/* -1 if absent */
};

/* "+COPS: 0,0,\"Operator\",2" (read form); 0 or -1. */
int at_parse_cops(const char *line, struct at_cops *out);

#endif
