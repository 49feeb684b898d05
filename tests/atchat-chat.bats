#!/usr/bin/env bats
# The same chat scripts through the real chat(8) (Debian's ppp) and through atchat, on stdin/stdout
# and with -d, against modemsim on a real pseudo-terminal: the exit codes must be identical.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	fk_setup
	command -v chat >/dev/null || skip "chat(8) from the ppp package is not installed"
}
teardown() { fk_teardown; }

DIAL=(ABORT BUSY ABORT 'NO CARRIER' ABORT ERROR '' AT OK 'ATD*99#' CONNECT '')

# One implementation against the modem; sets rc and ms (wall time).  timeout(1) bounds a hang.
run_one() {
	local name=$1 t0
	shift
	t0=$(date +%s%N)
	rc=0
	case $name in
	chat) timeout 20 chat -S "$@" <"$FK_MODEM" >"$FK_MODEM" 2>"$FK_TMP/$name.err" || rc=$? ;;
	atchat) timeout 20 atchat -S "$@" <"$FK_MODEM" >"$FK_MODEM" 2>"$FK_TMP/$name.err" || rc=$? ;;
	atchat-d) timeout 20 atchat -S -d "$FK_MODEM" "$@" >"$FK_TMP/$name.json" 2>"$FK_TMP/$name.err" || rc=$? ;;
	esac
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "$name: exit $rc after $ms ms"
}

# A fresh modem (new pty, nothing left over from an earlier run) with other options.
restart_modemsim() {
	kill "$FK_MODEM_PID"
	fk_wait_gone "$FK_MODEM_PID"
	fk_start_modemsim "$@"
}

# same_codes WANT ARGS...: all three give exit status WANT.
same_codes() {
	local want=$1 t
	shift
	for t in chat atchat atchat-d; do
		run_one "$t" "$@"
		[ "$rc" -eq "$want" ] || { echo "$t: want $want"; cat "$FK_TMP/$t.err"; return 1; }
	done
}

@test "normal dial: all exit 0 and dial the same number" {
	fk_start_modemsim --log "$FK_TMP/modem.log"
	same_codes 0 -t 3 "${DIAL[@]}"
	[ "$(grep -c '^ATD\*99#$' "$FK_TMP/modem.log")" -eq 3 ]
	[ ! -s "$FK_TMP/atchat.err" ]
	[ ! -s "$FK_TMP/atchat-d.err" ]
}

@test "BUSY is the first ABORT string: exit 4" {
	fk_start_modemsim --dial busy
	same_codes 4 -t 3 "${DIAL[@]}"
	[ "$(cat "$FK_TMP/atchat.err")" = 'atchat: expect "CONNECT": aborted by "BUSY"' ]
}

@test "NO CARRIER is the second ABORT string: exit 5" {
	fk_start_modemsim --dial no-carrier
	same_codes 5 -t 3 "${DIAL[@]}"
	[ "$(cat "$FK_TMP/atchat-d.err")" = 'atchat: expect "CONNECT": aborted by "NO CARRIER"' ]
}

@test "a silent modem times out: exit 3, after the timeout" {
	fk_start_modemsim --silent
	for t in chat atchat atchat-d; do
		run_one "$t" -t 1 "${DIAL[@]}"
		[ "$rc" -eq 3 ]
		[ "$ms" -ge 1000 ] && [ "$ms" -lt 4000 ]
	done
	[ "$(cat "$FK_TMP/atchat.err")" = 'atchat: expect "OK": timed out after 1 s' ]
}

@test "a silent modem flooding ^RSSI still times out on time" {
	fk_start_modemsim --silent --urc '^RSSI:14' --urc-interval 20
	for t in chat atchat atchat-d; do
		run_one "$t" -t 1 "${DIAL[@]}"
		[ "$rc" -eq 3 ]
		# Every URC restarting the clock would never end (timeout(1) gives 124).
		[ "$ms" -ge 1000 ] && [ "$ms" -lt 4000 ]
	done
	# The flood really reached atchat while it waited.
	[ "$(jq -r 'select(.event == "expect" and .expect == "OK") | .received' "$FK_TMP/atchat-d.json" |
		grep -c '\^RSSI:14')" -ge 10 ]
}

