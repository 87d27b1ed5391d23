#!/usr/bin/env bash
# One test per observation of issue 12 ("Run folders and audits you can
# trust"): each failed on the code before it, and each is the behaviour of
# SPEC 4.1, 5 and 6 now. Usage: observations.sh BIN (run from anywhere).
. "$(dirname "$0")/common.sh"

ok() { pass=$((pass + 1)); echo "[ OK ] $1"; }
bad() { fail=$((fail + 1)); echo "[FAIL] $1"; [ -f "$work/err" ] && sed 's/^/    /' "$work/err" | tail -5; }
# check NAME CONDITION...: CONDITION is evaluated by the shell
check() { local name=$1; shift; if eval "$@"; then ok "$name"; else bad "$name"; fi; }

IVO=(ivo --period 2026Q3 --as-of 2026-11-22 --in samples/export --config samples/evb.conf)
FEES=(fees --month 2026-10 --in samples/export --config samples/evb.conf)
run() { "$bin" "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/rc"; }
rc() { cat "$work/rc"; }
json() { python3 -c "import json,sys; p=sys.argv[1]; m=json.load(open(p)); $2; json.dump(m, open(p, 'w'))" "$1"; }

# -- verify: a changed workbook with the outputs list emptied; outputs
#    outside the run folder; an output missing or extra
o=$work/v1
run "${FEES[@]}" --csv --out "$o"
m=$o/avgift-2026-10/manifest.json
printf 'X' | dd of="$o/avgift-2026-10/avgift-2026-10.xlsx" bs=1 seek=100 conv=notrunc 2>/dev/null
cp "$m" "$work/m.orig"
json "$m" 'm["outputs"] = []'
run verify "$m"
check "verify: emptied outputs list is refused (exit 2)" '[ "$(rc)" = 2 ] && grep -q "lists no outputs" "$work/err"'
cp "$work/m.orig" "$m"
json "$m" 'm["outputs"] = [o for o in m["outputs"] if not o["file"].endswith(".xlsx")]'
run verify "$m"
check "verify: a file of the folder not in the outputs differs (exit 1)" \
	'[ "$(rc)" = 1 ] && grep -q "not in the manifest: avgift-2026-10.xlsx" "$work/out"'
cp "$work/m.orig" "$m"
run verify "$m"
check "verify: one byte changed in the workbook differs (exit 1)" \
	'[ "$(rc)" = 1 ] && grep -q "output changed since the run" "$work/out"'
sha=$(sha256sum /etc/passwd | cut -d' ' -f1)
json "$m" "m['outputs'].append({'file': '../../../../../../etc/passwd', 'size': 1, 'sha256': '$sha'})"
run verify "$m"
check "verify: an output outside the run folder is refused (exit 2)" \
	'[ "$(rc)" = 2 ] && grep -q "not a file name of its folder" "$work/err" && ! grep -q passwd "$work/out"'

# -- verify: an output it cannot read is no finding of a changed report:
#    exit 2 with the reason (every read of the workbook fails with EIO;
#    strace -P injects into the calls on that file only)
o=$work/v3
run "${FEES[@]}" --csv --out "$o"
x=$o/avgift-2026-10/avgift-2026-10.xlsx
if strace -f -qq -o /dev/null true 2>/dev/null; then
	# (LeakSanitizer cannot run under ptrace)
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
	strace -f -qq -o /dev/null -P "$x" -e trace=read -e inject=read:error=EIO \
		"$bin" verify "$o/avgift-2026-10/manifest.json" --config samples/evb.conf \
		>"$work/out" 2>"$work/err"
	echo $? >"$work/rc"
	check "verify: an output that cannot be read stops it (exit 2), not 'changed'" \
		'[ "$(rc)" = 2 ] && grep -q "avgift-2026-10.xlsx: cannot read: Input/output error" "$work/err" && ! grep -q "changed since the run" "$work/out"'
else
	echo "[SKIP] verify: an output that cannot be read (strace cannot trace here)"
fi

