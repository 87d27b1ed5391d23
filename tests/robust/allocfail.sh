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
# failed allocation's stack. A finding with no sanitizer's report is
# made again, and set aside (and said) when it does not come back: the
# tools' own failures (checked first on a stand-in for evb).
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

# has_report FILE: whether FILE, a run's stderr, holds a sanitizer's
# report (a finding about evb, whatever else the run did)
has_report() {
	grep -q "ERROR: \|runtime error" "$1"
}

# has_report itself, on what the tools print: a leak report, or
# LeakSanitizer's own failure beside another report, is one;
# LeakSanitizer's failure alone (its tracer crashed) and evb's own
# messages are not
printf 'Tracer caught signal 11: addr=0x0\n==1==LeakSanitizer has encountered a fatal error.\n' >"$work/lsan-broke"
printf '==1==ERROR: LeakSanitizer: detected memory leaks\n' >"$work/lsan-leak"
cat "$work/lsan-broke" >"$work/lsan-both"
printf '==1==ERROR: AddressSanitizer: heap-use-after-free\n' >>"$work/lsan-both"
printf 'evb: out of memory: close other programs, or run evb where more memory is free\n' >"$work/lsan-none"
if ! has_report "$work/lsan-broke" && has_report "$work/lsan-leak" &&
	has_report "$work/lsan-both" && ! has_report "$work/lsan-none"; then
	pass=$((pass + 1))
	echo "[ OK ] a sanitizer's report told from the tool's own failure"
else
	fail=$((fail + 1))
	echo "[FAIL] a sanitizer's report told from the tool's own failure"
fi

# with_out DIR ARGS...: ARGS, with DIR for @OUT@ in them
with_out() {
	local dir=$1 a
	shift
	for a in "$@"; do
		printf '%s\0' "${a//@OUT@/$dir}"
	done
}

# run_n N DIR ARGS...: the run of N with DIR for --out (@OUT@); its
# stdout, stderr and out/ in DIR, its exit status in rc. With trace set,
# the failed allocation's stack goes to its stderr (allocfail.c).
run_n() {
	local n=$1 d=$2 args
	shift 2
	rm -rf "$d"
	mkdir -p "$d/out"
	mapfile -d '' args < <(with_out "$d/out" "$@")
	env ${alone:+EVB_ALLOC_FAIL_ONCE=1} ${trace:+EVB_ALLOC_TRACE=1} EVB_ALLOC_FAIL=$n \
		"$bin" "${args[@]}" >"$d/stdout" 2>"$d/stderr"
	rc=$?
}

# judge DIR: why the run in DIR (exit status rc) is a finding against
# the reference ($ref, exit status refrc), into why; empty when it ended
# as it should
judge() {
	local d=$1
	why=""
	if grep -q "Sanitizer\|runtime error" "$d/stderr" || [ "$rc" = 99 ]; then
		why="sanitizer"
	elif [ "$rc" = "$refrc" ]; then
		tree_sum "$d/out" | cmp -s - "$ref/sum" || why="exit $rc, other outputs"
		cmp -s "$d/stderr" "$ref/stderr" || why="${why:-exit $rc, other messages}"
	elif [ "$rc" != 2 ]; then
		why="exit $rc"
	elif ! grep -q "out of memory.*close other programs" "$d/stderr"; then
		why="exit 2 without 'out of memory' and what to do"
	elif [ -n "$(cd "$d/out" 2>/dev/null && find . -mindepth 1 ! -name '.*.lock')" ]; then
		why="exit 2, --out holds $(cd "$d/out" && find . -mindepth 1 ! -name '.*.lock' | head -3 | tr '\n' ' ')"
	fi
}

# show DIR: what the run in DIR (exit status rc) did, for a reader of
# the log: the sanitizer's report, or its exit status, the start of its
# stderr and what its outputs and the reference's do not share
show() {
	local d=$1
	if has_report "$d/stderr"; then
		grep -A12 "ERROR: \|Sanitizer\|runtime error" "$d/stderr" |
			head -30 | sed "s|$root/||g; s/^/      | /"
		return
	fi
	echo "      | exit $rc; its stderr:"
	head -5 "$d/stderr" | sed 's/^/      | /'
	tree_sum "$d/out" | diff "$ref/sum" - | grep '^[<>]' | head -4 |
		sed "s|  \./|  |; s/^/      | outputs /"
}

# How often an N whose run was a finding without a sanitizer's report is
# made again before the finding is set aside as not evb's
AGAIN=4

