#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "at_parse.h"
#include "fk/num_parse.h"

/* Does line start with name (case-insensitive) followed by ':'?  Returns what follows. */
static const char *
after(const char *line, const char *name)
{
	size_t n = strlen(name);

	while (*line == ' ')
		line++;
	if (strncasecmp(line, name, n) != 0 || line[n] != ':')
		return NULL;
	return line + n + 1;
}

int
at_fields(const char *line, char fields[][64], int max)
{
	const char *p = strchr(line, ':');
	int k = 0;

	if (p == NULL)
		return 0;
	p++;
	while (k < max) {
		size_t n = 0;
		int quoted = 0;

		while (*p == ' ')
			p++;
		if (*p == '"') {
			quoted = 1;
			p++;
		}
		while (*p && (quoted ? *p != '"' : *p != ',')) {
			if (n < 63)
				fields[k][n++] = *p;
			p++;
		}
		if (quoted && *p == '"')
			p++;
		while (!quoted && n > 0 && fields[k][n - 1] == ' ')
			n--;
		fields[k++][n] = '\0';
		while (*p == ' ')
			p++;
		if (*p != ',')
			break;
		p++;
	}
	return k;
}

static int
num(const char *s, long long min, long long max, long long *v)
{
	const char *why;

	return num_parse(s, min, max, 0, v, &why);
}

int
at_rssi_to_dbm(long long rssi, int *known)
{
	*known = rssi >= 0 && rssi <= 31;
	return *known ? (int)(-113 + 2 * rssi) : -1;
}

int
at_parse_csq(const char *line, struct at_csq *out)
{
	char f[2][64];
	long long rssi, ber;

	memset(out, 0, sizeof(*out));
	if (after(line, "+CSQ") == NULL || at_fields(line, f, 2) != 2 ||
	    num(f[0], 0, 99, &rssi) == -1 || num(f[1], 0, 99, &ber) == -1)
		return -1;
	out->rssi_dbm = at_rssi_to_dbm(rssi, &out->has_rssi);
	out->has_ber = ber <= 7;
	out->ber = out->has_ber ? (int)ber : -1;
	return 0;
}

int
at_parse_rssi(const char *line, int *rssi_dbm, int *known)
{
	char f[1][64];
	long long rssi;

	if (after(line, "^RSSI") == NULL || at_fields(line, f, 1) != 1 ||
	    num(f[0], 0, 99, &rssi) == -1)
		return -1;
	*rssi_dbm = at_rssi_to_dbm(rssi, known);
	return 0;
}

const char *
at_reg_state_name(int stat)
{
	static const char *const names[] = {
		"not_registered", "registered_home", "searching", "denied",
		"unknown", "registered_roaming", "registered_sms_home",
		"registered_sms_roaming", "emergency_only",
		"registered_csfb_home", "registered_csfb_roaming",
	};

	if (stat < 0 || stat >= (int)(sizeof(names) / sizeof(names[0])))
		return "unknown";
	return names[stat];
}

/*
 * 27.007 7.2: the read form leads with <n>, then <stat>, both plain numbers;
 * the unsolicited form starts at <stat> and goes on, if at all, with the
 * (quoted, hex) area code or an empty field.
 */
static int
read_form(const char *line, char f[][64], int n)
{
	const char *second = strchr(line, ',');
	long long v;

	second = second ? second + 1 + strspn(second + 1, " ") : "";
	return n >= 2 && *second != '"' && num(f[0], 0, 99, &v) == 0 &&
	    num(f[1], 0, 99, &v) == 0;
}

static int
is_reg(const char *line)
{
	return after(line, "+CREG") || after(line, "+CGREG") || after(line, "+CEREG") ||
	    after(line, "+C5GREG");
}

int
at_reg_read_form(const char *line)
{
	char f[2][64];

	return is_reg(line) && read_form(line, f, at_fields(line, f, 2));
}

int
at_parse_reg(const char *line, struct at_reg *out)
{
	char f[6][64];
	long long v;
	int n, i;

	memset(out, 0, sizeof(*out));
	out->act = -1;
	if (!is_reg(line))
		return -1;
	n = at_fields(line, f, 6);
	i = read_form(line, f, n);
	if (num(f[i], 0, 99, &v) == -1)
		return -1;
	out->stat = (int)v;
	out->state = at_reg_state_name(out->stat);
	if (i + 2 < n) {
		snprintf(out->lac, sizeof(out->lac), "%s", f[i + 1]);
		snprintf(out->ci, sizeof(out->ci), "%s", f[i + 2]);
	}
	if (i + 3 < n && num(f[i + 3], 0, 99, &v) == 0)
		out->act = (int)v;
	return 0;
}

int
at_parse_cpin(const char *line, char *out, size_t outlen)
{
	const char *p = after(line, "+CPIN");
	size_t n = 0;

	if (p == NULL || outlen == 0)
		return -1;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return -1;
	for (; *p && n + 1 < outlen; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			c = '_';
		else if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[n++] = c;
	}
	while (n > 0 && out[n - 1] == '_')
		n--;
	out[n] = '\0';
	return 0;
}

int
at_parse_cops(const char *line, struct at_cops *out)
{
	char f[4][64];
	long long v;
	int n;

	memset(out, 0, sizeof(*out));
	out->format = out->act = -1;
	/* The test form lists operators in parentheses; that is not this. */
	if (after(line, "+COPS") == NULL || strchr(line, '(') ||
	    (n = at_fields(line, f, 4)) < 1 || num(f[0], 0, 9, &v) == -1)
		return -1;
	out->mode = (int)v;
	if (n >= 3) {
		if (num(f[1], 0, 9, &v) == -1)
			return -1;
		out->format = (int)v;
		snprintf(out->oper, sizeof(out->oper), "%s", f[2]);
	}
	if (n >= 4 && num(f[3], 0, 99, &v) == 0)
		out->act = (int)v;
	return 0;
}
