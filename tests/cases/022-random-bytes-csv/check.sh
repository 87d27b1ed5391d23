#!/bin/sh
# Bounded memory: ten times the bytes cost no more memory.
exec ../bounded-memory.sh "$1" input big_generated
