#!/bin/sh
# A decision file with a line of 200 000 delimiters between two good
# records, and an execution file whose records hold NUL bytes; the same
# with 2 000 000 delimiters goes to big_generated/ for check.sh (the full
# size, 10 million delimiters, is a by-hand run).
set -e
gen() {         # gen DIR DELIMITERS
	mkdir -p "$1"
	{
		printf 'beslut_id;person_id;lagrum;insats;beslutsdatum;utfall\n'
		printf 'B1;191212121212;SoL;SOL_HEMTJANST;2026-01-10;bifall\n'
		head -c "$2" /dev/zero | tr '\0' ';'
		printf '\nB2;191212121212;SoL;SOL_HEMTJANST;2026-02-10;bifall\n'
	} >"$1/beslut_generated.csv"
	{
		printf 'verkstallighet_id;beslut_id;startdatum\n'
		printf 'V1;B1;2026-01\0000-20\n'
		printf 'V2;B2;2026-03-01\n'
		printf 'V3\000;B2;2026-03-02\n'
	} >"$1/verkstalligheter_generated.csv"
}
gen input 200000
gen big_generated 2000000
