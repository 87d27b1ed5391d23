#!/bin/sh
# hold_cache (make bench's holder of its input in the page cache), each way
# it ends and what it holds:
#   no file            exit 2, its usage
#   a missing file     exit 2, the file named
#   a directory        open and fstat pass, mmap fails: exit 2, named
#   stdout /dev/full   its line cannot be written: exit 2
#   close fails        (strace injects EIO into the close of that one
#                      file): exit 2, the file named, nothing printed
#   an empty file and  "held 3 MB of input in 2 files" (3 145 728 bytes
#   a 3 MiB one        rounded to MB), still running after it, every page
#                      of the 3 MiB file resident (fincore: 768 pages of
#                      4 KiB), and gone once killed
# Usage: hold_test.sh HOLD_CACHE
set -u
hold=$1
tmp=$(mktemp -d) || exit 2
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
status=0
ok() { echo "[ OK ] hold_cache: $1"; }
fail() { echo "[FAIL] hold_cache: $1"; status=1; }

# fails CASE PATTERN ARGS...: exit 2 with PATTERN in its stderr
fails() {
	name=$1 pattern=$2
	shift 2
	timeout 10 "$hold" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$pattern" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ok "$name"
	else
		fail "$name: exit $rc, stderr: $(cat "$tmp/err")"
	fi
}
fails "no file" "usage: hold_cache FILE"
fails "a missing file" "$tmp/missing: No such file" "$tmp/missing"
mkdir "$tmp/dir"
fails "a directory" "$tmp/dir:" "$tmp/dir"
: >"$tmp/empty"
timeout 10 "$hold" "$tmp/empty" >/dev/full 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ]; then ok "stdout full"; else fail "stdout full: exit $rc"; fi
timeout 10 strace -o /dev/null -P "$tmp/empty" -e inject=close:error=EIO \
	"$hold" "$tmp/empty" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "$tmp/empty: Input/output error" "$tmp/err" && [ ! -s "$tmp/out" ]; then
	ok "close fails"
else
	fail "close fails: exit $rc, stderr: $(cat "$tmp/err")"
fi

head -c 3145728 /dev/zero | tr '\0' x >"$tmp/big"
# out of the page cache first (written to disk, then dropped), so that
# holding it is what brings it in
sync "$tmp/big" && dd if="$tmp/big" iflag=nocache count=0 status=none
res=$(fincore --noheadings --bytes --output RES "$tmp/big" | tr -d " ")
[ "$res" = 0 ] || echo "hold_cache: note: $res bytes still cached before the hold"
: >"$tmp/held"
"$hold" "$tmp/empty" "$tmp/big" >"$tmp/held" 2>"$tmp/err" &
pid=$!
i=0
while [ ! -s "$tmp/held" ] && [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if [ "$(cat "$tmp/held")" = "held 3 MB of input in 2 files" ]; then
	ok "prints what it holds"
else
	fail "prints '$(cat "$tmp/held")', stderr '$(cat "$tmp/err")'"
fi
sleep 0.2
if kill -0 "$pid" 2>/dev/null; then ok "waits"; else fail "ended by itself"; fi
res=$(fincore --noheadings --bytes --output RES "$tmp/big" 2>/dev/null | tr -d " ")
if [ "$res" = 3145728 ]; then ok "every page resident"; else fail "resident: '$res' bytes"; fi
kill "$pid"
wait "$pid" 2>/dev/null
if kill -0 "$pid" 2>/dev/null; then fail "still running once killed"; else ok "ends when killed"; fi
pid=
exit $status
