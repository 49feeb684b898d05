#!/usr/bin/env bats
# The real-UART way through ser_open(): libserialport on a pty dressed as a UART, its
# termios fixed up and read back, DTR/RTS, RS-485 mode.  The pty is real; what a pty
# lacks (a /sys/class/tty entry, modem-control ioctls) comes from a private mount
# namespace and the LD_PRELOAD shim tests/tools/shim/fk_uartshim.c, which also logs
# the termios in force at every read().

bats_require_minimum_version 1.5.0
load helpers

setup() {
	fk_setup
	SHIM=$FK_BUILD/tools/fk_uartshim.so
	LOG=$FK_TMP/shim.log
	# An ASan build must let the shim come first in the library list.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
}
teardown() { fk_teardown; }

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: a private mount namespace over /sys/class/tty"
	unshare -m sh -c 'mount -t tmpfs fk /sys/class/tty' 2>/dev/null ||
		skip "needs a private mount namespace (unshare -m) that may mount over /sys/class/tty"
}

# as_uart CMD...: run CMD where /sys/class/tty lists the pty behind $FK_TTY as a
# platform UART (what libserialport looks up) and the shim gives it modem lines.
as_uart() {
	local pts n
	pts=$(readlink -f "$FK_TTY")
	n=${pts#/dev/pts/}
	unshare -m sh -c 'mount -t tmpfs fk /sys/class/tty &&
		mkdir /sys/class/tty/pts &&
		ln -s "../../../devices/platform/fk-uart.0/tty/pts$1" "/sys/class/tty/pts/$1" &&
		log=$2 shim=$3 && shift 3 && exec env FK_SHIM_LOG="$log" LD_PRELOAD="$shim" "$@"' \
		sh "$n" "$LOG" "$SHIM" "$@"
}

# The lines of the last run's stdout with read_at dropped.
values() {
	printf '%s\n' "$output" | jq -c 'del(.read_at)'
}

@test "libserialport opens the pty as a UART; CRTSCTS set before is off at every read, restored after" {
	need_root
	fk_start_temsim
	run --separate-stderr temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	plain=$(values)
	pts=$(readlink -f "$FK_TTY")
	stty -F "$pts" crtscts ixon ixoff
	run --separate-stderr as_uart temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(values)" = "$plain" ]
	# libserialport took the port: it asked for the modem lines and set termios itself.
	grep -q '^ioctl TIOCMGET lsp$' "$LOG"
	grep -q '^tcsetattr .* lsp$' "$LOG"
	# every read ran with raw 8N1, CLOCAL and no flow control at 9600 (B9600 = 13)
	run grep -c '^read ' "$LOG"
	[ "$output" -gt 5 ]
	run grep -c '^read crtscts=0 clocal=1 cs8=1 parenb=0 cstopb=0 ixon=0 ixoff=0 icanon=0 ospeed=13 app$' "$LOG"
	[ "$output" -eq "$(grep -c '^read ' "$LOG")" ]
	# the port's own settings are back once temread is gone
	run stty -F "$pts" -a
	[[ "$output" == *" crtscts"* ]]
	[[ "$output" == *" ixon"* ]]
}

@test "the device's symlink and its /dev/pts name both take the libserialport way" {
	need_root
	fk_start_temsim
	pts=$(readlink -f "$FK_TTY")
	run --separate-stderr as_uart temread -d "$pts"
	[ "$status" -eq 0 ]
	grep -q '^ioctl TIOCMGET lsp$' "$LOG"
	direct=$(values)
	: > "$LOG"
	run --separate-stderr as_uart temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	grep -q '^ioctl TIOCMGET lsp$' "$LOG"
	[ "$(values)" = "$direct" ]
}

@test "a port libserialport lists but cannot open (no TIOCMGET) is set up by termios and read" {
	need_root
	fk_start_temsim
	stty -F "$(readlink -f "$FK_TTY")" crtscts
	export FK_SHIM_NOMODEM=1
	run --separate-stderr as_uart temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq .serial)" -eq 1000001 ]
	grep -q '^ioctl TIOCMGET refused lsp$' "$LOG"
	run grep -c '^read crtscts=1' "$LOG"
	[ "$output" -eq 0 ]
	run grep -c '^read crtscts=0 clocal=1' "$LOG"
	[ "$output" -gt 5 ]
}

