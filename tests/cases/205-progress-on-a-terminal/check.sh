#!/bin/sh
# SPEC 6: progress on stderr when it is a terminal. The case itself runs
# without a terminal, and its expected stderr holds no progress. Here the
# same run gets a terminal from script(1): the phase and the file are
# shown on a line rewritten in place ("\rreading beslut.csv...\033[K"),
# and cleared; with --quiet nothing of it is shown.
# $1 = the case's output folder, $2 = the evb binary.
out=$1 bin=$2
run="$bin check --as-of 2026-11-22 --in ../../../samples/export --config ../../../samples/evb.conf"
tty=$(script -qec "$run --out $out/tty" /dev/null) || [ $? -eq 1 ] || exit 1
printf '%s' "$tty" | grep -q "$(printf '\rreading beslut.csv')" ||
	{ echo "no progress on a terminal"; exit 1; }
printf '%s' "$tty" | grep -q "$(printf 'writing kontroll-2026-11-22')" ||
	{ echo "no writing phase on a terminal"; exit 1; }
quiet=$(script -qec "$run --quiet --out $out/quiet" /dev/null) || [ $? -eq 1 ] || exit 1
if printf '%s' "$quiet" | grep -q 'reading\|writing'; then
	echo "progress despite --quiet"
	exit 1
fi
exit 0
