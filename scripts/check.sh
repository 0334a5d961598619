#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test, from a fresh machine.
#  1. debug kernel (KASAN, lockdep, kmemleak, UBSAN, ...): all KUnit suites
#     and all user tests, two NICs on a QEMU hub;
#  2. harness self-test on the debug kernel: a failing KUnit canary and a
#     WARN_ON canary must each be caught;
#  3. Debian's stock arm64 kernel: all user tests;
#  4. make install / uninstall and the DKMS make line (scripts/install-test.sh);
#  5. builds against Debian's 6.1 and 6.12 headers, amd64 and arm64, -Werror
#     (scripts/build-matrix.sh).
# Ends with "N passed, N failed[, N skipped]"; exits non-zero on any failed
# test, kernel splat, leak, VM timeout, or when no test ran.
set -eu
. "$(dirname "$0")/lib.sh"

"$XMSG_ROOT/scripts/setup.sh"
logdir="$XMSG_CACHE/logs/check-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$logdir"
P=0 F=0 S=0 BAD=0

add_totals() {	# add_totals PARSE_OUTPUT
	set -- $(sed -n 's/^XMSG-TOTALS //p' "$1")
	P=$((P + ${1:-0})) F=$((F + ${2:-0})) S=$((S + ${3:-0}))
	[ "${4:-1}" -eq 0 ] || BAD=1
}

run() {	# run NAME VM-RUN-ARGS...
	name=$1
	shift
	log "== $name"
	"$XMSG_ROOT/scripts/vm-run.sh" "$@" --log "$logdir/$name.log" \
		>/dev/null || true
	grep -a '^XMSG-UNAME' "$logdir/$name.log" | sed "s/^XMSG-UNAME/$name: uname -r:/" || true
	# The fuzzer's figures (tools/fuzz), when it ran.
	tr -d '\r' < "$logdir/$name.log" | grep -a '# fuzz: calls=' |
		sed "s/^.*# fuzz:/$name: fuzz:/" || true
	"$XMSG_ROOT/scripts/parse-results.sh" "$logdir/$name.log" "$name" \
		> "$logdir/$name.parse" || true
	grep -v '^XMSG-TOTALS' "$logdir/$name.parse" || true
}

# 1. The debug kernel: everything.
run debug --kernel debug --net --timeout 2700
add_totals "$logdir/debug.parse"

# 2. The harness must be able to fail.
selftest() {	# selftest NAME EXPECT(fail|splat) VM-RUN-ARGS...
	name=$1 expect=$2
	shift 2
	run "$name" "$@"
	set -- $(sed -n 's/^XMSG-TOTALS //p' "$logdir/$name.parse")
	ok=0
	case $expect in
	fail) [ "${2:-0}" -ge 1 ] && [ "${4:-0}" -eq 1 ] &&
		! grep -q 'kernel splat' "$logdir/$name.parse" && ok=1 ;;
	splat) [ "${4:-0}" -eq 1 ] &&
		grep -q 'kernel splat' "$logdir/$name.parse" && ok=1 ;;
	esac
	if [ $ok -eq 1 ]; then
		echo "harness self-test $name: red as expected: ok"
		P=$((P + 1))
	else
		echo "harness self-test $name: the harness missed it: FAILED"
		F=$((F + 1)) BAD=1
	fi
}
selftest selftest-kunit fail --kernel debug --no-kunit \
	--extra-kunit xmsg_canary_kunit.ko --only 'xmsg_canary_kunit' \
	--timeout 600
selftest selftest-warn splat --kernel debug --no-kunit \
	--extra-kunit xmsg_canary_warn.ko --only 'xmsg_canary_warn' \
	--timeout 600

# 3. Debian's stock kernel: the user tests, with the two NICs (its own
#    virtio_net and veth modules are loaded first).
run stock --kernel stock --net --no-kunit --timeout 1800
add_totals "$logdir/stock.parse"

# 4. Install and DKMS: make install / uninstall with DESTDIR and PREFIX,
#    the installed library, headers and pkg-config file in use, and the
#    exact make line of dkms.conf against the stock kernel's headers.
log "== install"
if "$XMSG_ROOT/scripts/install-test.sh" > "$logdir/install.log" 2>&1; then
	:
else
	BAD=1
	grep 'FAILED' "$logdir/install.log" || tail -20 "$logdir/install.log"
fi
set -- $(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' \
	"$logdir/install.log" | tail -1)
echo "install: ${1:-0} passed, ${2:-0} failed"
P=$((P + ${1:-0})) F=$((F + ${2:-0}))
[ -n "${1:-}" ] || BAD=1

# 5. The build matrix: xmsg.ko and the NIC sample against Debian's 6.1 and
#    6.12 headers, amd64 and arm64, warnings as errors.
log "== build matrix"
if "$XMSG_ROOT/scripts/build-matrix.sh" > "$logdir/build-matrix.log" 2>&1; then
	:
else
	BAD=1
	tail -30 "$logdir/build-matrix.log"
fi
grep '^build-matrix:' "$logdir/build-matrix.log" || true
set -- $(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' \
	"$logdir/build-matrix.log" | tail -1)
P=$((P + ${1:-0})) F=$((F + ${2:-0}))
[ -n "${1:-}" ] || BAD=1

echo "logs: $logdir"
if [ $S -gt 0 ]; then
	echo "$P passed, $F failed, $S skipped"
else
	echo "$P passed, $F failed"
fi
[ $BAD -eq 0 ] && [ $F -eq 0 ] && [ $P -gt 0 ]
