# SPDX-License-Identifier: GPL-2.0
# Run inside the VM by bench.sh (as vm-run.sh --mode run --run "$(cat ...)"):
# the user-space IPC benchmark, the in-kernel benchmark modules and the
# NIC benchmark, each between markers that bench-report.py reads.
BOX=${BOX:-0.5}
cd /tmp || exit 1
echo "BENCH-CPUS $(nproc)"
echo "BENCH-UNAME $(uname -r)"
if [ -x /xmsg/bench/ipc_bench ]; then
	echo "IPC-BENCH-BEGIN"
	/xmsg/bench/ipc_bench -t "$BOX"
	echo "IPC-BENCH-END $?"
fi
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
