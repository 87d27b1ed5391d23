#!/bin/sh
# Every workbook of the samples (make run's ivo and statistik, then meals,
# fees, due and check) as its readers work from it: opened with openpyxl
# (tests/look/look_check.py) and printed to PDF with LibreOffice headless,
# the pages read back with pdftotext (tests/look/print_check.py).
# $1 = the case's output folder, $2 = the evb binary.
set -e
out=$1 bin=$2
in=../../../samples/export conf=../../../samples/evb.conf
for c in "meals --month 2026-10" "fees --month 2026-10" "due --as-of 2026-11-22" \
	 "check --as-of 2026-11-22"; do
	# exit 1: written, with the samples' deliberate rejects
	"$bin" $c --in $in --config $conf --out "$out" --quiet 2>/dev/null || [ $? -eq 1 ]
done
/usr/bin/python3 ../../look/look_check.py Exempelkommun "$out"
/usr/bin/python3 ../../look/print_check.py Exempelkommun "$out"