# -- a run whose listing of --out fails must not pass over the earlier run
#    that a killed swap left under its hidden old name: exit 2 with the
#    reason, the earlier run kept (the next run restores it), nothing new
o=$work/listing
run "${IVO[@]}" --csv --out "$o"
mv "$o/ivo-2026Q3" "$o/.ivo-2026Q3.old-1-abc"
if strace -f -qq -o /dev/null true 2>/dev/null; then
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
	strace -f -qq -o /dev/null -P "$o" -e trace=getdents64 -e inject=getdents64:error=EIO \
		"$bin" "${IVO[@]}" --csv --out "$o" >"$work/out" 2>"$work/err"
	echo $? >"$work/rc"
	check "run folder: a failed listing of --out stops the run before the earlier run is lost" \
		'[ "$(rc)" = 2 ] && grep -q "cannot read the output folder: Input/output error" "$work/err" && [ -d "$o/.ivo-2026Q3.old-1-abc" ] && [ ! -e "$o/ivo-2026Q3" ]'
	run "${IVO[@]}" --csv --out "$o"
	check "run folder: the next run restores the earlier run (and refuses to replace it)" \
		'[ "$(rc)" = 2 ] && [ -f "$o/ivo-2026Q3/manifest.json" ] && [ ! -e "$o/.ivo-2026Q3.old-1-abc" ]'
else
	echo "[SKIP] run folder: a failed listing of --out (strace cannot trace here)"
fi

# -- a failed run whose temporary folder cannot be removed says so, with
#    the name it is left under, and the next run removes it (two faults:
#    the first workbook's fsync, then every unlinkat)
o=$work/unfinished
mkdir -p "$o"
if strace -f -qq -o /dev/null true 2>/dev/null; then
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
	strace -f -qq -o /dev/null -e trace=fsync,unlinkat -e inject=fsync:error=EIO:when=2 \
		-e inject=unlinkat:error=EIO \
		"$bin" "${IVO[@]}" --csv --out "$o" >"$work/out" 2>"$work/err"
	echo $? >"$work/rc"
	left=$(cd "$o" && ls -A | grep '^\.ivo-2026Q3\.tmp-' || true)
	check "run folder: an unfinished run that cannot be removed is said, by its name" \
		'[ "$(rc)" = 2 ] && [ -n "$left" ] && grep -q "the unfinished run could not be removed (Input/output error): it is left in $o as $left, which the next run there removes" "$work/err" && [ ! -e "$o/ivo-2026Q3" ]'
	run "${IVO[@]}" --csv --out "$o"
	check "run folder: the next run removes the unfinished run it left" \
		'[ "$(rc)" = 1 ] && [ "$(cd "$o" && ls -A | tr "\n" " ")" = ".ivo-2026Q3.lock ivo-2026Q3 " ]'
else
	echo "[SKIP] run folder: an unfinished run that cannot be removed (strace cannot trace here)"
fi

# -- a swap whose flush of --out fails and that cannot be taken back
#    either (two faults, on --out only): exit 2 (a failed flush), the new
#    run in place, complete and said to be unflushed, never "nothing
#    written"; with --replace the earlier run is kept hidden, not removed
#    while a crash could still bring it back, and the next run removes it.
#    unflushed NAME RENAME: the run into $work/NAME, whose undo is RENAME
unflushed() {
	o=$work/$1
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
	strace -f -qq -o /dev/null -P "$o" -e trace=fsync,$2 \
		-e inject=fsync:error=EIO:when=2 -e inject=$2:error=EIO:when=$3 \
		"$bin" "${IVO[@]}" --csv --out "$o" --replace >"$work/out" 2>"$work/err"
	echo $? >"$work/rc"
	left=$(cd "$o" && ls -A | grep '^\.ivo-2026Q3\.tmp-' || true)
	said='[ "$(rc)" = 2 ] && grep -q "cannot flush the output folder (Input/output error), nor take the new run back: $o/ivo-2026Q3 is in place and complete" "$work/err" && ! grep -q "nothing written" "$work/err" && "$bin" verify "$o/ivo-2026Q3/manifest.json" --config samples/evb.conf >/dev/null 2>&1'
}
if strace -f -qq -o /dev/null true 2>/dev/null; then
	mkdir -p "$work/unflushed-new"
	unflushed unflushed-new renameat 1
	check "run folder: a new run folder that can be neither flushed nor taken back is said (exit 2)" \
		"$said"' && [ -z "$left" ]'
	run "${IVO[@]}" --csv --out "$work/unflushed"
	unflushed unflushed renameat2 2
	check "run folder: a swap that can be neither flushed nor taken back is said (exit 2), the new run in place" \
		"$said"' && grep -q "the replaced run is kept in $o as $left until then" "$work/err" && [ -n "$left" ] && [ -f "$o/$left/manifest.json" ]'
	run "${IVO[@]}" --csv --out "$o" --replace
	check "run folder: the next run removes the earlier run kept hidden" \
		'[ "$(rc)" = 1 ] && [ "$(cd "$o" && ls -A | tr "\n" " ")" = ".ivo-2026Q3.lock ivo-2026Q3 " ]'
