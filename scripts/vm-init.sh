#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the xmsg test VM (BusyBox).  /xmsg/config says what to do:
#   MODE=check     load the modules, run the KUnit suites and user tests
#                  whose names match ONLY, print the results as one KTAP
#                  document, scan for leaks, print the kernel log, power off
#   MODE=demo      load the modules and run /xmsg/demo.sh
#   MODE=shell     load the modules and give an interactive shell
#   MODE=run       load the modules and run $RUN (benchmarks)
# Everything the host parses sits between XMSG-*-BEGIN / -END markers.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/xmsg/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/shm /dev/mqueue /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue 2>/dev/null

MODE=check
ONLY='*'
TEST_TIMEOUT=600
RUN=
. /xmsg/config

echo "XMSG-UNAME $(uname -r)"
for m in /xmsg/drivers/*.ko; do	# stock kernel: its NIC drivers
	[ -f "$m" ] && insmod "$m" 2>/dev/null
done
ip link set lo up 2>/dev/null
for i in eth0 eth1; do
	ip link set "$i" up 2>/dev/null
done

match() {	# match NAME: does NAME match one of the globs in $ONLY?
	set -f
	for p in $ONLY; do
		# shellcheck disable=SC2254
		case "$1" in $p) set +f; return 0 ;; esac
	done
	set +f
	return 1
}

# Boot-time problems (e.g. xmsg.ko failing to load) are results too.
KTAP=/tmp/ktap.body
NTOP=0
: > "$KTAP"

top_result() {	# top_result ok|not\ ok name
	NTOP=$((NTOP + 1))
	echo "$1 $NTOP $2" >> "$KTAP"
}

load_modules() {
	if [ -f /xmsg/modules/xmsg.ko ]; then
		if insmod /xmsg/modules/xmsg.ko 2>/tmp/insmod.err; then
			top_result ok load_xmsg
		else
			echo "# insmod xmsg.ko: $(cat /tmp/insmod.err)" >> "$KTAP"
			top_result "not ok" load_xmsg
		fi
	fi
	for m in /xmsg/modules/*.ko; do
		[ -f "$m" ] || continue
		[ "${m##*/}" = xmsg.ko ] && continue
		insmod "$m" || echo "init: insmod $m failed"
	done
}

# Seconds since boot, and since such a time (the per-test times in the log
# show where make check spends its minutes).
now() {
	cut -d' ' -f1 /proc/uptime
}

since() {
	awk -v t0="$1" '{ printf "%.1f", $1 - t0 }' /proc/uptime
}

run_kunit() {
	for m in /xmsg/kunit/*.ko; do
		[ -f "$m" ] || continue
		n=${m##*/}
		n=${n%.ko}
		match "$n" || continue
		echo "init: kunit $n"
		t0=$(now)
		insmod "$m" || echo "# insmod $n failed" >> "$KTAP"
		echo "init: kunit $n took $(since "$t0") s"
	done
	for r in /sys/kernel/debug/kunit/*/results; do
		[ -f "$r" ] || continue
		NTOP=$((NTOP + 1))
		# Drop the per-file header; renumber the suite's own result line.
		sed -e '1,2d' -e '$s/^\(\(not \)\{0,1\}ok\) 1 /\1 '"$NTOP"' /' \
			"$r" >> "$KTAP"
	done
}

unload_kunit() {
	for m in /xmsg/kunit/*.ko; do
		n=${m##*/}
		rmmod "${n%.ko}" 2>/dev/null
	done
}

# *_32 tests are armhf builds; they need a kernel with CONFIG_COMPAT.
can_run() {
	case $1 in
	*_32)
		/xmsg/bin/compat32_probe >/dev/null 2>&1
		[ $? -eq 42 ] ;;
	esac
}

run_user_tests() {
	for t in /xmsg/tests/*; do
		[ -x "$t" ] || continue
		n=${t##*/}
		match "$n" || continue
		echo "init: test $n"
		if ! can_run "$n"; then
			NTOP=$((NTOP + 1))
			echo "ok $NTOP $n # SKIP this kernel does not run" \
				"32-bit binaries (no CONFIG_COMPAT)" >> "$KTAP"
			continue
		fi
		t0=$(now)
		(cd /tmp && timeout -s KILL "$TEST_TIMEOUT" "$t") \
			> /tmp/out.$n 2>&1
		rc=$?
		echo "init: test $n took $(since "$t0") s"
		NTOP=$((NTOP + 1))
		{
			echo "    KTAP version 1"
			echo "    # Subtest: $n"
			# The kselftest harness speaks TAP 13; the plan and the
			# results are the same lines in KTAP.
			grep -v '^TAP version' /tmp/out.$n | sed 's/^/    /'
			case $rc in
			0) echo "ok $NTOP $n" ;;
			4) echo "ok $NTOP $n # SKIP" ;;
			137) echo "    # timed out after ${TEST_TIMEOUT}s"
			     echo "not ok $NTOP $n" ;;
			*) echo "    # exit code $rc"
			   echo "not ok $NTOP $n" ;;
			esac
		} >> "$KTAP"
	done
}

unload_modules() {
	for m in /xmsg/modules/*.ko; do
		n=${m##*/}
		[ "$n" = xmsg.ko ] && continue
		rmmod "${n%.ko}" 2>/dev/null
	done
	if [ -f /xmsg/modules/xmsg.ko ]; then
		if rmmod xmsg 2>/tmp/rmmod.err; then
			top_result ok unload_xmsg
		else
			echo "# rmmod xmsg: $(cat /tmp/rmmod.err)" >> "$KTAP"
			top_result "not ok" unload_xmsg
		fi
	fi
}

leak_scan() {
	[ -f /sys/kernel/debug/kmemleak ] || return 0
	# kmemleak ignores objects younger than 5 s; scan twice to settle.
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > /tmp/leaks
	if [ -s /tmp/leaks ]; then
		echo "XMSG-KMEMLEAK-BEGIN"
		head -100 /tmp/leaks
		echo "XMSG-KMEMLEAK-END"
	fi
}

finish() {
	echo "XMSG-DMESG-BEGIN"
	dmesg
	echo "XMSG-DMESG-END"
	echo "XMSG-DONE"
	sync
	poweroff -f
}

case $MODE in
check)
	load_modules
	run_kunit
	run_user_tests
	# Module addresses, to read kmemleak backtraces of unloaded modules.
	echo "XMSG-MODULES-BEGIN"
	cat /proc/modules
	echo "XMSG-MODULES-END"
	unload_kunit
	unload_modules
	leak_scan
	echo "XMSG-KTAP-BEGIN"
	echo "KTAP version 1"
	echo "1..$NTOP"
	cat "$KTAP"
	echo "XMSG-KTAP-END"
	finish
	;;
demo)
	load_modules
	sh /xmsg/demo.sh
	echo "XMSG-DEMO-RC $?"
	finish
	;;
run)
	load_modules
	echo "XMSG-RUN-BEGIN"
	sh -c "$RUN"
	echo "XMSG-RUN-END $?"
	finish
	;;
shell)
	load_modules
	echo "xmsg VM: modules loaded; tools in /xmsg/bin, /xmsg/examples," \
		"/xmsg/tests.  'poweroff -f' to leave."
	setsid cttyhack sh -l
	poweroff -f
	;;
esac
poweroff -f
