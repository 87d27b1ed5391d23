#!/bin/sh
# 2 MB of (deterministic) random bytes in a file named like a decision
# export; the full size (1 GB) was run by hand.
set -e
mkdir -p input
/usr/bin/python3 -c '
import random, sys
r = random.Random(7)
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(2000000)))' >input/beslut_generated.csv
