#!/bin/sh
# evb profile on the vendor-shaped sample writes a starting profile; with
# only its commented lines filled in (as a user would, here from what
# samples/leverantor.profile says of those columns and codes) it gives the
# same reports as the plain sample set. Also: --out writes the file owner-only.
set -e
root=../../..
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$1" profile --in $root/samples/export-leverantor --out "$tmp/start.profile"
[ "$(stat -c %a "$tmp/start.profile")" = 600 ]
python3 - "$tmp/start.profile" $root/samples/leverantor.profile >"$tmp/filled.profile" <<'PY'
import re, sys
start, ref = sys.argv[1], sys.argv[2]
cols, codes = {}, {}
for line in open(ref, encoding="utf-8"):
    m = re.match(r"^(\w+)\.(\w+) = (.*)$", line.rstrip("\n"))
    if m and m.group(1) not in ("file", "format", "code"):
        cols[(m.group(1), m.group(3).lower())] = m.group(2)
    m = re.match(r"^code\.(\w+)\.(\w+)\.(\S+) = (.*)$", line.rstrip("\n"))
    if m:
        for v in m.group(4).split("|"):
            codes[(m.group(1), m.group(2), v.strip().lower())] = m.group(3)
current = {}
filled = 0
for line in open(start, encoding="utf-8"):
    line = line.rstrip("\n")
    out = line
    m = re.match(r"^# (\w+)\.\? = (.*)$", line)
    if m:
        kind, header = m.groups()
        col = cols.get((kind, header.lower()))
        current[kind] = col
        if col:
            out = f"{kind}.{col} = {header}"
    m = re.match(r"^# format\.(\w+)\.\? = (.*)$", line)
    if m and current.get(m.group(1)):
        out = f"format.{m.group(1)}.{current[m.group(1)]} = {m.group(2)}"
    m = re.match(r"^# code\.(\w+)\.(\w+|\?)\.\? = (.*)$", line)
    if m:
        kind, col, value = m.groups()
        col = current.get(kind) if col == "?" else col
        code = codes.get((kind, col, value.lower())) if col else None
        if code:
            out = f"code.{kind}.{col}.{code} = {value}"
    if out != line:
        filled += 1
    print(out)
print(f"{filled} lines filled in", file=sys.stderr)
PY
$root/tests/e2e/same_reports.sh "$1" "$tmp/filled.profile"
