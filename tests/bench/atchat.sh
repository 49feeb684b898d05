#!/bin/bash
# atchat against the reference chat(8) (Debian's ppp), both against modemsim on a pseudo-terminal:
#  1. a dial script, N runs: wall time, ratio chat/atchat (>1: atchat is faster)
#  2. six AT queries, N runs: chat script vs atchat -c, ratio
#  3. a 1 s timeout under a 1 ms ^RSSI flood: how late each tool gives up (the limit is 0 ms)
#  4. CPU spent waiting through that flood: ratio atchat/chat (<1: atchat is cheaper)
# BENCH_RUNS=n sets N (default 20).
set -eu
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-atchat.XXXXXX")
sim_pid=
cleanup() {
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
command -v chat >/dev/null || { echo "atchat bench: chat(8) not installed, skipped"; exit 0; }

start_sim() {
	rm -f "$tmp/modem"
	modemsim --link "$tmp/modem" "$@" &
	sim_pid=$!
	for _ in $(seq 250); do [ -L "$tmp/modem" ] && return 0; sleep 0.02; done
	echo "modemsim did not start" >&2
	exit 1
}

stop_sim() {
	kill "$sim_pid"
	wait "$sim_pid" || true
	sim_pid=
}

now() { date +%s%N; }
ms_since() { echo $((($(now) - $1) / 1000000)); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }

# runs N CMD...: run CMD N times on the modem's stdin/stdout (or as is with -d); total ms.
runs() {
	local n=$1 t0
	shift
	t0=$(now)
	for _ in $(seq "$n"); do
		"$@" <"$tmp/modem" >"$tmp/out" 2>/dev/null || { echo "failed: $*" >&2; exit 1; }
	done
	ms_since "$t0"
}

n=${BENCH_RUNS:-20}
dial=(-S -t 5 ABORT BUSY ABORT 'NO CARRIER' '' AT OK 'AT+CGDCONT=1,"IP","internet"' OK 'ATD*99#' CONNECT '')
start_sim
# The sh -c wrappers put the modem on stdout too; $0 and $@ are theirs to expand.
# shellcheck disable=SC2016
c=$(runs "$n" sh -c 'exec chat "$@" >"$0"' "$tmp/modem" "${dial[@]}")
# shellcheck disable=SC2016
a=$(runs "$n" sh -c 'exec atchat "$@" >"$0"' "$tmp/modem" "${dial[@]}")
d=$(runs "$n" atchat -d "$tmp/modem" "${dial[@]}")
echo "dial script x$n: chat $c ms, atchat $a ms, atchat -d $d ms; chat/atchat $(ratio "$c" "$a")x"

queries=(-S -t 5 '' AT+CSQ OK 'AT+CREG?' OK 'AT+CGREG?' OK 'AT+CPIN?' OK 'AT+COPS?' OK ATI OK)
# shellcheck disable=SC2016
c=$(runs "$n" sh -c 'exec chat "$@" >"$0"' "$tmp/modem" "${queries[@]}")
q=$(runs "$n" atchat -d "$tmp/modem" -c AT+CSQ -c 'AT+CREG?' -c 'AT+CGREG?' -c 'AT+CPIN?' -c 'AT+COPS?' -c ATI)
echo "6 AT queries x$n: chat script $c ms, atchat -c $q ms (parsed JSON); chat/atchat $(ratio "$c" "$q")x"
stop_sim

# cpu_of NAME CMD...: CPU seconds (user+sys, bash's time) of one 1 s timeout run in $tmp/NAME.cpu,
# and how many ms past the second it ended in $tmp/NAME.late.
cpu_of() {
	local name=$1 t0
	shift
	TIMEFORMAT=%U+%S
	t0=$(now)
	{ time "$@" <"$tmp/modem" >/dev/null 2>/dev/null; } 2>"$tmp/$name.time" || true
	echo $(($(ms_since "$t0") - 1000)) >"$tmp/$name.late"
	awk "BEGIN { print $(cat "$tmp/$name.time") }" >"$tmp/$name.cpu"
}
start_sim --silent --urc '^RSSI:14' --urc-interval 1
# shellcheck disable=SC2016
cpu_of chat sh -c 'exec chat -S -t 1 OK >"$0"' "$tmp/modem"
# shellcheck disable=SC2016
cpu_of atchat sh -c 'exec atchat -S -t 1 OK >"$0"' "$tmp/modem"
cc=$(cat "$tmp/chat.cpu") cl=$(cat "$tmp/chat.late")
ac=$(cat "$tmp/atchat.cpu") al=$(cat "$tmp/atchat.late")
echo "1 s timeout under a 1 ms ^RSSI flood: chat gave up ${cl} ms late, atchat ${al} ms late (limit 0 ms)"
echo "CPU while waiting through it: chat ${cc} s, atchat ${ac} s; atchat/chat $(ratio "$ac" "$cc")"
stop_sim