@test "modem echo on or off: same outcome" {
	fk_start_modemsim --log "$FK_TMP/modem.log"
	same_codes 0 -t 3 '' ATE1 OK AT+CSQ '+CSQ: 17,99' '' OK ''
	# (jq 1.6's -e judges only the last input, so compare the text.)
	[ "$(jq 'select(.event == "expect" and .expect == "+CSQ: 17,99") | .received | contains("AT+CSQ\r")' \
		"$FK_TMP/atchat-d.json")" = true ]
	same_codes 0 -t 3 '' ATE0 OK AT+CSQ '+CSQ: 17,99' '' OK ''
	[ "$(jq 'select(.event == "expect" and .expect == "+CSQ: 17,99") | .received | contains("AT+CSQ")' \
		"$FK_TMP/atchat-d.json")" = false ]
}

@test "-e echoes what the modem says to stderr exactly as chat does" {
	fk_start_modemsim
	run_one chat -e -t 3 '' AT OK AT+CSQ OK ''
	[ "$rc" -eq 0 ]
	restart_modemsim
	run_one atchat -e -t 3 '' AT OK AT+CSQ OK ''
	[ "$rc" -eq 0 ]
	diff "$FK_TMP/chat.err" "$FK_TMP/atchat.err"
	grep -qx '+CSQ: 17,99' "$FK_TMP/atchat.err"
	# ECHO OFF before the modem speaks, ON for the second answer only.
	restart_modemsim
	run_one chat ECHO ON ECHO OFF '' AT OK AT+CSQ ECHO ON OK ''
	restart_modemsim
	run_one atchat ECHO ON ECHO OFF '' AT OK AT+CSQ ECHO ON OK ''
	diff "$FK_TMP/chat.err" "$FK_TMP/atchat.err"
	[ "$(cat "$FK_TMP/atchat.err")" = "$(printf '\nAT+CSQ\n+CSQ: 17,99\n\nOK')" ]
}

