#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The layers of xmsg.ko include downwards only: the engine (mm/, and ipc/
# outside the char device) never includes a header of the char device.
# Run by scripts/checkpatch.sh; exits 1 and names every offending line.
set -eu
cd "$(dirname "$0")/.."

# The char device's files and the headers only it may include.
cdev_files='ipc/chardev*.c ipc/registry*.c ipc/module.c'
cdev_headers='xmsg_chardev\.h|xmsg_registry\.h'

engine=$(ls mm/*.[ch] ipc/*.[ch])
for f in $cdev_files; do
	engine=$(printf '%s\n' "$engine" | grep -vx "$f" || true)
done
bad=$(printf '%s\n' "$engine" | grep -v 'xmsg_chardev\.h\|xmsg_registry\.h' |
	xargs grep -nE "^#[[:space:]]*include[[:space:]]*[\"<].*($cdev_headers)" \
	/dev/null || true)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad"
	echo "layers.sh: the engine includes the char device (above)" >&2
	exit 1
fi
