# SPDX-License-Identifier: GPL-2.0
# Run inside the VM by bench.sh (as vm-run.sh --mode run --run "$(cat ...)"):
# the user-space IPC benchmark, the in-kernel benchmark modules and the
# NIC benchmark, each between markers that bench-report.py reads.
BOX=${BOX:-0.5}
ROUNDS=${ROUNDS:-5}
cd /tmp || exit 1
echo "BENCH-CPUS $(nproc)"
echo "BENCH-UNAME $(uname -r)"
# Round trip and throughput with the two processes pinned to one CPU and,
# when there are two, to different CPUs (-a), so that both the switch
# and the spin paths are measured; fan-out and cleanup once.
places=same
[ "$(nproc)" -ge 2 ] && places="split same"
m=rtt,tput,fanout,exit
for a in $places; do
	[ -x /xmsg/bench/ipc_bench ] || break
	echo "IPC-BENCH-BEGIN $a"
	/xmsg/bench/ipc_bench -t "$BOX" -r "$ROUNDS" -a "$a" -m "$m"
	echo "IPC-BENCH-END $?"
	m=rtt,tput
done
for k in /xmsg/kunit/xmsg_*_bench.ko; do
	[ -f "$k" ] || continue
	n=${k##*/}
	n=${n%.ko}
	dmesg -c > /dev/null
	echo "KBENCH-BEGIN $n"
	insmod "$k"
	rc=$?
	dmesg
	echo "KBENCH-END $n $rc"
	rmmod "$n" 2>/dev/null
done
for b in /xmsg/bench/*; do
	[ -x "$b" ] || continue
	n=${b##*/}
	[ "$n" = ipc_bench ] && continue
	echo "TOOL-BENCH-BEGIN $n"
	timeout 600 "$b"
	echo "TOOL-BENCH-END $n $?"
done
