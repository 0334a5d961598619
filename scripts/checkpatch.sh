#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# checkpatch --strict over every kernel source file of xmsg.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$XMSG_ROOT"
# shellcheck disable=SC2046
"$(kernel_src)/scripts/checkpatch.pl" --no-tree --strict --quiet -f \
	$(ls module.c mm/*.[ch] ipc/*.[ch] ipc/cdev/*.[ch] kunit/*.[ch] \
	     kunit/bench/*.c scripts/canary/*.c net/*.[ch] uapi/linux/*.h \
	     include/xmsg/*.h 2>/dev/null |
	  grep -v '\.mod\.c$' | grep -v '^include/xmsg/\(compat\|trace\)\.h$' |
	  grep -v '^net/nic_trace\.h$')
# The compat header is the one place that tests the kernel version.
"$(kernel_src)/scripts/checkpatch.pl" --no-tree --strict --quiet -f \
	--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON include/xmsg/compat.h
# Trace events are written the way include/trace/events/ writes them.
"$(kernel_src)/scripts/checkpatch.pl" --no-tree --strict --quiet -f \
	--ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT include/xmsg/trace.h \
	net/nic_trace.h
# The engine never includes the char device.
"$XMSG_ROOT/scripts/layers.sh"
