#!/bin/sh
# --strict with a rejected record: exit 2 and nothing written
[ -z "$(find "$1" -type f)" ]
