#!/bin/sh
# Two IVO runs of the samples, which hold deliberately rejected records,
# from the same export: `evb diff` of them exits 0 (SPEC 6: 0 when the
# runs agree; rejected records are no difference), not 1.
set -e
rm -rf runs_generated
for side in old new; do
	mkdir -p runs_generated/$side
	"$1" ivo --period 2026Q3 --as-of 2026-11-22 --in ../../../samples/export \
		--config ../../../samples/evb.conf --out runs_generated/$side --quiet 2>/dev/null ||
		[ $? -eq 1 ]
done