@test "DTR and RTS are raised by default; --rts off and --dtr off lower them (temread, temarchive)" {
	fk_start_temsim
	export FK_SHIM_LOG=$LOG
	LD_PRELOAD=$SHIM run --separate-stderr temread -d "$FK_TTY"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 "$LOG")" = "lines dtr=1 rts=1" ]
	: > "$LOG"
	LD_PRELOAD=$SHIM run --separate-stderr temread -d "$FK_TTY" --rts off
	[ "$status" -eq 0 ]
	grep -q '^ioctl TIOCMBIC RTS app$' "$LOG"
	[ "$(tail -n 1 "$LOG")" = "lines dtr=1 rts=0" ]
	: > "$LOG"
	LD_PRELOAD=$SHIM run --separate-stderr temarchive -d "$FK_TTY" -k month --dtr off
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]
	grep -q '^ioctl TIOCMBIC DTR app$' "$LOG"
	[ "$(tail -n 1 "$LOG")" = "lines dtr=0 rts=1" ]
}

@test "--rts on a line without modem control (a bare pty) is an error, exit 6" {
	fk_start_temsim
	run --separate-stderr temread -d "$FK_TTY" --rts on
	[ "$status" -eq 6 ]
	[[ "$stderr" == "temread: $FK_TTY: cannot set RTS on: "* ]]
	[ -z "$output" ]
}

@test "--rs485 on a UART driver without RS-485 mode: clear error, exit 6 (temread, temarchive)" {
	fk_start_temsim
	run --separate-stderr temread -d "$FK_TTY" --rs485
	[ "$status" -eq 6 ]
	[[ "$stderr" == "temread: $FK_TTY: RS-485 mode: not supported by this UART's driver "* ]]
	run --separate-stderr temarchive -d "$FK_TTY" --rs485
	[ "$status" -eq 6 ]
	[[ "$stderr" == *"temarchive: $FK_TTY: RS-485 mode: not supported by this UART's driver "* ]]
}

@test "--rs485 where the driver has it: RTS on send, the delays given, restored at exit" {
	fk_start_temsim
	export FK_SHIM_LOG=$LOG FK_SHIM_RS485=1
	LD_PRELOAD=$SHIM run --separate-stderr temread -d "$FK_TTY" --rs485-delay 2,3
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq .serial)" -eq 1000001 ]
	run grep '^ioctl TIOCSRS485' "$LOG"
	[ "${lines[0]}" = "ioctl TIOCSRS485 enabled=1 rts_on_send=1 rts_after_send=0 before=2 after=3 app" ]
	[ "${lines[1]}" = "ioctl TIOCSRS485 enabled=0 rts_on_send=0 rts_after_send=0 before=0 after=0 app" ]
	[ "${#lines[@]}" -eq 2 ]
	# RTS is the UART's then: fieldkit leaves it alone
	run grep -c 'RTS app$' "$LOG"
	[ "$output" -eq 0 ]
}

@test "line options: bad values and conflicts are usage errors" {
	run --separate-stderr temread -d /dev/null --rts maybe
	[ "$status" -eq 2 ]
	[ "$stderr" = "temread: --rts: maybe: expected on or off" ]
	run --separate-stderr temread -d /dev/null --rs485 --rts on
	[ "$status" -eq 2 ]
	[ "$stderr" = "temread: --rts: not with --rs485 (the UART drives RTS then)" ]
	run --separate-stderr temread -d /dev/null --rs485-delay 5,x
	[ "$status" -eq 2 ]
	run --separate-stderr temarchive --decode /dev/null --dtr off
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--decode reads a dump"* ]]
}
