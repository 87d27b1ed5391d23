#!/bin/sh
# same_reports.sh BIN PROFILE: evb ivo, meals, fees, due and check on the
# plain sample export and on its vendor-shaped twin read through PROFILE
# (SPEC 4.2) give the same reports: every --csv twin is compared, leaving
# out only what names input files: the columns Fil, Rad and Värde, the
# sheet "Inläsning", and file names in other texts (a finding's detail
# "export_tillagg.xml:147": the twin's files are matched by their place in
# "Inläsning", as both sets list their files in the same order). Exit 0
# when all are the same.
set -eu
bin=$1
profile=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # set, then the command's arguments
	set_=$1
	shift
	if [ "$set_" = plain ]; then
		in="$root/samples/export"
		extra=""
	else
		in="$root/samples/export-leverantor"
		extra="--profile $profile"
	fi
	mkdir -p "$tmp/$set_"
	# exit 1: written, with the samples' deliberate rejects
	rc=0
	"$bin" "$@" --in "$in" $extra --config "$root/samples/evb.conf" --csv --quiet \
		--out "$tmp/$set_" 2>>"$tmp/$set_.stderr" || rc=$?
	[ $rc -le 1 ] || { echo "$set_: evb $* failed ($rc):"; cat "$tmp/$set_.stderr"; exit 1; }
}
for set in plain vendor; do
	run $set ivo --period 2026Q3 --as-of 2026-11-22
	run $set meals --month 2026-10
	run $set fees --month 2026-10
	run $set due --as-of 2026-11-22
	run $set check --as-of 2026-11-22
done
exec python3 - "$tmp/plain" "$tmp/vendor" <<'PY'
import csv, os, sys
plain, vendor = sys.argv[1], sys.argv[2]
def twins(d):
    return sorted(os.path.relpath(os.path.join(r, f), d)
                  for r, _, fs in os.walk(d) for f in fs if f.endswith(".csv"))
a, b = twins(plain), twins(vendor)
if a != b:
    sys.exit(f"different outputs: {sorted(set(a) ^ set(b))}")
def rows(path, drop=()):
    with open(path, encoding="utf-8-sig", newline="") as f:
        r = list(csv.reader(f, delimiter=";"))
    keep = [i for i, h in enumerate(r[0]) if h not in drop] if r else []
    return [[row[i] for i in keep if i < len(row)] for row in r]
DROP = ("Fil", "Rad", "Värde")
# the vendor file name -> the plain one, by their place in "Inläsning"
ins = [f for f in a if ".Inläsning." in f][0]
names = {}
for p, q in zip(rows(os.path.join(plain, ins))[1:], rows(os.path.join(vendor, ins))[1:]):
    names[q[0]] = p[0]
def renamed(table):
    out = []
    for row in table:
        cells = []
        for c in row:
            for q in sorted(names, key=len, reverse=True):
                c = c.replace(q, names[q])
            cells.append(c)
        out.append(cells)
    return out
bad, n = 0, 0
for f in a:
    if ".Inläsning." in f:
        continue
    n += 1
    x, y = rows(os.path.join(plain, f), DROP), renamed(rows(os.path.join(vendor, f), DROP))
    if x != y:
        bad += 1
        for i, (p, q) in enumerate(zip(x, y)):
            if p != q:
                print(f"{f}: row {i + 1}:\n  plain:  {p}\n  vendor: {q}")
                break
        else:
            print(f"{f}: {len(x)} rows against {len(y)}")
if bad:
    sys.exit(f"{bad} of {n} reports differ")
print(f"same reports: {n} csv twins")
PY