else
	echo "[SKIP] run folder: a swap that can be neither flushed nor taken back (strace cannot trace here)"
fi

# -- run folder without renameat2 (SMB, NFS; renameat2 fails with EINVAL):
#    the earlier run, moved aside for the swap, cannot be renamed back,
#    after the new run could not be renamed into place or after --out
#    could not be flushed and the new run was taken out again. The run
#    says where the earlier run is kept (exit 2), never "... is as it was",
#    and the next run puts it back.
#    hidden NAME WHEN [FSYNC-INJECT]: a --replace into $work/NAME whose
#    renameat calls on --out fail from the WHENth on
hidden() {
	o=$work/$1
	run "${IVO[@]}" --csv --out "$o"
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
	strace -f -qq -o /dev/null -P "$o" -e trace=renameat2,renameat,fsync \
		-e inject=renameat2:error=EINVAL -e inject=renameat:error=EIO:when=$2 ${3:+"$3"} \
		"$bin" "${IVO[@]}" --csv --out "$o" --replace >"$work/out" 2>"$work/err"
	echo $? >"$work/rc"
	kept=$(cd "$o" && ls -A | grep '^\.ivo-2026Q3\.old-' || true)
	said='[ "$(rc)" = 2 ] && [ -n "$kept" ] && grep -q "nothing new written, but the earlier run could not be renamed back: it is kept complete in $o as $kept, which the next run there puts back as $o/ivo-2026Q3" "$work/err" && ! grep -q "is as it was" "$work/err" && [ -f "$o/$kept/manifest.json" ] && [ ! -e "$o/ivo-2026Q3" ] && [ -z "$(cd "$o" && ls -A | grep "^\.ivo-2026Q3\.tmp-")" ]'
	back='run "${IVO[@]}" --csv --out "$o"; [ "$(rc)" = 2 ] && grep -q "give --replace" "$work/err" && "$bin" verify "$o/ivo-2026Q3/manifest.json" --config samples/evb.conf >/dev/null 2>&1'
}
if strace -f -qq -o /dev/null true 2>/dev/null; then
	hidden hidden-swap 2+
	check "run folder without renameat2: an earlier run that cannot be renamed back after a failed swap is said to be kept hidden (exit 2), and the next run puts it back" \
		"$said && $back"
	hidden hidden-undo 4+ -einject=fsync:error=EIO:when=2
	check "run folder without renameat2: an earlier run that cannot be renamed back after a failed flush is said to be kept hidden (exit 2), and the next run puts it back" \
		"$said && $back"
else
	echo "[SKIP] run folder without renameat2: an earlier run that cannot be renamed back (strace cannot trace here)"
fi

# -- verify: an extra input whose --in is rewritten as getopt's
#    abbreviation --i and dropped from the inputs
o=$work/v2
mkdir -p "$work/extra"
printf 'beslut_id;person_id;lagrum;insats;beslutsdatum;utfall\nX1;197010109135;SoL;SOL_HEMTJANST;2026-03-01;bifall\n' \
	>"$work/extra/beslut_extra.csv"
run "${IVO[@]}" --in "$work/extra/beslut_extra.csv" --out "$o"
m=$o/ivo-2026Q3/manifest.json
json "$m" 'a = m["arguments"]; i = a.index("'"$work/extra/beslut_extra.csv"'"); a[i - 1] = "--i"; m["inputs"] = [x for x in m["inputs"] if x["file"] != "beslut_extra.csv"]'
run verify "$m" --config samples/evb.conf
check "verify: an abbreviated option in the manifest is refused (exit 2)" \
	'[ "$(rc)" = 2 ] && grep -q "not an option a re-run takes" "$work/err"'
