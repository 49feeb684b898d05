#!/bin/bash
# temread over TCP with a converter's delay: temsim's pty behind socat (the converter) and
# tcpdelay adding 200 ms each way.  Reports requests, wall time, and the bound of
# requests x round trip (400 ms); ratio wall / bound (1.00 = nothing but the link's delay).
# BENCH_RUNS=n repeats the read n times (default 3) and reports the best and the median.
set -eu
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-tcp.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

delay=200
runs=${BENCH_RUNS:-3}
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_listen() {
	for _ in $(seq 250); do ss -Hltn "sport = :$1" | grep -q . && return 0; sleep 0.02; done
	echo "nothing listens on port $1" >&2
	exit 1
}

temsim --link "$tmp/tty" --stats "$tmp/stats" > /dev/null &
pids+=($!)
for _ in $(seq 250); do [ -L "$tmp/tty" ] && break; sleep 0.02; done
[ -L "$tmp/tty" ] || { echo "temsim did not start" >&2; exit 1; }
bridge=$(free_port)
socat "TCP-LISTEN:$bridge,bind=127.0.0.1,reuseaddr,fork" "FILE:$tmp/tty,raw,echo=0" 2>/dev/null &
socat_pid=$!
pids+=("$socat_pid")
wait_listen "$bridge"
port=$(free_port)
tcpdelay -l "$port" -t "127.0.0.1:$bridge" --delay "$delay" &
pids+=($!)
wait_listen "$port"

# The last connection's socat child gone: two on the line would share the meter's answers.
bridge_idle() {
	for _ in $(seq 500); do pgrep -P "$socat_pid" > /dev/null || return 0; sleep 0.02; done
	echo "socat's last connection did not end" >&2
	exit 1
}

times=()
for _ in $(seq "$runs"); do
	bridge_idle
	t0=$(date +%s%N)
	temread -d "tcp:127.0.0.1:$port" --timeout $((4 * delay + 1000)) > "$tmp/out"
	times+=($(( ($(date +%s%N) - t0) / 1000000 )))
	jq -e '.serial == 1000001 and .energy_total_mwh == 8151.3375' "$tmp/out" > /dev/null ||
		{ echo "temread gave a wrong reading" >&2; exit 1; }
done

kill "${pids[0]}"
wait "${pids[0]}" || true
read -r _ requests _ < "$tmp/stats"
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best=$(head -n 1 <<<"$sorted")
median=$(sed -n "$(( (runs + 1) / 2 ))p" <<<"$sorted")
awk -v req="$((requests / runs))" -v d="$delay" -v best="$best" -v med="$median" -v n="$runs" 'BEGIN {
	bound = req * 2 * d
	printf "temread over TCP, %d ms added each way: %d requests a read\n", d, req
	printf "  requests x round trip %.0f ms; wall time best %d ms, median %d ms of %d\n", bound, best, med, n
	printf "  ratio wall/bound: best %.2f, median %.2f (1.00 = only the link delay)\n", best / bound, med / bound
}'
