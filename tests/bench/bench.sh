#!/usr/bin/env bash
# make bench: times evb on deterministic synthetic export sets against the
# limit of its own libraries (SPEC 7) and prints one table.
#
#   tests/bench/bench.sh EVB TOOLDIR "SIZES" RUNS [LARGE_RUNS ["FORMATS"]]
#
# TOOLDIR holds parse_floor, xml_floor, write_floor, first_touch and
# hold_cache. SIZES are numbers of decisions (about; the generator makes
# 1.5 decisions per person). Each set is generated once into
# build/bench/data-<size>/ (CSV, tests/gen/gen_export.py --bench, seed 7)
# and build/bench/xml-<size>/ (the same records as one XML file) and
# reused, and held in the page cache while its runs are timed. For each
# input format (FORMATS: csv xml when not given) and command, evb runs
# RUNS times at the first size and LARGE_RUNS times (RUNS when not given)
# at each after it, the sizes in turn (a run at each size, then the next
# round), and before each run of evb the read floor, after it the write
# floor (so the machine's drift between minutes, up to a fifth, does not
# enter the ratios). Of a size's runs, the one whose wall time over its
# own limit is the median is kept (its times with /usr/bin/time, its read
# phase from EVB_PHASES=1, its floors), and the largest peak memory:
#   read floor   CSV: parse_floor (libcsv over the files, empty callbacks);
#                XML: xml_floor (libxml2's reader with the schema, no other work)
#   write floor  write_floor over the workbooks that run of evb wrote: the
#                same sheets, cells, values and formats written again with
#                libxlsxwriter in the same mode, fsynced and read back
# limit = read floor + write floor; the targets are those of the speed
# issue: wall <= 1.5 x limit, read phase <= 2 x read floor, peak memory
# <= 400 bytes a decision, time at the largest size / time at the smallest
# <= 5.3 x for 5 times the decisions. The table is printed by table.awk
# from build/bench/results.txt (run it again to print it again); each
# command's phase times (EVB_PHASES=1) are kept in
# build/bench/phases-<size>-<format>-<command>.txt, the figures of all its
# runs in build/bench/runs-<size>-<format>-<command>.txt and the shape of
# what it wrote in build/bench/shape-<size>-<format>-<command>.txt.
set -eu
evb=$1 bin=$2 sizes=$3 runs_first=$4 runs_large=${5:-$4} formats=${6:-csv xml}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
conf=samples/evb.conf
work=build/bench
results=$work/results.txt
mkdir -p "$work"
: >"$results"

# gen SIZE: the CSV and XML sets of about SIZE decisions
gen() {
	local size=$1 data=$work/data-$1 xml=$work/xml-$1
	if [ ! -f "$data/.done" ] || [ ! -f "$xml/.done" ]; then
		rm -rf "$data" "$xml"
		mkdir -p "$xml"
		echo "bench: generating about $size decisions into $data and $xml ..."
		/usr/bin/python3 tests/gen/gen_export.py --out "$data" --persons $((size * 2 / 3)) \
			--seed 7 --bench --xml "$xml/export.xml" >"$data.log"
		cp "$data.log" "$xml/.done"
		mv "$data.log" "$data/.done"
	fi
}

