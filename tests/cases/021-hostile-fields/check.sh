#!/bin/sh
# Bounded memory: ten times the delimiters cost no more memory.
exec ../bounded-memory.sh "$1" input big_generated
