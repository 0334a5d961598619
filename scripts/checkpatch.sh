#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# checkpatch --strict over every kernel source file of xmsg.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$XMSG_ROOT"
# shellcheck disable=SC2046
"$(kernel_src)/scripts/checkpatch.pl" --no-tree --strict --quiet -f \
	$(ls mm/*.[ch] ipc/*.[ch] kunit/*.c net/*.c uapi/linux/*.h 2>/dev/null |
	  grep -v '\.mod\.c$')
# The compat header is the one place that tests the kernel version.
"$(kernel_src)/scripts/checkpatch.pl" --no-tree --strict --quiet -f \
	--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON include/*.h
# The engine never includes the char device.
"$XMSG_ROOT/scripts/layers.sh"