run ivo --per 2026Q3 --as-of 2026-11-22 --in samples/export --config samples/evb.conf --out "$o"
check "command line: an abbreviated option is a usage error" \
	'[ "$(rc)" = 2 ] && grep -q "unknown option .--per" "$work/err"'
run "${IVO[@]}" --out "$o" --out "$work/other"
check "command line: an option given twice is a usage error" \
	'[ "$(rc)" = 2 ] && grep -q "given twice" "$work/err" && [ ! -e "$work/other" ]'
run verify "$m" --conf samples/evb.conf
check "verify: an abbreviated option on its command line is refused" '[ "$(rc)" = 2 ]'

# -- verify: the manifest of another version; changed templates; a TMPDIR
#    longer than 40 characters
o=$work/v3
run "${FEES[@]}" --out "$o"
m=$o/avgift-2026-10/manifest.json
long=$work/a-temporary-folder-with-a-name-longer-than-forty-characters
mkdir -p "$long"
TMPDIR=$long run verify "$m" --config samples/evb.conf
check "verify: works under a long TMPDIR" '[ "$(rc)" = 0 ] && [ -z "$(ls -A "$long")" ]'
cp -r templates "$work/tpl"
sed -i 's/^reject.negative_count;.*/reject.negative_count;Antalet är under noll/' "$work/tpl/texts.csv"
run verify "$m" --templates "$work/tpl"
check "verify: other templates than the run's are refused (exit 2)" \
	'[ "$(rc)" = 2 ] && grep -q "template differs" "$work/err"'
cp "$m" "$work/m.orig"
json "$m" 'm["version"] = "0.0.9"'
run verify "$m"
check "verify: a manifest of another program version is refused (exit 2)" \
	'[ "$(rc)" = 2 ] && grep -q "written by evb 0.0.9" "$work/err"'
cp "$work/m.orig" "$m"
: >"$o/avgift-2026-10/stray.csv"
run verify "$m"
check "verify: an extra file in the run folder differs (exit 1)" \
	'[ "$(rc)" = 1 ] && grep -q "not in the manifest: stray.csv" "$work/out"'

# -- a second run into the same --out: refused without --replace; with it
#    the folder is swapped whole (no file of the earlier run survives)
o=$work/r1
run "${IVO[@]}" --csv --out "$o"
before=$(tree_sum "$o/ivo-2026Q3")
run "${IVO[@]}" --out "$o"
check "second run without --replace: exit 2, earlier run folder unchanged" \
	'[ "$(rc)" = 2 ] && grep -q "give --replace" "$work/err" && [ "$(tree_sum "$o/ivo-2026Q3")" = "$before" ]'
run "${IVO[@]}" --out "$o" --replace
check "second run with --replace: only the new run's files, all in the manifest" \
	'[ "$(rc)" = 1 ] && [ -z "$(ls "$o/ivo-2026Q3" | grep csv)" ] && "$bin" verify "$o/ivo-2026Q3/manifest.json" --config samples/evb.conf >/dev/null 2>&1'

# -- a kill between the two IVO workbooks (at the 8th fsync: after that of
#    --out when cleaning up, the 5 csv twins and the workbook of
#    ivo-2026Q3, the first of the statistics) leaves the earlier run; the
#    hidden leftovers go with the next run
o=$work/r2
run "${IVO[@]}" --out "$o"
before=$(tree_sum "$o/ivo-2026Q3")
if ! strace -f -o /dev/null true 2>/dev/null; then
	echo "[SKIP] killed between the workbooks: strace cannot trace here"
else
(strace -f -qq -e trace=fsync -e inject=fsync:signal=KILL:when=8 -o /dev/null \
	"$bin" "${IVO[@]}" --out "$o" --replace --csv; :) >/dev/null 2>&1
