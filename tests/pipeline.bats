#!/usr/bin/env bats
# scripts/meter-to-broker end to end: temsim on a real pty, a real mosquitto on a free port,
# a real mosquitto_sub checking what arrived. Nothing may be lost; a record (same id) may
# arrive twice at most, whatever the number of failed runs.

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
reading() { pgrep -f "/tem(read|archive) -d $FK_TTY" > /dev/null; }

# How often each archive id arrived: "count id" lines, most first.
id_counts() {
	cut -d' ' -f2- "$FK_TMP/received" | jq -r '.id // empty' | sort | uniq -c | sort -rn
}

# The most copies of one archive record that arrived.
most_copies() { id_counts | awk 'NR == 1 { print $1 } END { if (NR == 0) print 0 }'; }

@test "first run publishes current values and every archive record; the second only new ones" {
	fk_start_temsim -a 1 -a 2 --hours 5 --days 2 --months 1
	broker
	start_sub
	run --separate-stderr m2b
	[ "$status" -eq 0 ]
	[[ "$stderr" == "meter-to-broker: current 2 (temread 0, mqpub 0); archive 16 (temarchive 0, mqpub 0); exit 0" ]]
	fk_wait_for 10 has_received 18
	[ "$(grep -c '^heat/100000[12]/current ' "$FK_TMP/received")" -eq 2 ]
	[ "$(grep -c '^heat/1000001/hour ' "$FK_TMP/received")" -eq 5 ]
	[ "$(grep -c '^heat/1000002/day ' "$FK_TMP/received")" -eq 2 ]
	[ "$(grep -c '^heat/1000002/month ' "$FK_TMP/received")" -eq 1 ]
	diff <(all_ids) <(received_ids)

	kill -USR1 "$FK_SIM_PID"
	run --separate-stderr m2b
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"archive 2 (temarchive 0, mqpub 0); exit 0" ]]
	fk_wait_for 10 has_received 22
	sleep 0.2
	[ "$(received_count)" -eq 22 ]
	tail -n 4 "$FK_TMP/received" | grep -c '"kind":"hour"' | grep -qx 2
	diff <(all_ids) <(received_ids)
}

@test "broker down: the records go to the spool and the state after them; the next run publishes each once" {
	fk_start_temsim -a 1 -a 2 --hours 3 --days 1 --months 1
	PORT=$(fk_free_port)
	run --separate-stderr m2b -p "$PORT"
	[ "$status" -eq 9 ]
	[[ "$stderr" == *"archive 10 (temarchive 0, mqpub 9); exit 9" ]]
	# the spool holds them: the state moved past every one
	[ -s "$FK_TMP/state/temarchive.state" ]
	[ "$(grep -c 'kind=' "$FK_TMP/state/temarchive.state")" -eq 6 ]

	FK_BROKER_PORT_WANT=$PORT broker
	start_sub
	run --separate-stderr m2b -p "$PORT"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"archive 0 (temarchive 0, mqpub 0); exit 0" ]]
	all_ids > "$FK_TMP/expected"
	fk_wait_for 10 ids_complete
	# what the spool kept from the failed run arrives too: both runs' current values
	fk_wait_for 10 sh -c "[ \$(grep -c '/current ' '$FK_TMP/received') -ge 4 ]"
	[ "$(grep -c '/current ' "$FK_TMP/received")" -eq 4 ]
	[ "$(most_copies)" -eq 1 ]
}

@test "4 failed runs, a new hourly record before each, then the broker: every record, none more than twice" {
	fk_start_temsim -a 1 -a 2 --hours 3 --days 1 --months 1
	PORT=$(fk_free_port)
	for i in 1 2 3 4; do
		kill -USR1 "$FK_SIM_PID"
		# the new record is there before the run starts
		fk_wait_for 10 sh -c "[ \$(temarchive -d '$FK_TTY' -a 1 -k hour | wc -l) -ge $((3 + i)) ]"
		run --separate-stderr m2b -p "$PORT" --drain-timeout 1
		[ "$status" -eq 9 ]
	done
	FK_BROKER_PORT_WANT=$PORT broker
	start_sub
	run --separate-stderr m2b -p "$PORT"
	[ "$status" -eq 0 ]
	all_ids > "$FK_TMP/expected"
	fk_wait_for 20 ids_complete
	# 5 runs' current values: 10 messages, all from the spool or the last run
	fk_wait_for 10 sh -c "[ \$(grep -c '/current ' '$FK_TMP/received') -ge 10 ]"
	sleep 0.5
	n=$(cut -d' ' -f2- "$FK_TMP/received" | jq -r '.id // empty' | wc -l)
	echo "# $(wc -l < "$FK_TMP/expected") records, $n archive messages, at most $(most_copies) copies of one" >&3
	[ "$(most_copies)" -le 2 ]
	[ "$(received_ids | wc -l)" -eq "$(wc -l < "$FK_TMP/expected")" ]
}

