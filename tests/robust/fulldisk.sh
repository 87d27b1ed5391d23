#!/usr/bin/env bash
# A real full disk: --out on a small tmpfs, for sizes from 24 KB to 320 KB
# in 8 KB steps. A first `evb ivo` on the samples either fails with exit 2
# giving the reason ("No space left on device", or "sheet
# 'Individrapporter' holds 12 of 41 rows" when libxlsxwriter swallowed the
# error in its temporary file) and leaves nothing visible, or
# completes and `evb verify` passes on it; then a second run with
# --replace either fails with exit 2 leaving the first run byte-identical
# and nothing else, or completes and verifies. (Before issue 12, a 72 KB
# tmpfs gave exit 1, "report written", and a truncated sheet.)
#
# Mounting needs root or a user namespace (unshare -rm); elsewhere the test
# prints SKIP with the reason. Usage: fulldisk.sh BIN
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)

if [ "${EVB_IN_NS:-}" != 1 ]; then
	if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		EVB_IN_NS=1 exec unshare -m "$0" "$@"
	elif unshare -rm true 2>/dev/null; then
		EVB_IN_NS=1 exec unshare -rm "$0" "$@"
	fi
	echo "fulldisk: SKIP (cannot mount a tmpfs here: neither root nor a user namespace (unshare -rm))"
	exit 0
fi

cd "$root" || exit 2
chmod go-rwx samples/evb.conf
work=$(mktemp -d)
disk=$work/disk
mkdir -p "$disk"
trap 'umount "$disk" 2>/dev/null; rm -rf "$work"' EXIT
IVO=(ivo --period 2026Q3 --as-of 2026-11-22 --in samples/export --config samples/evb.conf --csv --quiet)
sums() { (cd "$1" && find . -print0 | sort -z | xargs -0 -I{} sh -c \
	'if [ -f "{}" ]; then sha256sum "{}"; else echo "dir {}"; fi'); }
verify() { TMPDIR=$work "$bin" verify "$1/manifest.json" --config samples/evb.conf >/dev/null 2>&1; }

# the reason: the write error itself, or (when libxlsxwriter swallowed it
# in its temporary files) what reading the workbook back found
reason='No space left on device\|holds [0-9]* of [0-9]* rows\|is cut short\|damaged\|shared strings'
fail=0 full_first=0 full_replace=0 fits=0
for kb in $(seq 24 8 320); do
	mount -t tmpfs -o size=${kb}k tmpfs "$disk" || { echo "fulldisk: SKIP (mount failed)"; exit 0; }
	"$bin" "${IVO[@]}" --out "$disk" >/dev/null 2>"$work/err"
	rc=$?
	if [ $rc = 2 ]; then
		full_first=$((full_first + 1))
		left=$(ls -A "$disk" | grep -v '^\.ivo-2026Q3\.lock$')
		if ! grep -q "$reason" "$work/err" || [ -n "$left" ]; then
			echo "  ${kb} KB, first run: exit 2 but '$left' left or no reason given"
			tail -3 "$work/err" | sed 's/^/    /'
			fail=$((fail + 1))
		fi
	elif [ $rc = 1 ] && verify "$disk/ivo-2026Q3"; then
		fits=$((fits + 1))
		before=$(sums "$disk/ivo-2026Q3")
		"$bin" "${IVO[@]}" --out "$disk" --replace >/dev/null 2>"$work/err"
		rc=$?
		left=$(ls -A "$disk" | grep -v '^\.ivo-2026Q3\.lock$\|^ivo-2026Q3$')
		if [ $rc = 2 ]; then
			full_replace=$((full_replace + 1))
			if [ "$(sums "$disk/ivo-2026Q3")" != "$before" ] || [ -n "$left" ] ||
			   ! grep -q "$reason" "$work/err"; then
				echo "  ${kb} KB, --replace: exit 2 but the earlier run changed or '$left' left"
				tail -3 "$work/err" | sed 's/^/    /'
				fail=$((fail + 1))
			fi
		elif [ $rc != 1 ] || ! verify "$disk/ivo-2026Q3" || [ -n "$left" ]; then
			echo "  ${kb} KB, --replace: exit $rc, or verify fails, or '$left' left"
			fail=$((fail + 1))
		fi
	else
		echo "  ${kb} KB, first run: exit $rc without a complete run folder"
		tail -3 "$work/err" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
	umount "$disk"
done
echo "fulldisk: $(seq 24 8 320 | wc -l) tmpfs sizes (24-320 KB): first run full $full_first," \
     "fits $fits (then --replace full $full_replace), $fail failed"
# the test must have met the full disk in both places
[ $fail = 0 ] && [ $full_first -gt 0 ] && [ $full_replace -gt 0 ]