check "killed between the workbooks: the earlier run folder as it was" \
	'[ "$(tree_sum "$o/ivo-2026Q3")" = "$before" ] && ls "$o"/.ivo-2026Q3.tmp-*/ivo-2026Q3.xlsx "$o"/.ivo-2026Q3.tmp-*/statistik-2026Q3.Beslut.csv >/dev/null 2>&1'
run "${IVO[@]}" --out "$o" --replace
check "the next run removes the hidden leftovers of the killed one" \
	'[ "$(rc)" = 1 ] && [ "$(ls -A "$o" | tr "\n" " ")" = ".ivo-2026Q3.lock ivo-2026Q3 " ]'
fi

# -- a second run of the same run folder while one holds the lock
o=$work/r3
mkdir -p "$o"
: >"$o/.ivo-2026Q3.lock"
flock "$o/.ivo-2026Q3.lock" sleep 30 &
holder=$!
sleep 0.5
run "${IVO[@]}" --out "$o"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check "a run while another holds the lock: exit 2, nothing written" \
	'[ "$(rc)" = 2 ] && grep -q "another run is writing" "$work/err" && [ ! -e "$o/ivo-2026Q3" ]'

# -- a symbolic link planted at the run folder's name
o=$work/r4
mkdir -p "$o" "$work/elsewhere"
chmod 755 "$work/elsewhere"
ln -s "$work/elsewhere" "$o/ivo-2026Q3"
: >"$work/afile"
chmod 644 "$work/afile"
ln -s "$work/afile" "$o/avgift-2026-10"
run "${IVO[@]}" --out "$o"
check "a link at the run folder is not followed (folder target)" \
	'[ "$(rc)" = 2 ] && [ -z "$(ls -A "$work/elsewhere")" ] && [ "$(stat -c %a "$work/elsewhere")" = 755 ]'
run "${FEES[@]}" --out "$o"
check "a link at the run folder is not followed (file target not chmod-ed)" \
	'[ "$(rc)" = 2 ] && [ "$(stat -c %a "$work/afile")" = 644 ] && [ -L "$o/avgift-2026-10" ]'
run "${IVO[@]}" --out "$o" --replace
check "a link at the run folder is not replaced with --replace either" \
	'[ "$(rc)" = 2 ] && [ -L "$o/ivo-2026Q3" ] && [ -z "$(ls -A "$work/elsewhere")" ]'

# -- no decision accepted: an empty folder, a wrong file
o=$work/r5
run "${IVO[@]}" --out "$o"
before=$(tree_sum "$o/ivo-2026Q3")
mkdir -p "$work/empty"
run ivo --period 2026Q3 --as-of 2026-11-22 --in "$work/empty" --config samples/evb.conf --out "$o" --replace
check "ivo on an empty folder: exit 2, the earlier report kept" \
	'[ "$(rc)" = 2 ] && grep -q "no decision accepted" "$work/err" && [ "$(tree_sum "$o/ivo-2026Q3")" = "$before" ]'
run fees --month 2026-10 --in README.md --out "$o"
check "fees on README.md: exit 2" '[ "$(rc)" = 2 ] && [ ! -e "$o/avgift-2026-10" ]'
run due --as-of 2026-11-22 --in "$work/empty" --out "$o"
check "due on an empty folder: exit 2" '[ "$(rc)" = 2 ]'
run meals --month 2026-10 --in "$work/extra" --out "$o"
check "meals without a meal record: exit 2" '[ "$(rc)" = 2 ] && grep -q "no meal record accepted" "$work/err"'
run check --as-of 2026-11-22 --in "$work/empty" --out "$o"
check "check on an empty folder still reports (exit 0)" '[ "$(rc)" = 0 ]'

# -- non-regular entries of an --in folder; a FIFO given as --in
o=$work/r6
mkdir -p "$work/in1"
cp samples/export/beslut.csv "$work/in1/"
mkfifo "$work/in1/fifo.csv"
run check --as-of 2026-11-22 --in "$work/in1" --out "$o"
check "a FIFO in an --in folder: exit 2 naming it" \
	'[ "$(rc)" = 2 ] && grep -q "in1/fifo.csv: not a file to read: a FIFO" "$work/err"'
