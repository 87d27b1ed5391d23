#!/bin/sh
# 2 MB of (deterministic) random bytes in a file named like a decision
# export, and 20 MB in big_generated/ for check.sh (the full size, 1 GB,
# is a by-hand run).
set -e
mkdir -p input big_generated
/usr/bin/python3 -c '
import random, sys
r = random.Random(7)
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(2000000)))' >input/beslut_generated.csv
/usr/bin/python3 -c '
import random, sys
sys.stdout.buffer.write(random.Random(8).randbytes(20000000))' >big_generated/beslut_generated.csv
