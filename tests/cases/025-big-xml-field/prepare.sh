#!/bin/sh
# An XML record with a 3 MB value (over the 1 MiB limit) between two good
# records. libxml2 refuses a text over 10 MB (XML_MAX_TEXT_LENGTH: the file
# is then not well-formed), so what a value costs in memory stops growing
# there: check.sh compares a 12 MB and a 30 MB value (big_generated/ and
# mid_generated/). The full size, 100 MB, is a by-hand run.
set -e
gen() {         # gen DIR BYTES
	rec='<person_id>19121212-1212</person_id><lagrum>SoL</lagrum><insats>SOL_HEMTJANST</insats>'
	mkdir -p "$1"
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n<evb-export version="1">\n'
		printf '<beslut><beslut_id>X1</beslut_id>%s<beslutsdatum>2026-04-05</beslutsdatum><utfall>bifall</utfall></beslut>\n' "$rec"
		printf '<beslut><beslut_id>X2</beslut_id>%s<beslutsdatum>2026-05-05</beslutsdatum><utfall>bifall</utfall><handlaggare>' "$rec"
		head -c "$2" /dev/zero | tr '\0' 'x'
		printf '</handlaggare></beslut>\n'
		printf '<beslut><beslut_id>X3</beslut_id>%s<beslutsdatum>2026-06-05</beslutsdatum><utfall>bifall</utfall></beslut>\n' "$rec"
		printf '</evb-export>\n'
	} >"$1/export_generated.xml"
}
gen input 3000000
gen mid_generated 12000000
gen big_generated 30000000