@test "mqpub killed with SIGKILL mid-run: the next run fills the gap" {
	fk_start_temsim -a 1 -a 2 -b 38400 --pace --hours 30 --days 1 --months 1
	broker
	start_sub
	m2b -b 38400 --no-current > "$FK_TMP/run1.out" 2> "$FK_TMP/run1.err" &
	run1=$!
	fk_wait_for 30 has_received 5
	pkill -KILL -f "/mqpub .*--spool $FK_TMP/spool"
	rc=0; wait "$run1" || rc=$?
	[ "$rc" -eq 15 ]
	grep -q 'mqpub 137); exit 15' "$FK_TMP/run1.err"
	all_ids > "$FK_TMP/expected"
	[ "$(received_ids | wc -l)" -lt "$(wc -l < "$FK_TMP/expected")" ]

	run --separate-stderr m2b -b 38400 --no-current
	[ "$status" -eq 0 ]
	fk_wait_for 10 ids_complete
	# only what was acknowledged before the kill and not yet reported can come again
	[ "$(most_copies)" -le 2 ]
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
	grep -q 'exit 15' "$FK_TMP/run1.err"
	all_ids > "$FK_TMP/expected"

	run --separate-stderr m2b -b 38400 --no-current
	[ "$status" -eq 0 ]
	fk_wait_for 10 ids_complete
}

@test "two runs at once: the second exits 12 and says why, the first completes" {
	# 24 records (about 4 s at 38400 baud, paced): the first run still holds the lock when the
	# second, started on a loaded machine, gets to it.
	fk_start_temsim -a 1 -b 38400 --pace --hours 24 --days 0 --months 0
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
	grep -q 'archive 24 (temarchive 0, mqpub 0); exit 0' "$FK_TMP/run1.err"
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
	[[ "$stderr" == "meter-to-broker: archive 0 (temarchive 0, mqpub 0); exit 0" ]]
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
	[[ "$stderr" == *"current 2 (temread 1, mqpub 0); archive 1 (temarchive 1, mqpub 0); exit 1" ]]
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
	[ "${stderr%%$'\n'*}" = "meter-to-broker: --wait: soon: expected a whole number" ]
	run "$M2B" --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: meter-to-broker "* ]]
}

@test "-q 5: usage error 2 before a byte goes to the meter" {
	fk_start_temsim -v -a 1 2> "$FK_TMP/sim.log"
	run --separate-stderr "$M2B" -d "$FK_TTY" -a 1 -h 127.0.0.1 --spool "$FK_TMP/spool" \
		--state-dir "$FK_TMP/state" -q 5
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "meter-to-broker: -q: 5: expected 0, 1 or 2" ]
	[[ "$stderr" == *"usage: meter-to-broker "* ]]
	# a request the meter answers shows in its log; none came
	run -1 grep -c '^temsim: request' "$FK_TMP/sim.log"
	[ "$output" -eq 0 ]
	[ ! -e "$FK_TMP/state" ]
}

@test "a stage's usage error is the run's status 2; a missing command is named, status 6" {
	fk_start_temsim -a 1 --hours 1 --days 0 --months 0
	broker
	run --separate-stderr m2b -t 'heat/{serial'
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"exit 2" ]]
	run --separate-stderr env PATH=/usr/bin:/bin "$M2B" -d "$FK_TTY" --state-dir "$FK_TMP/state"
	[ "$status" -eq 6 ]
	[[ "$stderr" == "meter-to-broker: mqpub: command not found (not in $FK_TOP/scripts nor on PATH)" ]]
}

