#!/usr/bin/env bats
# scripts/meter-to-broker end to end: temsim on a real pty, a real mosquitto on a free port,
# a real mosquitto_sub checking what arrived. Nothing may be lost; duplicates of a record
# (same id) are allowed after a failed run.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	fk_setup
	export FK_LOG=stderr
	M2B="$FK_TOP/scripts/meter-to-broker"
}

teardown() {
	[ -z "${FK_DEBUG:-}" ] || cat "$FK_TMP"/*.err >&3 2>/dev/null
	fk_teardown
}

# Subscribe to heat/# and wait until the broker has the subscription.
start_sub() {
	fk_bg mosquitto_sub -h 127.0.0.1 -p "$FK_BROKER_PORT" -i "sub-$$" -q 1 -t 'heat/#' -v \
		>> "$FK_TMP/received"
	fk_wait_for 10 grep -q "sub-$$ 1 heat/#" "$FK_TMP/mosquitto.$FK_BROKER_PORT.log"
}

broker() {
	fk_start_broker "log_type subscribe" "log_type error" "log_type warning"
}

m2b() {
	"$M2B" -d "$FK_TTY" -a 1 -a 2 -h 127.0.0.1 -p "${PORT:-$FK_BROKER_PORT}" \
		--spool "$FK_TMP/spool" --state-dir "$FK_TMP/state" --drain-timeout 2 "$@"
}

# Archive ids the meters hold now, read straight from the simulator.
all_ids() {
	temarchive -d "$FK_TTY" -a 1 -a 2 | jq -r .id | sort -u
}

received_ids() {
	cut -d' ' -f2- "$FK_TMP/received" | jq -r '.id // empty' | sort -u
}

received_count() {
	[ -f "$FK_TMP/received" ] && wc -l < "$FK_TMP/received" || echo 0
}

has_received() { [ "$(received_count)" -ge "$1" ]; }

# Every id in $FK_TMP/expected has arrived.
ids_complete() { received_ids | diff -q - "$FK_TMP/expected" > /dev/null; }

# A reader runs, so the lock is held (probing the lock with flock would race the run).
reading() { pgrep -f "^tem(read|archive) -d $FK_TTY" > /dev/null; }

@test "first run publishes current values and every archive record; the second only new ones" {
	fk_start_temsim -a 1 -a 2 --hours 5 --days 2 --months 1
	broker
	start_sub
	run --separate-stderr m2b
	[ "$status" -eq 0 ]
	[[ "$stderr" == "meter-to-broker: current 2 (temread 0, mqpub 0); archive 16 (temarchive 0, mqpub 0, state yes); exit 0" ]]
	fk_wait_for 10 has_received 18
	[ "$(grep -c '^heat/100000[12]/current ' "$FK_TMP/received")" -eq 2 ]
	[ "$(grep -c '^heat/1000001/hour ' "$FK_TMP/received")" -eq 5 ]
	[ "$(grep -c '^heat/1000002/day ' "$FK_TMP/received")" -eq 2 ]
	[ "$(grep -c '^heat/1000002/month ' "$FK_TMP/received")" -eq 1 ]
	diff <(all_ids) <(received_ids)

	kill -USR1 "$FK_SIM_PID"
	run --separate-stderr m2b
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"archive 2 (temarchive 0, mqpub 0, state yes); exit 0" ]]
	fk_wait_for 10 has_received 22
	sleep 0.2
	[ "$(received_count)" -eq 22 ]
	tail -n 4 "$FK_TMP/received" | grep -c '"kind":"hour"' | grep -qx 2
	diff <(all_ids) <(received_ids)
}

@test "broker down: the run fails and keeps its state; the next run publishes everything once" {
	fk_start_temsim -a 1 -a 2 --hours 3 --days 1 --months 1
	PORT=$(fk_free_port)
	run --separate-stderr m2b -p "$PORT"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"state no); exit $status" ]]
	[ ! -e "$FK_TMP/state/temarchive.state" ]

	FK_BROKER_PORT_WANT=$PORT broker
	start_sub
	run --separate-stderr m2b -p "$PORT"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"state yes); exit 0" ]]
	all_ids > "$FK_TMP/expected"
	fk_wait_for 10 ids_complete
	# what the spool kept from the failed run arrives too: both runs' current values
	[ "$(grep -c '/current ' "$FK_TMP/received")" -eq 4 ]
	# every archive record at least once, and repeats only as the same record
	[ "$(cut -d' ' -f2- "$FK_TMP/received" | jq -c 'select(.id)' | sort -u | wc -l)" -eq "$(all_ids | wc -l)" ]
}

@test "mqpub killed with SIGKILL mid-run: the next run fills the gap" {
	fk_start_temsim -a 1 -a 2 -b 38400 --pace --hours 30 --days 1 --months 1
	broker
	start_sub
	m2b -b 38400 --no-current > "$FK_TMP/run1.out" 2> "$FK_TMP/run1.err" &
	run1=$!
	fk_wait_for 30 has_received 5
	pkill -KILL -f "^mqpub -h 127.0.0.1 -p $FK_BROKER_PORT "
	rc=0; wait "$run1" || rc=$?
	[ "$rc" -eq 15 ]
	grep -q 'mqpub 137, state no); exit 15' "$FK_TMP/run1.err"
	all_ids > "$FK_TMP/expected"
	[ "$(received_ids | wc -l)" -lt "$(wc -l < "$FK_TMP/expected")" ]

	run --separate-stderr m2b -b 38400 --no-current
	[ "$status" -eq 0 ]
	fk_wait_for 10 ids_complete
}

@test "the stage between temarchive and mqpub killed mid-run: state kept, the next run fills the gap" {
	fk_start_temsim -a 1 -a 2 -b 38400 --pace --hours 30 --days 1 --months 1
	broker
	start_sub
	# TMPDIR: the run's work files, and so its line counter's command line, under $FK_TMP
	TMPDIR=$FK_TMP m2b -b 38400 --no-current > "$FK_TMP/run1.out" 2> "$FK_TMP/run1.err" &
	run1=$!
	fk_wait_for 30 has_received 3
	pkill -KILL -f "^awk -v f=$FK_TMP/tmp\.[^/]*/n\.arc"
	rc=0; wait "$run1" || rc=$?
	[ "$rc" -eq 15 ]
	grep -q 'state no); exit 15' "$FK_TMP/run1.err"
	all_ids > "$FK_TMP/expected"

	run --separate-stderr m2b -b 38400 --no-current
	[ "$status" -eq 0 ]
	fk_wait_for 10 ids_complete
}

