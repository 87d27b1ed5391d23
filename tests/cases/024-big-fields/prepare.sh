#!/bin/sh
# CSV fields of 3 MB (over the 1 MiB limit), where the reader must keep its
# memory bounded; the same files with 30 MB fields go to big_generated/ for
# check.sh (the full size, a 100 MB field, is a by-hand run):
#  - beslut: an unquoted 3 MB field between two good records;
#  - handelser: a quoted field opened on line 3 and never closed, followed
#    by 3 MB of text on many lines: the file ends inside it;
#  - avbrott: a 3 MB field on the last line, without a final newline;
#  - bestallningar: a record after a lone CR (where libcsv ends a record,
#    too) whose quoted field holds 3 MB of blanks; the header ends in CR LF,
#    so that the lone CR is not the block's first.
set -e
gen() {         # gen DIR BYTES
	x() { head -c "$1" /dev/zero | tr '\0' 'x'; }
	mkdir -p "$1"
	{
		printf 'beslut_id;person_id;lagrum;insats;beslutsdatum;utfall\n'
		printf 'B1;19121212-1212;SoL;SOL_HEMTJANST;2026-01-05;bifall\n'
		printf 'B2;19121212-1212;SoL;SOL_HEMTJANST;2026-02-05;'
		x "$2"
		printf '\nB3;19121212-1212;SoL;SOL_HEMTJANST;2026-03-05;bifall\n'
	} >"$1/beslut_generated.csv"
	{
		printf 'handelse_id;beslut_id;datum;typ;text\n'
		printf 'H1;B1;2026-01-10;kontakt;ok\n'
		printf 'H2;B1;2026-01-11;kontakt;"never closed\n'
		x "$2" | fold -w 100
		printf '\nH3;B1;2026-01-12;kontakt;swallowed\n'
	} >"$1/handelser_generated.csv"
	{
		printf 'avbrott_id;beslut_id;fran_datum\n'
		printf 'A1;B1;2026-04-01\n'
		printf 'A2;B1;'
		x "$2"
	} >"$1/avbrott_generated.csv"
	{
		printf 'bestallning_id;beslut_id;utforare;skickad\r\n'
		printf 'O1;B1;Hemtjänst Norr;2026-01-07 09:00\r"'
		head -c "$2" /dev/zero | tr '\0' ' '
		printf '"\nO3;B1;Hemtjänst Norr;2026-01-08 09:00\n'
	} >"$1/bestallningar_generated.csv"
}
gen input 3000000
gen big_generated 30000000
