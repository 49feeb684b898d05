#!/usr/bin/env bats
# temread against temsim over a real pseudo-terminal: exact values, line faults, failures.

bats_require_minimum_version 1.5.0
load helpers

setup() { fk_setup; }
teardown() { fk_teardown; }

load meter_values

# Lines of the last run's stdout with read_at dropped.
values() {
	printf '%s\n' "$output" | jq -c 'del(.read_at)'
}

@test "reads the default meter and decodes every value exactly" {
	fk_start_temsim
	run --separate-stderr temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(values)" = "$(meter 1)" ]
	# read_at is the gateway's UTC time of the reading
	at=$(printf '%s\n' "$output" | jq -r .read_at)
	[[ "$at" =~ ^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$ ]]
	d=$(( $(date -u +%s) - $(date -u -d "$at" +%s) ))
	[ "$d" -ge 0 ] && [ "$d" -le 60 ]
}

@test "values follow the simulator's formulas at another clock" {
	fk_start_temsim --clock 2027-07-15T08:45:10
	run --separate-stderr temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	s=$(( $(date -u -d 2027-07-15T08:45:10Z +%s) - $(date -u -d 2020-01-01T00:00:00Z +%s) ))
	m=$((s / 60)) d=$((s / 86400))
	want=$(awk -v m="$m" 'BEGIN { printf "%.5f %.5f %.5f", (96000 + 10 * m) / 8 / 1000,
		(24000 + m) / 8 / 100, ((96000 + 10 * m) + 10 * (24000 + m)) / 8 / 1000 }')
	got=$(printf '%s\n' "$output" |
		jq -r '[.systems[0].energy_mwh, .systems[1].energy_mwh, .energy_total_mwh] | @tsv')
	[ "$(awk '{ printf "%.5f %.5f %.5f", $1, $2, $3 }' <<<"$got")" = "$want" ]
	[ "$(printf '%s\n' "$output" | jq .time_on_s)" -eq "$s" ]
	[ "$(printf '%s\n' "$output" | jq .systems[1].time_flow_low_s)" -eq $((120 * d)) ]
	[ "$(printf '%s\n' "$output" | jq -r .meter_clock)" = 2027-07-15T08:45:10 ]
}

@test "echo, noise and bad checksums on the line: values still exact" {
	fk_start_temsim --echo --noise 40 --bad-cs 2
	run --separate-stderr temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(values)" = "$(meter 1)" ]
}

@test "pauses inside answers shorter than 0.5 s are waited out" {
	fk_start_temsim --pause 300
	run --separate-stderr temread -d "$FK_TTY" --retries 1
	[ "$status" -eq 0 ]
	[ "$(values)" = "$(meter 1)" ]
}

@test "dropped requests are retried" {
	fk_start_temsim --drop 2
	run --separate-stderr temread -d "$FK_TTY" --timeout 200
	[ "$status" -eq 0 ]
	[ "$(values)" = "$(meter 1)" ]
}

@test "two meters on one line, in the order asked" {
	fk_start_temsim -a 1 -a 2 --echo
	run --separate-stderr temread -d "$FK_TTY" -a 2 -a 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(values)" = "$(meter 2; meter 1)" ]
}

