#include <string.h>

#include "fk/fk_exit.h"
#include "ppp_exit.h"

static const char *const names[PPP_EXIT_MAX + 1] = {
	"ok", "fatal_error", "option_error", "not_root", "no_kernel_support",
	"user_request", "lock_failed", "open_failed", "connect_failed",
	"ptycmd_failed", "negotiation_failed", "peer_auth_failed",
	"idle_timeout", "connect_time", "callback", "peer_dead", "hangup",
	"loopback", "init_failed", "auth_topeer_failed", "traffic_limit",
	"cnid_auth_failed"
};

const char *
ppp_exit_name(int code)
{
	return code >= 0 && code <= PPP_EXIT_MAX ? names[code] : "unknown";
}

/* The modem's refusal to dial, by its result code (V.250 plus the usual ERROR). */
static struct ppp_cause
dial_abort(const char *s)
{
	static const struct {
		const char *code, *reason;
		int status;
	} tab[] = {
		{ "BUSY", "busy", FK_BUSY },
		{ "NO CARRIER", "no_carrier", FK_BUSY },
		{ "NO DIALTONE", "no_dialtone", FK_BUSY },
		{ "NO DIAL TONE", "no_dialtone", FK_BUSY },
		{ "NO ANSWER", "no_answer", FK_NOANSWER },
		{ "ERROR", "dial_error", FK_PARTIAL },
	};

	for (size_t i = 0; s && i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(s, tab[i].code) == 0)
			return (struct ppp_cause){ tab[i].reason, tab[i].status, 0 };
	return (struct ppp_cause){ "dial_refused", FK_PARTIAL, 0 };
}

struct ppp_cause
ppp_exit_cause(int code, enum ppp_dial dial, const char *abort, int auth_failed)
{
	static const struct ppp_cause tab[PPP_EXIT_MAX + 1] = {
		{ "peer_terminated", FK_PARTIAL, 0 },
		{ "pppd_failed", FK_IO, 0 },
		{ "bad_options", FK_USAGE, 1 },
		{ "not_root", FK_NODEV, 1 },
		{ "no_kernel_support", FK_NODEV, 1 },
		{ "stopped", FK_SIGNAL, 0 },
		{ "locked", FK_LOCKED, 0 },
		{ "open_failed", FK_NODEV, 0 },
		{ "connect_failed", FK_PARTIAL, 0 },
		{ "ptycmd_failed", FK_SOFTWARE, 1 },
		{ "negotiation_failed", FK_PROTO, 0 },
		{ "peer_auth_failed", FK_AUTH, 1 },
		{ "idle", FK_PARTIAL, 0 },
		{ "connect_time", FK_PARTIAL, 0 },
		{ "callback", FK_PARTIAL, 0 },
		{ "peer_dead", FK_PARTIAL, 0 },
		{ "hangup", FK_PARTIAL, 0 },
		{ "loopback", FK_PROTO, 0 },
		{ "init_failed", FK_NODEV, 0 },
		{ "auth_refused", FK_AUTH, 1 },
		{ "traffic_limit", FK_PARTIAL, 1 },
		{ "cnid_auth_failed", FK_AUTH, 1 },
	};

	if (code < 0 || code > PPP_EXIT_MAX)
		return (struct ppp_cause){ "pppd_unknown_exit", FK_SOFTWARE, 0 };
	if (auth_failed && code != 5)
		return tab[19];
	if (code != 8)
		return tab[code];
	switch (dial) {
	case PPP_DIAL_ABORT:
		return dial_abort(abort);
	case PPP_DIAL_TIMEOUT:
		return (struct ppp_cause){ "dial_timeout", FK_TIMEOUT, 0 };
	case PPP_DIAL_SILENT:
		return (struct ppp_cause){ "modem_silent", FK_NOANSWER, 0 };
	case PPP_DIAL_UNKNOWN:
		break;
	}
	return tab[code];
}

struct ppp_cause
ppp_signal_cause(void)
{
	return (struct ppp_cause){ "pppd_killed", FK_SOFTWARE, 0 };
}