# floor_once FORMAT SIZE: one run of the read floor, its seconds in rfloor
floor_once() {
	local fmt=$1 size=$2
	if [ "$fmt" = csv ]; then
		/usr/bin/time -f %e -o "$work/time.txt" "$bin/parse_floor" "$work/data-$size"/*.csv >/dev/null
	else
		/usr/bin/time -f %e -o "$work/time.txt" "$bin/xml_floor" templates/evb-export.xsd \
			"$work/xml-$size/export.xml" >/dev/null
	fi
	rfloor=$(cat "$work/time.txt")
}

# run_once FORMAT SIZE I NAME ARGS...: run I of the command at SIZE: the
# read floor, evb and the write floor of what it wrote, in turn, so that
# each run of evb has its floors measured beside it, in the same minute.
# Appends "wall_s read_floor_s write_floor_s read_s user_s sys_s
# page_faults peak_kib" to build/bench/runs-SIZE-FORMAT-NAME.txt (user and
# sys: evb's CPU time in user space and in the kernel; page faults: its
# minor ones; one line a run, kept) and keeps its phases and the shape of
# what it wrote.
run_once() {
	local fmt=$1 size=$2 i=$3 name=$4
	shift 4
	local in=$work/data-$size rfloor wfloor rd t m u k f
	[ "$fmt" = xml ] && in=$work/xml-$size
	floor_once "$fmt" "$size"
	rm -rf "$work/out" "$work/floor" && mkdir -p "$work/out" "$work/floor"
	EVB_PHASES=1 /usr/bin/time -f '%e %M %U %S %R' -o "$work/time.txt" "$evb" "$name" "$@" \
		--quiet --in "$in" --config $conf --out "$work/out" >/dev/null 2>"$work/stderr.txt" ||
		{ s=$?; [ $s -eq 1 ] || { echo "bench: $name failed ($s):"; tail -5 "$work/stderr.txt"; exit 1; }; }
	read -r t m u k f <"$work/time.txt"
	rd=$(awk '$2 == "phase" && $3 == "read" {print $4}' "$work/stderr.txt")
	grep -E '^evb: (phase|read cpu)' "$work/stderr.txt" >"$work/phases-$size-$fmt-$name.$i.txt"
	# the workbooks in the order evb wrote them
	mapfile -t books < <(ls -tr "$work"/out/*/*.xlsx)
	"$bin/write_floor" "$work/floor" "${books[@]}" >"$work/floor.txt"
	wfloor=$(awk '/^write floor:/ {print $3}' "$work/floor.txt")
	sed -n '/^  /p' "$work/floor.txt" >"$work/shape-$size-$fmt-$name.txt"
	echo "$t $rfloor $wfloor $rd $u $k $f $m" >>"$work/runs-$size-$fmt-$name.txt"
}

