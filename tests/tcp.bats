#!/usr/bin/env bats
# Meters far away: -d tcp:HOST:PORT through a real socat bridge to temsim's pty (as a
# serial-to-Ethernet converter), tcpdelay adding a GPRS link's delays, and a data call
# through callsim (a modem front that carries temsim after CONNECT).

bats_require_minimum_version 1.5.0
load helpers

setup() { fk_setup; }
teardown() { fk_teardown; }

load meter_values
ERROR_KEYS='["address","error","read_at","status"]'

values() {
	printf '%s\n' "$output" | jq -c 'del(.read_at)'
}

# socat as the converter: TCP on a free loopback port to the line at $1 (default temsim's).
# One connection at a time, as a serial-to-TCP converter serves its port: socat's child for a
# closed connection reads the line for another 0.5 s (-t), and a second child beside it took
# the next run's answers (temarchive right after temread: "no answer from meter 1").
bridge() {
	BRIDGE_PORT=$(fk_free_port)
	fk_bg socat "TCP-LISTEN:$BRIDGE_PORT,bind=127.0.0.1,reuseaddr,fork,max-children=1" \
		"FILE:${1:-$FK_TTY},raw,echo=0" 2>> "$FK_TMP/socat.log"
	BRIDGE_PID=$FK_LAST_PID
	fk_wait_for 10 listening "$BRIDGE_PORT"
	DEV=tcp:127.0.0.1:$BRIDGE_PORT
}

# The last connection's socat child has gone: two of them on the line would share its bytes.
bridge_idle() {
	fk_wait_for 10 sh -c "! pgrep -P $BRIDGE_PID > /dev/null"
}

# tcpdelay in front of the bridge (arguments: its options); DEV then names the proxy.
proxy() {
	local port
	bridge_idle
	port=$(fk_free_port)
	fk_bg tcpdelay -l "$port" -t "127.0.0.1:$BRIDGE_PORT" "$@"
	PROXY_PID=$FK_LAST_PID
	fk_wait_for 10 listening "$port"
	DEV=tcp:127.0.0.1:$port
}

stop_proxy() {
	kill "$PROXY_PID"
	fk_wait_gone "$PROXY_PID"
}

# A reading through a slow link: the documented values exactly, or a clear error line
# and no reading at all; never a value that is not the meter's.
exact_or_error() {
	if [ "$status" -eq 0 ]; then
		[ "$(values)" = "$(meter 1)" ]
	else
		[[ "$status" =~ ^[345]$ ]]
		[[ "$stderr" == "temread: $DEV: "*" from meter 1 after "* ]]
		[ "$(printf '%s\n' "$output" | jq -c keys)" = "$ERROR_KEYS" ]
	fi
}

ms() { date +%s%3N; }

# Listening, seen without connecting: a probe connection would make socat fork a child
# that holds the line for a moment and can take bytes meant for the next one.
listening() { ss -Hltn "sport = :$1" | grep -q .; }

@test "through a TCP bridge: every value exact, two meters in the order asked" {
	fk_start_temsim -a 1 -a 2
	bridge
	run --separate-stderr temread -d "$DEV" -a 2 -a 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(values)" = "$(meter 2; meter 1)" ]
}

@test "100-800 ms added each way, timeouts long enough: values exact" {
	fk_start_temsim
	bridge
	proxy --delay 100-800 --seed 7
	run --separate-stderr temread -d "$DEV" --timeout 2000
	[ "$status" -eq 0 ]
	[ "$(values)" = "$(meter 1)" ]
	stop_proxy
	proxy --delay 800
	run --separate-stderr temread -d "$DEV" --timeout 2000 --retries 1
	[ "$status" -eq 0 ]
	[ "$(values)" = "$(meter 1)" ]
}

@test "delays past --timeout: exact values or a clear error, never wrong values" {
	fk_start_temsim
	bridge
	# 800 ms each way, 300 ms: no answer comes back in time (once the link layer tells
	# answers to given-up requests apart, as a late one, status 3)
	proxy --delay 800
	run --separate-stderr temread -d "$DEV" --timeout 300
	[[ "$status" =~ ^[34]$ ]]
	[[ "$stderr" =~ ^"temread: $DEV: "(no|late)" answer".*" from meter 1 after 3 tries"$ ]]
	[ "$(printf '%s\n' "$output" | jq -c keys)" = "$ERROR_KEYS" ]
	stop_proxy
	# answers to earlier tries arrive while later requests wait: each must be told apart
	for t in 300 450 700; do
		proxy --delay 400
		run --separate-stderr temread -d "$DEV" --timeout "$t"
		exact_or_error
		stop_proxy
	done
	proxy --delay 100-800 --seed 3
	run --separate-stderr temread -d "$DEV" --timeout 500
	exact_or_error
}

