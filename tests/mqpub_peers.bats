#!/usr/bin/env bats
# mqpub against brokers as people run them: a mosquitto with its default limits (20 unfinished
# messages per client at 3.1.1, where one over the quota is answered and dropped) and aedes, a
# second, independent MQTT implementation (tests/peers, from the npm registry).  What arrived is
# counted by a real mosquitto_sub.

bats_require_minimum_version 1.5.0
load helpers
load mqpub_helpers

setup() { fk_setup; }
teardown() { fk_teardown; }

# deliver_all QOS V: 5000 lines at QOS over protocol V; all arrive once, in order; exit 0.
deliver_all() {
	rm -f "$FK_TMP/sub"
	mq_sub "$FK_TMP/sub" "d$1$2/#"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q "$1" -V "$2" \
		-t "d$1$2/{serial}" < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 60 mq_count_ge "$FK_TMP/sub" 5000
	mq_seq_check "$FK_TMP/sub" 0 4999
	kill "$FK_LAST_PID"
}

@test "default-config mosquitto: 5000 lines at QoS 1 and 2, MQTT 3.1.1 and 5, all arrive" {
	fk_start_broker
	mq_lines 5000 "$FK_TMP/in"
	deliver_all 1 311
	deliver_all 2 311
	deliver_all 1 mqttv5
	deliver_all 2 5
}

@test "aedes: 5000 lines at QoS 0, 1 and 2 all arrive" {
	mq_start_aedes
	mq_lines 5000 "$FK_TMP/in"
	MQ_SUB_V=311
	deliver_all 0 311
	deliver_all 1 311
	deliver_all 2 mqttv311
}

@test "aedes: a retained message is there for a subscriber that comes later" {
	mq_start_aedes
	mq_lines 3 "$FK_TMP/in"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 -r -t 'ret/{serial}' \
		< "$FK_TMP/in"
	[ "$status" -eq 0 ]
	run mosquitto_sub -h 127.0.0.1 -p "$FK_BROKER_PORT" -t 'ret/1001' -C 1 -W 10 -v
	[ "$status" -eq 0 ]
	[ "$(jq .seq <<< "${output#ret/1001 }")" -eq 1 ]
}

@test "aedes with a password: the right one delivers, a wrong one is final (exit 8), -u alone is a usage error" {
	mq_start_aedes --user meter --password s3cret
	mq_lines 10 "$FK_TMP/in"
	printf 's3cret\n' > "$FK_TMP/pw"
	printf 'wrong\n' > "$FK_TMP/bad"
	chmod 600 "$FK_TMP/pw" "$FK_TMP/bad"
	MQ_SUB_V=311 MQ_SUB_OPTS="-u meter -P s3cret" mq_sub "$FK_TMP/sub" 'auth/#'
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 -t 'auth/{serial}' \
		-u meter --password-file "$FK_TMP/pw" < "$FK_TMP/in"
	[ "$status" -eq 0 ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 10
	mq_seq_check "$FK_TMP/sub" 0 9
	run --separate-stderr timeout 20 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 -t 'auth/x' \
		-u meter --password-file "$FK_TMP/bad" < "$FK_TMP/in"
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"broker refused the connection"* ]]
	run --separate-stderr mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -t 'auth/x' -u meter < "$FK_TMP/in"
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = 'mqpub: -u needs a password: --password-file, MQPUB_PASSWORD, or --no-password' ]
	run --separate-stderr timeout 20 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -t 'auth/x' -u meter \
		--no-password < "$FK_TMP/in"
	[ "$status" -eq 8 ]
}

# poison_input FILE: 40 lines, line 20 with a payload far over 2000 bytes.
poison_input() {
	python3 - "$1" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(40):
        rec = {"serial": 1000 + i % 7, "seq": i}
        if i == 19:
            rec["blob"] = "x" * 5000
        f.write(json.dumps(rec) + "\n")
PY
}

# poison_run: 40 lines, the 20th over the broker's limit: 39 arrive, line 20 is named and set
# aside in the spool's rejected file, exit 1; the next run on the same spool delivers, exit 0.
poison_run() {
	poison_input "$FK_TMP/in"
	mq_sub "$FK_TMP/sub" 'poison/#'
	run --separate-stderr timeout 60 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 \
		-t 'poison/{serial}' --spool "$FK_TMP/spool" --drain-timeout 30 < "$FK_TMP/in"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"line 20: poison/1005: the broker closed the connection on it 3 times in a row; set aside in $FK_TMP/spool/rejected"* ]]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 39
	[ "$(mq_got "$FK_TMP/sub" | sort -u | wc -l)" -eq 39 ]
	run ! grep -q '"seq": 19' "$FK_TMP/sub"
	[ "$(wc -l < "$FK_TMP/spool/rejected")" -eq 1 ]
	[ "$(jq .line "$FK_TMP/spool/rejected")" -eq 20 ]
	[ "$(jq -r .topic "$FK_TMP/spool/rejected")" = poison/1005 ]
	[ "$(jq -r .payload "$FK_TMP/spool/rejected" | jq -r .blob | wc -c)" -eq 5001 ]
	mq_lines 5 "$FK_TMP/in2" 100
	run --separate-stderr timeout 60 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 1 \
		-t 'poison/{serial}' --spool "$FK_TMP/spool" --drain-timeout 30 < "$FK_TMP/in2"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 44
}

