# Shared bats helpers: temp dir, bounded waits, free ports, real broker, simulators.
# Every test file: `load helpers` and call fk_setup/fk_teardown from setup/teardown.

# FK_TMP: bats' own directory for the test, which bats removes when the file's run ends (a
# directory of our own cost a mktemp and an rm a test); one of our own outside bats.
fk_setup() {
	if [ -n "${BATS_TEST_TMPDIR:-}" ]; then
		FK_TMP=$BATS_TEST_TMPDIR
	else
		fk_tmp_own
	fi
	FK_PIDS=()
	export FK_TMP
}

# fk_tmp_own: FK_TMP becomes a directory of our own, which fk_teardown removes: for a test
# whose processes run as another user (bats' directories are private to the user running it).
fk_tmp_own() {
	FK_TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/fk.XXXXXX")
}

fk_teardown() {
	local p
	for p in "${FK_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${FK_PIDS[@]}"; do
		fk_wait_gone "$p" 5 || kill -9 "$p" 2>/dev/null
	done
	[ "$FK_TMP" = "${BATS_TEST_TMPDIR:-}" ] || rm -rf "$FK_TMP"
}

# Run a command in the background and remember it for teardown; sets FK_LAST_PID.
fk_bg() {
	"$@" &
	FK_LAST_PID=$!
	FK_PIDS+=("$FK_LAST_PID")
}

# fk_wait_for SECONDS CMD...: poll CMD until it succeeds; fail after SECONDS of sleep between
# polls (the time CMD takes is not counted, so a loaded machine gets longer). Every 20 ms for the
# first second, then every 100 ms: tests run side by side, and a long wait polling a large file
# 50 times a second takes CPU from the others.
# The naps are bash's own `read -t` on a pipe that never has data, not sleep(1): the whole suite
# is CPU-bound, and a process started per poll added up.
fk_wait_for() {
	local limit=$1 slept=0 n step nap
	shift
	case $limit in
	*.*) n=${limit#*.}000 n=$((10#${limit%%.*}0 / 10 * 1000 + 10#${n:0:3})) ;;
	*) n=$((limit * 1000)) ;;
	esac
	[ -n "${FK_NAP_FD:-}" ] || exec {FK_NAP_FD}<> <(:)
	until "$@" 2>/dev/null; do
		if [ "$slept" -ge "$n" ]; then
			echo "timed out after ${limit}s waiting for: $*" >&2
			return 1
		fi
		step=20 nap=0.02
		[ "$slept" -lt 1000 ] || step=100 nap=0.1
		read -r -t "$nap" -u "$FK_NAP_FD" || :
		slept=$((slept + step))
	done
}

# fk_wait_gone PID [SECONDS]: wait until PID has exited (5 s).
fk_wait_gone() {
	fk_wait_for "${2:-5}" _fk_gone "$1"
}
_fk_gone() { ! kill -0 "$1" 2>/dev/null; }

# A TCP port on 127.0.0.1 nobody listens on right now.
fk_free_port() {
	freeport
}

fk_port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Start a private mosquitto on a free loopback port: sets FK_BROKER_PORT, FK_BROKER_PID.
# Its limits are mosquitto's defaults (max_inflight_messages 20, max_queued_messages 1000), as
# users run it; a test about a limit passes that limit as an extra config line (arguments).
# A port picked free can be taken before mosquitto binds it: then another port is tried
# (FK_BROKER_PORT_WANT, a port the test needs, is tried again as it is).
fk_start_broker() {
	local try conf log l
	for try in 1 2 3 4 5; do
		FK_BROKER_PORT=${FK_BROKER_PORT_WANT:-$(fk_free_port)}
		conf="$FK_TMP/mosquitto.$FK_BROKER_PORT.conf"
		log="$FK_TMP/mosquitto.$FK_BROKER_PORT.log"
		{
			echo "listener $FK_BROKER_PORT 127.0.0.1"
			echo "allow_anonymous true"
			echo "persistence false"
			echo "log_dest file $log"
			echo "log_type error"
			echo "log_type warning"
			echo "log_type notice"
			echo "log_type information"
			[ "$(id -u)" -eq 0 ] && echo "user root"
			for l in "$@"; do echo "$l"; done
		} > "$conf"
		: > "$log"
		fk_bg mosquitto -c "$conf"
		FK_BROKER_PID=$FK_LAST_PID
		# mosquitto says "running" only once every listener is bound, and exits if one cannot be.
		fk_wait_for 10 _fk_broker_settled "$FK_BROKER_PID" "$log" || return 1
		if kill -0 "$FK_BROKER_PID" 2>/dev/null; then
			fk_wait_for 10 fk_port_open "$FK_BROKER_PORT"
			return
		fi
		echo "mosquitto on port $FK_BROKER_PORT exited (try $try): $(tail -n 2 "$log")" >&2
		[ -n "${FK_BROKER_PORT_WANT:-}" ] && sleep 0.2
	done
	return 1
}

_fk_broker_settled() {
	! kill -0 "$1" 2>/dev/null || grep -q ' running$' "$2"
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
