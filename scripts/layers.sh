#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The layers of xmsg.ko include downwards only: the engine (mm/, ipc/
# outside ipc/cdev/, and its exported headers include/xmsg/{compat,mm,ipc}.h)
# never includes a header of the char device (ipc/cdev/*.h, or
# <xmsg/registry.h>, the char device's registry API for other modules).
# Run by scripts/checkpatch.sh; exits 1 and names every offending line.
set -eu
cd "$(dirname "$0")/.."

engine="mm/*.[ch] ipc/*.[ch] include/xmsg/compat.h include/xmsg/mm.h
	include/xmsg/ipc.h"
cdev_headers='cdev/|cdev\.h|xmsg/registry\.h'

# shellcheck disable=SC2086
bad=$(grep -nE "^#[[:space:]]*include[[:space:]]*[\"<][^\">]*($cdev_headers)" \
	$engine /dev/null || true)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad"
	echo "layers.sh: the engine includes the char device (above)" >&2
	exit 1
fi
