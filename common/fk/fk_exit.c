#include "fk_exit.h"

const char *
fk_exit_name(int code)
{
	switch (code) {
	case FK_OK: return "ok";
	case FK_PARTIAL: return "partial";
	case FK_USAGE: return "usage";
	case FK_TIMEOUT: return "timeout";
	case FK_NOANSWER: return "no_answer";
	case FK_PROTO: return "protocol";
	case FK_NODEV: return "no_device";
	case FK_IO: return "io";
	case FK_BROKER: return "broker_refused";
	case FK_SPOOLED: return "spooled";
	case FK_SPOOLFULL: return "spool_full";
	case FK_STATE: return "state";
	case FK_LOCKED: return "locked";
	case FK_AUTH: return "auth";
	case FK_BUSY: return "busy";
	case FK_SIGNAL: return "signal";
	case FK_SOFTWARE: return "software";
	}
	return "unknown";
}
