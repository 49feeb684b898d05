/* AT answers: final result codes, command and result names, echo and URC separation. */
#ifndef AT_RESULT_H
#define AT_RESULT_H

#include <stddef.h>

enum at_final {
	AT_NOT_FINAL = 0,
	AT_OK,
	AT_ERROR,		/* ERROR, and Huawei's COMMAND NOT SUPPORT / TOO MANY PARAMETERS */
	AT_CME_ERROR,
	AT_CMS_ERROR,
	AT_NO_CARRIER,
	AT_BUSY,
	AT_NO_ANSWER,
	AT_NO_DIALTONE,
	AT_CONNECT
};

/* Is line a final result code?  *err gets the +CME/+CMS number, else -1. */
enum at_final at_final(const char *line, int *err);

/* "ok", "error", "cme_error", ..., "connect"; "" for AT_NOT_FINAL. */
const char *at_final_name(enum at_final f);

/* ERROR, +CME ERROR, +CMS ERROR: the command failed. */
int at_final_is_error(enum at_final f);

/* NO CARRIER, BUSY, NO ANSWER, NO DIALTONE: a call did not come up. */
int at_final_is_call_failure(enum at_final f);

/*
 * The extended-command name of cmd, upper-cased: "+CSQ" for "AT+CSQ",
 * "+CREG" for "at+creg?", "^SYSINFO" for "AT^SYSINFO".  Basic commands
 * (ATI, ATD*99#) have none: out is "" and 0 is returned, else the length.
 */
size_t at_result_cmd_name(const char *cmd, char *out, size_t outlen);

/* The name a result line starts with ("+CSQ: 17,99" -> "+CSQ", "^RSSI:14" -> "^RSSI"), or "". */
size_t at_result_line_name(const char *line, char *out, size_t outlen);

enum at_kind { AT_LINE_ECHO, AT_LINE_RESPONSE, AT_LINE_URC, AT_LINE_FINAL };

/* Where one command's answer stands, line by line. */
struct at_query {
	const char *cmd;	/* as sent, without the \r */
	char name[32];		/* at_result_cmd_name(cmd) */
	int reg_read;		/* AT+CREG? and the like: answers carry <n> first */
	int answered;		/* a line other than a URC arrived */
	size_t responses;
	enum at_final final;
	int err;		/* +CME/+CMS ERROR number, -1 if none */
};

void at_query_init(struct at_query *q, const char *cmd);

/*
 * Classify the next line of the answer to q->cmd: its echo (only before any
 * response), a response line, an unsolicited result code (a +NAME or ^NAME
 * line whose name is not the command's, RING, or during a registration read
 * command such as AT+CGREG? a line of that name without the leading <n>), or
 * the final result code.
 */
enum at_kind at_query_line(struct at_query *q, const char *line);

#endif
