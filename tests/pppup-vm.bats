#!/usr/bin/env bats
# pppup over a real PPP link.  This machine's kernel has no PPP, so one User-mode Linux boot
# (tests/vm/uml-run: this machine's files read-only, the guest's own kernel with ppp_async)
# runs every scenario of tests/vm/pppup-guest: pppup dials modemsim, whose calls a pppd in
# its own network namespace answers (tests/vm/netside).  The guest only records; the tests
# below judge what it recorded.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	# ASan reserves its shadow memory where UML's address space (512 GiB) ends.
	if ldd "$FK_BUILD/bin/pppup" | grep -q libasan; then
		export VM_SKIP="sanitizer build: ASan cannot map its shadow memory inside UML; the real-link test runs in the normal pass"
		return
	fi
	VM_OUT=$BATS_FILE_TMPDIR/vm
	mkdir -p "$VM_OUT"
	# 600 s: a bound on a hang only; every scenario takes about 200 s on a quiet machine, more
	# while the rest of the suite runs beside it (tests/run).
	"$FK_TOP/tests/vm/uml-run" "$VM_OUT" "$FK_TOP/tests/vm/pppup-guest" 600 \
		FK_BUILD="$FK_BUILD" > "$VM_OUT/uml-run.out" 2>&1
	echo $? > "$VM_OUT/uml-run.rc"
	export VM_OUT
}

setup() {
	[ -z "${VM_SKIP:-}" ] || skip "$VM_SKIP"
	fk_setup
}

teardown() { fk_teardown; }

# events NAME EVENT [JQ]: a field of each such event in scenario NAME's output
events() { jq -r "select(.event == \"$2\") | ${3:-.event}" "$VM_OUT/$1.jsonl"; }

# The connected event's addresses as "iface local remote dns1 dns2", one line per link.
addresses() { events "$1" connected '[.interface, .local_ip, .remote_ip] + .dns | join(" ")'; }

show() {
	cat "$VM_OUT/uml-run.out" "$VM_OUT/guest.log"
	for f in "$@"; do echo "--- $f"; cat "$VM_OUT/$f"; done
}

@test "the guest booted and ran every scenario" {
	[ "$(cat "$VM_OUT/uml-run.rc")" -eq 0 ] || { show; false; }
	[ "$(tail -n 1 "$VM_OUT/guest.log")" = "== done" ] || { show; false; }
}

@test "PAP over 3GPP: connected carries exactly what the network side assigned" {
	[ "$(addresses pap)" = "ppp0 192.168.70.41 10.64.64.1 10.11.12.13 10.11.12.14" ] ||
		{ show pap.jsonl pap.err; false; }
	[ "$(events pap step .command | tr '\n' ' ')" = 'AT ATE0 AT+CPIN? AT+CGREG? AT+CSQ AT+CGDCONT=1,"IP","internet" ' ]
	[ "$(events pap dialing '.number + " " + .network + " " + .auth')" = "*99# 3gpp pap" ]
	# the link carries IP: the network side answered a ping across it
	[ "$(tail -n 1 "$VM_OUT/pap.ping")" = 0 ] || { show pap.ping; false; }
}

@test "CHAP over 3GPP2: connected carries exactly what the network side assigned" {
	[ "$(addresses chap)" = "ppp0 192.168.70.41 10.64.64.1 10.11.12.13 10.11.12.14" ] ||
		{ show chap.jsonl chap.err; false; }
	[ "$(events chap step .command | tail -n 1)" = 'AT^PPPCFG="web","********"' ]
	[ "$(events chap dialing '.number + " " + .network + " " + .auth')" = "#777 3gpp2 chap" ]
	[ "$(tail -n 1 "$VM_OUT/chap.ping")" = 0 ] || { show chap.ping; false; }
}

@test "SIGTERM hangs the link up cleanly: down 'stopped', pppd exit 5, status 0" {
	for s in pap chap; do
		[ "$(cat "$VM_OUT/$s.rc")" -eq 0 ] || { show $s.jsonl $s.err; false; }
		[ "$(events $s down '.reason + " " + (.pppd_exit.code|tostring) + " " + .pppd_exit.name')" = "stopped 5 user_request" ]
		[ ! -s "$VM_OUT/$s.err" ]
	done
}

@test "while pppd runs no command line holds the password, and its file is 0600" {
	for s in pap chap; do
		# the scan works: it finds a process that has the password in its arguments ...
		grep -q 'canary-s3cret' "$VM_OUT/$s.canary" || { show $s.canary; false; }
		# ... and with both pppds up (ours and the network's) it finds nothing else
		[ "$(cat "$VM_OUT/$s.pppds")" -eq 2 ] || { show $s.pppds; false; }
		[ ! -s "$VM_OUT/$s.holders" ] || { show $s.holders; false; }
		[ "$(cat "$VM_OUT/$s.mode")" = 600 ] || { show $s.mode; false; }
	done
}

