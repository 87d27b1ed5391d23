#!/bin/sh
# The installation (SPEC 6): make install into a fresh DESTDIR; the
# installed binary, run from another folder without --templates, finds its
# templates (../share/evb/templates) and writes the sample check report
# the e2e goldens hold; --templates still wins; the manual page renders
# without warnings, lints clean and names every command and option the
# binary knows (and so does README.md); the bash completion completes commands, options and the
# --period/--month forms; make uninstall leaves no file behind.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
dest=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$dest" "$work"' EXIT
fail=0
no() { echo "install-test: $*"; fail=1; }

make --no-print-directory -s -C "$root" install DESTDIR="$dest" >"$work/make.log" 2>&1 ||
	{ cat "$work/make.log"; no "make install failed"; exit 1; }
prefix=$dest/usr/local
bin=$prefix/bin/evb
man=$prefix/share/man/man1/evb.1
comp=$prefix/share/bash-completion/completions/evb
for f in "$bin" "$man" "$comp" "$prefix/share/evb/templates/texts.csv"; do
	[ -f "$f" ] || no "not installed: ${f#$dest}"
done

# the installed binary from another folder, without --templates
cd "$work"
rc=0
"$bin" check --as-of 2026-11-22 --in "$root/samples/export" --config "$root/samples/evb.conf" \
	--out "$work/out" --csv --quiet 2>"$work/stderr" || rc=$?
[ $rc -eq 1 ] || { cat "$work/stderr"; no "installed evb check: exit $rc, not 1"; }
golden=$root/tests/cases/002-samples-check/expected
n=0
for f in "$golden"/kontroll-*/*.csv; do
	n=$((n + 1))
	g=${f#$golden/}
	cmp -s "$f" "$work/out/$g" || no "installed evb check: $g differs from case 002"
done
[ $n -gt 0 ] || no "no golden of case 002 to compare with"
rc=0
"$bin" check --in "$root/samples/export" --templates "$work/none" --out "$work/out2" \
	--quiet 2>/dev/null || rc=$?
[ $rc -eq 2 ] || no "--templates does not win over the installed templates (exit $rc)"

# the manual page
out=$(MANWIDTH=80 man --warnings -l "$man" 2>&1 >"$work/man.txt") || no "man -l failed"
[ -z "$out" ] || no "man -l warns: $out"
grep -q "EXIT STATUS" "$work/man.txt" || no "the manual page has no EXIT STATUS"
if command -v mandoc >/dev/null; then
	out=$(mandoc -Tlint "$man" 2>&1) || no "mandoc -Tlint: $out"
fi
cmds=$("$bin" --help | sed -n 's/^  \([a-z]\{1,\}\) .*/\1/p')
[ -n "$cmds" ] || no "no commands in evb --help"
for c in $cmds; do
	grep -q "^\.It Cm $c" "$man" || no "the manual page lacks the command $c"
	for o in $("$bin" $c --help | sed -n '1,/^$/p' | grep -o -- '--[a-z-]*' | sort -u); do
		grep -qF -- "Fl \\${o#-}" "$man" || no "the manual page lacks $o (evb $c)"
		grep -qF -- "$o" "$root/README.md" || no "README.md lacks $o (evb $c)"
	done
done

# the bash completion
complete_() { # words..., the last one being completed
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _evb
		printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@"
}
year=$(date +%Y)
[ "$(complete_ evb i)" = ivo ] || no "completion: evb i -> $(complete_ evb i)"
[ "$(complete_ evb pro)" = profile ] || no "completion: evb pro"
for c in $cmds; do
	[ "$(complete_ evb "$c")" = "$c" ] || no "completion lacks the command $c"
	for o in $("$bin" $c --help | sed -n '1,/^$/p' | grep -o -- '--[a-z-]*' | sort -u); do
		complete_ evb "$c" "$o" | grep -qx -- "$o" || no "completion lacks $o for evb $c"
	done
done
complete_ evb ivo --period "" | grep -qx "${year}Q3" || no "completion: --period ${year}Q3"
complete_ evb fees --month "$year-1" | grep -qx "$year-10" || no "completion: --month $year-10"
complete_ evb profile --pe | grep -q . && no "completion offers --period to evb profile"

# make uninstall leaves nothing behind
make --no-print-directory -s -C "$root" uninstall DESTDIR="$dest" >"$work/make.log" 2>&1 ||
	{ cat "$work/make.log"; no "make uninstall failed"; }
left=$(find "$dest" ! -type d)
[ -z "$left" ] || no "left after make uninstall: $left"
[ ! -e "$prefix/share/evb" ] || no "left after make uninstall: ${prefix#$dest}/share/evb"

[ $fail -eq 0 ] && echo "install-test: make install, the installed evb, its manual page and completion, make uninstall: ok"
exit $fail