run profile --in "$work/in1"
check "evb profile on that folder: exit 2 naming the FIFO, as a run" \
	'[ "$(rc)" = 2 ] && grep -q "in1/fifo.csv: not a file to read: a FIFO" "$work/err" && [ ! -s "$work/out" ]'
rm "$work/in1/fifo.csv"
ln -s nowhere "$work/in1/gone.csv"
run check --as-of 2026-11-22 --in "$work/in1" --out "$o"
check "a dangling link in an --in folder: exit 2 naming it" \
	'[ "$(rc)" = 2 ] && grep -q "in1/gone.csv: not a file to read: a symbolic link to nothing" "$work/err"'
rm "$work/in1/gone.csv"
ln -s loop2 "$work/in1/loop1"
ln -s loop1 "$work/in1/loop2"
run check --as-of 2026-11-22 --in "$work/in1" --out "$o"
check "a link loop in an --in folder: exit 2 naming the entry" \
	'[ "$(rc)" = 2 ] && grep -q "in1/loop1: not a file to read: a loop" "$work/err"'
mkfifo "$work/fifo"
timeout 20 "$bin" check --as-of 2026-11-22 --in "$work/fifo" --out "$o" >/dev/null 2>"$work/err"
echo $? >"$work/rc"
check "a FIFO as --in is refused without reading it" \
	'[ "$(rc)" = 2 ] && grep -q "a FIFO" "$work/err"'

# -- configuration: no echo of a line, NUL and control characters in
#    ivo_key, a file others can read
printf 'municipality = X\nS3cr3tPrefix-0123456789=abcdef0123456789abcdef0123456789\n' >"$work/c1"
chmod 600 "$work/c1"
run check --as-of 2026-11-22 --in samples/export --config "$work/c1" --out "$o"
check "configuration: a mistyped line is never echoed" \
	'[ "$(rc)" = 2 ] && ! grep -q "S3cr3t\|abcdef" "$work/err" && grep -q "c1:2: not a .key = value. line" "$work/err"'
printf 'ivo_key = K\0zz0123456789abcdef0123456789abcdef\n' >"$work/c2"
chmod 600 "$work/c2"
run "${IVO[@]/samples\/evb.conf/$work/c2}" --out "$o"
check "configuration: a NUL in ivo_key is an error" '[ "$(rc)" = 2 ] && grep -q "NUL" "$work/err"'
printf 'ivo_key = 0123456789abcdef\t0123456789abcdef\x1b\n' >"$work/c3"
chmod 600 "$work/c3"
run "${IVO[@]/samples\/evb.conf/$work/c3}" --out "$o"
check "configuration: a control character in ivo_key is an error" \
	'[ "$(rc)" = 2 ] && grep -q "control character" "$work/err"'
printf 'municipality = X\n' >"$work/c4"
chmod 644 "$work/c4"
run check --as-of 2026-11-22 --in samples/export --config "$work/c4" --out "$work/r7"
check "configuration: readable by others gives a warning" \
	'[ "$(rc)" = 1 ] && grep -q "c4: warning: group or others can read" "$work/err"'

# -- negative amounts rejected, -0 is zero
mkdir -p "$work/in2"
printf 'beslut_id;person_id;lagrum;insats;beslutsdatum;utfall;omfattning;omfattning_enhet\nN1;197010109135;SoL;SOL_HEMTJANST;2026-03-01;bifall;-5;tim/man\nN2;197010109135;SoL;SOL_HEMTJANST;2026-03-02;bifall;-0;tim/man\n' \
	>"$work/in2/beslut.csv"
printf 'person_id;enhet;manad;antal\n197010109135;Linden;2026-10;-0\n197010109135;Linden;2026-09;-2\n' \
	>"$work/in2/maltider.csv"
run check --as-of 2026-11-22 --in "$work/in2" --out "$work/r8"
check "omfattning -5 is rejected, -0 is zero" \
	'grep -q "beslut.csv:2: omfattning: omfattning is negative" "$work/err" && ! grep -q "beslut.csv:3" "$work/err"'
check "antal -0 is zero, -2 is rejected" \
	'! grep -q "maltider.csv:2" "$work/err" && grep -q "maltider.csv:3: antal: antal is negative" "$work/err"'

echo "observations: $pass passed, $fail failed"
[ $fail -eq 0 ]
