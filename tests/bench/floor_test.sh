#!/bin/sh
# The write floor (tests/bench/write_floor.c) writes the cell formats evb
# wrote: for each workbook the five commands write from samples/export,
# the floor's xl/styles.xml equals evb's but for the conditional formats'
# <dxfs> (the floor writes no conditional formatting, a few elements per
# sheet). A floor whose formats differ from evb's times other work: with
# evb's text formats, which differ only in their alignment, written as
# the default format, libxlsxwriter looked each such cell's format up
# again (a fifth of the floor's time at 1 M); a number format with a
# quote ("#,##0.00\ "kr"") taken undecoded came out as another format.
# Usage: floor_test.sh EVB WRITE_FLOOR, from the repository's root.
set -u
evb=$1
floor=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
status=0
chmod go-rwx samples/evb.conf   # it holds a key; git keeps no modes
# styles BOOK: its styles.xml, one element a line, without <dxfs>
styles() {
	python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("xl/styles.xml").decode())' "$1" |
		sed 's/></>\n</g' | sed '/^<dxfs count="[0-9]*">$/,/^<\/dxfs>/d; /^<dxfs[^>]*\/>$/d'
}
for cmd in "check --as-of 2026-11-22" "ivo --period 2026Q3 --as-of 2026-11-22" \
	"fees --month 2026-10" "meals --month 2026-10" "due --as-of 2026-11-22"; do
	# exit 1: written, with the samples' deliberate rejects
	# shellcheck disable=SC2086
	"$evb" $cmd --quiet --in samples/export --config samples/evb.conf \
		--out "$tmp/out" >/dev/null 2>"$tmp/err"
	s=$?
	if [ $s -gt 1 ]; then
		echo "[FAIL] write floor: evb $cmd exited $s"
		cat "$tmp/err"
		status=1
	fi
done
n=0
for book in "$tmp"/out/*/*.xlsx; do
	name=$(basename "$book")
	rm -rf "$tmp/floor" && mkdir "$tmp/floor"
	if ! "$floor" --keep "$tmp/floor" "$book" >"$tmp/floor.txt" 2>&1; then
		echo "[FAIL] write floor: $name not written"
		cat "$tmp/floor.txt"
		status=1
	elif styles "$book" >"$tmp/evb.xml" && styles "$tmp/floor/floor-0.xlsx" >"$tmp/f.xml" &&
		[ -s "$tmp/evb.xml" ] && diff -u "$tmp/evb.xml" "$tmp/f.xml"; then
		echo "[ OK ] write floor: the formats of $name"
	else
		echo "[FAIL] write floor: the formats of $name"
		status=1
	fi
	n=$((n + 1))
done
if [ $n -ne 6 ]; then
	echo "[FAIL] write floor: $n workbooks, not 6"
	status=1
fi
exit $status