@test "two runs at once: the second exits 12 and says why, the first completes" {
	fk_start_temsim -a 1 -b 38400 --pace --hours 8 --days 0 --months 0
	broker
	"$M2B" -d "$FK_TTY" -a 1 -b 38400 -h 127.0.0.1 -p "$FK_BROKER_PORT" --spool "$FK_TMP/spool" \
		--state-dir "$FK_TMP/state" > /dev/null 2> "$FK_TMP/run1.err" &
	run1=$!
	fk_wait_for 10 reading
	run --separate-stderr "$M2B" -d "$FK_TTY" -a 1 -h 127.0.0.1 -p "$FK_BROKER_PORT" \
		--spool "$FK_TMP/spool" --state-dir "$FK_TMP/state"
	[ "$status" -eq 12 ]
	[ "$stderr" = "meter-to-broker: another run holds $FK_TMP/state/meter-to-broker.lock" ]
	rc=0; wait "$run1" || rc=$?
	[ "$rc" -eq 0 ]
	grep -q 'state yes); exit 0' "$FK_TMP/run1.err"
}

@test "with --wait the second run waits for the first and then publishes nothing twice" {
	fk_start_temsim -a 1 -b 38400 --pace --hours 4 --days 0 --months 0
	broker
	start_sub
	"$M2B" -d "$FK_TTY" -a 1 -b 38400 -h 127.0.0.1 -p "$FK_BROKER_PORT" --spool "$FK_TMP/spool" \
		--state-dir "$FK_TMP/state" --no-current 2> "$FK_TMP/run1.err" &
	run1=$!
	fk_wait_for 10 reading
	run --separate-stderr "$M2B" -d "$FK_TTY" -a 1 -h 127.0.0.1 -p "$FK_BROKER_PORT" \
		--spool "$FK_TMP/spool" --state-dir "$FK_TMP/state" --no-current --wait 60
	[ "$status" -eq 0 ]
	[[ "$stderr" == "meter-to-broker: archive 0 (temarchive 0, mqpub 0, state yes); exit 0" ]]
	rc=0; wait "$run1" || rc=$?
	[ "$rc" -eq 0 ]
	fk_wait_for 10 has_received 4
	[ "$(received_count)" -eq 4 ]
}

@test "a silent meter: the other meter is published and the run says partial" {
	fk_start_temsim -a 1 -a 2 --silent 2 --hours 1 --days 0 --months 0
	broker
	start_sub
	run --separate-stderr m2b
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"current 2 (temread 1, mqpub 0); archive 1 (temarchive 1, mqpub 0, state yes); exit 1" ]]
	fk_wait_for 10 has_received 3
	grep -q '^heat/1000001/hour ' "$FK_TMP/received"
}

@test "bad options are usage errors with status 2" {
	run --separate-stderr "$M2B" --bogus
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "meter-to-broker: --bogus: unknown option" ]
	run --separate-stderr "$M2B" --modem /dev/ttyUSB0
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "meter-to-broker: --modem needs --apn" ]
	run --separate-stderr "$M2B" --wait soon
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "meter-to-broker: --wait: soon: invalid" ]
	run "$M2B" --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: meter-to-broker "* ]]
}