@test "a bridge with no meter behind it: no answer, status 4, within retries x timeout" {
	BRIDGE_PORT=$(fk_free_port)
	fk_bg socat "TCP-LISTEN:$BRIDGE_PORT,bind=127.0.0.1,reuseaddr,fork" SYSTEM:'cat >/dev/null'
	fk_wait_for 10 listening "$BRIDGE_PORT"
	DEV=tcp:127.0.0.1:$BRIDGE_PORT
	t0=$(ms)
	run --separate-stderr temread -d "$DEV" --retries 2 --timeout 400
	took=$(($(ms) - t0))
	[ "$status" -eq 4 ]
	[ "$stderr" = "temread: $DEV: no answer from meter 1 after 2 tries" ]
	[ "$(printf '%s\n' "$output" | jq -r .status)" = no_answer ]
	[ "$took" -ge 800 ]
	# 2 x 400 ms and a connect; the rest is slack for a loaded machine
	[ "$took" -lt 6000 ]
}

@test "the link closed or reset mid-frame: status 7, the reason, no partial record" {
	fk_start_temsim
	bridge
	# the identify answer is 14 bytes; 20 more end inside the first 35-byte RAM answer
	proxy --delay 0 --cut-after 34
	run --separate-stderr temread -d "$DEV"
	[ "$status" -eq 7 ]
	[ "$stderr" = "temread: $DEV: read: Link has been severed" ]
	[ "$(printf '%s\n' "$output" | jq -c keys)" = "$ERROR_KEYS" ]
	[ "$(printf '%s\n' "$output" | jq -r .status)" = io ]
	stop_proxy
	proxy --delay 0 --cut-after 34 --rst
	run --separate-stderr temread -d "$DEV"
	[ "$status" -eq 7 ]
	[ "$stderr" = "temread: $DEV: read: Connection reset by peer" ]
	[ "$(printf '%s\n' "$output" | jq -c keys)" = "$ERROR_KEYS" ]
}

@test "temarchive over TCP: incremental state; a link lost mid-frame resumes after the last line" {
	fk_start_temsim
	bridge
	proxy --delay 0 --cut-after 3000
	run --separate-stderr temarchive -d "$DEV" --state "$FK_TMP/state"
	[ "$status" -eq 7 ]
	[ "$stderr" = "temarchive: $DEV: read: Link has been severed" ]
	first=$output
	n=$(printf '%s\n' "$first" | jq -r .id | wc -l)
	[ "$n" -ge 1 ]
	[ "$n" -lt 48 ]
	# every line printed is a whole record
	[ "$(printf '%s\n' "$first" | jq -r '.systems | length' | sort -u)" = 2 ]
	last=$(printf '%s\n' "$first" | tail -n 1 | jq -r .period)
	grep -qx "serial=1000001 address=1 kind=hour slot=$((n - 1)) period=$last" "$FK_TMP/state"
	bridge_idle
	run --separate-stderr temarchive -d "tcp:127.0.0.1:$BRIDGE_PORT" --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq $((61 - n)) ]
	[ "$(printf '%s\n%s\n' "$first" "$output" | jq -r .id | sort -u | wc -l)" -eq 61 ]
	bridge_idle
	run --separate-stderr temarchive -d "tcp:127.0.0.1:$BRIDGE_PORT" --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	kill -USR1 "$FK_SIM_PID"	# the meter's clock to 15:00: one new hourly record
	fk_wait_for 10 sh -c "temarchive -d tcp:127.0.0.1:$BRIDGE_PORT -k hour --last 1 | grep -q T14:00"
	bridge_idle
	run --separate-stderr temarchive -d "tcp:127.0.0.1:$BRIDGE_PORT" --state "$FK_TMP/state"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .id)" = 1000001-hour-2026-03-02T14:00 ]
}

@test "refused, unreachable, unknown host, bad device names: status 6 with the reason" {
	port=$(fk_free_port)
	run --separate-stderr temread -d "tcp:127.0.0.1:$port"
	[ "$status" -eq 6 ]
	[ "$stderr" = "temread: tcp:127.0.0.1:$port: connect: Connection refused" ]
	[ -z "$output" ]
	run --separate-stderr unshare -n temread -d tcp:192.0.2.1:4001
	[ "$status" -eq 6 ]
	[ "$stderr" = "temread: tcp:192.0.2.1:4001: connect: Network is unreachable" ]
	run --separate-stderr temarchive -d tcp:host.invalid:4001
	[ "$status" -eq 6 ]
	[[ "$stderr" == "temarchive: tcp:host.invalid:4001: host.invalid: "* ]]
	run --separate-stderr temread -d tcp:127.0.0.1
	[ "$status" -eq 6 ]
	[ "$stderr" = "temread: tcp:127.0.0.1: expected tcp:HOST:PORT (an IPv6 address in [])" ]
	run --separate-stderr temread -d tcp:127.0.0.1:70000
	[ "$status" -eq 6 ]
	[ "$stderr" = "temread: tcp:127.0.0.1:70000: port 70000: too large" ]
	run --separate-stderr temread -d "tcp:127.0.0.1:$port" --rs485
	[ "$status" -eq 6 ]
	[ "$stderr" = "temread: tcp:127.0.0.1:$port: --rs485, --rts and --dtr are set in the converter, not over TCP" ]
	run --separate-stderr temread -d "tcp:[::1]:$port"
	[ "$status" -eq 6 ]
	[ "$stderr" = "temread: tcp:[::1]:$port: connect: Connection refused" ]
}

