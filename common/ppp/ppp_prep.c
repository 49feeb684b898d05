#include <stdio.h>
#include <string.h>

#include "fk/fk_exit.h"
#include "ppp_prep.h"

enum { S_AT, S_ECHO, S_SIM, S_PIN, S_REG, S_CSQ, S_APN };

enum {
	AT_TRIES = 3,		/* a modem just out of reset may miss the first ATs */
	SIM_BUSY_TRIES = 10,	/* +CME ERROR: 14, SIM busy, for a few seconds after boot */
	CME_NO_SIM = 10,
	CME_SIM_BUSY = 14,
	AT_TIMEOUT_MS = 2000,
	CMD_TIMEOUT_MS = 5000,
	PIN_TIMEOUT_MS = 15000,
	POLL_MS = 1000
};

/* Text safe inside an AT string constant: printable, no quote, no backslash. */
static int
at_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

const char *
ppp_prep_check(const struct ppp_prep_cfg *cfg)
{
	if (cfg->apn && (!at_safe(cfg->apn) || strlen(cfg->apn) > 100))
		return "apn";
	if (cfg->pin && (strlen(cfg->pin) < 4 || strlen(cfg->pin) > 8 ||
	    strspn(cfg->pin, "0123456789") != strlen(cfg->pin)))
		return "pin";
	if (cfg->net == PPP_NET_3GPP2 && cfg->user && (!at_safe(cfg->user) ||
	    strlen(cfg->user) > 100))
		return "user";
	if (cfg->net == PPP_NET_3GPP2 && cfg->password &&
	    (!at_safe(cfg->password) || strlen(cfg->password) > 100))
		return "password";
	return NULL;
}

static int
next_cmd(struct ppp_prep *p, int stage, const char *step, long long delay_ms)
{
	const struct ppp_prep_cfg *c = p->cfg;

	if (stage != p->stage)
		p->tries = 0;
	p->stage = stage;
	p->step = step;
	p->delay_ms = delay_ms;
	p->timeout_ms = CMD_TIMEOUT_MS;
	p->tries++;
	switch (stage) {
	case S_AT:
		snprintf(p->cmd, sizeof(p->cmd), "AT");
		p->timeout_ms = AT_TIMEOUT_MS;
		break;
	case S_ECHO:
		snprintf(p->cmd, sizeof(p->cmd), "ATE0");
		break;
	case S_SIM:
		snprintf(p->cmd, sizeof(p->cmd), "AT+CPIN?");
		break;
	case S_PIN:
		snprintf(p->cmd, sizeof(p->cmd), "AT+CPIN=\"%s\"", c->pin);
		snprintf(p->shown, sizeof(p->shown), "AT+CPIN=\"****\"");
		p->timeout_ms = PIN_TIMEOUT_MS;
		return PPP_PREP_SEND;
	case S_REG:
		snprintf(p->cmd, sizeof(p->cmd), "%s", p->reg_cmd ? "AT+CREG?" : "AT+CGREG?");
		break;
	case S_CSQ:
		snprintf(p->cmd, sizeof(p->cmd), "AT+CSQ");
		break;
	case S_APN:
		if (c->net == PPP_NET_3GPP) {
			snprintf(p->cmd, sizeof(p->cmd), "AT+CGDCONT=1,\"IP\",\"%s\"", c->apn);
			break;
		}
		snprintf(p->cmd, sizeof(p->cmd), "AT^PPPCFG=\"%s\",\"%s\"", c->user,
		    c->password ? c->password : "");
		snprintf(p->shown, sizeof(p->shown), "AT^PPPCFG=\"%s\",\"%s\"", c->user,
		    c->password ? "********" : "");
		return PPP_PREP_SEND;
	}
	snprintf(p->shown, sizeof(p->shown), "%s", p->cmd);
	return PPP_PREP_SEND;
}

static int
fail(struct ppp_prep *p, const char *reason, int status, int fatal, const char *why)
{
	p->cause = (struct ppp_cause){ reason, status, fatal };
	snprintf(p->why, sizeof(p->why), "%s", why);
	return PPP_PREP_FAIL;
}

int
ppp_prep_begin(struct ppp_prep *p, const struct ppp_prep_cfg *cfg, long long now_ms)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->stage = -1;
	p->reg_cmd = cfg->net == PPP_NET_3GPP2;
	p->reg_deadline = now_ms + cfg->reg_timeout_ms;
	return next_cmd(p, S_AT, "attention", 0);
}

/* The first response line that parses as +CPIN, into p->sim_state. */
static int
sim_state(struct ppp_prep *p, const struct at_reply *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (at_parse_cpin(r->lines[i], p->sim_state, sizeof(p->sim_state)) == 0) {
			p->fact = PPP_FACT_SIM;
			return 0;
		}
	return -1;
}

