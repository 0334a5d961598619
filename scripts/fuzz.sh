#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh [MINUTES] [SEED]
# make fuzz MINUTES=N [SEED=S]: boot the debug kernel (KASAN, lockdep,
# kmemleak, ...) and run only tools/fuzz/xmsg_fuzz for MINUTES (default 10),
# then boot the kcsan kernel (data races) for the KUnit stress suites, the
# stress user tests and a quarter as much fuzzing; print the figures, the
# kernel splats seen by parse-results.sh and one line "fuzz: PASSED" or
# "fuzz: FAILED".  Exits non-zero on a fuzzer
# failure (too few successful calls, a pool not full again, an object left,
# a stuck worker), any splat or leak, or a VM timeout.
set -eu
. "$(dirname "$0")/lib.sh"

minutes=${1:-10}
seed=${2:-}
case $minutes in
''|*[!0-9]*) die "MINUTES must be a whole number, not '$minutes'" ;;
esac
secs=$((minutes * 60))
[ "$secs" -gt 0 ] || secs=20	# MINUTES=0: a 20 s smoke run

logdir="$XMSG_CACHE/logs"
mkdir -p "$logdir"
logf="$logdir/fuzz-$(date +%Y%m%d-%H%M%S).log"
env="export XMSG_FUZZ_SECONDS=$secs"
[ -z "$seed" ] || env="$env XMSG_FUZZ_SEED=$seed"

log "fuzzing for $secs s on the debug kernel; console log: $logf"
# The VM: boot, the run, the final check and the leak scan, plus margin.
"$XMSG_ROOT/scripts/vm-run.sh" --kernel debug --no-kunit \
	--only xmsg_fuzz --config "$env" \
	--config "TEST_TIMEOUT=$((secs + 300))" \
	--timeout $((secs + 600)) --log "$logf" >/dev/null || true

parse=$(mktemp)
trap 'rm -f "$parse"' EXIT
rc=0
"$XMSG_ROOT/scripts/parse-results.sh" "$logf" fuzz > "$parse" || rc=1

# The fuzzer's own figures (the KTAP copy of its output, indented).
tr -d '\r' < "$logf" |
	sed -n '/^XMSG-KTAP-BEGIN/,/^XMSG-KTAP-END/s/^ *# //p' |
	grep -E '^(xmsg_fuzz|second|  |signals|anomaly|check|worker|fuzz:|too few|no pool|a process)' ||
	echo "fuzz: no figures from the fuzzer"

# Splats as parse-results.sh sees them: its own pattern, counted.
pat=$(sed -n "s/^splat='\(.*\)'\$/\1/p" "$XMSG_ROOT/scripts/parse-results.sh")
splats=0
if [ -n "$pat" ]; then
	splats=$(tr -d '\r' < "$logf" | grep -Ec "$pat" || true)
fi
echo "fuzz: splats=$splats (console lines matching parse-results.sh's pattern)"
grep -v '^XMSG-TOTALS' "$parse" || true

# 2. The data-race kernel (KCSAN; it excludes KASAN): the stress suites,
#    the stress user tests and a quarter of the fuzzing time (at least a
#    minute).  A KCSAN report is a "BUG:" line: a splat like any other.
ksecs=$((secs / 4))
[ "$ksecs" -ge 60 ] || ksecs=60
klog="$logdir/fuzz-kcsan-$(date +%Y%m%d-%H%M%S).log"
kenv="export XMSG_FUZZ_SECONDS=$ksecs XMSG_STRESS_SECONDS=10"
[ -z "$seed" ] || kenv="$kenv XMSG_FUZZ_SEED=$seed"
log "data-race run on the kcsan kernel ($ksecs s of fuzzing); console log: $klog"
"$XMSG_ROOT/scripts/vm-run.sh" --kernel kcsan \
	--only 'xmsg_mm_stress_test xmsg_ipc_xchg_test xmsg_ipc_sem_test xmsg_ipc_bcast_test stress_test ring_test xmsg_fuzz' \
	--config "$kenv" --config "TEST_TIMEOUT=$((ksecs + 300))" \
	--timeout $((ksecs + 1500)) --log "$klog" >/dev/null || true
kparse=$(mktemp)
trap 'rm -f "$parse" "$kparse"' EXIT
"$XMSG_ROOT/scripts/parse-results.sh" "$klog" kcsan > "$kparse" || rc=1
kraces=$(tr -d '\r' < "$klog" | grep -c 'BUG: KCSAN' || true)
echo "kcsan: data races reported: $kraces"
tr -d '\r' < "$klog" | grep -A3 'BUG: KCSAN' | head -40 || true
grep -v '^XMSG-TOTALS' "$kparse" || true

if [ $rc -eq 0 ] && [ "$splats" -eq 0 ] && [ "$kraces" -eq 0 ]; then
	echo "fuzz: PASSED ($minutes min)"
else
	echo "fuzz: FAILED (console logs: $logf $klog)"
	exit 1
fi
