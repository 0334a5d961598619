#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# parse-results.sh CONSOLE_LOG [NAME]
# Read a check-mode VM console log: parse its KTAP with the kernel's
# kunit.py, look for kernel splats and leaks, and print one line
# "N passed, N failed[, N skipped]".  Exit 0 only when tests ran, none
# failed, no splat, no leak and the VM finished (no timeout, no crash).
set -eu
. "$(dirname "$0")/lib.sh"

logf=${1:?usage: parse-results.sh LOG [NAME]}
name=${2:-vm}
ksrc=$(kernel_src)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tr -d '\r' < "$logf" > "$tmp/log"

bad=0
problem() { echo "$name: PROBLEM: $*"; bad=1; }

sed -n '/^XMSG-KTAP-BEGIN$/,/^XMSG-KTAP-END$/p' "$tmp/log" |
	sed '1d;$d' > "$tmp/ktap"
sed -n '/^XMSG-DMESG-BEGIN$/,/^XMSG-DMESG-END$/p' "$tmp/log" > "$tmp/dmesg"

grep -q '^XMSG-DONE' "$tmp/log" ||
	problem "the VM did not finish (timeout, panic or hang); see $logf"
[ -s "$tmp/ktap" ] || problem "no KTAP results in the console log"

# Kernel splats anywhere on the console or in the kernel log.
splat='BUG:|WARNING:|KASAN|UBSAN|possible recursive locking|possible circular locking|inconsistent lock state|lockdep is turned off|DEBUG_LOCKS_WARN_ON|suspicious RCU|Call trace:|Kernel panic|Oops|kmemleak: [0-9]+ new suspected|general protection|list_add corruption|list_del corruption|ODEBUG'
if grep -Eq "$splat" "$tmp/log"; then
	problem "kernel splat:"
	grep -En "$splat" "$tmp/log" | head -20 | sed 's/^/    /'
fi
if grep -q '^XMSG-KMEMLEAK-BEGIN' "$tmp/log"; then
	problem "kmemleak reports leaks:"
	sed -n '/^XMSG-KMEMLEAK-BEGIN$/,/^XMSG-KMEMLEAK-END$/p' "$tmp/log" |
		head -40 | sed 's/^/    /'
fi

passed=0 failed=0 skipped=0
if [ -s "$tmp/ktap" ]; then
	python3 "$ksrc/tools/testing/kunit/kunit.py" parse < "$tmp/ktap" \
		> "$tmp/parsed" 2>&1 || true
	sed 's/\x1b\[[0-9;]*m//g' "$tmp/parsed" > "$tmp/parsed.txt"
	grep -E '\[(FAILED|CRASHED|ERROR)\]|not ok' "$tmp/parsed.txt" |
		sed 's/^/    /' | head -40 || true
	sum=$(grep -E 'Testing complete\.' "$tmp/parsed.txt" | tail -1)
	echo "$name: $sum"
	passed=$(echo "$sum" | sed -n 's/.*passed: \([0-9]*\).*/\1/p')
	failed=$(echo "$sum" | sed -n 's/.*failed: \([0-9]*\).*/\1/p')
	skipped=$(echo "$sum" | sed -n 's/.*skipped: \([0-9]*\).*/\1/p')
	crashed=$(echo "$sum" | sed -n 's/.*crashed: \([0-9]*\).*/\1/p')
	errors=$(echo "$sum" | sed -n 's/.*errors: \([0-9]*\).*/\1/p')
	passed=${passed:-0} failed=${failed:-0} skipped=${skipped:-0}
	failed=$((failed + ${crashed:-0} + ${errors:-0}))
	[ -n "$sum" ] || problem "kunit.py could not parse the results"
	grep -q 'ERROR' "$tmp/parsed.txt" && problem "KTAP parse errors"
fi
[ "$passed" -gt 0 ] || [ "$failed" -gt 0 ] || problem "no test ran"
[ "$failed" -eq 0 ] || bad=1

# Machine-readable totals for the caller.
echo "XMSG-TOTALS $passed $failed $skipped $bad"
[ $bad -eq 0 ]
