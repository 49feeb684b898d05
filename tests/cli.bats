#!/usr/bin/env bats
# Conventions every command keeps: --help, --version, bad options, man page in step with usage().

bats_require_minimum_version 1.5.0
load helpers

setup() { fk_setup; }
teardown() { fk_teardown; }

# The programs in cmd/ and the installed scripts (those with a man page).
commands() {
	local c
	for c in "$FK_TOP"/cmd/*.c; do basename "$c" .c; done
	for c in "$FK_TOP"/scripts/*; do
		[ -f "$FK_TOP/man/${c##*/}.1" ] && echo "${c##*/}"
	done
}

# usage() text with "usage:" and the continuation indent dropped, whitespace folded.
usage_words() {
	"$1" --help | sed 's/^usage://' | tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//'
}

synopsis_words() {
	MANWIDTH=200 mandoc -Tascii "$FK_TOP/man/$1.1" | col -bx |
		awk '/^SYNOPSIS/{s=1; next} /^[A-Z]/{s=0} s' | tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//'
}

@test "every command answers --help on stdout with exit 0" {
	for c in $(commands); do
		run "$c" --help
		[ "$status" -eq 0 ] || { echo "$c: status $status"; false; }
		[[ "$output" == "usage: $c "* ]] || { echo "$c: $output"; false; }
	done
}

@test "every command answers --version" {
	for c in $(commands); do
		run "$c" --version
		[ "$status" -eq 0 ]
		[ "$output" = "$c (fieldkit) 0.1.0" ] || { echo "$c: $output"; false; }
	done
}

@test "an unknown option is a usage error with status 2 and usage on stderr" {
	for c in $(commands); do
		run --separate-stderr "$c" --no-such-option
		[ "$status" -eq 2 ] || { echo "$c: status $status"; false; }
		[ -z "$output" ] || { echo "$c: stdout: $output"; false; }
		[[ "$stderr" == *"usage: $c "* ]] || { echo "$c: stderr: $stderr"; false; }
	done
}

@test "every command has a man page whose SYNOPSIS is its usage()" {
	for c in $(commands); do
		[ -f "$FK_TOP/man/$c.1" ] || { echo "no man/$c.1"; false; }
		u=$(usage_words "$c")
		s=$(synopsis_words "$c")
		[ "$u" = "$s" ] || { printf '%s\nusage:    %s\nsynopsis: %s\n' "$c" "$u" "$s"; false; }
	done
}

@test "every man page lists the suite's exit codes" {
	for c in $(commands); do
		grep -q '^\.Sh EXIT STATUS' "$FK_TOP/man/$c.1" || { echo "$c: no EXIT STATUS"; false; }
	done
}

@test "every man page carries the exit table of common/fk/fk_exit.h verbatim" {
	want=$("$FK_TOP/tests/exit-table")
	for c in $(commands); do
		got=$(sed -n '/exit-table: begin/,/exit-table: end/p' "$FK_TOP/man/$c.1")
		[ "$got" = "$want" ] || { echo "$c.1: exit table differs; run tests/exit-table --update man/$c.1"; false; }
	done
}