@test "mosquitto closes on a message over its max_packet_size: set aside, the rest delivered, exit 1" {
	fk_start_broker "max_packet_size 2000"
	poison_run
}

@test "aedes refuses a message by closing the connection: set aside, the rest delivered, exit 1" {
	mq_start_aedes --max-payload 2000
	MQ_SUB_V=311
	poison_run
}

@test "a broker that accepts and then drops each connection: reconnections slow down, no storm" {
	# Stand-in: aedes itself never does this; --drop-qos2 makes it close each connection just
	# after a QoS 2 PUBLISH, as RabbitMQ's MQTT plugin was seen to.
	mq_start_aedes --drop-qos2
	mq_lines 5 "$FK_TMP/in"
	run --separate-stderr timeout 60 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 2 -t 'drop/x' \
		--spool "$FK_TMP/spool" --drain-timeout 20 < "$FK_TMP/in"
	[ "$status" -eq 9 ]
	grep '^client ' "$FK_TMP/aedes.log" | awk '{ print $3 }' > "$FK_TMP/t"
	n=$(wc -l < "$FK_TMP/t")
	echo "$n connections in 20 s" >&3
	# Backoff doubling from 0.25 s allows 7 in 20 s; a reset on each CONNACK gave one
	# every 0.25 s, about 80.
	[ "$n" -ge 4 ]
	[ "$n" -le 10 ]
	# The intervals grow: the last is at least 4 times the shortest.
	awk 'NR > 1 { d[NR - 1] = $1 - p; if (NR == 2 || d[NR - 1] < min) min = d[NR - 1] }
		{ p = $1 } END {
		printf "intervals (ms):"; for (i = 1; i < NR; i++) printf " %d", d[i]; printf "\n"
		exit !(d[NR - 1] >= 4 * min) }' "$FK_TMP/t" >&3
	# Duplicates are bounded: each message is tried at most 3 times, then set aside, in order.
	r=$(wc -l < "$FK_TMP/spool/rejected")
	[ "$r" -ge 1 ]
	[ "$n" -le $((3 * (r + 1))) ]
	[ "$(head -n 1 "$FK_TMP/spool/rejected" | jq .line)" -eq 1 ]
}

@test "without --spool a message the broker closes on is named and dropped; the rest arrive, exit 1" {
	fk_start_broker "max_packet_size 2000"
	poison_input "$FK_TMP/in"
	mq_sub "$FK_TMP/sub" 'poison/#'
	run --separate-stderr timeout 60 mqpub -h 127.0.0.1 -p "$FK_BROKER_PORT" -q 2 \
		-t 'poison/{serial}' --drain-timeout 30 < "$FK_TMP/in"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"line 20: poison/1005: the broker closed the connection on it 3 times in a row; dropped (no --spool)"* ]]
	fk_wait_for 20 mq_count_ge "$FK_TMP/sub" 39
	mq_flushed "$FK_TMP/sub"
	[ "$(mq_got "$FK_TMP/sub" | sort -u | wc -l)" -eq 39 ]
}

@test "fk_start_broker: a port taken between picking and binding is given up for another" {
	busy=$(fk_free_port)
	fk_bg socat "TCP-LISTEN:$busy,bind=127.0.0.1,reuseaddr,fork" /dev/null
	fk_wait_for 5 fk_port_open "$busy"
	# The first pick is the taken port, as when another test binds it first.
	fk_free_port() {
		echo x >> "$FK_TMP/picks"
		if [ "$(wc -l < "$FK_TMP/picks")" -eq 1 ]; then
			echo "$busy"
		else
			freeport
		fi
	}
	fk_start_broker
	[ "$(wc -l < "$FK_TMP/picks")" -eq 2 ]
	[ "$FK_BROKER_PORT" != "$busy" ]
	run mosquitto_pub -h 127.0.0.1 -p "$FK_BROKER_PORT" -t x -m y
	[ "$status" -eq 0 ]
}