@test "the settings file reaches every stage; a bad line is named" {
	fk_start_temsim -a 3 -a 4 --hours 2 --days 0 --months 0
	broker
	start_sub
	cat > "$FK_TMP/fk.conf" <<-EOF
	# two meters at addresses the defaults do not name
	device = $FK_TTY
	addresses = 3 4
	broker = 127.0.0.1
	port = $FK_BROKER_PORT
	kinds = hour
	topic = heat/{address}/now
	archive_topic = heat/{serial}/a/{kind}
	spool = $FK_TMP/spool
	state_dir = $FK_TMP/state
	drain_timeout = 5
	EOF
	run --separate-stderr "$M2B" -c "$FK_TMP/fk.conf"
	[ "$status" -eq 0 ]
	fk_wait_for 10 has_received 6
	[ "$(grep -c '^heat/[34]/now ' "$FK_TMP/received")" -eq 2 ]
	[ "$(grep -c '^heat/100000[34]/a/hour ' "$FK_TMP/received")" -eq 4 ]
	# the command line wins
	run --separate-stderr "$M2B" -c "$FK_TMP/fk.conf" --no-archive -t 'heat/x/{address}'
	[ "$status" -eq 0 ]
	fk_wait_for 10 has_received 8
	[ "$(grep -c '^heat/x/[34] ' "$FK_TMP/received")" -eq 2 ]
	printf 'qos = 1\n\nqos = 5\n' > "$FK_TMP/bad.conf"
	run --separate-stderr "$M2B" -c "$FK_TMP/bad.conf"
	[ "$status" -eq 2 ]
	[ "$stderr" = "meter-to-broker: $FK_TMP/bad.conf: line 3: qos: 5: expected 0, 1 or 2" ]
	printf 'colour = blue\n' > "$FK_TMP/bad.conf"
	run --separate-stderr "$M2B" -c "$FK_TMP/bad.conf"
	[ "$status" -eq 2 ]
	[ "$stderr" = "meter-to-broker: $FK_TMP/bad.conf: line 1: colour: unknown key" ]
	printf 'broker\n' > "$FK_TMP/bad.conf"
	run --separate-stderr "$M2B" -c "$FK_TMP/bad.conf"
	[ "$status" -eq 2 ]
	[ "$stderr" = "meter-to-broker: $FK_TMP/bad.conf: line 1: expected key = value" ]
}

@test "a paced full-archive run stopped halfway keeps what was taken; the next run publishes the rest" {
	fk_start_temsim -a 1 -b 38400 --pace --hours 80 --days 0 --months 0
	broker
	start_sub
	# the script itself in the background, so that the signal goes to it
	"$M2B" -d "$FK_TTY" -a 1 -h 127.0.0.1 -p "$FK_BROKER_PORT" --spool "$FK_TMP/spool" \
		--state-dir "$FK_TMP/state" -b 38400 --no-current --first all --progress \
		> /dev/null 2> "$FK_TMP/run1.err" &
	run1=$!
	fk_wait_for 60 has_received 30
	# the state advances during the run, not only at its end
	fk_wait_for 10 grep -q 'kind=hour' "$FK_TMP/state/temarchive.state"
	kill -TERM "$run1"
	rc=0; wait "$run1" || rc=$?
	[ "$rc" -eq 15 ]
	grep -q 'archive [0-9]* (temarchive 15, mqpub 15); stopped by signal; exit 15' "$FK_TMP/run1.err"
	grep -Eq '^temarchive: meter 1: hour: [0-9]+/80 records, [0-9.]+/s, [0-9]+ s left$' "$FK_TMP/run1.err"
	grep -q '^temarchive: [0-9]* records printed; stopped by signal$' "$FK_TMP/run1.err"
	# in flight: what mqpub had sent but not seen acknowledged when it stopped (kept in the spool)
	inflight=$(sed -n 's/.* \([0-9]*\) messages\{0,1\} not acknowledged; kept in spool.*/\1/p' "$FK_TMP/run1.err")
	inflight=${inflight:-0}
	first=$(received_ids | wc -l)
	[ "$first" -lt 80 ]

	run --separate-stderr "$M2B" -d "$FK_TTY" -a 1 -h 127.0.0.1 -p "$FK_BROKER_PORT" \
		--spool "$FK_TMP/spool" --state-dir "$FK_TMP/state" -b 38400 --no-current
	[ "$status" -eq 0 ]
	temarchive -d "$FK_TTY" -b 38400 | jq -r .id | sort -u > "$FK_TMP/expected"
	fk_wait_for 20 ids_complete
	sleep 0.5
	again=$(id_counts | awk '$1 > 1' | wc -l)
	echo "# stopped after $first of 80 records; $inflight in flight; $again arrived twice" >&3
	[ "$again" -le "$inflight" ]
	[ "$(most_copies)" -le 2 ]
}

