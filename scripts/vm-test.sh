#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vm-test.sh [--kernel debug|perf|stock] [--net] [--smp N] [PATTERN ...]
# Developer loop: run the KUnit modules and user tests whose base names
# match PATTERN (shell globs; default: all) in one VM boot, then print the
# parsed results and any splat.  Exit 0 only when everything passed.
set -eu
. "$(dirname "$0")/lib.sh"

args="" pats=""
while [ $# -gt 0 ]; do
	case $1 in
	--kernel|--smp|--timeout) args="$args $1 $2"; shift ;;
	--net) args="$args --net" ;;
	-*) die "unknown option $1" ;;
	*) pats="$pats $1" ;;
	esac
	shift
done
[ -n "$pats" ] || pats='*'
logdir="$XMSG_CACHE/logs"
mkdir -p "$logdir"
logf=$(mktemp "$logdir/vm-test.XXXXXX.log")
# shellcheck disable=SC2086
"$XMSG_ROOT/scripts/vm-run.sh" $args --only "$pats" --log "$logf" \
	--timeout 1800 >/dev/null || true
echo "console log: $logf"
"$XMSG_ROOT/scripts/parse-results.sh" "$logf" "vm-test"