@test "sub-expect: OK-AT-OK retries a modem that missed the first AT" {
	fk_start_modemsim --deaf 1
	run_one chat -t 1 '' AT OK-AT-OK ''
	[ "$rc" -eq 0 ]
	restart_modemsim --deaf 1
	run_one atchat -t 1 '' AT OK-AT-OK ''
	[ "$rc" -eq 0 ]
	restart_modemsim --deaf 1
	run_one atchat-d -t 1 '' AT OK-AT-OK ''
	[ "$rc" -eq 0 ]
	[ "$(jq -c 'select(.sub) | [.event, .result // .send]' "$FK_TMP/atchat-d.json")" = \
		'["send","AT\r"]
["expect","matched"]' ]
	# A modem that misses both gets the timeout, exit 3.
	restart_modemsim --silent
	same_codes 3 -t 1 '' AT OK-AT-OK ''
}

@test "ABORT after CLR_ABORT: the remaining strings are renumbered" {
	fk_start_modemsim --dial no-carrier
	same_codes 4 -t 2 ABORT BUSY ABORT 'NO CARRIER' CLR_ABORT BUSY '' AT OK ATD CONNECT ''
	kill "$FK_MODEM_PID"
	fk_wait_gone "$FK_MODEM_PID"
	# BUSY no longer aborts: the script waits for CONNECT until the timeout.
	fk_start_modemsim --dial busy
	same_codes 3 -t 1 ABORT BUSY ABORT 'NO CARRIER' CLR_ABORT BUSY '' AT OK ATD CONNECT ''
}

@test "REPORT writes the same line to the -r file" {
	fk_start_modemsim --connect-text 'CONNECT 7200000'
	for t in chat atchat atchat-d; do
		run_one "$t" -t 2 -r "$FK_TMP/$t.report" REPORT CONNECT ABORT BUSY '' 'ATD*99#' CONNECT ''
		[ "$rc" -eq 0 ]
		sed -E 's/^chat:  [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /chat:  DATE /' "$FK_TMP/$t.report" > "$FK_TMP/$t.rep"
	done
	[ "$(cat "$FK_TMP/chat.rep")" = "chat:  DATE CONNECT 7200000" ]
	diff "$FK_TMP/chat.rep" "$FK_TMP/atchat.rep"
	diff "$FK_TMP/chat.rep" "$FK_TMP/atchat-d.rep"
	[ "$(jq -r 'select(.event == "report") | .report' "$FK_TMP/atchat-d.json")" = "CONNECT 7200000" ]
}

@test "-T and -U substitute \\T and \\U in send strings" {
	fk_start_modemsim --log "$FK_TMP/modem.log"
	same_codes 0 -t 3 -T 5551234 -U 99 ABORT BUSY '' 'ATDT\T' CONNECT '' '' 'AT+X=\U' OK ''
	[ "$(grep -c '^ATDT5551234$' "$FK_TMP/modem.log")" -eq 3 ]
	[ "$(grep -c '^AT+X=99$' "$FK_TMP/modem.log")" -eq 3 ]
}

@test "\\T and \\U without -T and -U send the bytes chat sends" {
	fk_start_modemsim --log "$FK_TMP/modem.log"
	same_codes 0 -t 3 '' 'AT+X=\T\U' OK ''
	# one line each from chat, atchat and atchat -d, in that order: atchat's as chat's
	[ "$(wc -l < "$FK_TMP/modem.log")" -eq 3 ]
	chat_line=$(sed -n 1p "$FK_TMP/modem.log")
	[ "$chat_line" = 'AT+X=TU' ]
	[ "$(sed -n 2p "$FK_TMP/modem.log")" = "$chat_line" ]
	[ "$(sed -n 3p "$FK_TMP/modem.log")" = "$chat_line" ]
}

@test "a script file (-f) runs the same as the words" {
	fk_start_modemsim --dial busy
	cat > "$FK_TMP/dial.chat" <<-'EOF'
	# dial, give up on BUSY
	ABORT   'BUSY'
	ABORT   "NO CARRIER"
	TIMEOUT 3
	''      AT
	OK      'ATD*99#'
	CONNECT ''
	EOF
	same_codes 4 -f "$FK_TMP/dial.chat"
	echo "'' 'AT" > "$FK_TMP/bad.chat"
	same_codes 1 -f "$FK_TMP/bad.chat"
	[ "$(cat "$FK_TMP/atchat.err")" = "atchat: $FK_TMP/bad.chat: unterminated quote (line 1)" ]
	same_codes 1 -f "$FK_TMP/missing.chat"
	[ "$(cat "$FK_TMP/atchat-d.err")" = "atchat: $FK_TMP/missing.chat: No such file or directory" ]
}

@test "-v -s logs the conversation exactly as chat does, \\q hiding the secret" {
	fk_start_modemsim --no-echo
	script=(-v -s -t 2 ABORT BUSY REPORT CONNECT TIMEOUT 3 '' AT OK 'ATD1\q' CONNECT '')
	run_one chat "${script[@]}"
	[ "$rc" -eq 0 ]
	restart_modemsim --no-echo
	run_one atchat "${script[@]}"
	[ "$rc" -eq 0 ]
	for t in chat atchat; do
		sed -E 's/^chat:  [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /chat:  DATE /' "$FK_TMP/$t.err" > "$FK_TMP/$t.log"
	done
	diff "$FK_TMP/chat.log" "$FK_TMP/atchat.log"
	grep -qx 'send (??????)' "$FK_TMP/atchat.log"
	grep -qx 'chat:  DATE CONNECT 115200' "$FK_TMP/atchat.log"
}

@test "-v: SAY's escapes, the alarm line and the -r file's Opening and Closing lines as chat's" {
	fk_start_modemsim --silent
	for t in chat atchat; do
		run_one "$t" -v -s -t 1 -r "$FK_TMP/$t.report" REPORT CONNECT \
			SAY 'a\\b\dc\pd\Ke\Tf\n' '' AT OK
		[ "$rc" -eq 3 ]
		sed "s|$FK_TMP/$t.report|REPORT|" "$FK_TMP/$t.report" > "$FK_TMP/$t.rep"
	done
	# atchat alone says why it failed, on a line of its own
	grep -v '^atchat: ' "$FK_TMP/atchat.err" > "$FK_TMP/atchat.log"
	[ "$(grep -c '^atchat: ' "$FK_TMP/atchat.err")" -eq 1 ]
	diff "$FK_TMP/chat.err" "$FK_TMP/atchat.log"
	grep -qx alarm "$FK_TMP/chat.err"
	grep -qF 'a\\b\dc\pd\Ke\Tf' "$FK_TMP/chat.err"
	diff "$FK_TMP/chat.rep" "$FK_TMP/atchat.rep"
	[ "$(head -n 1 "$FK_TMP/chat.rep")" = 'Opening "REPORT"...' ]
}