@test "a wrong password: down auth_refused, status 13, no redial despite --persist" {
	[ "$(cat "$VM_OUT/wrongpass.rc")" -eq 13 ] || { show wrongpass.jsonl wrongpass.err; false; }
	[ "$(events wrongpass down .reason)" = auth_refused ]
	[ "$(events wrongpass down .peer_message)" = "Login incorrect" ]
	[ "$(events wrongpass down .message)" = "PAP authentication failed" ]
	[ "$(events wrongpass down .fatal)" = true ]
	[ "$(events wrongpass dialing | wc -l)" -eq 1 ]
	[ "$(events wrongpass give_up .reason)" = auth_refused ]
	[ "$(cat "$VM_OUT/wrongpass.err")" = "pppup: pppd: PAP authentication failed" ]
	[ -z "$(events wrongpass connected)" ]
}

@test "the network side killed: down (peer dead or hangup), --persist redials and connects again" {
	[ "$(addresses persist | wc -l)" -eq 2 ] || { show persist.jsonl persist.err persist.net/net.log; false; }
	[ "$(addresses persist | sort -u)" = "ppp0 192.168.70.41 10.64.64.1 10.11.12.13 10.11.12.14" ]
	reason=$(events persist down .reason | head -n 1)
	[ "$reason" = peer_dead ] || [ "$reason" = hangup ] || { show persist.jsonl; false; }
	[ "$(events persist down '.pppd_exit.name' | head -n 1)" = "$reason" ]
	[ "$(events persist redial '(.attempt|tostring) + " " + (.in_s|tostring)')" = "2 2" ]
	[ "$(events persist connected .attempt | tr '\n' ' ')" = "1 2 " ]
	[ "$(events persist dialing | wc -l)" -eq 2 ]
	# then SIGTERM ends the second session cleanly
	[ "$(events persist down .reason | tail -n 1)" = stopped ]
	[ "$(cat "$VM_OUT/persist.rc")" -eq 0 ]
}

@test "BUSY from the modem: the reason says busy, status 14" {
	[ "$(cat "$VM_OUT/busy.rc")" -eq 14 ] || { show busy.jsonl busy.err; false; }
	[ "$(events busy down '.reason + " " + .modem + " " + (.pppd_exit.code|tostring)')" = "busy BUSY 8" ]
	[ "$(grep -c '^ATD\*99#$' "$VM_OUT/busy.modem")" -eq 1 ]
	[ -z "$(events busy connected)" ]
}

@test "two pppup at once on one modem: the second exits 12 having sent nothing, the first stays up" {
	[ -n "$(addresses twice)" ] || { show twice.jsonl twice.err; false; }
	[ "$(events twice step .port | sort -u)" = /run/tmp/twice-at.tty ]
	for s in second second1; do
		[ "$(cat "$VM_OUT/$s.rc")" -eq 12 ] || { show $s.jsonl $s.err; false; }
		[ "$(events $s down .reason)" = locked ]
		[ -z "$(events $s step)" ]
	done
	[ "$(cat "$VM_OUT/second.err")" = "pppup: /run/tmp/twice.tty: in use by another program" ]
	[ "$(cat "$VM_OUT/second1.err")" = "pppup: /run/tmp/twice.tty: in use by another program" ]
	[ "$(cat "$VM_OUT/second-atchat.rc")" -eq 12 ] || { show second-atchat.err; false; }
	# not a byte more reached either port of the modem than the first run had sent
	cmp "$VM_OUT/twice.modem.before" "$VM_OUT/twice.modem.after"
	cmp "$VM_OUT/twice-at.modem.before" "$VM_OUT/twice-at.modem.after"
	[ "$(cat "$VM_OUT/twice-at.modem.before" | tr '\n' ' ')" = 'AT ATE0 AT+CPIN? AT+CGREG? AT+CSQ AT+CGDCONT=1,"IP","internet" ' ]
	[ "$(tail -n 1 "$VM_OUT/twice.ping")" = 0 ] || { show twice.ping; false; }
	# once the first run ended, both ports are free again
	[ "$(cat "$VM_OUT/after.rc" | tr '\n' ' ')" = "0 0 " ] || { show after.rc after.err; false; }
}

@test "--report: signal and registration from the AT port every S seconds while the link is up" {
	[ -n "$(addresses report)" ] || { show report.jsonl report.err; false; }
	[ "$(events report signal | wc -l)" -ge 2 ] || { show report.jsonl report.err; false; }
	# 27.007: rssi 21 is -113 + 2 * 21 dBm; the URCs (+CGREG: 1) in between are not the answer
	[ "$(events report signal '[.port, .rssi_dbm, .ber, .reg_state, .reg_stat, .lac, .cell_id, .act] | @json' | sort -u)" = \
		'["/run/tmp/report-at.tty",-71,3,"registered_roaming",5,"1A2B","01C3D4E5",2]' ]
	# only while the link is up: after connected, before down
	[ "$(jq -r 'select(.event != "log" and .event != "step") | .event' "$VM_OUT/report.jsonl" | uniq | tr '\n' ' ')" = \
		'dialing connected signal down ' ]
	[ "$(grep -c '^AT+CSQ$' "$VM_OUT/report-at.modem")" -ge 3 ]
	[ "$(grep -c '^AT+CSQ$' "$VM_OUT/report.modem")" -eq 0 ]
}
