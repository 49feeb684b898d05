#!/usr/bin/env bats
# The commands against tests/data: a timer-RAM image and archive records written by
# hand from the protocol description, with the JSON worked out from its rules
# (tests/data/README).  The unit test test_refdata checks the decoders on the same files.

bats_require_minimum_version 1.5.0
load helpers

setup() { fk_setup; D=$FK_TOP/tests/data; }
teardown() { fk_teardown; }

# blob FILE SIZE: the "ADDR: BYTES # ..." lines of FILE as SIZE bytes of hex, 00 where unlisted.
blob() {
	awk -v size="$2" '
		function hex(s,  n, i) {
			for (i = 1; i <= length(s); i++)
				n = n * 16 + index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1
			return n
		}
		{ sub(/#.*/, "") }
		NF == 0 { next }
		{
			at = hex(substr($1, 1, length($1) - 1))
			for (i = 2; i <= NF; i++) b[at++] = toupper($i)
		}
		END { for (i = 0; i < size; i++) printf "%s", (i in b) ? b[i] : "00"; print "" }
	' "$1"
}

# A temsim --image whose "ram" is the whole hand-written image, in 64-byte pieces.
image_of() {
	blob "$1" 2048 | awk '{
		printf "{\"ram\":{"
		for (i = 0; i < 32; i++)
			printf "%s\"0x%04X\":\"%s\"", i ? "," : "", i * 64, substr($0, i * 128 + 1, 128)
		print "}}"
	}'
}

# dump_of METER RAMFILE [FLASHADDR RECFILE]...: a temarchive dump holding those bytes.
dump_of() {
	local meter=$1 ram i
	ram=$(blob "$2" 2048)
	shift 2
	echo "temarchive-dump 1"
	# RAM in 256-byte lines, as a dump may hold it
	for i in 0 1 2 3 4 5 6 7; do
		printf 'ram %s %04X %s\n' "$meter" $((i * 256)) "${ram:$((i * 512)):512}"
	done
	while [ $# -ge 2 ]; do
		echo "rec $meter $1 $(blob "$2" 384)"
		shift 2
	done
}

# read_image RAMFILE ADDR EXPECTED: temread over temsim holding RAMFILE must print EXPECTED.
read_image() {
	image_of "$1" > "$FK_TMP/image.json"
	fk_start_temsim -a "$2" --image "$FK_TMP/image.json"
	run --separate-stderr temread -d "$FK_TTY" -a "$2"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -cS 'del(.read_at)')" = "$(jq -cS . "$3")" ]
}

@test "temread over temsim holding a hand-written RAM image prints the hand-worked values (meter A)" {
	read_image "$D/meter-a.ram.hex" 5 "$D/meter-a.temread.json"
}

@test "temread: the same for meter B (comma 6, 4, 2; 1 MiB; a negative temperature)" {
	read_image "$D/meter-b.ram.hex" 33 "$D/meter-b.temread.json"
}

@test "temarchive --decode of hand-written records prints the hand-worked records" {
	dump_of 5 "$D/meter-a.ram.hex" 000180 "$D/meter-a.hour.rec.hex" \
	    073800 "$D/meter-a.month.rec.hex" > "$FK_TMP/dump"
	dump_of 33 "$D/meter-b.ram.hex" 0A2180 "$D/meter-b.day.rec.hex" | tail -n +2 >> "$FK_TMP/dump"
	run --separate-stderr temarchive --decode "$FK_TMP/dump" --strict
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -cS .)" = "$(cat "$D/meter-a.temarchive.json" "$D/meter-b.temarchive.json" | jq -cS .)" ]
}

@test "the hand-written frames are what temread sends and accepts (trace against temsim)" {
	image_of "$D/meter-a.ram.hex" > "$FK_TMP/image.json"
	fk_start_temsim -a 5 --image "$FK_TMP/image.json"
	run --separate-stderr temread -d "$FK_TTY" -a 5 --trace
	[ "$status" -eq 0 ]
	# identify of meter 5, and the answer "ТЕМС106", as worked out in frames.txt
	[[ "$stderr" == *" tx 55 05 FA 00 00 00 AB"* ]]
	ans=$(awk '/^ans AA 01 FE 00 00 07/ { $1 = ""; sub(/^ /, ""); sub(/ *#.*/, ""); print }' "$D/frames.txt")
	# from meter 5: ADDR + !ADDR is FF for every address, so only those two bytes differ
	[ -n "$ans" ]
	[[ "$stderr" == *" rx ${ans/AA 01 FE/AA 05 FA}"* ]]
}
