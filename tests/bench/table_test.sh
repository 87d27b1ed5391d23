#!/bin/sh
# The bench's table (tests/bench/table.awk) against reviewed output, so
# that what decides the speed targets cannot change unseen:
#   results.txt       a real bench's results (1 M and 5 M, CSV and XML);
#                     checked by hand: csv check 2.37 / (1.25 + 0.276) =
#                     1.55, over 1.5 (*); 17.57 / 2.37 = 7.41 (*); xml fees
#                     230.46 / 43.40 = 5.31, over 5.3 (*); csv meals'
#                     limit (10.15 + 2.716) / (1.23 + 0.458) = 7.62 (!);
#                     374 776 KiB * 1024 / 999 686 = 384 bytes a
#                     decision; user CPU 22.10 / 3.48 = 6.35; kernel time
#                     0.50 s / 97 463 faults = 5.1 microseconds
#   results-old.txt   the same without the CPU fields (an earlier
#                     bench.sh): the table as before, no CPU lines
#   results-zero.txt  a user time and a fault count of 0: "-", no
#                     division by zero
#   results-csv.txt   the CSV half of a bench, three runs at each size, as
#                     BENCH_FORMATS=csv leaves it: no XML rows or ratios,
#                     the footer of equal runs; csv fees 124.33
#                     / 20.00 = 6.22 (*), its limit (6.54 + 96.330) /
#                     (1.24 + 16.612) = 5.76 (!); meals 12.63 / 2.40 =
#                     5.26, met
#   results-rounds.txt  a real bench's results (69896ca, three runs at each
#                     size) with its ratio lines, the rounds' medians: csv
#                     check 17.52 / 3.12 = 5.62, 18.00 / 3.39 = 5.31,
#                     14.76 / 2.62 = 5.63, median 5.62 (*), where the kept
#                     runs give 18.00 / 2.62 = 6.87; its limit (6.69 +
#                     1.240) / (1.37 + 0.232) = 4.95, 3.79, 4.84: 4.84;
#                     csv meals "- - 0" (no round to time): "-" for both
# And the run bench.sh keeps of a command's runs (tests/bench/median_run.awk)
# and the rounds' ratios (tests/bench/round_ratio.awk), on cases worked by
# hand below.
# Run from the repository's root.
set -u
dir=tests/bench/table
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
status=0
# table CASE RUNS LARGE_RUNS: table.awk on CASE.txt against CASE.expected
table() {
	if tests/bench/table.awk -v runs="$2" -v large_runs="$3" -v cores=2 -v load="1.07 1.06 1.01" \
		"$dir/$1.txt" >"$out" 2>&1 && diff -u "$dir/$1.expected" "$out"; then
		echo "[ OK ] bench table: $1"
	else
		echo "[FAIL] bench table: $1"
		status=1
	fi
}
table results 3 1
table results-old 3 1
table results-zero 3 1
table results-csv 3 3
table results-rounds 3 3

# script_case SCRIPT WHAT CASE EXPECTED LINES: tests/bench/SCRIPT given
# LINES must print EXPECTED
script_case() {
	got=$(printf '%s' "$5" | "tests/bench/$1")
	if [ "$got" = "$4" ]; then
		echo "[ OK ] bench $2: $3"
	else
		echo "[FAIL] bench $2: $3: '$got', expected '$4'"
		status=1
	fi
}
# median_run CASE EXPECTED LINES: the run median_run.awk picks
median_run() { script_case median_run.awk "median run" "$@"; }
# round_ratio CASE EXPECTED LINES: what round_ratio.awk prints
round_ratio() { script_case round_ratio.awk "round ratio" "$@"; }
# 2.35 / (1.31 + 0.28) = 1.478, 2.84 / (1.28 + 0.45) = 1.642,
# 2.40 / (1.50 + 0.30) = 1.333: run 0, though the median wall time is run 2's
median_run "three runs" 0 '2.35 1.31 0.28
2.84 1.28 0.45
2.40 1.50 0.30
'
# 1.478, 1.642, 1.333, 1.5 (3.00 / 2.00): the lower middle, 1.478, run 0
median_run "four runs" 0 '2.35 1.31 0.28
2.84 1.28 0.45
2.40 1.50 0.30
3.00 1.70 0.30
'
# 2.00 / (0.50 + 0.50) = 2, 2.00 / (0.90 + 0.10) = 2, 1.00 / (0.50 + 0.50)
# = 1: sorted run 2, run 0, run 1 (equal ones in their order); run 0
median_run "equal ratios" 0 '2.00 0.50 0.50
2.00 0.90 0.10
1.00 0.50 0.50
'
# floors of 0.00: the wall times 0.06, 0.05, 0.07 count; run 0
median_run "limit of 0" 0 '0.06 0.00 0.00
0.05 0.00 0.00
0.07 0.00 0.00
'
# one run: that run
median_run "one run" 0 '14.51 6.18 1.33
'
# times 10 / 2 = 5, 12 / 2 = 6, 11 / 2 = 5.5: median 5.5; limits
# (5 + 1) / (1 + 0) = 6, (4 + 1) / (1 + 0) = 5, (6 + 2) / (1 + 1) = 4: 5
round_ratio "three rounds" "5.5000 5.0000 3" '2 1 0 10 5 1
2 1 0 12 4 1
2 1 1 11 6 2
'
# times 5, 6, 4, 7: the two middle ones 5 and 6, 5.5; limits all 1
round_ratio "four rounds" "5.5000 1.0000 4" '1 1 0 5 1 0
1 1 0 6 1 0
1 1 0 4 1 0
1 1 0 7 1 0
'
# a round with a time of 0 at the small size and one with a limit of 0
# count for nothing; a run at the small size alone (no line of six) too:
# 9 / 3 = 3 is left, its limit (2 + 2) / (1 + 1) = 2
round_ratio "untimed rounds" "3.0000 2.0000 1" '0 1 1 9 2 2
3 0 0 9 2 2
3 1 1 9 2 2
3 1 1
'
round_ratio "no round" "- - 0" '0.00 0.00 0.00 5.00 1.00 1.00
'
exit $status
