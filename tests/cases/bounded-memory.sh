#!/bin/sh
# Shared by the hostile-input cases' check.sh (run inside the case folder):
#
#   ../bounded-memory.sh OUT DIR BIGDIR
#
# runs the plain build (build/evb, no sanitizers) as
# `evb check --as-of 2026-11-22 --in DIR` and again on BIGDIR, which
# prepare.sh fills with the same hostile inputs made larger (ten times, as
# a rule), and measures the peak memory of each with /usr/bin/time. Memory
# is bounded when the larger input costs at most SLACK_KIB (default 4096)
# more than the smaller, and neither run passes LIMIT_KIB (default 65536).
set -u
out=$1 small=$2 big=$3
slack=${SLACK_KIB:-4096}
limit=${LIMIT_KIB:-65536}
evb=../../../build/evb
peak() {        # peak DIR NAME: prints the peak in KiB
	rm -rf "$out/mem-$2"
	mkdir -p "$out/mem-$2"
	/usr/bin/time -f %M -o "$out/mem-$2.rss" "$evb" check --quiet --as-of 2026-11-22 \
		--in "$1" --out "$out/mem-$2" >"$out/mem-$2.log" 2>&1
	tail -1 "$out/mem-$2.rss"
}
a=$(peak "$small" small)
b=$(peak "$big" big)
echo "peak memory: $a KiB on $small, $b KiB on $big"
case $a$b in *[!0-9]*|'') echo "cannot measure"; exit 1 ;; esac
[ "$a" -le "$limit" ] && [ "$b" -le "$limit" ] || { echo "over $limit KiB"; exit 1; }
[ "$b" -le $((a + slack)) ] || { echo "grows with the input by $((b - a)) KiB"; exit 1; }
