#!/usr/bin/env bash
# Allocation failures, the way SQLite's malloc tests make them: evb built
# with tests/robust/allocfail.c (BIN, build/asan/evb-allocfail) counts the
# allocations its own code asks for, and a run with EVB_ALLOC_FAIL=N has
# the Nth and every later one fail (memory has run out), or, in a second
# sweep with EVB_ALLOC_FAIL_ONCE set, the Nth alone (memory was short for
# a moment: code that missed the failure goes on, and what it then does
# with what it did not get shows). For every command on the samples, a
# reference run counts them; then for every N up to that count:
#   - the run finishes as the reference did, with the same exit status,
#     the same run folder byte for byte and the same messages (a
#     failure evb works around: a thread it could not start), or
#   - it exits 2, says "out of memory" on stderr and what to do ("close
#     other programs"), and --out holds no run
#     folder and nothing else but the lock file;
# and in both cases the sanitizers found nothing (no leak on any path).
# Threads make the Nth allocation vary a little from run to run, so a
# failure names its N, the sanitizer's report of that run and its first
# failed allocation's stack; a run in which LeakSanitizer itself failed
# is made again once (checked first on a stand-in for evb).
# Usage: allocfail.sh BIN (run from anywhere).
. "$(dirname "$0")/common.sh"
# a sanitizer's finding exits 99 (the build's defaults stay otherwise)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:exitcode=99:abort_on_error=0
export LSAN_OPTIONS=exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
COMMON=(--in samples/export --config samples/evb.conf --csv --quiet)

# the stack allocfail.c prints, with evb's frames named
symbolize() {
	local line addr
	while IFS= read -r line; do
		addr=$(printf '%s\n' "$line" | sed -n 's/.*evb-allocfail(+\(0x[0-9a-f]*\)).*/\1/p')
		if [ -n "$addr" ]; then
			addr2line -f -i -e "$bin" "$addr" | paste -sd ' ' | sed "s|$root/||g"
		elif ! printf '%s' "$line" | grep -q '^/lib.*(+0x\|__libc_start'; then
			printf '%s\n' "$line"
		fi
	done
}

# lsan_broke FILE [RC]: true when FILE, a run's stderr, holds no finding
# and says LeakSanitizer could not do its check, or the run exited RC 99
# (the sanitizers' status) without a word from them
lsan_broke() {
	! grep -q "ERROR: \|runtime error" "$1" &&
		{ grep -q "LeakSanitizer has encountered a fatal error" "$1" ||
			{ [ "${2:-}" = 99 ] && ! grep -q "Sanitizer" "$1"; }; }
}

# lsan_broke itself, on what the tool prints: its own failure alone is
# retried, and so is a run that exited 99 with no report; a leak report,
# or its failure beside another report, is a finding; evb's own messages
# are neither
printf 'Tracer caught signal 11: addr=0x0\n==1==LeakSanitizer has encountered a fatal error.\n' >"$work/lsan-broke"
printf '==1==ERROR: LeakSanitizer: detected memory leaks\n' >"$work/lsan-leak"
cat "$work/lsan-broke" >"$work/lsan-both"
printf '==1==ERROR: AddressSanitizer: heap-use-after-free\n' >>"$work/lsan-both"
printf 'evb: out of memory: close other programs, or run evb where more memory is free\n' >"$work/lsan-none"
if lsan_broke "$work/lsan-broke" && ! lsan_broke "$work/lsan-leak" &&
	! lsan_broke "$work/lsan-both" && ! lsan_broke "$work/lsan-none" &&
	lsan_broke "$work/lsan-none" 99 && ! lsan_broke "$work/lsan-leak" 99 &&
	! lsan_broke "$work/lsan-none" 2; then
	pass=$((pass + 1))
	echo "[ OK ] LeakSanitizer's own failure told from a finding"
else
	fail=$((fail + 1))
	echo "[FAIL] LeakSanitizer's own failure told from a finding"
fi

# with_out DIR ARGS...: ARGS, with DIR for @OUT@ in them
with_out() {
	local dir=$1 a
	shift
	for a in "$@"; do
		printf '%s\0' "${a//@OUT@/$dir}"
	done
}

