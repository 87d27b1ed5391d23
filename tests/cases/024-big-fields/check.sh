#!/bin/sh
# Bounded memory: 30 MB fields cost no more than 3 MB ones.
exec ../bounded-memory.sh "$1" input big_generated
