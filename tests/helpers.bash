# Shared bats helpers: temp dir, bounded waits, free ports, real broker, simulators.
# Every test file: `load helpers` and call fk_setup/fk_teardown from setup/teardown.

fk_setup() {
	FK_TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/fk.XXXXXX")
	FK_PIDS=()
	export FK_TMP
}

fk_teardown() {
	local p
	for p in "${FK_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${FK_PIDS[@]}"; do
		fk_wait_gone "$p" 5 || kill -9 "$p" 2>/dev/null
	done
	rm -rf "$FK_TMP"
}

# Run a command in the background and remember it for teardown; sets FK_LAST_PID.
fk_bg() {
	"$@" &
	FK_LAST_PID=$!
	FK_PIDS+=("$FK_LAST_PID")
}

# fk_wait_for SECONDS CMD...: poll CMD every 20 ms until it succeeds; fail after SECONDS.
fk_wait_for() {
	local limit=$1 i=0 n
	shift
	n=$(awk -v s="$limit" 'BEGIN{print int(s*50)}')
	until "$@" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -ge "$n" ]; then
			echo "timed out after ${limit}s waiting for: $*" >&2
			return 1
		fi
		sleep 0.02
	done
}

fk_wait_gone() {
	fk_wait_for "${2:-5}" sh -c "! kill -0 $1 2>/dev/null"
}

# A TCP port on 127.0.0.1 nobody listens on right now.
fk_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

fk_port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Start a private mosquitto on a free loopback port: sets FK_BROKER_PORT, FK_BROKER_PID.
# Extra config lines may be passed as arguments.
fk_start_broker() {
	FK_BROKER_PORT=${FK_BROKER_PORT_WANT:-$(fk_free_port)}
	local conf="$FK_TMP/mosquitto.$FK_BROKER_PORT.conf" l
	{
		echo "listener $FK_BROKER_PORT 127.0.0.1"
		echo "allow_anonymous true"
		echo "persistence false"
		echo "max_queued_messages 0"
		echo "max_inflight_messages 0"
		echo "log_dest file $FK_TMP/mosquitto.$FK_BROKER_PORT.log"
		[ "$(id -u)" -eq 0 ] && echo "user root"
		for l in "$@"; do echo "$l"; done
	} > "$conf"
	fk_bg mosquitto -c "$conf"
	FK_BROKER_PID=$FK_LAST_PID
	fk_wait_for 10 fk_port_open "$FK_BROKER_PORT"
}

# Start temsim with a symlink at $FK_TMP/tty (or FK_TTY): sets FK_TTY, FK_SIM_PID.
fk_start_temsim() {
	FK_TTY=${FK_TTY:-$FK_TMP/tty}
	fk_bg temsim --link "$FK_TTY" "$@"
	FK_SIM_PID=$FK_LAST_PID
	fk_wait_for 5 test -L "$FK_TTY"
}

# Start modemsim with a symlink at $FK_TMP/modem (or FK_MODEM): sets FK_MODEM, FK_MODEM_PID.
fk_start_modemsim() {
	FK_MODEM=${FK_MODEM:-$FK_TMP/modem}
	fk_bg modemsim --link "$FK_MODEM" "$@"
	FK_MODEM_PID=$FK_LAST_PID
	fk_wait_for 5 test -L "$FK_MODEM"
}