@test "a silent meter among others: error line, status 1, message on stderr" {
	fk_start_temsim -a 1 -a 2 -a 3 --silent 3 --echo
	run --separate-stderr temread -d "$FK_TTY" -a 1 -a 3 -a 2 --timeout 150 --retries 2
	[ "$status" -eq 1 ]
	[ "$stderr" = "temread: $FK_TTY: no answer from meter 3 after 2 tries" ]
	[ "$(values)" = "$(meter 1)
{\"address\":3,\"error\":\"no answer after 2 tries\",\"status\":\"no_answer\"}
$(meter 2)" ]
}

@test "no meter answers: status 4" {
	fk_start_temsim -a 1
	run --separate-stderr temread -d "$FK_TTY" -a 7 --timeout 100
	[ "$status" -eq 4 ]
	[ "$stderr" = "temread: $FK_TTY: no answer from meter 7 after 3 tries" ]
	[ "$(values)" = '{"address":7,"error":"no answer after 3 tries","status":"no_answer"}' ]
}

@test "--timeout bounds the wait for a silent meter" {
	fk_start_temsim --silent 1
	start=$(date +%s%N)
	run --separate-stderr temread -d "$FK_TTY" --timeout 100 --retries 5
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$status" -eq 4 ]
	# five 100 ms waits and four 0.5 s drains (2.5 s); the default 1 s would take 7 s. Five
	# tries, so that the bound stands 2.5 s clear of both, for a machine busy with other tests.
	[ "$ms" -lt 5000 ] || { echo "took $ms ms"; false; }
}

@test "checksum errors on every try: status 5" {
	fk_start_temsim --bad-cs 1000
	run --separate-stderr temread -d "$FK_TTY" --retries 2
	[ "$status" -eq 5 ]
	[ "$stderr" = "temread: $FK_TTY: bad checksum from meter 1 after 2 tries" ]
	[ "$(values)" = '{"address":1,"error":"bad checksum after 2 tries","status":"protocol"}' ]
}

@test "answers broken by a pause over 0.5 s: status 3" {
	fk_start_temsim --pause 800
	run --separate-stderr temread -d "$FK_TTY" --retries 1
	[ "$status" -eq 3 ]
	# identify's answer is 14 bytes: 7 arrive, then the line is silent too long
	[ "$stderr" = "temread: $FK_TTY: incomplete answer (7 bytes) from meter 1 after 1 try" ]
	[ "$(values)" = '{"address":1,"error":"incomplete answer (7 bytes) after 1 try","status":"timeout"}' ]
}

@test "the device vanishing mid-read: status 7, every meter gets a line" {
	fk_start_temsim -a 1 -a 2 --vanish-after 4
	sim=$FK_SIM_PID
	run --separate-stderr temread -d "$FK_TTY" -a 1 -a 2
	[ "$status" -eq 7 ]
	[[ "$stderr" = "temread: $FK_TTY: read: "* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[ "$(printf '%s\n' "$output" | jq -c '[.address, .status]' | tr '\n' ' ')" = '[1,"io"] [2,"io"] ' ]
	fk_wait_gone "$sim" 5
	[ ! -e "$FK_TTY" ]
}

@test "a missing device: status 6" {
	run --separate-stderr temread -d "$FK_TMP/nope"
	[ "$status" -eq 6 ]
	[ -z "$output" ]
	[ "$stderr" = "temread: $FK_TMP/nope: No such file or directory" ]
}

@test "a file that is not a terminal: status 6" {
	: > "$FK_TMP/plain"
	run --separate-stderr temread -d "$FK_TMP/plain"
	[ "$status" -eq 6 ]
	[ "$stderr" = "temread: $FK_TMP/plain: not a serial line (terminal)" ]
}

# As an ordinary user (nobody), where TIOCEXCL really refuses a second open.
# An array, not a function: a backgrounded function would leave its child behind on kill.
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

@test "not root: each run leaves the line openable for the next, and a held line is status 12" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to nobody"
	fk_tmp_own
	chmod 755 "$FK_TMP"
	mkdir -m 777 "$FK_TMP/u"
	FK_TTY=$FK_TMP/u/tty
	fk_bg "${NOBODY[@]}" temsim --link "$FK_TTY" -b 9600 --pace
	fk_wait_for 5 test -L "$FK_TTY"
	run --separate-stderr "${NOBODY[@]}" temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	run --separate-stderr "${NOBODY[@]}" temread -d "$FK_TTY"
	[ "$status" -eq 0 ] || { echo "second run: $stderr"; false; }
	# one run holding the line (paced, so it takes a while), a second one refused
	fk_bg "${NOBODY[@]}" temarchive -d "$FK_TTY" -k hour > /dev/null 2>&1
	holder=$FK_LAST_PID
	# it has the line open (probing with flock could itself make it fail)
	pts=$(readlink -f "$FK_TTY")
	fk_wait_for 5 sh -c "ls -l /proc/$holder/fd | grep -q '$pts\$'"
	run --separate-stderr "${NOBODY[@]}" temread -d "$FK_TTY"
	[ "$status" -eq 12 ]
	[ "$stderr" = "temread: $FK_TTY: in use by another program" ]
}

@test "a line another program holds: status 12" {
	fk_start_temsim
	# one process holding the lock, so teardown's kill ends it
	fk_bg python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
fcntl.flock(fd, fcntl.LOCK_EX)
time.sleep(60)' "$FK_TTY"
	fk_wait_for 5 sh -c "! flock -n '$FK_TTY' true"
	run --separate-stderr temread -d "$FK_TTY"
	[ "$status" -eq 12 ]
	[ "$stderr" = "temread: $FK_TTY: in use by another program" ]
}

@test "bad options are usage errors with status 2" {
	run --separate-stderr temread
	[ "$status" -eq 2 ]
	[[ "$stderr" == "usage: temread -d device "* ]]
	run --separate-stderr temread -d /dev/null -a 0
	[ "$status" -eq 2 ]
	[ "$stderr" = "temread: -a: 0: too small (expected 1..255)" ]
	run --separate-stderr temread -d /dev/null -a 256
	[ "$stderr" = "temread: -a: 256: too large (expected 1..255)" ]
	run --separate-stderr temread -d /dev/null -a 2 -a 3 -a 2
	[ "$status" -eq 2 ]
	[ "$stderr" = "temread: -a: 2: given twice" ]
	run --separate-stderr temread -d /dev/null $(printf -- '-a %d ' $(seq 1 33))
	[ "$status" -eq 2 ]
	[ "$stderr" = "temread: -a: at most 32 meters" ]
	run --separate-stderr temread -d /dev/null -b 1000
	[ "$status" -eq 2 ]
	[ "$stderr" = "temread: -b: 1000: not a supported baud rate" ]
	run --separate-stderr temread -d /dev/null --retries 0
	[ "$stderr" = "temread: --retries: 0: too small (expected 1..20)" ]
	run --separate-stderr temread -d /dev/null --timeout 1s
	[ "$status" -eq 2 ]
	[ "$stderr" = "temread: --timeout: 1s: invalid (expected 10..60000)" ]
	run --separate-stderr temread -d /dev/null extra
	[ "$status" -eq 2 ]
	[[ "$stderr" == "usage: temread "* ]]
	[ -z "$output" ]
}

@test "a reader that goes away: quiet exit 0" {
	fk_start_temsim -a 1 -a 2
	run bash -c 'temread -d "$1" -a 1 -a 2 2>"$2" | head -c 10; echo; echo "${PIPESTATUS[0]}"' _ "$FK_TTY" "$FK_TMP/err"
	[ "${lines[0]}" = '{"read_at"' ]
	[ "${lines[1]}" = 0 ]
	[ ! -s "$FK_TMP/err" ]
	run bash -c 'temread -d "$1" 2>"$2" | true; echo "${PIPESTATUS[0]}"' _ "$FK_TTY" "$FK_TMP/err"
	[ "$output" = 0 ]
	[ ! -s "$FK_TMP/err" ]
}

@test "a full output: status 7" {
	fk_start_temsim
	run --separate-stderr bash -c 'temread -d "$1" > /dev/full' _ "$FK_TTY"
	[ "$status" -eq 7 ]
	[ "$stderr" = "temread: stdout: No space left on device" ]
}

@test "--trace shows every frame with a timestamp; 13 exchanges per meter" {
	fk_start_temsim --echo -v --stats "$FK_TMP/stats"
	run --separate-stderr temread -d "$FK_TTY" --trace
	[ "$status" -eq 0 ]
	[ "$(values)" = "$(meter 1)" ]
	bad=$(printf '%s\n' "$stderr" | grep -cvE '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z (tx|rx|rx-skip) [0-9A-F]{2}( [0-9A-F]{2})*$' || true)
	[ "$bad" -eq 0 ]
	# 12 planned reads; the second of two 64-byte reads in a row asks 63 (a repeated answer
	# to the first could not be told from its own) and the last byte takes one more
	[ "$(printf '%s\n' "$stderr" | grep -c ' tx ')" -eq 13 ]
	[ "$(printf '%s\n' "$stderr" | grep -c ' rx ')" -eq 13 ]
	# the adapter's echo of each request is recognised and passed over
	[ "$(printf '%s\n' "$stderr" | grep -c ' rx-skip 55 01 FE ')" -eq 13 ]
	printf '%s\n' "$stderr" | grep -q ' tx 55 01 FE 00 00 00 AB$'
	printf '%s\n' "$stderr" | grep -q ' rx AA 01 FE 00 00 07 D2 C5 CC D1 31 30 36 84$'
	kill "$FK_SIM_PID"
	fk_wait_gone "$FK_SIM_PID" 5
	read -r _ n _ < "$FK_TMP/stats"
	[ "$n" -eq 13 ]
}

@test "a comma code that looks like a diameter is reported, energy unscaled" {
	printf '{"ram": {"0x02FA": "50"}}\n' > "$FK_TMP/img.json"
	fk_start_temsim --image "$FK_TMP/img.json"
	run --separate-stderr temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	[ "$stderr" = "temread: $FK_TTY: meter 1: system 1: comma code 80 is not 0..6; energy unscaled" ]
	[ "$(printf '%s\n' "$output" | jq -c '.systems[0] | [.comma, .energy_mwh, .volume_m3]')" = '[80,4066668.75,12215006.25]' ]
}

@test "odd meters: Latin model, unknown flash, bad clock, six systems" {
	cat > "$FK_TMP/img.json" <<-'EOF'
	{"model": "TEMC106", "serial": 4294967295,
	 "ram": {"0x0168": "12 34", "0x0486": "13"},
	 "systems": [{}, {}, {"type": 9, "comma": 6, "energy0": 1.5, "energy_rate": 0},
	             {"type": 3}, {}, {"type": 5, "flow_ch": [6, 8]}]}
	EOF
	fk_start_temsim --image "$FK_TMP/img.json"
	run --separate-stderr temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -c '[.model, .serial, .flash_kib, .meter_clock, .systems_count, (.systems | length)]')" = '["TEMC106",4294967295,null,null,6,6]' ]
	[ "$(printf '%s\n' "$output" | jq -c '.systems[2] | [.type, .energy_mwh == 0.000015, .t_ch]')" = '["temperature",true,[]]' ]
	[ "$(printf '%s\n' "$output" | jq -c '.systems[3] | [.type, .type_code]')" = '[null,3]' ]
	[ "$(printf '%s\n' "$output" | jq -c '.systems[5] | [.flow_ch, .flow_m3h, .flow_th]')" = '[[6,8],[0,0],[0,null]]' ]
}

@test "LINE: --timeout runs from the end of the request's echo, not from its first byte" {
	# the echo comes at once, the answer 700 ms after it: more than the 0.5 s byte gap
	fk_start_temsim --echo --pace --turnaround 700
	run --separate-stderr temread -d "$FK_TTY" --timeout 1200 --retries 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(values)" = "$(meter 1)" ]
}

@test "LINE: an answer later than --timeout is an error that says how late, never a value" {
	fk_start_temsim --echo --turnaround 800
	run --separate-stderr temread -d "$FK_TTY" --timeout 300
	[ "$status" -eq 3 ]
	[[ "$stderr" =~ ^temread:\ $FK_TTY:\ late\ answer\ \(([0-9]+)\ ms\ after\ the\ request,\ --timeout\ 300\ ms\)\ from\ meter\ 1\ after\ 3\ tries$ ]]
	# temsim's 800 ms count from when it has the request; temread counts from the request's
	# computed end on the wire (about 10 ms at 9600 baud), which a pty delivers at once.
	[ "${BASH_REMATCH[1]}" -ge 750 ]
	[ "$(values | jq -c '[.address, .status]')" = '[1,"timeout"]' ]
}

@test "LINE: behind a buffering gateway, answers to earlier requests are passed over" {
	fk_start_temsim --gateway --turnaround 450
	# each answer comes after the attempt gave up, often during the next one's wait
	run --separate-stderr temread -d "$FK_TTY" --timeout 250 --retries 6 --trace
	printf '%s\n' "$stderr" | grep -E ' (tx|rx[a-z-]*) ' | head -n 20
	if [ "$status" -eq 0 ]; then
		[ "$(printf '%s\n' "$output" | jq -c 'del(.read_at)')" = "$(meter 1)" ]
	else
		[ "$status" -eq 3 ]
	fi
	# late answers were seen and not taken for what was asked next
	printf '%s\n' "$stderr" | grep -qE ' rx-(late|earlier) AA 01 FE '
}
