#!/usr/bin/env bats
# mqpub against a real mosquitto on a free loopback port, checked by a real mosquitto_sub:
# topic templates, --split, --payload, --raw, bad lines, --strict, usage errors.

bats_require_minimum_version 1.5.0
load helpers
load mqpub_helpers

setup() {
	fk_setup
	fk_start_broker
	mq_sub "$FK_TMP/sub" 'heat/#' 'c4/#' 'raw/#' 'p/#' 'v5/#' 'paste/#'
}

teardown() { fk_teardown; }

pub() { mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 "$@"; }

@test "topic templates: fields, nested paths, defaults; values cannot add levels or wildcards" {
	printf '%s\n' \
		'{"serial":"A7","site":"lab","systems":[{"type":"heat"}],"e":1}' \
		'{"serial":12345678,"systems":[{"type":"cool"}]}' \
		'{"serial":"x/y+z#","site":"$SYS","systems":[{"type":true}]}' > "$FK_TMP/in"
	run --separate-stderr pub -t 'heat/{serial}/{site:unknown}/{systems.0.type}' < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 3
	run mq_got "$FK_TMP/sub"
	[ "${lines[0]}" = 'heat/A7/lab/heat {"serial":"A7","site":"lab","systems":[{"type":"heat"}],"e":1}' ]
	[ "${lines[1]}" = 'heat/12345678/unknown/cool {"serial":12345678,"systems":[{"type":"cool"}]}' ]
	[ "${lines[2]}" = 'heat/x_y_z_/$SYS/true {"serial":"x/y+z#","site":"$SYS","systems":[{"type":true}]}' ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "--split: one plain message per scalar to TOPIC/field, as the home-IoT subscribers read" {
	echo '{"room":"c4","rtemp":23.5,"rhumi":40,"fire":false,"light":null,"m":{"a":[1,"x"]}}' > "$FK_TMP/in"
	run --separate-stderr pub -t '{room}' --split < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 6
	run mq_got "$FK_TMP/sub"
	[ "$output" = "c4/room c4
c4/rtemp 23.5
c4/rhumi 40
c4/fire false
c4/m/a/0 1
c4/m/a/1 x" ]
}

@test "--payload sends one field; --raw sends plain lines; blank lines are not sent" {
	printf '%s\n' '{"serial":7,"t_c":21.25}' '' '{"serial":8,"t_c":"n/a"}' > "$FK_TMP/in"
	run --separate-stderr pub -t 'p/{serial}' --payload t_c < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	printf 'hello world\n\n  \nsecond line\r\nno newline' > "$FK_TMP/in"
	run --separate-stderr pub -t raw/text --raw < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 5
	run mq_got "$FK_TMP/sub"
	[ "$output" = "p/7 21.25
p/8 n/a
raw/text hello world
raw/text second line
raw/text no newline" ]
}

@test "bad lines are reported with their line number and skipped; exit status 1" {
	{
		echo '{"serial":1}'
		echo 'not json'
		echo '{"serial":2} trailing'
		echo '[1,2]'
		echo '{"other":3}'
		head -c 300000 /dev/zero | tr '\0' 'x'
		echo
		echo '{"serial":{"a":1}}'
		echo '{"serial":7}'
		echo '{"serial":8,"t":1}'
	} > "$FK_TMP/in"
	run --separate-stderr pub -t 'heat/{serial}' < "$FK_TMP/in"
	[ "$status" -eq 1 ]
	[ "$stderr" = 'mqpub: line 2: not JSON
mqpub: line 3: not JSON
mqpub: line 4: not a JSON object
mqpub: line 5: no field "serial"
mqpub: line 6: longer than 262144 bytes
mqpub: line 7: field "serial" is not a string, number or boolean' ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 3
	run mq_got "$FK_TMP/sub"
	[ "$output" = 'heat/1 {"serial":1}
heat/7 {"serial":7}
heat/8 {"serial":8,"t":1}' ]
}

@test "--strict stops at the first bad line, after delivering the lines before it" {
	printf '%s\n' '{"serial":1}' '{"serial":2}' '{"other":3}' '{"serial":4}' > "$FK_TMP/in"
	run --separate-stderr pub -t 'heat/{serial}' --strict < "$FK_TMP/in"
	[ "$status" -eq 1 ]
	[ "$stderr" = 'mqpub: line 3: no field "serial"' ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 2
	# Line 4 must not follow: a marker sent after mqpub ended arrives next.
	mosquitto_pub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 -t heat/end -m end
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 3
	run mq_got "$FK_TMP/sub"
	[ "$output" = 'heat/1 {"serial":1}
heat/2 {"serial":2}
heat/end end' ]
}

@test "QoS 0, MQTT 5, retained messages and the -L URL form" {
	for n in 1 2 3; do echo "{\"n\":$n}" > "$FK_TMP/in$n"; done
	run pub -q 0 -t v5/q0 < "$FK_TMP/in1"
	[ "$status" -eq 0 ]
	run pub -V 5 -q 2 -t v5/q2 < "$FK_TMP/in2"
	[ "$status" -eq 0 ]
	run mqpub -L "mqtt://127.0.0.1:$FK_BROKER_PORT/v5/{n}" -r < "$FK_TMP/in3"
	[ "$status" -eq 0 ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 3
	run mq_got "$FK_TMP/sub"
	[ "$output" = 'v5/q0 {"n":1}
v5/q2 {"n":2}
v5/3 {"n":3}' ]
	# The retained one reaches a subscriber that comes later.
	run timeout 10 mosquitto_sub -h 127.0.0.1 -p "$FK_BROKER_PORT" -t 'v5/#' -C 1 -v
	[ "$output" = 'v5/3 {"n":3}' ]
}

@test "the will is published when mqpub dies without a word" {
	mkfifo "$FK_TMP/fifo"
	mq_bg "$FK_TMP/fifo" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -t heat/x \
		--will-topic heat/will --will-payload gone -k 5
	pid=$FK_LAST_PID
	exec 7> "$FK_TMP/fifo"
	echo '{"a":1}' >&7
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 1
	kill -9 "$pid"
	exec 7>&-
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 2
	run mq_got "$FK_TMP/sub"
	[ "$output" = 'heat/x {"a":1}
heat/will gone' ]
}

@test "SIGTERM while waiting for input ends the wait promptly: status 15" {
	mkfifo "$FK_TMP/fifo"
	mq_bg "$FK_TMP/fifo" "$FK_TMP/err" mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -t heat/x -k 600
	pid=$FK_LAST_PID
	exec 7> "$FK_TMP/fifo"
	echo '{"a":1}' >&7
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 1
	# idle now: input open and silent, the broker up, nothing due for minutes
	kill -TERM "$pid"
	fk_wait_gone "$pid" 15
	exec 7>&-
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 15 ]
	[ "$(cat "$FK_TMP/err")" = "mqpub: stopped by signal after line 1" ]
}

@test "usage errors: status 2 and a precise message" {
	run --separate-stderr mqpub -h 127.0.0.1 -t 'heat/+'
	[ "$status" -eq 2 ]
	[ "$stderr" = 'mqpub: -t: heat/+: wildcards (+, #) cannot be published to' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t 'heat/{serial'
	[ "$status" -eq 2 ]
	[ "$stderr" = "mqpub: -t: heat/{serial: '{' at byte 6 is not closed" ]
	run --separate-stderr mqpub -h 127.0.0.1 -t 'raw/{serial}' --raw
	[ "$status" -eq 2 ]
	[ "$stderr" = 'mqpub: -t: raw/{serial}: --raw lines have no fields' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x -q 3
	[ "$status" -eq 2 ]
	[ "$stderr" = 'mqpub: -q: 3: too large (expected 0..2)' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x -V 4
	[ "$status" -eq 2 ]
	[ "$stderr" = 'mqpub: -V: 4: expected 5, 311, mqttv5 or mqttv311' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x -V mqttv31
	[ "$status" -eq 2 ]
	[ "$stderr" = 'mqpub: -V: mqttv31: MQTT 3.1 is not supported; use 311 or 5' ]
	run --separate-stderr env -u MQPUB_PASSWORD mqpub -h 127.0.0.1 -t x -u meter
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = 'mqpub: -u needs a password: --password-file, MQPUB_PASSWORD, or --no-password' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x -c
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = 'mqpub: -c needs -i: the broker finds the session by the client id' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x --will-qos 1
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = 'mqpub: --will-qos needs --will-topic' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x --max-inflight 0
	[ "$status" -eq 2 ]
	[ "$stderr" = 'mqpub: --max-inflight: 0: too small (expected 1..16384)' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x -P secret
	[ "$status" -eq 2 ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x --split --raw
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = 'mqpub: --payload, --split and --raw exclude each other' ]
	[[ "$stderr" == *$'\nusage: mqpub -h host'* ]]
	run --separate-stderr mqpub -t x
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = 'mqpub: -h or -L is required' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x --password-file /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = 'mqpub: --password-file needs -u' ]
	run --separate-stderr mqpub -L 'mqtt://u:secret@127.0.0.1/x'
	[ "$status" -eq 2 ]
	[ "$stderr" = 'mqpub: -L: mqtt://u:secret@127.0.0.1/x: password in the URL refused (use --password-file or MQPUB_PASSWORD)' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x --drain-timeout -1
	[ "$status" -eq 2 ]
	[ "$stderr" = 'mqpub: --drain-timeout: -1: too small (expected 0..86400)' ]
	run --separate-stderr mqpub -h 127.0.0.1 -t x --cafile "$FK_TMP/none.pem"
	[ "$status" -eq 6 ]
	[ "$stderr" = "mqpub: $FK_TMP/none.pem: No such file or directory" ]
}

@test "-i: a long client id is used whole; one MQTT cannot carry is a usage error" {
	id=fieldkit-gateway-0042-heat-meters-site-7
	[ "${#id}" -eq 40 ]
	echo '{"serial":5}' > "$FK_TMP/in"
	run --separate-stderr pub -i "$id" -t 'heat/{serial}' < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 1
	run mq_got "$FK_TMP/sub"
	[ "$output" = 'heat/5 {"serial":5}' ]
	grep -q "New client connected from 127.0.0.1:[0-9]* as $id (" \
		"$FK_TMP/mosquitto.$FK_BROKER_PORT.log"
	run --separate-stderr pub -i "$(head -c 65536 /dev/zero | tr '\0' i)" -t x < /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = 'mqpub: -i: longer than 65535 bytes' ]
	[[ "$stderr" == *$'\nusage: mqpub -h host'* ]]
	run --separate-stderr pub -i '' -t x < /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = 'mqpub: -i: not accepted by libmosquitto (empty or not UTF-8)' ]
}

@test "mosquitto_pub's spellings: a pasted command line with long options and -V mqttv5 works" {
	echo '{"n":1}' > "$FK_TMP/in"
	run --separate-stderr mqpub --host 127.0.0.1 --port "$FK_BROKER_PORT" --topic 'paste/{n}' \
		--qos 1 --retain --id paste-1 -V mqttv5 --disable-clean-session --keepalive 30 \
		--will-topic paste/will --will-qos 1 --will-retain < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -t 'paste/{n}' -V mqttv311 -c \
		-i paste-2 -q 2 < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 2
	run mq_got "$FK_TMP/sub"
	[ "$output" = 'paste/1 {"n":1}
paste/1 {"n":1}' ]
	# --retain took effect: a later subscriber gets it.
	run timeout 10 mosquitto_sub -h 127.0.0.1 -p "$FK_BROKER_PORT" -t 'paste/#' -C 1 -v
	[ "$output" = 'paste/1 {"n":1}' ]
}

@test "templates: a NUL in a value is replaced, not an end; integers exactly as written" {
	printf '%s\n' '{"serial":"a\u0000b"}' '{"serial":"a"}' '{"serial":12345678901234567890}' \
		'{"serial":9007199254740993}' '{"serial":-0.50}' > "$FK_TMP/in"
	run --separate-stderr pub -t 'heat/{serial}' < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	fk_wait_for 10 mq_count_ge "$FK_TMP/sub" 5
	run mq_got "$FK_TMP/sub"
	[ "$output" = 'heat/a_b {"serial":"a\u0000b"}
heat/a {"serial":"a"}
heat/12345678901234567890 {"serial":12345678901234567890}
heat/9007199254740993 {"serial":9007199254740993}
heat/-0.50 {"serial":-0.50}' ]
}
