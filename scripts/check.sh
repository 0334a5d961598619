#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test, from a fresh machine.
#  1. debug kernel (KASAN, lockdep, kmemleak, UBSAN, ...): all KUnit suites
#     and all user tests, two NICs on a QEMU hub (Debian's 6.1 source; the
#     same kernel on Debian's 6.12 source runs in make check-all);
#  2. harness self-test on the debug kernel: a failing KUnit canary and a
#     WARN_ON canary must each be caught;
#  3. Debian's stock arm64 kernel: all user tests;
#  4. make install / uninstall and the DKMS make line (scripts/install-test.sh);
#  5. builds against Debian's 6.1 and 6.12 headers, amd64 and arm64, -Werror
#     (scripts/build-matrix.sh);
#  6. the man pages linted, and checked to name every ioctl, feature bit,
#     libxmsg function and xmsgctl option and command (scripts/man-lint.sh).
# Ends with "N passed, N failed[, N skipped]"; exits non-zero on any failed
# test, kernel splat, leak, VM timeout, or when no test ran.
set -eu
. "$(dirname "$0")/lib.sh"

"$XMSG_ROOT/scripts/setup.sh"
logdir="$XMSG_CACHE/logs/check-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$logdir"

run() {	# run NAME VM-RUN-ARGS...
	name=$1
	shift
	log "== $name"
	"$XMSG_ROOT/scripts/vm-run.sh" "$@" --log "$logdir/$name.log" \
		>/dev/null || true
	results "$name" "$logdir/$name.log"
}

# 1. The debug kernel: everything.
run debug --kernel debug --net --timeout 2700
totals_add "$logdir/debug.parse"

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
#    virtio_net and veth modules are loaded first).  The fuzzer runs its
#    full minute on the debug kernel, where KASAN sees what it breaks;
#    20 s here.
run stock --kernel stock --net --no-kunit --timeout 1800 \
	--config 'export XMSG_FUZZ_SECONDS=20'
totals_add "$logdir/stock.parse"

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
echo "install: $(tail -1 "$logdir/install.log")"
totals_line "$logdir/install.log"

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
totals_line "$logdir/build-matrix.log"

# 6. The man pages: mandoc -T lint and groff warnings, one result a page.
log "== man pages"
"$XMSG_ROOT/scripts/man-lint.sh" > "$logdir/man-lint.log" 2>&1 || BAD=1
grep 'FAILED' "$logdir/man-lint.log" || true
echo "man-lint: $(tail -1 "$logdir/man-lint.log")"
totals_line "$logdir/man-lint.log"

totals_end "$logdir"
