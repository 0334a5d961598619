#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-all: make check (scripts/check.sh, unchanged), then the user
# tests on the kernels people run, booted under QEMU (TCG):
#  1. the debug kernel built from Debian's linux-source-6.12: KUnit and
#     user tests;
#  2. Debian's stock 6.12 arm64 kernel (qemu-system-aarch64), with the
#     NIC sample and two virtio NICs;
#  3. Debian's stock 6.12 amd64 kernel (qemu-system-x86_64 -M q35), xmsg.ko
#     built natively, the user tests as static x86_64 binaries, same NICs;
#  4. Debian's own 6.1 amd64 kernel (bookworm's), the same way.
# Each run prints its uname -r, its counts and its time.  Ends with one
# "N passed, N failed[, N skipped]" over everything; exits non-zero on any
# failed test, kernel splat, VM timeout, or when make check failed.
#
#   check-all.sh [--extra-only]   --extra-only: skip make check (to rerun
#                                 only the runs above while working on them)
set -eu
. "$(dirname "$0")/lib.sh"

extra_only=0
[ "${1:-}" = --extra-only ] && extra_only=1

logdir="$XMSG_CACHE/logs/check-all-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$logdir"

if [ $extra_only -eq 0 ]; then
	log "== make check (scripts/check.sh)"
	rcf="$logdir/check.rc"
	{
		rc=0
		"$XMSG_ROOT/scripts/check.sh" 2>&1 || rc=$?
		echo "$rc" > "$rcf"
	} | tee "$logdir/check.log"
	[ "$(cat "$rcf")" -eq 0 ] || BAD=1
	totals_line "$logdir/check.log"
fi

run() {	# run NAME RUNNER ARGS...: RUNNER is vm-run.sh or vm-run-deb.sh
	name=$1 runner=$2
	shift 2
	log "== $name"
	t0=$(date +%s)
	"$XMSG_ROOT/scripts/$runner" "$@" --log "$logdir/$name.log" \
		>/dev/null 2>"$logdir/$name.err" || true
	t1=$(date +%s)
	if [ ! -s "$logdir/$name.log" ]; then
		# The build failed before the VM booted.
		tail -20 "$logdir/$name.err"
		echo "$name: PROBLEM: no console log (build or boot failed)"
		BAD=1
		return
	fi
	results "$name" "$logdir/$name.log"
	echo "$name: $((t1 - t0)) s (build, boot and tests)"
	totals_add "$logdir/$name.parse"
}

# 1. The debug kernel built from Debian's linux-source-6.12 (the options of
#    the 6.1 one): KUnit and user tests, two NICs; the fuzzer for 20 s.
run debug-6.12 vm-run.sh --kernel debug-6.12 --net --timeout 2700 \
	--config 'export XMSG_FUZZ_SECONDS=20'

# 2. Debian 6.12 arm64: user tests, NIC sample, two virtio NICs.
run stock-6.12-arm64 vm-run-deb.sh --series 6.12 --arch arm64 --net --timeout 1800

# 3. Debian 6.12 amd64 on qemu-system-x86_64: the same.
run stock-6.12-amd64 vm-run-deb.sh --series 6.12 --arch amd64 --net --timeout 1800

# 4. Debian's own 6.1 amd64 (bookworm's kernel): the same.
run stock-6.1-amd64 vm-run-deb.sh --series 6.1 --arch amd64 --net --timeout 1800

totals_end "$logdir"
