#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make vm-shell: an interactive VM (debug kernel, two NICs) with xmsg.ko,
# the sample modules, xmsgctl, the examples and the tests.  Leave with
# 'poweroff -f' (or Ctrl-A x).
set -eu
exec "$(dirname "$0")/vm-run.sh" --kernel "${KERNEL:-debug}" --mode shell \
	--net --no-kunit --timeout 86400 "$@"