# sweep NAME ARGS...: every N for one command (@OUT@ in ARGS: its --out)
sweep() {
	local name=$1
	shift
	local args
	local ref=$work/ref-$name bad_runs=0 n total rc refrc why
	rm -rf "$ref"
	mkdir -p "$ref"
	mkdir -p "$ref/out"
	mapfile -d '' args < <(with_out "$ref/out" "$@")
	EVB_ALLOC_COUNT=$work/count "$bin" "${args[@]}" >"$ref/stdout" 2>"$ref/stderr"
	refrc=$?
	total=$(cat "$work/count")
	if [ "$refrc" -gt 1 ] || [ "${total:-0}" -lt 1 ]; then
		fail=$((fail + 1))
		echo "[FAIL] $name: the reference run exited $refrc"
		return
	fi
	tree_sum "$ref/out" >"$ref/sum"
	for n in $(seq 1 "$total"); do
		local o=$work/run try
		for try in 1 2; do
			rm -rf "$o"
			mkdir -p "$o/out"
			mapfile -d '' args < <(with_out "$o/out" "$@")
			env ${alone:+EVB_ALLOC_FAIL_ONCE=1} EVB_ALLOC_FAIL=$n "$bin" "${args[@]}" \
				>"$o/stdout" 2>"$o/stderr"
			rc=$?
			# LeakSanitizer itself failed (its tracer can crash when
			# threads end as it stops them: a known fault of the tool,
			# no finding about evb), or the run exited 99 without a
			# report: the same N again, once
			[ "$try" = 1 ] && lsan_broke "$o/stderr" "$rc" || break
			echo "    $name N=$n: LeakSanitizer failed, run again:" \
				"$(grep -m1 'Tracer\|fatal error' "$o/stderr" || echo "exit $rc without a report")"
		done
		why=""
		if grep -q "Sanitizer\|runtime error" "$o/stderr" || [ "$rc" = 99 ]; then
			why="sanitizer"
		elif [ "$rc" = "$refrc" ]; then
			tree_sum "$o/out" | cmp -s - "$ref/sum" || why="exit $rc, other outputs"
			cmp -s "$o/stderr" "$ref/stderr" || why="${why:-exit $rc, other messages}"
		elif [ "$rc" != 2 ]; then
			why="exit $rc"
		elif ! grep -q "out of memory.*close other programs" "$o/stderr"; then
			why="exit 2 without 'out of memory' and what to do"
		elif [ -n "$(cd "$o/out" 2>/dev/null && find . -mindepth 1 ! -name '.*.lock')" ]; then
			why="exit 2, --out holds $(cd "$o/out" && find . -mindepth 1 ! -name '.*.lock' | head -3 | tr '\n' ' ')"
		fi
		if [ -n "$why" ]; then
			bad_runs=$((bad_runs + 1))
			if [ "$bad_runs" -le 3 ]; then
				echo "    $name N=$n: $why"
				# the finding itself: a second run may allocate in
				# another order (threads) and find nothing
				[ "$why" = sanitizer ] &&
					grep -A12 "ERROR: \|Sanitizer\|runtime error" "$o/stderr" |
					head -30 | sed "s|$root/||g; s/^/      | /"
				grep -q "Sanitizer\|runtime error" "$o/stderr" ||
					{ echo "      | exit $rc; its stderr:"; head -5 "$o/stderr" | sed 's/^/      | /'; }
				mkdir -p "$o/trace"
				mapfile -d '' args < <(with_out "$o/trace" "$@")
				env ${alone:+EVB_ALLOC_FAIL_ONCE=1} EVB_ALLOC_TRACE=1 EVB_ALLOC_FAIL=$n \
					"$bin" "${args[@]}" 2>&1 >/dev/null |
					grep -v "record rejected\|Windows-1252" | symbolize | head -14 |
					sed 's/^/      /'
			fi
		fi
	done
	if [ "$bad_runs" = 0 ]; then
		pass=$((pass + 1))
		echo "[ OK ] $name: $total allocations, each failed in turn${alone:+, alone}"
	else
		fail=$((fail + 1))
		echo "[FAIL] $name: $bad_runs of $total runs${alone:+ (each failed alone)}"
	fi
}

# The sweep's retry, on a stand-in for evb (a script) whose runs with
# EVB_ALLOC_FAIL have LeakSanitizer fail as the tool does, the first
# BREAKS of them (with FAKE_SILENT set: exit 99 and say nothing); every
# run of it else writes the same file and exits 0. Failing once, the run
# is made again and the sweep passes; failing twice for the same N, the
# second is a finding.
fake=$work/fake-evb
cat >"$fake" <<'FAKE'
#!/bin/sh
out= prev=
for a; do [ "$prev" = --out ] && out=$a; prev=$a; done
[ -n "${EVB_ALLOC_COUNT:-}" ] && echo 2 >"$EVB_ALLOC_COUNT"
if [ -n "${EVB_ALLOC_FAIL:-}" ] && [ -z "${EVB_ALLOC_TRACE:-}" ]; then
	n=$(cat "$FAKE_RUNS" 2>/dev/null || echo 0)
	echo $((n + 1)) >"$FAKE_RUNS"
	if [ "$n" -lt "$FAKE_BREAKS" ]; then
		[ -n "${FAKE_SILENT:-}" ] && exit 99
		echo "Tracer caught signal 11: addr=0x0 pc=0x0 sp=0x0" >&2
		echo "==1==LeakSanitizer has encountered a fatal error." >&2
		exit 1
	fi
