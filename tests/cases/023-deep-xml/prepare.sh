#!/bin/sh
# XML nested 100 000 elements deep inside a record.
set -e
mkdir -p input
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<evb-export version="1"><beslut>'
	i=0
	/usr/bin/python3 -c 'import sys; sys.stdout.write("<x>" * 100000 + "</x>" * 100000)'
	printf '</beslut></evb-export>\n'
} >input/export_generated.xml
