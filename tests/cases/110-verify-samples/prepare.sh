#!/bin/sh
# The samples' IVO run (deliberate rejects, personer.csv in Windows-1252),
# then verify re-runs it: the re-run's notes about the export (its rejected
# records, the encoding) are not printed again, since the run itself
# printed them; the outputs are all identical (exit 0).
set -e
rm -rf runs_generated
mkdir -p runs_generated
rc=0
"$1" ivo --period 2026Q3 --as-of 2026-11-22 --in ../../../samples/export \
	--config ../../../samples/evb.conf --out runs_generated --quiet 2>/dev/null || rc=$?
[ $rc -eq 1 ]
