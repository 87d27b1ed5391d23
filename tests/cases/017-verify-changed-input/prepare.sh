#!/bin/sh
# An IVO run on a copy of case 015's new export (archived in
# export_generated/), then one byte of beslut.csv changes: B3's decision
# date 2026-05-20 becomes 2026-05-21. verify must name that file, exit 1.
set -e
rm -rf runs_generated export_generated
mkdir -p runs_generated export_generated
cp ../015-diff/input-new/* export_generated/
"$1" ivo --period 2026Q3 --as-of 2026-11-22 --in export_generated \
	--config ../015-diff/evb.conf --out runs_generated --quiet
sed -i 's/2026-05-20/2026-05-21/' export_generated/beslut.csv