static int
sim(struct ppp_prep *p, const struct at_reply *r)
{
	if (r->kind == AT_CME_ERROR && r->err == CME_NO_SIM)
		return fail(p, "no_sim", FK_NODEV, 1, "no SIM card");
	if (r->kind == AT_CME_ERROR && r->err == CME_SIM_BUSY && p->tries < SIM_BUSY_TRIES)
		return next_cmd(p, S_SIM, "sim", POLL_MS);
	if (r->kind != AT_OK || sim_state(p, r) == -1)
		return fail(p, "sim_error", FK_PARTIAL, 0, "SIM state unreadable");
	if (strcmp(p->sim_state, "ready") == 0)
		return next_cmd(p, S_REG, "registration", 0);
	if (strcmp(p->sim_state, "sim_pin") != 0)
		return fail(p, "sim_locked", FK_AUTH, 1, p->sim_state);
	/* A second wrong PIN brings the SIM closer to its PUK lock: one try per run. */
	if (p->pin_sent)
		return fail(p, "pin_refused", FK_AUTH, 1, "SIM still asks for its PIN");
	if (p->cfg->pin == NULL)
		return fail(p, "pin_required", FK_AUTH, 1, "SIM asks for a PIN; no --pin-file");
	return next_cmd(p, S_PIN, "pin", 0);
}

static int
registration(struct ppp_prep *p, const struct at_reply *r, long long now_ms)
{
	int found = 0;

	if (at_final_is_error(r->kind)) {
		/* Modems without +CGREG have +CREG; CDMA ones may have neither. */
		if (p->reg_cmd == 0) {
			p->reg_cmd = 1;
			return next_cmd(p, S_REG, "registration", 0);
		}
		return next_cmd(p, S_CSQ, "signal", 0);
	}
	for (size_t i = 0; i < r->n && !found; i++)
		found = at_parse_reg(r->lines[i], &p->reg) == 0;
	if (!found)
		return fail(p, "registration_unreadable", FK_PROTO, 0, "no registration state");
	p->fact = PPP_FACT_REG;
	if (p->reg.stat == 1 || p->reg.stat == 5)
		return next_cmd(p, S_CSQ, "signal", 0);
	if (p->reg.stat == 3)
		return fail(p, "registration_denied", FK_AUTH, 0, "network denied registration");
	if (now_ms + POLL_MS > p->reg_deadline)
		return fail(p, "registration_timeout", FK_TIMEOUT, 0, p->reg.state);
	return next_cmd(p, S_REG, "registration", POLL_MS);
}

int
ppp_prep_answer(struct ppp_prep *p, int io, const struct at_reply *r, long long now_ms)
{
	p->fact = PPP_FACT_NONE;
	if (io == AT_IO_ERROR)
		return fail(p, "port_error", FK_IO, 0, "modem port failed");
	if (io != AT_IO_DONE) {
		if (p->stage == S_AT && p->tries < AT_TRIES)
			return next_cmd(p, S_AT, "attention", 0);
		/* Did the PIN go through?  Unknown: never send it again. */
		if (p->stage == S_PIN)
			return fail(p, "pin_unconfirmed", FK_TIMEOUT, 1, "no answer to the PIN");
		if (io == AT_IO_NOANSWER)
			return fail(p, "modem_silent", FK_NOANSWER, 0, "no answer");
		return fail(p, "modem_timeout", FK_TIMEOUT, 0, "answer did not finish in time");
	}
	switch (p->stage) {
	case S_AT:
		return next_cmd(p, S_ECHO, "echo_off", 0);
	case S_ECHO:
		return next_cmd(p, S_SIM, "sim", 0);
	case S_SIM:
		return sim(p, r);
	case S_PIN:
		p->pin_sent = 1;
		if (r->kind != AT_OK)
			return fail(p, "pin_refused", FK_AUTH, 1, "SIM refused the PIN");
		return next_cmd(p, S_SIM, "sim", POLL_MS);
	case S_REG:
		return registration(p, r, now_ms);
	case S_CSQ:
		if (r->kind == AT_OK)
			for (size_t i = 0; i < r->n; i++)
				if (at_parse_csq(r->lines[i], &p->csq) == 0)
					p->fact = PPP_FACT_CSQ;
		if (p->cfg->net == PPP_NET_3GPP || p->cfg->user)
			return next_cmd(p, S_APN, p->cfg->net == PPP_NET_3GPP ? "apn" : "credentials", 0);
		return PPP_PREP_DONE;
	case S_APN:
		/* ^PPPCFG is optional (the guide); pppd still sends the credentials. */
		if (r->kind != AT_OK && p->cfg->net == PPP_NET_3GPP)
			return fail(p, "apn_rejected", FK_PARTIAL, 0, "modem refused the APN");
		return PPP_PREP_DONE;
	}
	return fail(p, "internal", FK_SOFTWARE, 1, "bad stage");
}

int
ppp_prep_plan(const struct ppp_prep_cfg *cfg, char (*shown)[256], int max)
{
	struct ppp_prep p;
	char line[32];
	char *lines[1] = { line };
	struct at_reply r = { .lines = lines, .kind = AT_OK, .err = -1, .answered = 1 };
	int n = 0, rc = ppp_prep_begin(&p, cfg, 0);

	for (; rc == PPP_PREP_SEND && n < max; n++) {
		snprintf(shown[n], sizeof(shown[n]), "%s", p.shown);
		r.n = 0;
		if (p.stage == S_SIM) {
			r.n = 1;
			snprintf(line, sizeof(line), "+CPIN: %s",
			    cfg->pin && !p.pin_sent ? "SIM PIN" : "READY");
		} else if (p.stage == S_REG) {
			r.n = 1;
			snprintf(line, sizeof(line), "%s: 0,1", p.reg_cmd ? "+CREG" : "+CGREG");
		}
		rc = ppp_prep_answer(&p, AT_IO_DONE, &r, 0);
	}
	return n;
}