# measure FORMAT NAME ARGS...: the command's runs at every size, the sizes
# in turn within each round of runs (1 M, 5 M, 1 M, 5 M, ...), so that the
# runs of one size are as near in time to those of the other as to each
# other: this machine's speed drifts by up to a fifth from one minute to
# the next, and time at 5 M / time at 1 M compares runs of two sizes
# without a floor between them. Then appends, per size,
# "size format name wall_s peak_kib read_s write_floor_s read_floor_s
#  user_s sys_s page_faults", those of the run whose wall time over its own
# limit is the median, with the largest peak of the size's runs; and
# "ratio format name time_ratio limit_ratio rounds": the largest size
# against the smallest, round by round (tests/bench/round_ratio.awk), the
# two runs of a round being the nearest in time of the two sizes.
measure() {
	local fmt=$1 name=$2
	shift 2
	local size i most=$runs_first runs wall rfloor wfloor rd u k f peak
	[ "$runs_large" -gt "$most" ] && most=$runs_large
	for size in $sizes; do rm -f "$work/runs-$size-$fmt-$name.txt"; done
	for ((i = 0; i < most; i++)); do
		for size in $sizes; do
			if [ "$i" -lt "$(runs_at "$size")" ]; then run_once "$fmt" "$size" "$i" "$name" "$@"; fi
		done
	done
	for size in $sizes; do
		runs=$work/runs-$size-$fmt-$name.txt
		i=$(cut -d' ' -f1-3 "$runs" | tests/bench/median_run.awk)
		peak=$(awk '$8 > p {p = $8} END {print p}' "$runs")
		read -r wall rfloor wfloor rd u k f _ < <(sed -n "$((i + 1))p" "$runs")
		echo "$size $fmt $name $wall $peak $rd $wfloor $rfloor $u $k $f" >>"$results"
		mv "$work/phases-$size-$fmt-$name.$i.txt" "$work/phases-$size-$fmt-$name.txt"
		rm -f "$work/phases-$size-$fmt-$name".[0-9]*.txt
	done
	local z=${sizes##* }
	if [ "$z" != "$first" ]; then
		echo "ratio $fmt $name $(paste -d' ' <(cut -d' ' -f1-3 "$work/runs-$first-$fmt-$name.txt") \
			<(cut -d' ' -f1-3 "$work/runs-$z-$fmt-$name.txt") | tests/bench/round_ratio.awk)" \
			>>"$results"
	fi
}

# runs_at SIZE: how many runs at SIZE (RUNS at the first, LARGE_RUNS after)
runs_at() {
	if [ "$1" = "$first" ]; then echo "$runs_first"; else echo "$runs_large"; fi
}

# hold FILE...: keeps the input in the page cache until release (see
# hold_cache.c: a kernel may page out file pages idle for a minute, and
# then the program after a long run, floor or evb, would read part of its
# input from disk). Only when the files take at most half the memory
# available; else every run reads them as the kernel keeps them. Then
# reads them once, untimed: the kernel moves a page to its active list
# when it is read the second time after it came in, and the first
# program to do that pays for it (430 MB read with cat right after they
# were mapped took 0.40 s of kernel time, then 0.05 s each time).
held=
hold() {
	local kb avail
	kb=$(du -ck "$@" | tail -1 | cut -f1)
	avail=$(awk '$1 == "MemAvailable:" {print $2}' /proc/meminfo)
	if [ "$kb" -gt $((avail / 2)) ]; then
		echo "bench: $((kb / 1024)) MB of input not held in memory (available: $((avail / 1024)) MB)"
	else
		: >"$work/hold.txt"
		"$bin/hold_cache" "$@" >"$work/hold.txt" &
		held=$!
		until [ -s "$work/hold.txt" ]; do
			kill -0 "$held" 2>/dev/null || { echo "bench: hold_cache failed"; held=; exit 1; }
			sleep 0.2
		done
		echo "bench: $(cat "$work/hold.txt")"
	fi
	cat "$@" >/dev/null
}
release() {
	[ -n "$held" ] || return 0
	kill "$held" 2>/dev/null || true
	wait "$held" 2>/dev/null || true
	held=
}
trap release EXIT

first=${sizes%% *}
for size in $sizes; do
	gen "$size"
	n=$(($(wc -l <"$work/data-$size/beslut.csv") - 1))
	echo "$size decisions $n" >>"$results"
	echo "bench: $n decisions, $(du -sm "$work/data-$size" | cut -f1) MB of CSV," \
		"$(du -sm "$work/xml-$size" | cut -f1) MB of XML"
done
for fmt in $formats; do
	# every run reads the input from the page cache, the first too
	inputs=()
	for size in $sizes; do
		if [ "$fmt" = csv ]; then inputs+=("$work/data-$size"/*.csv); else inputs+=("$work/xml-$size/export.xml"); fi
	done
	hold "${inputs[@]}"
	measure "$fmt" check --as-of 2026-11-22
	measure "$fmt" ivo --period 2026Q3 --as-of 2026-11-22
	measure "$fmt" fees --month 2026-10
	measure "$fmt" meals --month 2026-10
	measure "$fmt" due --as-of 2026-11-22
	release
done

tests/bench/table.awk -v runs="$runs_first" -v large_runs="$runs_large" -v cores="$(nproc)" \
	-v load="$(cut -d' ' -f1-3 /proc/loadavg)" "$results"

# what memory costs the first time it is written, for the largest peak of
# the runs at the first size and at the last, one after the other (evb
# pays it for its records; the floors hold none): right away, and again
# after 15 s without a run. This machine's host takes back guest memory
# that stays free for a few seconds, and a process then pays for getting
# it back when it first writes it (README, "This machine"); a run of evb
# follows a floor, which holds little memory, and memory the run before
# it freed seconds to a minute before.
last=${sizes##* } ends=$first
[ "$last" = "$first" ] || ends="$first $last"
echo
for size in $ends; do
	peak_mb=$(awk -v s="$size" '$1 == s && $2 != "decisions" && $3 != "floor" && $5 > p {p = $5}
		END {print int(p / 1024) + 1}' "$results")
	"$bin/first_touch" "$peak_mb"
	sleep 15
	printf 'after 15 s idle: '
	"$bin/first_touch" "$peak_mb"
done
# whether the kernel pages out idle file pages by itself (hold_cache.c)
if grep -qsx on /sys/kernel/mm/damon/admin/kdamonds/*/state; then
	echo "the kernel's proactive reclaim (DAMON) is on (see tests/bench/hold_cache.c)"
fi
