#!/usr/bin/env bash
# make bench: times evb on deterministic synthetic export sets and prints a
# table with the targets of the scale issue.
#
#   tests/bench/bench.sh EVB PARSE_FLOOR "SIZES" RUNS
#
# SIZES are numbers of decisions (about; the generator makes 1.5 decisions
# per person). Each set is generated once into build/bench/data-<size>/
# (tests/gen/gen_export.py --bench, seed 7) and reused. Every command runs
# RUNS times; the table shows the median wall time and the largest peak
# memory (/usr/bin/time). The parse floor is tests/bench/parse_floor.c:
# libcsv over the same files with empty callbacks.
set -eu
evb=$1 floor=$2 sizes=$3 runs=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
conf=samples/evb.conf
results=build/bench/results.txt
: >"$results"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

# measure NAME SIZE CMD...: RUNS runs; appends "size name median_s peak_kib"
measure() {
	local name=$1 size=$2
	shift 2
	local times=() peak=0 i t m
	for ((i = 0; i < runs; i++)); do
		rm -rf build/bench/out && mkdir -p build/bench/out
		/usr/bin/time -f '%e %M' -o build/bench/time.txt "$@" >/dev/null 2>build/bench/stderr.txt ||
			{ s=$?; [ $s -eq 1 ] || { echo "bench: $name failed ($s):"; tail -5 build/bench/stderr.txt; exit 1; }; }
		read -r t m <build/bench/time.txt
		times+=("$t")
		[ "$m" -gt "$peak" ] && peak=$m
	done
	echo "$size $name $(printf '%s\n' "${times[@]}" | median) $peak" >>"$results"
}

for size in $sizes; do
	data=build/bench/data-$size
	if [ ! -f "$data/.done" ]; then
		rm -rf "$data"
		echo "bench: generating about $size decisions into $data ..."
		/usr/bin/python3 tests/gen/gen_export.py --out "$data" --persons $((size * 2 / 3)) \
			--seed 7 --bench >"$data.log"
		mv "$data.log" "$data/.done"
	fi
	n=$(($(wc -l <"$data/beslut.csv") - 1))
	echo "$size decisions $n" >>"$results"
	echo "bench: $n decisions, $(du -sm "$data" | cut -f1) MB of CSV"
	# every command reads the files from the page cache, the first too
	cat "$data"/*.csv >/dev/null
	measure parse-floor "$size" "$floor" "$data"/*.csv
	measure check "$size" "$evb" check --quiet --as-of 2026-11-22 --in "$data" --config $conf --out build/bench/out --replace
	measure ivo "$size" "$evb" ivo --quiet --period 2026Q3 --as-of 2026-11-22 --in "$data" --config $conf --out build/bench/out --replace
	measure fees "$size" "$evb" fees --quiet --month 2026-10 --in "$data" --config $conf --out build/bench/out --replace
	measure meals "$size" "$evb" meals --quiet --month 2026-10 --in "$data" --config $conf --out build/bench/out --replace
done

awk -v runs="$runs" '
$2 == "decisions" { n[$1] = $3; order[++k] = $1; next }
{ t[$1, $2] = $3; m[$1, $2] = $4 }
END {
	printf "\n%-10s %-12s %10s %12s %16s\n", "decisions", "command", "median s", "peak MiB", "bytes/decision"
	split("parse-floor check ivo fees meals", cmds, " ")
	for (i = 1; i <= k; i++) {
		s = order[i]
		for (j = 1; j <= 5; j++) {
			c = cmds[j]
			printf "%-10d %-12s %10.2f %12.1f %16.0f\n", n[s], c, t[s, c], m[s, c] / 1024, m[s, c] * 1024 / n[s]
		}
	}
	printf "\n(median of %d runs; peak memory is the largest of them)\n", runs
	a = order[1]; b = order[k]
	r = t[a, "ivo"] / t[a, "parse-floor"]
	printf "ivo / parse floor at %d decisions: %.2f (target <= 2.0) %s\n", n[a], r, r <= 2.0 ? "MET" : "NOT MET"
	for (i = 1; i <= k; i++) {
		s = order[i]; worst = 0
		for (j = 2; j <= 5; j++) { x = m[s, cmds[j]] * 1024 / n[s]; if (x > worst) worst = x }
		printf "peak memory at %d decisions: %.0f bytes/decision, largest of the commands (target <= 400) %s\n", n[s], worst, worst <= 400 ? "MET" : "NOT MET"
	}
	if (k > 1) {
		for (j = 2; j <= 5; j++) {
			c = cmds[j]; r = t[b, c] / t[a, c]
			printf "%s: time at %d / time at %d = %.2f (target <= 5.5) %s\n", c, n[b], n[a], r, r <= 5.5 ? "MET" : "NOT MET"
		}
	}
}' "$results"
