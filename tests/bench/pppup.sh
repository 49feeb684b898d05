#!/bin/bash
# pppup against a bare pppd + chat(8) (Debian's ppp) with the same option profile, both
# dialling modemsim whose calls a network-side pppd answers, over real PPP in a User-mode
# Linux guest (tests/vm): milliseconds from start to link up, median of BENCH_RUNS (default 5),
# and the ratio pppup/pppd (the cost of the AT steps, the transcript and the supervision).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(dirname "$(command -v pppup)") || { echo "pppup bench: pppup not on PATH"; exit 1; }
build=$(dirname "$bin")
if ! command -v linux.uml >/dev/null && ! command -v linux >/dev/null; then
	echo "pppup bench: no UML kernel (user-mode-linux), skipped"
	exit 0
fi
if ldd "$bin/pppup" | grep -q libasan; then
	echo "pppup bench: sanitizer build, skipped (ASan does not run inside UML)"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-pppup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$top/tests/vm/uml-run" "$tmp" "$top/tests/vm/pppup-bench-guest" 300 FK_BUILD="$build" \
	BENCH_RUNS="${BENCH_RUNS:-5}" || { echo "pppup bench: guest failed"; cat "$tmp/guest.log"; exit 1; }
median() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/times" | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "nan" }'; }
a=$(median pppup)
b=$(median pppd)
echo "dial to link up over real PPP, median of ${BENCH_RUNS:-5}:"
echo "  pppup (AT steps + atchat + pppd, reported) $a ms"
echo "  pppd + chat, same profile                 $b ms"
awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "  ratio pppup/pppd: %.2f (%+d ms)\n", a / b, a - b }'
