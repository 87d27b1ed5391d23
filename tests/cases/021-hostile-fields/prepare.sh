#!/bin/sh
# A decision file with a line of 200 000 delimiters between two good
# records, and an execution file whose records hold NUL bytes (the full
# sizes - 10 million delimiters - were run by hand; see the README).
set -e
mkdir -p input
{
	printf 'beslut_id;person_id;lagrum;insats;beslutsdatum;utfall\n'
	printf 'B1;191212121212;SoL;SOL_HEMTJANST;2026-01-10;bifall\n'
	head -c 200000 /dev/zero | tr '\0' ';'
	printf '\nB2;191212121212;SoL;SOL_HEMTJANST;2026-02-10;bifall\n'
} >input/beslut_generated.csv
{
	printf 'verkstallighet_id;beslut_id;startdatum\n'
	printf 'V1;B1;2026-01\0000-20\n'
	printf 'V2;B2;2026-03-01\n'
	printf 'V3\000;B2;2026-03-02\n'
} >input/verkstalligheter_generated.csv
