#!/bin/sh
# SPEC 6: `<command> --help` explains every option with its default, and
# the exit status. For every command: each option of its usage line is
# explained on a line of its own, the options that have a default say it,
# and the exit statuses 0, 1 and 2 are explained. $2 = the evb binary.
bin=$2
status=0
for cmd in ivo meals fees due check verify diff; do
	help=$("$bin" $cmd --help) || { echo "$cmd --help: exit $?"; status=1; continue; }
	usage=$(printf '%s\n' "$help" | sed -n '1,/^$/p')
	for opt in $(printf '%s\n' "$usage" | grep -o -- '--[a-z-]*' | sort -u); do
		printf '%s\n' "$help" | grep -q "^  $opt " || { echo "$cmd: $opt not explained"; status=1; }
	done
	for opt in --out --config --templates --as-of; do
		line=$(printf '%s\n' "$help" | grep -A1 "^  $opt ")
		[ -z "$line" ] || printf '%s\n' "$line" | grep -q 'default' ||
			{ echo "$cmd: $opt without its default"; status=1; }
	done
	for s in 0 1 2; do
		printf '%s\n' "$help" | sed -n '/^exit status:/,$p' | grep -q "^  $s  " ||
			{ echo "$cmd: exit status $s not explained"; status=1; }
	done
done
exit $status
