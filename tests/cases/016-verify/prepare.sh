#!/bin/sh
# A fees run on the hand-made export of case 013, then verify re-runs it.
set -e
rm -rf runs_generated
mkdir -p runs_generated
"$1" fees --month 2026-10 --in ../013-fees-hand/input --out runs_generated --csv --quiet
