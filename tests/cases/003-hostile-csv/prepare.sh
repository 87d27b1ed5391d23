#!/bin/sh
# a verkstalligheter file with a 1.5 MB quoted field (over the 1 MiB limit)
# between two good records
set -e
f=input/verkstalligheter_generated.csv
{
	printf 'verkstallighet_id;beslut_id;startdatum;utforare\n'
	printf 'V1;B1;2026-01-20;Hemtjänst Norr\n'
	printf 'V2;B1;2026-02-01;"'
	head -c 1500000 /dev/zero | tr '\0' 'x'
	printf '"\nV3;B1;2026-03-01;Hemtjänst Norr\n'
} >"$f"
