#!/usr/bin/env bash
# Kill test: `evb ivo --replace` over a generated export, killed with
# SIGKILL at random moments (seeded, so reproducible). The runs alternate
# between two different complete results (A: without --csv, B: with it),
# so "old" and "new" can be told apart. After every kill the run folder is
# absent, A or B, byte for byte, nothing else is visible in --out, and
# `evb verify` passes on it. The last runs go without renameat2 (strace
# makes it fail with EINVAL, as on SMB or NFS): then a kill between the
# renames may leave the run folder absent, and the next run restores it.
#
# Usage: kill.sh BIN [PERSONS] [KILLS] [SEED]
#   PERSONS: gen_export.py --persons (default 133000: about 200 000
#   decisions), KILLS: runs killed (default 50, the last fifth without
#   renameat2 when strace can trace), SEED: default 12.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
persons=${2:-133000}
kills=${3:-50}
seed=${4:-12}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root" || exit 2

python3 tests/gen/gen_export.py --out "$work/export" --persons "$persons" >/dev/null || exit 2
decisions=$(($(wc -l <"$work/export/beslut.csv") - 1))
printf 'municipality = Testkommun\nivo_key = kill-test-key-0123456789abcdef0123456789\n' >"$work/evb.conf"
chmod 600 "$work/evb.conf"
out=$work/out
IVO=(ivo --period 2026Q3 --as-of 2026-11-22 --in "$work/export" --config "$work/evb.conf" --quiet)
sums() { [ -e "$1" ] || { echo absent; return; }
	 (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16; }

# the two complete results, and how long the longer run takes
"$bin" "${IVO[@]}" --out "$work/a" 2>/dev/null
start=$(date +%s%N)
"$bin" "${IVO[@]}" --csv --out "$work/b" 2>/dev/null
ms=$((($(date +%s%N) - start) / 1000000))
A=$(sums "$work/a/ivo-2026Q3")
B=$(sums "$work/b/ivo-2026Q3")
cp -a "$work/a" "$out"
[ "$A" != "$B" ] && [ "$(sums "$out/ivo-2026Q3")" = "$A" ] || { echo "kill: set-up failed"; exit 1; }

fallback_from=$kills
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
	fallback_from=$((kills - kills / 5))
fi
RANDOM=$seed
fail=0 old=0 new=0 absent=0 finished=0
for i in $(seq 1 "$kills"); do
	opts=()
	want=$A
	if [ $((i % 2)) = 1 ]; then opts=(--csv); want=$B; fi
	before=$(sums "$out/ivo-2026Q3")
	# a moment within 150 % of a whole run, in milliseconds (a run started
	# in the background takes longer than one measured alone)
	delay=$(( (RANDOM * 32768 + RANDOM) % (ms * 3 / 2 + 1) ))
	if [ "$i" -gt "$fallback_from" ]; then
		strace -f -qq -o /dev/null -e trace=renameat2 -e inject=renameat2:error=EINVAL \
			"$bin" "${IVO[@]}" "${opts[@]}" --out "$out" --replace 2>/dev/null &
	else
		"$bin" "${IVO[@]}" "${opts[@]}" --out "$out" --replace 2>/dev/null &
	fi
	pid=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	# under strace, evb is its child: killed first (a killed strace would
	# let it run on)
	victim=$pid
	if [ "$i" -gt "$fallback_from" ]; then
		victim=$(ps -o pid= --ppid "$pid" | tr -d ' ')
		[ -n "$victim" ] || victim=$pid
	fi
	kill -KILL "$victim" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	# 137: killed; else the run had ended, and then well
	if [ $rc != 137 ]; then
		finished=$((finished + 1))
		if [ $rc != 0 ]; then
			echo "  run $i ended with exit $rc before the kill"
			fail=$((fail + 1))
		fi
	fi
	now=$(sums "$out/ivo-2026Q3")
	visible=$(ls "$out" | tr '\n' ' ')
	case $now in
	"$before") old=$((old + 1)) ;;
	"$want") new=$((new + 1)) ;;
	absent) absent=$((absent + 1)) ;;
	*) echo "  kill $i after ${delay} ms: the run folder is neither the old nor the new run"
	   fail=$((fail + 1)) ;;
	esac
	if [ "$now" = absent ]; then
		if [ "$i" -le "$fallback_from" ]; then
			echo "  kill $i after ${delay} ms: the run folder is absent (with renameat2)"
			fail=$((fail + 1))
		fi
		# the next run (not killed) restores the earlier run first
		"$bin" "${IVO[@]}" "${opts[@]}" --out "$out" 2>/dev/null
		if [ "$(sums "$out/ivo-2026Q3")" != "$before" ]; then
			echo "  kill $i: the next run did not restore the earlier run folder"
			fail=$((fail + 1))
		fi
	elif [ "$visible" != "ivo-2026Q3 " ]; then
		echo "  kill $i after ${delay} ms: visible in --out: $visible"
		fail=$((fail + 1))
	elif ! TMPDIR=$work "$bin" verify "$out/ivo-2026Q3/manifest.json" --config "$work/evb.conf" \
		>/dev/null 2>&1; then
		echo "  kill $i after ${delay} ms: evb verify fails on the run folder"
		fail=$((fail + 1))
	fi
done
echo "kill: $kills runs over $decisions decisions (a run ${ms} ms, seed $seed," \
     "$((kills - fallback_from)) without renameat2): old $old, new $new, absent $absent" \
     "(finished before the kill: $finished), $fail failed"
[ $fail = 0 ]