# sweep NAME ARGS...: every N for one command (@OUT@ in ARGS: its --out)
sweep() {
	local name=$1
	shift
	local args
	local ref=$work/ref-$name bad_runs=0 set_aside=0 n total rc refrc why
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
		local o=$work/run again first_rc first_why
		run_n "$n" "$o" "$@"
		judge "$o"
		# A finding with no sanitizer's report may be the tools' own:
		# LeakSanitizer failing to do its check (its tracer can crash as
		# threads end: a known fault), or, seen three times in CI (some
		# 11 000 runs each) and never again in the same N, a run whose
		# exit status contradicted evb's own path ("out of memory" and
		# exit 0; exit 99 with no report; exit 0 and no output where the
		# allocation's path exits 2). The same N is run again, up to
		# AGAIN times: a finding of evb's comes back (a race that shows
		# in one run of two escapes all four one time in sixteen, and
		# would show at other N); one that does not is said and set
		# aside. A sanitizer's report is a finding the first time.
		if [ -n "$why" ] && ! has_report "$o/stderr"; then
			first_rc=$rc first_why=$why
			rm -rf "$o.first"
			mv "$o" "$o.first"
			for again in $(seq 1 "$AGAIN"); do
				run_n "$n" "$o" "$@"
				judge "$o"
				[ -z "$why" ] || break
			done
			if [ -z "$why" ]; then
				set_aside=$((set_aside + 1))
				echo "    $name N=$n: $first_why, and not again in $AGAIN more runs: set aside"
				rc=$first_rc show "$o.first"
				continue
			fi
		fi
		if [ -n "$why" ]; then
			bad_runs=$((bad_runs + 1))
			if [ "$bad_runs" -le 3 ]; then
				echo "    $name N=$n: $why"
				# the finding itself: a second run may allocate in
				# another order (threads) and find nothing
				show "$o"
				trace=1 run_n "$n" "$o/trace" "$@"
				grep -v "record rejected\|Windows-1252" "$o/trace/stderr" | symbolize |
					head -14 | sed 's/^/      /'
			fi
		fi
	done
	if [ "$bad_runs" = 0 ]; then
		local aside=""
		[ "$set_aside" = 0 ] || aside=" (set aside: $set_aside)"
		pass=$((pass + 1))
		echo "[ OK ] $name: $total allocations, each failed in turn${alone:+, alone}$aside"
	else
		fail=$((fail + 1))
		echo "[FAIL] $name: $bad_runs of $total runs${alone:+ (each failed alone)}"
	fi
}

# The rule, on a stand-in for evb (a script) whose runs with
# EVB_ALLOC_FAIL fail the first BREAKS times as FAKE_MODE says, every
# other run writing the same file and exiting 0 as the reference does:
# "lsan", LeakSanitizer's own failure; "silent", exit 99 and not a word;
# "wrong", exit 0 with "out of memory" and no file; "report", an
# AddressSanitizer report. Without a report, failing once for an N is
# set aside and the sweep passes, failing again for it is a finding; a
# report is a finding at once.
fake=$work/fake-evb
cat >"$fake" <<'FAKE'
#!/bin/sh
out= prev=
for a; do [ "$prev" = --out ] && out=$a; prev=$a; done
[ -n "${EVB_ALLOC_COUNT:-}" ] && echo 2 >"$EVB_ALLOC_COUNT"
[ -n "${EVB_ALLOC_TRACE:-}" ] && echo "allocation $EVB_ALLOC_FAIL failed in fake_alloc" >&2
if [ -n "${EVB_ALLOC_FAIL:-}" ] && [ -z "${EVB_ALLOC_TRACE:-}" ]; then
	n=$(cat "$FAKE_RUNS" 2>/dev/null || echo 0)
	echo $((n + 1)) >"$FAKE_RUNS"
	if [ "$n" -lt "$FAKE_BREAKS" ]; then
		case $FAKE_MODE in
		lsan)
			echo "Tracer caught signal 11: addr=0x0 pc=0x0 sp=0x0" >&2
			echo "==1==LeakSanitizer has encountered a fatal error." >&2
			exit 1 ;;
		silent) exit 99 ;;
		wrong)
			echo "evb: x.csv:73: out of memory: close other programs" >&2
			exit 0 ;;
		report)
			echo "==1==ERROR: AddressSanitizer: heap-use-after-free" >&2
			exit 99 ;;
		esac
	fi
fi
mkdir -p "$out/run" && echo same >"$out/run/file"
FAKE
chmod +x "$fake"
# stand_in MODE BREAKS: what a sweep of the stand-in prints
stand_in() {
	rm -f "$work/fake-runs"
	(bin=$fake FAKE_RUNS=$work/fake-runs FAKE_MODE=$1 FAKE_BREAKS=$2 &&
		export FAKE_RUNS FAKE_MODE FAKE_BREAKS && sweep stand-in --out @OUT@)
}
# expect TITLE OUTPUT PATTERN...: a check that OUTPUT holds every PATTERN
expect() {
	local title=$1 output=$2 p
	shift 2
	for p in "$@"; do
		if ! printf '%s\n' "$output" | grep -q -- "$p"; then
			fail=$((fail + 1))
			echo "[FAIL] $title: no '$p' in"
			printf '%s\n' "$output" | sed 's/^/      | /'
			return
		fi
	done
	pass=$((pass + 1))
	echo "[ OK ] $title"
}
for mode in lsan silent wrong; do
	expect "a run of the stand-in failing ($mode) once is made again and set aside" \
		"$(stand_in $mode 1)" \
		"stand-in N=1: .*, and not again in $AGAIN more runs: set aside" \
		"^\[ OK \] stand-in: 2 allocations.*(set aside: 1)"
	expect "a run of the stand-in failing ($mode) twice for one N is a finding, with its trace" \
		"$(stand_in $mode 2)" "stand-in N=1: " "^\[FAIL\] stand-in: 1 of 2 runs" \
		"^      allocation 1 failed in fake_alloc"
done
expect "the stand-in's own failures shown as they were" \
	"$(stand_in lsan 1) $(stand_in silent 1) $(stand_in wrong 2)" \
	"| Tracer caught signal 11" "| exit 99; its stderr:" \
	"| evb: x.csv:73: out of memory" "| outputs < .*run/file"
expect "a sanitizer's report is a finding the first time" \
	"$(stand_in report 1)" "stand-in N=1: sanitizer" \
	"| ==1==ERROR: AddressSanitizer: heap-use-after-free" \
	"^\[FAIL\] stand-in: 1 of 2 runs"

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
