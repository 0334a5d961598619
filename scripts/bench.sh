#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh (make bench): boot the perf kernel in the VM with 1 and with 2
# virtual CPUs, run tools/bench/ipc_bench, the in-kernel benchmark modules
# (kunit/bench/xmsg_*_bench.ko) and the other tools/bench programs (nic_bench),
# then write docs/benchmarks.md and docs/benchmarks.png and print the
# tables.
#
#   BENCH_BOX=0.5     seconds per measurement inside the VM
#   BENCH_ROUNDS=5    interleaved rounds the box is split into
#   BENCH_SMP="1 2"   virtual CPU counts
#   BENCH_LOGS=DIR    reuse console logs smp1.log, smp2.log from DIR
#                     instead of booting (regenerate the docs only)
set -eu
. "$(dirname "$0")/lib.sh"

box=${BENCH_BOX:-0.5}
rounds=${BENCH_ROUNDS:-5}
smps=${BENCH_SMP:-1 2}
docs="$XMSG_ROOT/docs"

if [ -n "${BENCH_LOGS:-}" ]; then
	logs=${BENCH_LOGS%/}
else
	"$XMSG_ROOT/scripts/setup.sh"
	"$XMSG_ROOT/scripts/build-kernel.sh" perf >/dev/null
	logs="$XMSG_CACHE/bench/$(date -u +%Y%m%d-%H%M%S)"
	mkdir -p "$logs"
	kos=""
	for c in "$XMSG_ROOT"/kunit/bench/xmsg_*_bench.c; do
		[ -f "$c" ] || continue
		c=${c##*/}
		kos="$kos ${c%.c}.ko"
	done
	run="BOX=$box; ROUNDS=$rounds; $(cat "$XMSG_ROOT/scripts/bench-vm.sh")"
	for smp in $smps; do
		log "perf kernel, -smp $smp: running the benchmarks" \
			"(console: $logs/smp$smp.log)"
		"$XMSG_ROOT/scripts/vm-run.sh" --kernel perf --mode run \
			--net --smp "$smp" --no-kunit --extra-kunit "$kos" \
			--run "$run" --timeout 1800 --log "$logs/smp$smp.log" \
			>/dev/null || log "VM (-smp $smp) exited with $?"
	done
fi

mkdir -p "$docs"
python3 "$XMSG_ROOT/scripts/bench-report.py" --out "$docs" \
	--plot "$XMSG_ROOT/scripts/bench-plot.gp" \
	$(for smp in $smps; do echo "$logs/smp$smp.log"; done)
log "wrote docs/benchmarks.md and docs/benchmarks.png (logs: $logs)"
