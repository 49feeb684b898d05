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
	[ "$status" -eq 8 ]
	[ "${stderr%%$'\n'*}" = "mqpub: 127.0.0.1:$FK_BROKER_PORT: TLS: the broker's certificate is not from a CA in $FK_TMP/tls/other-ca.pem" ]
}

@test "the system's store as OpenSSL sees it (SSL_CERT_FILE) serves --tls and mqtts://" {
	echo '{"a":1}' > "$FK_TMP/in"
	MQ_SUB_OPTS="$MQ_SUB_OPTS" mq_sub "$FK_TMP/sub" 'os/#'
	run --separate-stderr env SSL_CERT_FILE="$FK_TMP/tls/ca.pem" mqpub -h 127.0.0.1 \
		-p "$FK_BROKER_PORT" --tls -u meter --password-file "$FK_TMP/pw" -q 1 -t os/tls < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run --separate-stderr env SSL_CERT_FILE="$FK_TMP/tls/ca.pem" mqpub -L \
		"mqtts://meter@127.0.0.1:$FK_BROKER_PORT/os/url" --password-file "$FK_TMP/pw" -q 1 \
		< "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# --tls-use-os-certs: the system's store besides a --cafile that does not hold the CA.
	run --separate-stderr env SSL_CERT_FILE="$FK_TMP/tls/ca.pem" mqpub -h 127.0.0.1 \
		-p "$FK_BROKER_PORT" --cafile "$FK_TMP/tls/other-ca.pem" --tls-use-os-certs -u meter \
		--password-file "$FK_TMP/pw" -q 1 -t os/both < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 3
	run mq_got "$FK_TMP/sub"
	[ "$output" = 'os/tls {"a":1}
os/url {"a":1}
os/both {"a":1}' ]
	# A store without the test CA: said plainly, final, not retried for the drain timeout.
	run --separate-stderr env SSL_CERT_FILE="$FK_TMP/tls/other-ca.pem" timeout 25 mqpub \
		-L "mqtts://meter@127.0.0.1:$FK_BROKER_PORT/os/url" --password-file "$FK_TMP/pw" -q 1 \
		--drain-timeout 30 < "$FK_TMP/in"
	[ "$status" -eq 8 ]
	[ "${stderr%%$'\n'*}" = "mqpub: 127.0.0.1:$FK_BROKER_PORT: TLS: the broker's certificate is not from a CA in the system's store (--cafile names one)" ]
}

# final_with_cert CERT KEY WHY: a broker with this certificate (in $FK_TMP/tls); mqpub trusting
# the test CA gives up at once, exit 8, first saying "TLS: WHY" (not after the drain timeout).
final_with_cert() {
	fk_start_broker "cafile $FK_TMP/tls/ca.pem" "certfile $FK_TMP/tls/$1" \
		"keyfile $FK_TMP/tls/$2"
	echo '{"a":1}' > "$FK_TMP/in"
	run --separate-stderr timeout 25 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" \
		--cafile "$FK_TMP/tls/ca.pem" -q 1 -t x --drain-timeout 30 < "$FK_TMP/in"
	[ "$status" -eq 8 ]
	[ "${stderr%%$'\n'*}" = "mqpub: 127.0.0.1:$FK_BROKER_PORT: TLS: $3" ]
}

@test "a broker certificate for another name: final, said so" {
	(
		cd "$FK_TMP/tls" || exit 1
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout o.key \
			-out o.csr -subj /CN=other.example
		printf 'subjectAltName=DNS:other.example\n' > oext
		openssl x509 -req -in o.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out o.pem \
			-days 2 -extfile oext
	) > /dev/null 2>&1
	final_with_cert o.pem o.key "the broker's certificate is not for 127.0.0.1"
}

@test "an expired broker certificate: final, said so" {
	(
		cd "$FK_TMP/tls" || exit 1
		# Valid until a day ago: -days -1 puts notAfter before now.
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-out expired.pem -days -1 -extfile ext
	) > /dev/null 2>&1
	final_with_cert expired.pem server.key "the broker's certificate has expired"
}

@test "a broker that wants a client certificate: none, or one it does not trust, is final and said so" {
	fk_start_broker "cafile $FK_TMP/tls/ca.pem" "certfile $FK_TMP/tls/server.pem" \
		"keyfile $FK_TMP/tls/server.key" "require_certificate true"
	echo '{"a":1}' > "$FK_TMP/in"
	for v in tlsv1.3 tlsv1.2; do
		run --separate-stderr timeout 25 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" \
			--cafile "$FK_TMP/tls/ca.pem" --tls-version "$v" -q 1 -t x --drain-timeout 30 \
			< "$FK_TMP/in"
		[ "$status" -eq 8 ]
		[[ "$stderr" == *"mqpub: 127.0.0.1:$FK_BROKER_PORT: TLS: the broker wants a client certificate (--cert, --key)"* ]]
	done
	run --separate-stderr timeout 25 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" \
		--cafile "$FK_TMP/tls/ca.pem" --cert "$FK_TMP/tls/other-ca.pem" \
		--key "$FK_TMP/tls/other.key" -q 1 -t x --drain-timeout 30 < "$FK_TMP/in"
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"TLS: the broker did not accept the client certificate $FK_TMP/tls/other-ca.pem (unknown ca)"* ]]
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
