#!/bin/bash
# One temread of one meter from temsim pacing its bytes at 9600 baud (10 bits a byte, as a UART):
# bytes exchanged, wall time, and the wire-time lower bound for those bytes; ratio wall / bound.
# The bound counts only bytes on the line; the rest is turnaround and our own overhead.
# BENCH_RUNS=n repeats the read n times (default 3) and reports the best and the median.
set -eu
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-temread.XXXXXX")
sim_pid=
cleanup() {
	if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

baud=9600
runs=${BENCH_RUNS:-3}

temsim --pace -b "$baud" --link "$tmp/tty" --stats "$tmp/stats" > /dev/null &
sim_pid=$!
for _ in $(seq 250); do [ -L "$tmp/tty" ] && break; sleep 0.02; done
[ -L "$tmp/tty" ] || { echo "temsim did not start" >&2; exit 1; }

times=()
for _ in $(seq "$runs"); do
	t0=$(date +%s%N)
	temread -d "$tmp/tty" -b "$baud" > "$tmp/out"
	times+=($(( ($(date +%s%N) - t0) / 1000000 )))
done
jq -e '.serial == 1000001' "$tmp/out" > /dev/null || { echo "temread gave a wrong reading" >&2; exit 1; }

kill "$sim_pid"
wait "$sim_pid" || true
sim_pid=
read -r _ requests _ rx _ tx < "$tmp/stats"
bytes=$(( (rx + tx) / runs ))
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best=$(head -n 1 <<<"$sorted")
median=$(sed -n "$(( (runs + 1) / 2 ))p" <<<"$sorted")
awk -v req="$((requests / runs))" -v b="$bytes" -v baud="$baud" -v best="$best" -v med="$median" -v n="$runs" 'BEGIN {
	bound = b * 10 / baud * 1000
	printf "temread, 1 meter at %d baud (paced): %d requests, %d bytes exchanged a read\n", baud, req, b
	printf "  wire-time lower bound %.0f ms; wall time best %d ms, median %d ms of %d\n", bound, best, med, n
	printf "  ratio wall/bound: best %.2f, median %.2f (1.00 = the line never idle)\n", best / bound, med / bound
}'
