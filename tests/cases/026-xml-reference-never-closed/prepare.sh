#!/bin/sh
# An '&' that starts no reference (no ';' follows), then a value of 10 MB
# of blanks. libxml2 2.9.14 waits for the ';' and searches for it again
# with every 512-byte chunk: quadratic, this file took 100 s (found by
# fuzz_xml, tests/fuzz/regress/xml/). evb stops reading after 256 KiB in
# which libxml2 does not move.
set -e
mkdir -p input
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<evb-export version="1">\n'
	printf '<person><person_id>19121212-1212</person_id><fornamn>Tom</fornamn></person>\n'
	printf '<person><person_id>19121212-1212</person_id><fornamn>Tom & Jerry</fornamn>\n'
	printf '<efternamn>'
	head -c 10000000 /dev/zero | tr '\0' ' '
	printf '</efternamn></person>\n</evb-export>\n'
} >input/export_generated.xml
