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
# Run from the repository's root.
set -u
dir=tests/bench/table
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
status=0
for f in results results-old results-zero; do
	if tests/bench/table.awk -v runs=3 -v large_runs=1 -v cores=2 -v load="1.07 1.06 1.01" \
		"$dir/$f.txt" >"$out" 2>&1 && diff -u "$dir/$f.expected" "$out"; then
		echo "[ OK ] bench table: $f"
	else
		echo "[FAIL] bench table: $f"
		status=1
	fi
done
exit $status
