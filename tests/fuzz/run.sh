#!/usr/bin/env bash
# make fuzz: runs each harness for SECONDS with libFuzzer, on a corpus
# gathered from the repository's test inputs (build/fuzz/corpus/<harness>/,
# kept between runs) and the saved inputs of tests/fuzz/. Fails when a
# harness finds a crash; the input is saved as build/fuzz/artifacts/...
# (copy it to tests/fuzz/regress/<harness>/ once fixed).
#
#   tests/fuzz/run.sh SECONDS HARNESS...
set -u
seconds=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mkdir -p build/fuzz/artifacts
failed=0

seed() {       # seed HARNESS: fills build/fuzz/corpus/HARNESS once
	local h=$1 c=build/fuzz/corpus/$1 i=0 f
	[ -d "$c" ] && return
	mkdir -p "$c"
	case $h in
	csv)    # the first byte chooses UTF-8 (even) or Windows-1252 (odd)
		for f in tests/cases/*/input/*.csv samples/export/beslut.csv; do
			[ -f "$f" ] || continue
			{ printf '\0'; head -c 65536 "$f"; } >"$c/seed$((i++))"
		done ;;
	xml)
		for f in tests/cases/*/input/*.xml samples/export/*.xml; do
			[ -f "$f" ] && head -c 65536 "$f" >"$c/seed$((i++))"
		done ;;
	field)
		for v in 2026-02-28 20260228 "2026-02-28 12:30" 2026-02-28T12:30:00 ja nej 1 0 \
			12,5 -0.25 99999999999999 2026-10 19121212-1212 121212+1212 191212721212; do
			printf '%s' "$v" >"$c/seed$((i++))"
		done ;;
	config)
		cp samples/evb.conf "$c/seed0" ;;
	templates)   # the first byte chooses the file the rest replaces
		local k=0
		for f in insatser skal texts layouts taxor maxtaxa; do
			{ printf "\\x$(printf %02x $k)"; cat "templates/$f.csv"; } >"$c/seed$k"
			k=$((k + 1))
		done ;;
	esac
}

for h in "$@"; do
	seed "$h"
	extra=()
	for d in tests/fuzz/regress/$h tests/fuzz/seeds/$h; do
		[ -d "$d" ] && extra+=("$d")
	done
	log=build/fuzz/$h.log
	echo "fuzz $h: ${seconds}s"
	if ! build/fuzz/fuzz_$h -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
		-artifact_prefix="build/fuzz/artifacts/$h-" "build/fuzz/corpus/$h" "${extra[@]}" \
		>"$log" 2>&1; then
		failed=1
		echo "fuzz $h: FAILED (see $log)"
		grep -E "^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" "$log" | head -5
	else
		grep -E "^#[0-9]+.*DONE" "$log" | tail -1 | sed "s/^/fuzz $h: /"
	fi
done
exit $failed
