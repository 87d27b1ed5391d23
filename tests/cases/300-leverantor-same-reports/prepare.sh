#!/bin/sh
# The vendor-shaped sample (samples/export-leverantor, SPEC 4.2) is in step
# with samples/export (tests/gen/leverantor.py gives the same bytes), and
# read through samples/leverantor.profile it gives the same ivo, meals,
# fees, due and check reports as the plain set (tests/e2e/same_reports.sh).
set -e
root=../../..
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 $root/tests/gen/leverantor.py --out "$tmp/export" --profile "$tmp/leverantor.profile"
if ! diff -r "$tmp/export" $root/samples/export-leverantor >/dev/null ||
   ! cmp -s "$tmp/leverantor.profile" $root/samples/leverantor.profile; then
	echo "samples/export-leverantor is out of step: run tests/gen/leverantor.py"
	exit 1
fi
$root/tests/e2e/same_reports.sh "$1" $root/samples/leverantor.profile
