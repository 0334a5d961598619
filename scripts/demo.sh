#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: build everything, boot the VM and show xmsg at work
# (scripts/demo-vm.sh runs inside the VM).
set -eu
. "$(dirname "$0")/lib.sh"
logdir="$XMSG_CACHE/logs"
mkdir -p "$logdir"
"$XMSG_ROOT/scripts/vm-run.sh" --kernel debug --mode demo --no-kunit \
	--timeout 900 --log "$logdir/demo.log" |
	sed -n '/^XMSG-DMESG-BEGIN/,/^XMSG-DMESG-END/!p' |
	grep -av '^XMSG-'
tr -d '\r' < "$logdir/demo.log" | grep -q '^XMSG-DEMO-RC 0' ||
	die "the demo failed; see $logdir/demo.log"
