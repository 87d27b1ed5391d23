#!/bin/sh
# Two IVO runs of 2026Q3 for the diff: the October export (input-old) and a
# later export (input-new) with backdated registrations.
#   B1 D 2026-05-10, T1 = 2026-08-10: old Nyrapportering; new: executed
#      2026-07-15, before T1, so no row (only in the old run)
#   B2 D 2026-03-02, T1 = 2026-06-02 <= P: old Återrapportering 2026-09-02;
#      new: executed 2026-09-10, Slutrapportering, verkställt (changed)
#   B3 D 2026-05-20: Nyrapportering 2026-08-20 in both (unchanged)
#   B4 D 2026-06-01, registered late: Nyrapportering 2026-09-01 (only new)
set -e
rm -rf runs_generated
mkdir -p runs_generated/old runs_generated/new
for side in old new; do
	"$1" ivo --period 2026Q3 --as-of 2026-11-22 --in "input-$side" --config evb.conf \
		--out "runs_generated/$side" --quiet
done
