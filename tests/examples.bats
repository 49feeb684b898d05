#!/usr/bin/env bats
# The examples of README.md and of the man pages, pasted: each taken from its page and run as
# written, against temsim and a mosquitto on localhost:1883 in a network namespace of its own.
# Only the device and the /var directories are changed to this test's; a broker that is down
# for the first run must not cost a record.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	fk_setup
	NS=fkex-$$-$RANDOM
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	export FK_LOG=stderr
}

teardown() {
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	fk_teardown
}

on_ns() { ip netns exec "$NS" "$@"; }

broker_up() {
	{
		echo "listener 1883 127.0.0.1"
		echo "allow_anonymous true"
		echo "log_dest file $FK_TMP/broker.log"
		echo "log_type subscribe"
		[ "$(id -u)" -ne 0 ] || echo "user root"
	} > "$FK_TMP/broker.conf"
	fk_bg on_ns mosquitto -c "$FK_TMP/broker.conf"
	fk_wait_for 10 on_ns bash -c 'exec 3<>/dev/tcp/127.0.0.1/1883'
	fk_bg on_ns mosquitto_sub -h localhost -i watcher -q 1 -t '#' -v > "$FK_TMP/received"
	fk_wait_for 10 grep -q 'watcher 1 #' "$FK_TMP/broker.log"
}

# man_example PAGE TEXT: the literal display in EXAMPLES that contains TEXT.
man_example() {
	awk -v pat="$2" '/^\.Sh EXAMPLES/ { e = 1 } /^\.Sh SEE ALSO/ { e = 0 }
		e && /^\.Bd -literal/ { b = 1; t = ""; next }
		b && /^\.Ed/ { if (index(t, pat)) printf "%s", t; b = 0; next }
		b { t = t $0 "\n" }' "$1" | sed 's/\\e/\\/g'
}

# md_example FILE TEXT: the ```sh block that contains TEXT.
md_example() {
	awk -v pat="$2" '/^```sh/ { b = 1; t = ""; next }
		b && /^```/ { if (index(t, pat)) printf "%s", t; b = 0; next }
		b { t = t $0 "\n" }' "$1"
}

# The example's device and /var directories made this test's.
here() {
	sed -e "s|/dev/ttyUSB0|$FK_TTY|g" -e "s|/var/spool/fieldkit|$FK_TMP/spool|g" \
		-e "s|/var/lib/fieldkit|$FK_TMP/state|g"
}

has_lines() { [ -f "$FK_TMP/received" ] && [ "$(grep -c "$1" "$FK_TMP/received")" -ge "$2" ]; }

@test "README's first example: an unanswered meter's record arrives too, nothing lost with the broker down" {
	fk_start_temsim -a 1 -a 2 --silent 2
	ex=$(md_example "$FK_TOP/README.md" 'temread -d /dev/ttyUSB0' | here)
	[ -n "$ex" ]
	run on_ns bash -c "$ex"
	[ "$status" -eq 9 ]
	broker_up
	run on_ns bash -c "$ex"
	[ "$status" -eq 0 ]
	# both runs: meter 1 twice, and meter 2's error record twice
	fk_wait_for 10 has_lines '^heat/' 4
	[ "$(grep -c '^heat/1000001/current ' "$FK_TMP/received")" -eq 2 ]
	[ "$(grep -c '^heat/unknown/current ' "$FK_TMP/received")" -eq 2 ]
}

@test "temarchive(1)'s cron pipeline: the broker down for a run loses no record and sends none twice" {
	fk_start_temsim -a 1 -a 2 --hours 3 --days 1 --months 1
	mkdir -p "$FK_TMP/state"
	ex=$(man_example "$FK_TOP/man/temarchive.1" 'taken-fd' | here)
	[ -n "$ex" ]
	run --separate-stderr on_ns bash -c "$ex"
	[[ "$stderr" == *"messages not acknowledged within 30 s; kept in spool"* ]]
	# in the spool, so the state moved past them
	[ "$(grep -c 'kind=hour' "$FK_TMP/state/archive.state")" -eq 2 ]
	kill -USR1 "$FK_SIM_PID"
	broker_up
	fk_wait_for 10 sh -c "[ \$(temarchive -d '$FK_TTY' -a 1 -k hour | wc -l) -ge 4 ]"
	run on_ns bash -c "$ex"
	[ "$status" -eq 0 ]
	temarchive -d "$FK_TTY" -a 1 -a 2 -k hour | jq -r .id | sort > "$FK_TMP/expected"
	[ "$(wc -l < "$FK_TMP/expected")" -eq 8 ]
	fk_wait_for 10 has_lines '/archive/hour ' 8
	sleep 0.3
	cut -d' ' -f2- "$FK_TMP/received" | jq -r .id | sort | diff - "$FK_TMP/expected"
}

@test "meter-to-broker(1)'s first example, settings from the file" {
	fk_start_temsim -a 1 -a 2 --hours 2 --days 0 --months 0
	printf 'spool = %s\nstate_dir = %s\n' "$FK_TMP/spool" "$FK_TMP/state" > "$FK_TMP/fk.conf"
	ex=$(man_example "$FK_TOP/man/meter-to-broker.1" 'meter-to-broker -d' | here)
	[ -n "$ex" ]
	run on_ns env FK_CONFIG="$FK_TMP/fk.conf" bash -c "$ex"
	[ "$status" -eq 9 ]
	broker_up
	run on_ns env FK_CONFIG="$FK_TMP/fk.conf" bash -c "$ex"
	[ "$status" -eq 0 ]
	# both runs' current values, and each archive record once
	fk_wait_for 10 has_lines '^heat/' 8
	[ "$(grep -c '/current ' "$FK_TMP/received")" -eq 4 ]
	[ "$(grep -c '/hour ' "$FK_TMP/received")" -eq 4 ]
}
