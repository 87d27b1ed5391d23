#!/usr/bin/env bash
# End-to-end tests: runs the real binary on the cases under tests/cases/.
#
# A case is a folder tests/cases/NNN-name/ with
#   cmd          the arguments (one line; run inside the case folder, with
#                --out pointing at a fresh temporary folder)
#   input/       the export files (any layout the cmd refers to)
#   prepare.sh   optional, run with the binary as $1: makes inputs too big to
#                keep in git, or earlier runs a command needs (*_generated*)
#   expected/    status (exit code), stdout, stderr, and the --csv outputs of
#                every workbook (<run>/<book>.<sheet>.csv), compared byte for
#                byte; the temporary folder's path is shown as OUT.
# Every case with a .xlsx output is also run a second time, and the
# workbooks must be byte-identical (determinism), and every output file
# must be readable by its owner only.
#
# UPDATE=1 tests/e2e/run.sh BIN   rewrites the expected/ files (review the
# diff before committing).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
pass=0
fail=0
failed=()
# git keeps no file modes but x: configurations that group or others can
# read give a warning (they may hold the IVO key), so the cases' own are
# made owner-only and their stderr does not depend on the umask
chmod go-rwx "$root"/samples/evb.conf "$root"/tests/cases/*/evb.conf 2>/dev/null

run_case() {
	local dir=$1 out=$2
	local to="--out \"$out\""
	# evb verify writes nothing into --out: it takes no such option
	case $(cat "$dir/cmd") in verify*) to= ;; esac
	(cd "$dir" && eval "\"$bin\" $(cat cmd) $to" \
		>"$out.stdout" 2>"$out.stderr"; echo $? >"$out.status")
	sed -i "s|$out|OUT|g" "$out.stdout" "$out.stderr"
}

for dir in "$root"/tests/cases/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	[ -f "$dir/cmd" ] || continue
	# a case may generate big inputs at test time: prepare.sh (exit 0 = fine)
	if [ -x "$dir/prepare.sh" ] && ! (cd "$dir" && ./prepare.sh "$bin"); then
		fail=$((fail + 1))
		failed+=("$name")
		echo "[FAIL] $name: prepare.sh failed"
		continue
	fi
	tmp=$(mktemp -d)
	out1=$tmp/run1 out2=$tmp/run2
	mkdir -p "$out1" "$out2"
	run_case "$dir" "$out1"
	ok=1
	why=""
	if [ "${UPDATE:-0}" = 1 ]; then
		rm -rf "$dir/expected"
		mkdir -p "$dir/expected"
		cp "$out1.status" "$dir/expected/status"
		cp "$out1.stdout" "$dir/expected/stdout"
		cp "$out1.stderr" "$dir/expected/stderr"
		(cd "$out1" && find . -name '*.csv' | sort | while read -r f; do
			mkdir -p "$dir/expected/$(dirname "$f")"
			cp "$f" "$dir/expected/$f"
		done)
	fi
	for f in status stdout stderr; do
		if ! cmp -s "$dir/expected/$f" "$out1.$f"; then
			ok=0
			why="$why $f differs:"$'\n'"$(diff "$dir/expected/$f" "$out1.$f" | head -20)"$'\n'
		fi
	done
	exp_csv=$(cd "$dir/expected" && find . -name '*.csv' | sort)
	got_csv=$(cd "$out1" && find . -name '*.csv' | sort)
	if [ "$exp_csv" != "$got_csv" ]; then
		ok=0
		why="$why csv outputs differ in names:"$'\n'"$(diff <(echo "$exp_csv") <(echo "$got_csv"))"$'\n'
	fi
	for f in $exp_csv; do
		if [ -f "$out1/$f" ] && ! cmp -s "$dir/expected/$f" "$out1/$f"; then
			ok=0
			why="$why $f differs:"$'\n'"$(diff "$dir/expected/$f" "$out1/$f" | head -20)"$'\n'
		fi
	done
	# owner-only permissions on every output file
	bad=$(find "$out1" -mindepth 2 -type f ! -perm 600 | head -3)
	if [ -n "$bad" ]; then
		ok=0
		why="$why files not mode 0600: $bad"$'\n'
	fi
	# determinism: a second run gives byte-identical workbooks
	if [ -n "$(find "$out1" -name '*.xlsx' | head -1)" ]; then
		run_case "$dir" "$out2"
		for f in $(cd "$out1" && find . -name '*.xlsx' -o -name 'manifest.json' | sort); do
			if ! cmp -s "$out1/$f" "$out2/$f"; then
				ok=0
				why="$why second run: $f not byte-identical"$'\n'
			fi
		done
	fi
	# a case may bring its own extra check: check.sh OUTDIR BIN (exit 0 = fine)
	if [ -x "$dir/check.sh" ] && ! (cd "$dir" && ./check.sh "$out1" "$bin" >"$tmp/check.log" 2>&1); then
		ok=0
		why="$why check.sh failed:"$'\n'"$(tail -20 "$tmp/check.log")"$'\n'
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		echo "[ OK ] $name"
	else
		fail=$((fail + 1))
		failed+=("$name")
		echo "[FAIL] $name"
		printf '%s\n' "$why" | sed 's/^/    /'
	fi
	rm -rf "$tmp"
done
echo "e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