fi
mkdir -p "$out/run" && echo same >"$out/run/file"
FAKE
chmod +x "$fake"
# retry BREAKS [SILENT]: what a sweep of the stand-in prints
retry() {
	rm -f "$work/fake-runs"
	(bin=$fake FAKE_RUNS=$work/fake-runs FAKE_BREAKS=$1 FAKE_SILENT=${2:-} &&
		export FAKE_RUNS FAKE_BREAKS FAKE_SILENT && sweep stand-in --out @OUT@)
}
once=$(retry 1) twice=$(retry 2)
if printf '%s\n' "$once" | grep -q "stand-in N=1: LeakSanitizer failed, run again" &&
	printf '%s\n' "$once" | grep -q "^\[ OK \] stand-in: 2 allocations" &&
	printf '%s\n' "$twice" | grep -q "stand-in N=1: sanitizer" &&
	printf '%s\n' "$twice" | grep -q "^\[FAIL\] stand-in: 1 of 2 runs"; then
	pass=$((pass + 1))
	echo "[ OK ] a run LeakSanitizer failed is made again, once"
else
	fail=$((fail + 1))
	echo "[FAIL] a run LeakSanitizer failed is made again, once:"
	printf '%s\n%s\n' "$once" "$twice" | sed 's/^/      | /'
fi
once=$(retry 1 silent) twice=$(retry 2 silent)
if printf '%s\n' "$once" | grep -q "stand-in N=1: LeakSanitizer failed, run again: exit 99 without a report" &&
	printf '%s\n' "$once" | grep -q "^\[ OK \] stand-in: 2 allocations" &&
	printf '%s\n' "$twice" | grep -q "stand-in N=1: sanitizer" &&
	printf '%s\n' "$twice" | grep -q "| exit 99; its stderr:" &&
	printf '%s\n' "$twice" | grep -q "^\[FAIL\] stand-in: 1 of 2 runs"; then
	pass=$((pass + 1))
	echo "[ OK ] a run that exits 99 with no report is made again, once"
else
	fail=$((fail + 1))
	echo "[FAIL] a run that exits 99 with no report is made again, once:"
	printf '%s\n%s\n' "$once" "$twice" | sed 's/^/      | /'
fi

# verify and diff read run folders and their exports again
"$bin" fees --month 2026-10 "${COMMON[@]}" --out "$work/v" >/dev/null 2>&1
"$bin" ivo --period 2026Q3 --as-of 2026-11-22 "${COMMON[@]}" --out "$work/d1" >/dev/null 2>&1
"$bin" ivo --period 2026Q3 --as-of 2026-12-01 "${COMMON[@]}" --out "$work/d2" >/dev/null 2>&1
sweeps() {
	sweep ivo ivo --period 2026Q3 --as-of 2026-11-22 "${COMMON[@]}" --out @OUT@
	sweep fees fees --month 2026-10 "${COMMON[@]}" --out @OUT@
	sweep meals meals --month 2026-10 "${COMMON[@]}" --out @OUT@
	sweep due due --as-of 2026-11-22 "${COMMON[@]}" --out @OUT@
	sweep check check --as-of 2026-11-22 "${COMMON[@]}" --out @OUT@
	# a vendor's export read through its profile
	sweep ivo-profile ivo --period 2026Q3 --as-of 2026-11-22 --in samples/export-leverantor \
		--profile samples/leverantor.profile --config samples/evb.conf --csv --quiet --out @OUT@
	sweep profile profile --in samples/export-leverantor --out @OUT@/start.profile
	sweep verify verify "$work/v/avgift-2026-10/manifest.json" --in samples/export
	sweep diff diff "$work/d1/ivo-2026Q3" "$work/d2/ivo-2026Q3" --config samples/evb.conf \
		--csv --quiet --out @OUT@
}
alone= && sweeps
alone=1 && sweeps

echo "allocfail: $pass passed, $fail failed"
[ "$fail" = 0 ]
