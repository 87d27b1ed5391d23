#!/bin/sh
# evb verify needs the profile a run was read through (SPEC 4.2, 6): a
# check run on case 302's export through a copy of its profile verifies as
# identical; once the profile changes (Bifallet maps to bifall too), verify
# says it differs (exit 1) and names the profile. The case's command then
# reads the export through the changed profile: Bifallet is accepted now,
# and only the impossible date 30.02.2026 is rejected.
set -e
rm -rf runs_generated
mkdir -p runs_generated
cp ../302-profile-unmapped-code/vendor.profile runs_generated/vendor.profile
rc=0
"$1" check --as-of 2026-11-22 --in ../302-profile-unmapped-code/input \
	--profile runs_generated/vendor.profile --out runs_generated --csv --quiet 2>/dev/null || rc=$?
[ $rc -eq 1 ]
manifest=runs_generated/kontroll-2026-11-22/manifest.json
python3 -c 'import json, re, sys
p = json.load(open(sys.argv[1]))["profile"]
assert p["file"] == "runs_generated/vendor.profile" and re.fullmatch("[0-9a-f]{64}", p["sha256"]), p' $manifest
out=$("$1" verify $manifest)
echo "$out" | grep -q "every output is identical"
sed -i 's/^code.beslut.utfall.bifall = Beviljat$/code.beslut.utfall.bifall = Beviljat | Bifallet/' \
	runs_generated/vendor.profile
rc=0
out=$("$1" verify $manifest) || rc=$?
[ $rc -eq 1 ] || { echo "verify after the change: exit $rc, not 1"; exit 1; }
echo "$out" | grep -q "^changed profile: runs_generated/vendor.profile" ||
	{ echo "verify does not name the profile: $out"; exit 1; }