@test "TLS through meter-to-broker to a TLS broker with a password" {
	load mqpub_helpers
	mq_tls_material "$FK_TMP/tls"
	mosquitto_passwd -c -b "$FK_TMP/passwd" meter 'Sw0rdf1sh-9431' 2>/dev/null
	mosquitto_passwd -b "$FK_TMP/passwd" dashboard 'dash-only' 2>/dev/null
	fk_start_broker "cafile $FK_TMP/tls/ca.pem" "certfile $FK_TMP/tls/server.pem" \
		"keyfile $FK_TMP/tls/server.key" "password_file $FK_TMP/passwd" "allow_anonymous false" \
		"log_type subscribe"
	printf 'Sw0rdf1sh-9431\n' > "$FK_TMP/pw"
	chmod 600 "$FK_TMP/pw"
	fk_bg mosquitto_sub -h 127.0.0.1 -p "$FK_BROKER_PORT" --cafile "$FK_TMP/tls/ca.pem" \
		-u dashboard -P dash-only -i "sub-$$" -q 1 -t 'heat/#' -v >> "$FK_TMP/received"
	fk_wait_for 10 grep -q "sub-$$ 1 heat/#" "$FK_TMP/mosquitto.$FK_BROKER_PORT.log"
	fk_start_temsim -a 1 --hours 2 --days 0 --months 0
	run --separate-stderr "$M2B" -d "$FK_TTY" -L "mqtts://127.0.0.1:$FK_BROKER_PORT" \
		--cafile "$FK_TMP/tls/ca.pem" -u meter --password-file "$FK_TMP/pw" -V 5 \
		--spool "$FK_TMP/spool" --state-dir "$FK_TMP/state"
	[ "$status" -eq 0 ]
	fk_wait_for 10 has_received 3
	[ "$(grep -c '^heat/1000001/hour ' "$FK_TMP/received")" -eq 2 ]
	# the same broker without TLS settings is no broker: nothing sent in clear
	run --separate-stderr "$M2B" -d "$FK_TTY" -h 127.0.0.1 -p "$FK_BROKER_PORT" -u meter \
		--password-file "$FK_TMP/pw" --spool "$FK_TMP/spool2" --state-dir "$FK_TMP/state2" \
		--drain-timeout 1
	[ "$status" -ne 0 ]
}

@test "a first run reads the newest --first records of each kind; later runs go on from there" {
	fk_start_temsim -a 1 --hours 30 --days 5 --months 2
	broker
	start_sub
	run --separate-stderr "$M2B" -d "$FK_TTY" -a 1 -h 127.0.0.1 -p "$FK_BROKER_PORT" \
		--spool "$FK_TMP/spool" --state-dir "$FK_TMP/state" --no-current --first 3
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"archive 8 (temarchive 0, mqpub 0); exit 0" ]]
	fk_wait_for 10 has_received 8
	# the newest three hours, three days and both months
	temarchive -d "$FK_TTY" -k hour --last 3 | jq -r .id > "$FK_TMP/expected"
	[ "$(grep '^heat/1000001/hour ' "$FK_TMP/received" | cut -d' ' -f2- | jq -r .id)" = "$(cat "$FK_TMP/expected")" ]
	kill -USR1 "$FK_SIM_PID"
	run --separate-stderr "$M2B" -d "$FK_TTY" -a 1 -h 127.0.0.1 -p "$FK_BROKER_PORT" \
		--spool "$FK_TMP/spool" --state-dir "$FK_TMP/state" --no-current --first 3
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"archive 1 (temarchive 0, mqpub 0); exit 0" ]]
}

@test "--discovery: the current readings' meters are announced to Home Assistant, once" {
	fk_start_temsim -a 1 -a 2 --hours 1 --days 0 --months 0
	broker
	run --separate-stderr m2b --discovery --no-archive
	[ "$status" -eq 0 ]
	[ -s "$FK_TMP/state/discovery.state" ]
	# retained: a subscriber that comes after the run still gets them
	fk_bg mosquitto_sub -h 127.0.0.1 -p "$FK_BROKER_PORT" -t 'homeassistant/#' -v -W 5 \
		> "$FK_TMP/configs"
	fk_wait_for 10 grep -q '"state_topic":"heat/1000001/current"' "$FK_TMP/configs"
	fk_wait_for 10 grep -q '^homeassistant/sensor/.*"device_class":"energy"' "$FK_TMP/configs"
	# no archive topic is announced
	[ "$(grep -c 'heat/1000001/hour' "$FK_TMP/configs")" -eq 0 ]
}
