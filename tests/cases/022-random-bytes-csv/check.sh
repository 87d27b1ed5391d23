#!/bin/sh
# Bounded memory: the plain build reads the same files in under 64 MB.
/usr/bin/time -f %M -o "$1/rss" ../../../build/evb check --quiet --as-of 2026-11-22 \
	--in input --out "$1" >/dev/null 2>&1
kib=$(tail -1 "$1/rss")
[ "$kib" -lt 65536 ] || { echo "peak memory $kib KiB"; exit 1; }
