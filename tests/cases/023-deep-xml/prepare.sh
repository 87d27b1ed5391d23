#!/bin/sh
# XML nested 100 000 elements deep inside a record, and 1 000 000 deep in
# big_generated/ for check.sh.
set -e
gen() {         # gen DIR DEPTH
	mkdir -p "$1"
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n<evb-export version="1"><beslut>'
		/usr/bin/python3 -c 'import sys; n = int(sys.argv[1]); sys.stdout.write("<x>" * n + "</x>" * n)' "$2"
		printf '</beslut></evb-export>\n'
	} >"$1/export_generated.xml"
}
gen input 100000
gen big_generated 1000000
