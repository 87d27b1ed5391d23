#!/bin/sh
# the external entity's target must never be read into any output
! grep -r "TOPSECRET" "$1"
