#!/usr/bin/env bats
# mqpub over TLS to a real mosquitto with a test CA and a password file; the password only ever
# in a 0600 file or the environment, never in the process list.

bats_require_minimum_version 1.5.0
load helpers
load mqpub_helpers

setup() {
	fk_setup
	mq_tls_material "$FK_TMP/tls"
	mosquitto_passwd -c -b "$FK_TMP/passwd" meter 'Sw0rdf1sh-9431' 2>/dev/null
	# The checking subscriber has its own account, so only mqpub could show this password.
	mosquitto_passwd -b "$FK_TMP/passwd" dashboard 'dash-only' 2>/dev/null
	fk_start_broker "cafile $FK_TMP/tls/ca.pem" "certfile $FK_TMP/tls/server.pem" \
		"keyfile $FK_TMP/tls/server.key" "password_file $FK_TMP/passwd" "allow_anonymous false"
	printf 'Sw0rdf1sh-9431\n' > "$FK_TMP/pw"
	chmod 600 "$FK_TMP/pw"
	MQ_SUB_OPTS="--cafile $FK_TMP/tls/ca.pem -u dashboard -P dash-only"
}

teardown() { fk_teardown; }

@test "TLS with the test CA and a password file: delivered, exit 0" {
	mq_sub "$FK_TMP/sub" 'tls/#'
	mq_lines 500 "$FK_TMP/in"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" --cafile "$FK_TMP/tls/ca.pem" \
		-u meter --password-file "$FK_TMP/pw" -q 1 -t 'tls/{serial}' < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 500
	mq_seq_check "$FK_TMP/sub" 0 499
	# The mqtts:// form and the password from the environment do the same.
	mq_lines 5 "$FK_TMP/in2" 500
	MQPUB_PASSWORD='Sw0rdf1sh-9431' run --separate-stderr mqpub \
		-L "mqtts://meter@127.0.0.1:$FK_BROKER_PORT/tls/{serial}" --cafile "$FK_TMP/tls/ca.pem" \
		-q 1 < "$FK_TMP/in2"
	[ "$status" -eq 0 ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 505
	mq_seq_check "$FK_TMP/sub" 0 504
}

@test "the process list never shows the password" {
	mq_sub "$FK_TMP/sub" 'tls/#'
	mkfifo "$FK_TMP/fifo"
	mq_bg "$FK_TMP/fifo" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" \
		--cafile "$FK_TMP/tls/ca.pem" -u meter --password-file "$FK_TMP/pw" -q 1 -t tls/ps
	pid=$FK_LAST_PID
	exec 7> "$FK_TMP/fifo"
	echo '{"a":1}' >&7
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 1
	# It is running and connected; ps shows its arguments, but not the password.
	ps -eo pid,args > "$FK_TMP/ps"
	grep -q "^ *$pid mqpub -h 127.0.0.1 -p $FK_BROKER_PORT --cafile .* -u meter --password-file" "$FK_TMP/ps"
	run -1 grep -q 'Sw0rdf1sh' "$FK_TMP/ps"
	run -1 grep -q 'Sw0rdf1sh' "/proc/$pid/cmdline"
	exec 7>&-
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
}

@test "a password file others can read is refused before anything is sent" {
	chmod 644 "$FK_TMP/pw"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" --cafile "$FK_TMP/tls/ca.pem" \
		-u meter --password-file "$FK_TMP/pw" -t tls/x < /dev/null
	[ "$status" -eq 6 ]
	[ "$stderr" = "mqpub: $FK_TMP/pw: readable by group or others; chmod 600 it" ]
	! grep -q 'New client connected' "$FK_TMP/mosquitto.$FK_BROKER_PORT.log"
}

@test "a wrong password is refused by the broker: exit 8 at once, not retried for ever" {
	printf 'wrong\n' > "$FK_TMP/bad"
	chmod 600 "$FK_TMP/bad"
	echo '{"a":1}' > "$FK_TMP/in"
	run --separate-stderr timeout 20 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" \
		--cafile "$FK_TMP/tls/ca.pem" -u meter --password-file "$FK_TMP/bad" -q 1 -t tls/x \
		--spool "$FK_TMP/spool" --drain-timeout 15 < "$FK_TMP/in"
	[ "$status" -eq 8 ]
	[ "$stderr" = "mqpub: 127.0.0.1:$FK_BROKER_PORT: broker refused the connection: Connection Refused: not authorised
mqpub: 1 message not acknowledged; kept in spool $FK_TMP/spool" ]
}

@test "a broker certificate from another CA is not trusted" {
	echo '{"a":1}' > "$FK_TMP/in"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" \
		--cafile "$FK_TMP/tls/other-ca.pem" -u meter --password-file "$FK_TMP/pw" -q 1 -t tls/x \
		--drain-timeout 1 < "$FK_TMP/in"
	[ "$status" -eq 4 ]
	[[ "$stderr" == "mqpub: 127.0.0.1:$FK_BROKER_PORT: TLS: OpenSSL Error"*"certificate verify failed; retrying
mqpub: 1 message not acknowledged within 1 s; lost (no --spool)" ]]
}

@test "a TLS file gone before a reconnection: the run ends, what it read is in the spool" {
	cp "$FK_TMP/tls/ca.pem" "$FK_TMP/ca.pem"
	port=$(fk_free_port)
	mq_lines 3 "$FK_TMP/in"
	mq_bg "$FK_TMP/in" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$port" --cafile "$FK_TMP/ca.pem" \
		-q 1 -t 'tls/{serial}' --spool "$FK_TMP/spool" --drain-timeout 60
	pid=$FK_LAST_PID
	fk_wait_for 10 grep -q retrying "$FK_TMP/err"
	fk_wait_for 10 mq_read_whole "$pid" "$FK_TMP/in"
	rm "$FK_TMP/ca.pem"
	# The next attempt, within a few seconds of backoff, finds it gone.
	fk_wait_gone "$pid" 10
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 6 ]
	[ "$(cat "$FK_TMP/err")" = "mqpub: 127.0.0.1:$port: Connection refused; retrying
mqpub: $FK_TMP/ca.pem: No such file or directory
mqpub: 3 messages not acknowledged; kept in spool $FK_TMP/spool" ]
	# Nothing was lost: the next run delivers it.
	mq_sub "$FK_TMP/sub" 'tls/#'
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" --cafile "$FK_TMP/tls/ca.pem" \
		-u meter --password-file "$FK_TMP/pw" -q 1 -t 'tls/{serial}' --spool "$FK_TMP/spool" \
		< /dev/null
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 3
	mq_seq_check "$FK_TMP/sub" 0 2
}

@test "TLS to a port nobody listens on: refused is reported at once, retried without spinning" {
	port=$(fk_free_port)
	mkfifo "$FK_TMP/fifo"
	mq_bg "$FK_TMP/fifo" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$port" \
		--cafile "$FK_TMP/tls/ca.pem" -q 1 -t tls/x --drain-timeout 1
	pid=$FK_LAST_PID
	exec 7> "$FK_TMP/fifo"
	echo '{"n":1}' >&7
	# Far sooner than the 20 s connect timeout.
	fk_wait_for 5 grep -q retrying "$FK_TMP/err"
	t0=$(mq_cpu_ticks "$pid")
	sleep 2		# no wait for an event: the span the CPU time is measured over
	t1=$(mq_cpu_ticks "$pid")
	[ $((t1 - t0)) -lt 20 ]
	exec 7>&-
	fk_wait_gone "$pid" 10
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 4 ]
	[ "$(cat "$FK_TMP/err")" = "mqpub: 127.0.0.1:$port: Connection refused; retrying
mqpub: 1 message not acknowledged within 1 s; lost (no --spool)" ]
}
