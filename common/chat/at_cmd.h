/* Query-mode command text: literal AT, plus \q (secret), $NAME (-E) and \\ / \$. */
#ifndef AT_CMD_H
#define AT_CMD_H

#include <stddef.h>

/*
 * Expand raw into out.  Unlike chat(8) send strings, ^ and most backslash
 * sequences stay literal (Huawei commands are spelled AT^SYSINFO); only \q
 * (mark secret, removed), \\ and \$ are escapes, and with use_env $NAME is
 * replaced by the variable's value (nothing when unset).  getenv NULL means
 * getenv(3).  Returns 0, or -1 when the result does not fit.
 */
int at_cmd_expand(const char *raw, int use_env, char *(*getenv)(const char *),
    char *out, size_t outlen, int *secret);

/* How a command is shown when secret: "AT+CPIN=??????" (name kept), or "??????". */
void at_cmd_masked(const char *cmd, char *out, size_t outlen);

#endif
