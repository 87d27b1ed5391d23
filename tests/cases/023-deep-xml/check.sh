#!/bin/sh
# Bounded memory: ten times the depth costs no more memory.
exec ../bounded-memory.sh "$1" input big_generated
