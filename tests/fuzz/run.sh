#!/usr/bin/env bash
# make fuzz: runs each harness for SECONDS with libFuzzer.
#
#   tests/fuzz/run.sh SECONDS HARNESS...
#   FUZZ_JOBS=2 tests/fuzz/run.sh 600 csv xml     two harnesses at a time
#
# Each harness's corpus is build/fuzz/corpus/<harness>/ (kept between runs,
# not committed). Every run first gathers the repository's test inputs into
# it (tests/cases/*/input, tests/fixtures, samples/export, templates/,
# samples/evb.conf), named by their SHA-1 like libFuzzer's own units, so
# gathering twice adds nothing; tests/fuzz/seeds/<harness>/ and
# tests/fuzz/regress/<harness>/ are read as well. The log of a run is
# build/fuzz/<harness>.log.
#
# Exit status 1 when a harness found a crash, a leak, a timeout (-timeout=10)
# or ran out of memory (-rss_limit_mb=2048): the input is saved under
# build/fuzz/artifacts/ and its path printed. Once the bug is fixed, the
# input goes to tests/fuzz/regress/<harness>/, which `make test` replays.
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS HARNESS..." >&2
	exit 2
fi
seconds=$1
shift
jobs=${FUZZ_JOBS:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
mkdir -p build/fuzz/artifacts

# add HARNESS FLAGBYTE FILE: copies FILE into the corpus, after FLAGBYTE
# (two hex digits, or "" for none), as <sha1 of the content>
add() {
	local c=build/fuzz/corpus/$1 tmp
	tmp=$(mktemp "$c/.seed.XXXXXX") || return
	{
		[ -n "$2" ] && printf "\\x$2"
		head -c 65536 "$3"
	} >"$tmp"
	mv -f "$tmp" "$c/$(sha1sum <"$tmp" | cut -c1-40)"
}

# The CSV harness's first byte: its kind in bits 1-3, counted from beslut
# (fuzz_csv.c). The longest prefix of the file name wins, as in schema.c.
csv_flag() {
	local base k best=-1 len=0 i=0
	base=$(basename "$1" | tr 'A-Z' 'a-z')
	for k in beslut bestallningar verkstalligheter avbrott handelser maltider personer; do
		case $base in
		"$k"*) [ ${#k} -gt $len ] && best=$i len=${#k} ;;
		esac
		i=$((i + 1))
	done
	[ $best -ge 0 ] && printf '%02x' $((best * 2))
}

gather() {
	local h=$1 f flag k
	mkdir -p "build/fuzz/corpus/$h"
	case $h in
	csv)
		for f in tests/cases/*/input/*.csv tests/cases/*/input/*/*.csv samples/export/*.csv; do
			case $f in *_generated*) continue ;; esac
			[ -f "$f" ] || continue
			flag=$(csv_flag "$f") && add csv "$flag" "$f"
		done ;;
	xml)
		for f in tests/cases/*/input/*.xml tests/cases/*/input/*/*.xml \
			samples/export/*.xml tests/fixtures/xml_in/*.xml; do
			case $f in *_generated*) continue ;; esac
			[ -f "$f" ] && add xml "" "$f"
		done ;;
	field)      # the distinct short values of the sample export
		local tmpd
		tmpd=$(mktemp -d)
		cat samples/export/*.csv | tr ';\r' '\n\n' | sed 's/^"//; s/"$//' |
			awk 'length($0) > 0 && length($0) <= 40' | sort -u | head -500 |
			while IFS= read -r v; do
				printf '%s' "$v" >"$tmpd/v"
				add field "" "$tmpd/v"
			done
		rm -rf "$tmpd" ;;
	config)
		for f in samples/evb.conf tests/cases/*/*.conf tests/cases/*/input/*.conf; do
			[ -f "$f" ] && add config "" "$f"
		done ;;
	templates)  # the first byte chooses the file the rest replaces
		k=0
		for f in insatser skal texts layouts taxor maxtaxa; do
			add templates "$(printf %02x $k)" "templates/$f.csv"
			for g in tests/fixtures/templates/"$f"-*.csv; do
				[ -f "$g" ] && add templates "$(printf %02x $k)" "$g"
			done
			k=$((k + 1))
		done ;;
	esac
}

# fuzz HARNESS: one libFuzzer run; status 0 when it found nothing
fuzz() {
	local h=$1 log=build/fuzz/$1.log extra=() d opts=()
	for d in tests/fuzz/seeds/$h tests/fuzz/regress/$h; do
		[ -d "$d" ] && extra+=("$d")
	done
	[ -f "tests/fuzz/$h.dict" ] && opts+=("-dict=tests/fuzz/$h.dict")
	# the harness's scratch files (up to 17 MB) go here, and go away even
	# when it stops on a crash
	local tmp=$root/build/fuzz/tmp/$h rc
	rm -rf "$tmp"
	mkdir -p "$tmp"
	TMPDIR=$tmp build/fuzz/fuzz_$h -max_total_time="$seconds" -rss_limit_mb=2048 \
		-timeout=10 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$h-" \
		"${opts[@]}" "build/fuzz/corpus/$h" "${extra[@]}" >"$log" 2>&1
	rc=$?
	rm -rf "$tmp"
	return $rc
}

report() {
	local h=$1 rc=$2 log=build/fuzz/$1.log line saved
	if [ "$rc" -eq 0 ]; then
		line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 |
			sed -E 's/^#([0-9]+)[[:space:]]+DONE[[:space:]]+/\1 execs, /; s/ lim: [0-9]+//')
		echo "fuzz $h: ok, ${line:-no stats} (log $log)"
		return
	fi
	echo "fuzz $h: FAILED (exit $rc, log $log)"
	grep -m1 -E '^==[0-9]+== ?ERROR|^SUMMARY|runtime error|^ERROR:' "$log" | sed 's/^/    /'
	saved=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
	if [ -n "$saved" ]; then
		echo "    input saved as $saved"
		echo "    (reproduce: build/fuzz/fuzz_$h $saved; once fixed, copy it to tests/fuzz/regress/$h/)"
	else
		echo "    no input saved: see the log"
	fi
}

for h in "$@"; do
	if [ ! -x "build/fuzz/fuzz_$h" ]; then
		echo "fuzz $h: build/fuzz/fuzz_$h is missing (make fuzz builds it)" >&2
		exit 2
	fi
	gather "$h"
done

failed=0
running=()
declare -A pid_of
for h in "$@"; do
	echo "fuzz $h: ${seconds}s"
	fuzz "$h" &
	pid_of[$h]=$!
	running+=("$h")
	# at most $jobs at a time: wait for the oldest
	if [ ${#running[@]} -ge "$jobs" ]; then
		wait "${pid_of[${running[0]}]}"
		rc=$?
		report "${running[0]}" $rc
		[ $rc -eq 0 ] || failed=1
		running=("${running[@]:1}")
	fi
done
for h in "${running[@]}"; do
	wait "${pid_of[$h]}"
	rc=$?
	report "$h" $rc
	[ $rc -eq 0 ] || failed=1
done
exit $failed
