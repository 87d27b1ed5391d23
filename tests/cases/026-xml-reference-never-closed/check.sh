#!/bin/sh
# Bounded time and memory: the plain build gives up within 5 s and 64 MB.
/usr/bin/time -f '%e %M' -o "$1/usage" ../../../build/evb check --quiet --as-of 2026-11-22 \
	--in input --out "$1" >/dev/null 2>&1
read -r secs kib <<USAGE
$(tail -1 "$1/usage")
USAGE
echo "$secs s, $kib KiB"
[ "${secs%.*}" -lt 5 ] && [ "$kib" -lt 65536 ]
