#!/bin/sh
# evb diff needs the profile both runs were read through (SPEC 4.2): two
# IVO runs of case 302's export through a copy of its profile compare;
# once the profile changes, the case's command (diff again) cannot compare
# (exit 2) and names the changed profile.
set -e
rm -rf runs_generated
mkdir -p runs_generated/a runs_generated/b runs_generated/d
cp ../302-profile-unmapped-code/vendor.profile runs_generated/vendor.profile
for run in a:2026-10-05 b:2026-11-22; do
	rc=0
	"$1" ivo --period 2026Q3 --as-of ${run#*:} --in ../302-profile-unmapped-code/input \
		--profile runs_generated/vendor.profile --config ../../../samples/evb.conf \
		--out runs_generated/${run%%:*} --quiet 2>/dev/null || rc=$?
	[ $rc -eq 1 ]
done
rc=0
"$1" diff runs_generated/a/ivo-2026Q3 runs_generated/b/ivo-2026Q3 --out runs_generated/d \
	--config ../../../samples/evb.conf --quiet >/dev/null 2>&1 || rc=$?
[ $rc -le 1 ] || { echo "diff before the change: exit $rc"; exit 1; }
echo "# one line more" >>runs_generated/vendor.profile
