# Helpers for the mqpub tests: a subscriber known to be listening, input files, TLS material,
# a TCP proxy that can be killed and restarted.  Load after helpers.

# mq_lines N FILE [FIRST]: N JSON lines, "seq" counting from FIRST (0), serials 1000..1006.
mq_lines() {
	python3 - "$1" "$2" "${3:-0}" <<'PY'
import json, sys
n, path, first = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with open(path, "w") as f:
    for i in range(first, first + n):
        f.write(json.dumps({"serial": 1000 + i % 7, "seq": i, "energy_kwh": 12345.6 + i,
                            "t_c": 23.5, "time": "2026-11-21T10:59:55Z"}) + "\n")
PY
}

# mq_bg IN ERR CMD...: CMD in the background reading IN, stderr to ERR (pid in FK_LAST_PID).
# shellcheck disable=SC2016
mq_bg() {
	local in=$1 err=$2
	shift 2
	fk_bg sh -c 'i=$1 e=$2; shift 2; exec "$@" < "$i" 2> "$e"' _ "$in" "$err" "$@"
}

mq_synced() {
	# shellcheck disable=SC2086
	mosquitto_pub -h 127.0.0.1 -p "${MQ_SUB_PORT:-$FK_BROKER_PORT}" ${MQ_SUB_OPTS:-} \
		-t fk-sync -m x 2>/dev/null
	grep -q '^fk-sync ' "$1"
}

# mq_sub OUT FILTER...: mosquitto_sub -v at QoS 1 into OUT; returns once it demonstrably receives.
# MQ_SUB_PORT and MQ_SUB_OPTS (TLS, credentials) change where and how it connects.
# A default-config mosquitto drops what a QoS 1 subscriber has not taken beyond 20 in flight and
# 1000 queued: the counting subscriber speaks MQTT 5 and takes up to 65535 unacknowledged, so
# what it misses is what never reached the broker.  MQ_SUB_V=311 for brokers without MQTT 5.
mq_sub() {
	local out=$1 args=() t
	shift
	for t in "$@" fk-sync; do args+=(-t "$t"); done
	if [ "${MQ_SUB_V:-5}" = 5 ]; then
		args+=(-V mqttv5 -D connect receive-maximum 65535)
	fi
	# shellcheck disable=SC2086
	fk_bg mosquitto_sub -h 127.0.0.1 -p "${MQ_SUB_PORT:-$FK_BROKER_PORT}" ${MQ_SUB_OPTS:-} \
		-q 1 -v "${args[@]}" > "$out"
	fk_wait_for 10 mq_synced "$out"
}

# mq_flushed OUT: everything the broker took before now has reached the subscriber writing OUT
# (a marker published now arrives after it: one broker, one subscription queue, in order).
mq_flushed() {
	local token="flush-$$-$RANDOM"
	# shellcheck disable=SC2086
	mosquitto_pub -h 127.0.0.1 -p "${MQ_SUB_PORT:-$FK_BROKER_PORT}" ${MQ_SUB_OPTS:-} \
		-q 1 -t fk-sync -m "$token"
	fk_wait_for 60 grep -q "^fk-sync $token\$" "$1"
}

# Messages the subscriber got, without the sync ones.
mq_got() { grep -v '^fk-sync ' "$1"; }
mq_count_ge() { [ "$(grep -vc '^fk-sync ' "$1")" -ge "$2" ]; }

# mq_seq_check OUT FIRST LAST [dups]: every seq FIRST..LAST arrived, nothing else; with "dups"
# duplicates are allowed, else each exactly once and in order.
mq_seq_check() {
	mq_got "$1" | python3 -c '
import json, sys
first, last, dups = int(sys.argv[1]), int(sys.argv[2]), len(sys.argv) > 3
seqs = [json.loads(l.split(" ", 1)[1])["seq"] for l in sys.stdin]
want = list(range(first, last + 1))
if dups:
    ok = set(seqs) == set(want)
else:
    ok = seqs == want
if not ok:
    missing = sorted(set(want) - set(seqs))
    extra = sorted(set(seqs) - set(want))
    print("got %d messages (%d distinct); missing %d %s; unexpected %s; in order: %s" % (
        len(seqs), len(set(seqs)), len(missing), missing[:5], extra[:5], seqs == sorted(seqs)))
    sys.exit(1)
' "$2" "$3" ${4:+"$4"}
}

# mq_tls_material DIR: a test CA, a server certificate for 127.0.0.1 signed by it, and a
# second CA that signed nothing here.
mq_tls_material() {
	local d=$1
	mkdir -p "$d"
	(
		cd "$d" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout ca.key -out ca.pem -days 2 -subj /CN=fieldkit-test-ca
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout other.key -out other-ca.pem -days 2 -subj /CN=fieldkit-other-ca
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout server.key -out server.csr -subj /CN=localhost
		printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-out server.pem -days 2 -extfile ext
	) > "$d/openssl.log" 2>&1
}

mq_listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }

# mq_proxy PORT: a TCP proxy on PORT to the broker, in its own process group (MQ_PROXY_PID).
mq_proxy() {
	fk_bg setsid socat "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr,fork" \
		"TCP:127.0.0.1:$FK_BROKER_PORT"
	MQ_PROXY_PID=$FK_LAST_PID
	fk_wait_for 5 mq_listening "$1"
}

# Kill the proxy and every connection it carries.
mq_proxy_kill() {
	kill -- -"$MQ_PROXY_PID" 2>/dev/null
	fk_wait_gone "$MQ_PROXY_PID" 5
}

# mq_cpu_ticks PID: the CPU time PID has used so far, user + system, in clock ticks.
mq_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# mq_read_whole PID FILE: PID has read FILE, its standard input, to the end.
mq_read_whole() {
	[ "$(awk '$1 == "pos:" { print $2 }' "/proc/$1/fdinfo/0")" -eq "$(stat -c %s "$2")" ]
}

# mq_start_aedes [ARGS...]: the aedes broker of tests/peers (a second, independent MQTT 3.1.1
# implementation, installed by `make deps`) on a free loopback port the kernel picks: sets
# FK_BROKER_PORT (the peer is stopped by fk_teardown); connections are logged to
# $FK_TMP/aedes.log.
mq_start_aedes() {
	local pf="$FK_TMP/aedes.port"
	if [ ! -d "$FK_TOP/tests/peers/node_modules/aedes" ]; then
		echo "aedes is not installed in tests/peers: run make deps" >&2
		return 1
	fi
	rm -f "$pf"
	fk_bg node "$FK_TOP/tests/peers/aedes-broker.js" "$pf" "$@" > "$FK_TMP/aedes.log"
	fk_wait_for 20 test -s "$pf"
	FK_BROKER_PORT=$(cat "$pf")
	fk_wait_for 10 fk_port_open "$FK_BROKER_PORT"
}

# mq_drain_spool PORT SPOOL PREFIX: the broker back on PORT, a subscriber on PREFIX/#, and a run
# with no new input that must deliver the whole spool (exit 0, silent); returns once all of it
# reached the subscriber ($FK_TMP/sub).
mq_drain_spool() {
	FK_BROKER_PORT_WANT=$1 fk_start_broker
	mq_sub "$FK_TMP/sub" "$3/#"
	run --separate-stderr mqpub -h 127.0.0.1 -p "$1" -q 1 -t "$3/{serial}" --spool "$2" < /dev/null
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	mq_flushed "$FK_TMP/sub"
}
