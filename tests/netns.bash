# Two hosts for UDP tests: network namespaces joined by a veth pair with the ESP report's
# addresses, the board side 11.11.11.111 and the PC (the access point) 11.11.11.11/24.
# `load netns` after `load helpers`; call fk_netns_up in setup, fk_netns_down in teardown.

fk_netns_up() {
	NS_PC=fkudp-pc-$$-$RANDOM
	NS_BOARD=fkudp-board-$$-$RANDOM
	ip netns add "$NS_PC"
	ip netns add "$NS_BOARD"
	ip link add veth0 netns "$NS_PC" type veth peer name veth0 netns "$NS_BOARD"
	ip -n "$NS_PC" addr add 11.11.11.11/24 dev veth0
	ip -n "$NS_BOARD" addr add 11.11.11.111/24 dev veth0
	for ns in "$NS_PC" "$NS_BOARD"; do
		ip -n "$ns" link set lo up
		ip -n "$ns" link set veth0 up
	done
}

fk_netns_down() {
	local ns
	# Pipelines started through sh leave children the pid list does not know.
	for ns in ${NS_PC:-} ${NS_BOARD:-}; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	true
}

on_pc() { ip netns exec "$NS_PC" "$@"; }
on_board() { ip netns exec "$NS_BOARD" "$@"; }

# udp_bound NS PORT: a socket in NS is bound to UDP PORT.
udp_bound() { [ -n "$(ss -N "$1" -Hunl "sport = :$2")" ]; }
has_lines() { [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]; }

# bg_from FILE CMD...: fk_bg CMD reading FILE (bash gives a background job /dev/null for stdin
# unless the redirection is on the job itself).
bg_from() {
	local f=$1
	shift
	fk_bg sh -c 'f=$1; shift; exec "$@" < "$f"' _ "$f" "$@"
}

# The board on 11.11.11.111:2380; lines written to BOARD_FD go out as its messages.
start_board() {
	mkfifo "$FK_TMP/board.in"
	exec {BOARD_FD}<>"$FK_TMP/board.in"
	bg_from "$FK_TMP/board.in" ip netns exec "$NS_BOARD" espboard > "$FK_TMP/board.out"
	fk_wait_for 5 udp_bound "$NS_BOARD" 2380
}
