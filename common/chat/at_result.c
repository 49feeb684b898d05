#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "at_parse.h"
#include "at_result.h"
#include "fk/num_parse.h"

static const struct {
	const char *text;
	enum at_final f;
} finals[] = {
	{ "OK", AT_OK },
	{ "ERROR", AT_ERROR },
	{ "COMMAND NOT SUPPORT", AT_ERROR },	/* Huawei */
	{ "TOO MANY PARAMETERS", AT_ERROR },	/* Huawei */
	{ "NO CARRIER", AT_NO_CARRIER },
	{ "BUSY", AT_BUSY },
	{ "NO ANSWER", AT_NO_ANSWER },
	{ "NO DIALTONE", AT_NO_DIALTONE },
	{ "NO DIAL TONE", AT_NO_DIALTONE },
};

static const char *const final_names[] = {
	"", "ok", "error", "cme_error", "cms_error", "no_carrier", "busy",
	"no_answer", "no_dialtone", "connect"
};

/* Length of line without surrounding blanks; *start skips the leading ones. */
static size_t
trimmed(const char *line, const char **start)
{
	size_t n;

	while (*line == ' ' || *line == '\t')
		line++;
	n = strlen(line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	*start = line;
	return n;
}

static int
error_number(const char *s, size_t n)
{
	char tmp[16];
	long long v;
	const char *why;

	while (n > 0 && *s == ' ')
		s++, n--;
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return num_parse(tmp, 0, 65535, 0, &v, &why) == 0 ? (int)v : -1;
}

enum at_final
at_final(const char *line, int *err)
{
	const char *s;
	size_t n = trimmed(line, &s);

	*err = -1;
	for (size_t i = 0; i < sizeof(finals) / sizeof(finals[0]); i++)
		if (strlen(finals[i].text) == n && strncmp(s, finals[i].text, n) == 0)
			return finals[i].f;
	if (n >= 10 && (strncmp(s, "+CME ERROR", 10) == 0 || strncmp(s, "+CMS ERROR", 10) == 0)) {
		const char *rest = s + 10;
		size_t m = n - 10;
		if (m > 0 && *rest == ':')
			rest++, m--;
		*err = error_number(rest, m);
		return s[3] == 'E' ? AT_CME_ERROR : AT_CMS_ERROR;
	}
	if (n >= 7 && strncmp(s, "CONNECT", 7) == 0 && (n == 7 || s[7] == ' '))
		return AT_CONNECT;
	return AT_NOT_FINAL;
}

const char *
at_final_name(enum at_final f)
{
	return (unsigned)f < sizeof(final_names) / sizeof(final_names[0]) ?
	    final_names[f] : "";
}

int
at_final_is_error(enum at_final f)
{
	return f == AT_ERROR || f == AT_CME_ERROR || f == AT_CMS_ERROR;
}

int
at_final_is_call_failure(enum at_final f)
{
	return f == AT_NO_CARRIER || f == AT_BUSY || f == AT_NO_ANSWER ||
	    f == AT_NO_DIALTONE;
}

static int
is_prefix(char c)
{
	return c == '+' || c == '^' || c == '%' || c == '$' || c == '*';
}

static size_t
name_at(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (!is_prefix(*s))
		return 0;
	while (n + 1 < outlen && (n == 0 || isalnum((unsigned char)s[n]) || s[n] == '_')) {
		out[n] = (char)toupper((unsigned char)s[n]);
		n++;
	}
	if (n < 2) {
		out[0] = '\0';
		return 0;
	}
	out[n] = '\0';
	return n;
}

size_t
at_result_cmd_name(const char *cmd, char *out, size_t outlen)
{
	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	if (strncasecmp(cmd, "AT", 2) != 0) {
		if (outlen)
			out[0] = '\0';
		return 0;
	}
	return name_at(cmd + 2, out, outlen);
}

size_t
at_result_line_name(const char *line, char *out, size_t outlen)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return name_at(line, out, outlen);
}

void
at_query_init(struct at_query *q, const char *cmd)
{
	size_t n = strlen(cmd);

	memset(q, 0, sizeof(*q));
	q->cmd = cmd;
	q->err = -1;
	at_result_cmd_name(cmd, q->name, sizeof(q->name));
	while (n > 0 && (cmd[n - 1] == ' ' || cmd[n - 1] == '\t'))
		n--;
	q->reg_read = n > 0 && cmd[n - 1] == '?' && (strcmp(q->name, "+CREG") == 0 ||
	    strcmp(q->name, "+CGREG") == 0 || strcmp(q->name, "+CEREG") == 0 ||
	    strcmp(q->name, "+C5GREG") == 0);
}

static int
same_text(const char *a, const char *b)
{
	const char *sa, *sb;
	size_t na = trimmed(a, &sa), nb = trimmed(b, &sb);

	return na == nb && strncasecmp(sa, sb, na) == 0;
}

enum at_kind
at_query_line(struct at_query *q, const char *line)
{
	char name[32];
	enum at_final f;
	int err;

	if ((f = at_final(line, &err)) != AT_NOT_FINAL) {
		q->final = f;
		q->err = err;
		q->answered = 1;
		return AT_LINE_FINAL;
	}
	if (q->responses == 0 && same_text(line, q->cmd)) {
		q->answered = 1;
		return AT_LINE_ECHO;
	}
	if (same_text(line, "RING"))
		return AT_LINE_URC;
	if (at_result_line_name(line, name, sizeof(name)) && strcmp(name, q->name) != 0)
		return AT_LINE_URC;
	/* "+CREG: 2" just before the answer to AT+CREG? is the network's news, not the answer. */
	if (q->reg_read && !at_reg_read_form(line))
		return AT_LINE_URC;
	q->responses++;
	q->answered = 1;
	return AT_LINE_RESPONSE;
}