# In a namespace of our own, 192.0.2.0/24 routed to lo: a SYN nobody ever answers.
blackhole() {
	unshare -n sh -c "ip link set lo up && ip route add 192.0.2.0/24 dev lo && $1"
}

@test "no connection within 10 s: status 6; SIGTERM while connecting: status 15 at once" {
	run --separate-stderr blackhole 'exec temread -d tcp:192.0.2.1:4001'
	[ "$status" -eq 6 ]
	[ "$stderr" = "temread: tcp:192.0.2.1:4001: connect: no answer within 10 s" ]
	t0=$(ms)
	run --separate-stderr blackhole 'temarchive -d tcp:192.0.2.1:4001 & p=$!
		i=0; until ss -Htn state syn-sent | grep -q 192.0.2.1 || [ $i -ge 500 ]; do
			i=$((i + 1)); sleep 0.02; done
		kill $p; wait $p'
	[ "$status" -eq 15 ]
	[ "$stderr" = "temarchive: tcp:192.0.2.1:4001: connect: stopped by a signal" ]
	# well before the 10 s connect timeout
	[ $(($(ms) - t0)) -lt 8000 ]
}

@test "atchat -d tcp: queries a modem behind a converter" {
	fk_start_modemsim
	bridge "$FK_MODEM"
	run --separate-stderr atchat -S -d "$DEV" -c AT+CSQ
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -c '[.command, .response, .result]')" = '["AT+CSQ",["+CSQ: 17,99"],"OK"]' ]
}

@test "meter-to-broker reads a meter through a converter end to end" {
	fk_start_temsim --hours 2 --days 1 --months 1
	bridge
	fk_start_broker
	export FK_LOG=stderr
	run --separate-stderr "$FK_TOP/scripts/meter-to-broker" -d "$DEV" -h 127.0.0.1 \
		-p "$FK_BROKER_PORT" --spool "$FK_TMP/spool" --state-dir "$FK_TMP/st" --drain-timeout 30
	# Shown only if the test fails.
	printf 'stderr: %s\n' "$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"current 1 (temread 0, mqpub 0)"* ]]
	[[ "$stderr" == *"archive 4 (temarchive 0, mqpub 0)"* ]]
	grep -qx 'serial=1000001 address=1 kind=month slot=0 period=2026-02-01T00:00:00' "$FK_TMP/st/temarchive.state"
}

# callsim in front of temsim: CALL is the modem's line, CALL_LOG its events.
start_call() {
	fk_start_temsim
	CALL=$FK_TMP/call CALL_LOG=$FK_TMP/call.log
	fk_bg callsim --link "$CALL" --meter "$FK_TTY" --guard 300 --log "$CALL_LOG"
	fk_wait_for 10 test -L "$CALL"
	run --separate-stderr atchat -S -d "$CALL" -b 9600 -c ATE0 -c ATD5551234
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | tail -n 1 | jq -r .result)" = "CONNECT 9600" ]
}

events() { tr '\n' ' ' < "$CALL_LOG"; }

@test "a data call: atchat dials and leaves it up, temread and temarchive read, +++ ATH hangs up" {
	start_call
	fk_wait_for 10 grep -q close-kept "$CALL_LOG"
	run --separate-stderr temread -d "$CALL" -b 9600
	[ "$status" -eq 0 ]
	[ "$(values)" = "$(meter 1)" ]
	run --separate-stderr temarchive -d "$CALL" -b 9600 -k month
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .id | tr '\n' ' ')" = "1000001-month-2025-12-01T00:00 1000001-month-2026-01-01T00:00 1000001-month-2026-02-01T00:00 " ]
	[ "$(events)" = "connect close-kept close-kept close-kept " ]
	run --separate-stderr atchat -S -d "$CALL" -b 9600 -t 5 '' '\d+++\c' OK ATH OK
	[ "$status" -eq 0 ]
	fk_wait_for 10 grep -q 'hangup ath' "$CALL_LOG"
	[ "$(events)" = "connect close-kept close-kept close-kept escape hangup ath " ]
	# the call is gone: nobody answers on the line any more
	run --separate-stderr temread -d "$CALL" -b 9600 --retries 1 --timeout 300
	[ "$status" -eq 4 ]
}

@test "a data call hung up by DTR: closing the line with HUPCL set" {
	start_call
	run --separate-stderr temread -d "$CALL" -b 9600
	[ "$status" -eq 0 ]
	[ "$(values)" = "$(meter 1)" ]
	stty -F "$CALL" hupcl
	fk_wait_for 10 grep -q 'hangup dtr' "$CALL_LOG"
	[ "$(events)" = "connect close-kept close-kept hangup dtr " ]
}
