#!/bin/sh
# Bounded memory: a 30 MB value costs no more than a 12 MB one.
exec ../bounded-memory.sh "$1" mid_generated big_generated
