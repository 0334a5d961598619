#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build xmsg for a kernel, pack an initramfs and boot it under QEMU (TCG).
#
#   vm-run.sh [--kernel debug|perf|kcsan|stock|debug-6.12] [--mode check|demo|shell|run]
#             [--net] [--smp N] [--only "GLOB ..."] [--run CMD]
#             [--extra-kunit "MOD.ko ..."] [--no-kunit] [--timeout SEC]
#             [--log FILE] [--config LINE]
#
# --config LINE (repeatable) appends a shell line to the VM's /xmsg/config,
# which /init sources: e.g. 'TEST_TIMEOUT=900' or
# 'export XMSG_FUZZ_SECONDS=600' for the user tests.
#
# The console goes to stdout and, with --log, to FILE.  Exit status: QEMU's,
# or 124 when the VM timed out.
set -eu
. "$(dirname "$0")/lib.sh"

kernel=debug mode=check net=0 smp=2 only='*' run='' timeout=1500 logf=''
extra='' nokunit=0 config=''
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--mode) mode=$2; shift ;;
	--net) net=1 ;;
	--smp) smp=$2; shift ;;
	--only) only=$2; shift ;;
	--run) run=$2; shift ;;
	--extra-kunit) extra=$2; shift ;;
	--no-kunit) nokunit=1 ;;
	--timeout) timeout=$2; shift ;;
	--log) logf=$2; shift ;;
	--config) config="$config$2
"; shift ;;
	*) die "unknown option $1" ;;
	esac
	shift
done

# A flavor may name the Debian kernel source it is built from: debug-6.12.
flavor=${kernel%%-*}
case $kernel in
*-*) XMSG_KSERIES=${kernel#*-} ;;
esac
export XMSG_KSERIES

"$XMSG_ROOT/scripts/setup.sh"
case $flavor in
debug|perf|kcsan)
	kdir=$("$XMSG_ROOT/scripts/build-kernel.sh" "$flavor")
	image="$kdir/arch/arm64/boot/Image"
	;;
stock)
	sdir=$("$XMSG_ROOT/scripts/fetch-stock.sh")
	kdir="$sdir/build"
	image="$sdir/vmlinuz"
	;;
*) die "unknown kernel $kernel" ;;
esac

# Build modules and tools in a private copy per kernel, one build at a time,
# so that a working tree being edited or other kernels' objects never mix.
# Files are compared by content and a changed one gets a new mtime (no -t):
# the copy is shared by every tree on this machine (a clean clone in CI, the
# working tree), and a source with an older mtime than the object another
# tree left there must still be rebuilt.
# XMSG_BUILD: another place for the copy (parallel runs of several trees).
bdir="${XMSG_BUILD:-$XMSG_CACHE/build}/$kernel"
mkdir -p "$bdir"
exec 8>"$bdir.lock"
flock 8
rsync -rlp --checksum --delete --exclude .git --exclude tools/out \
	--exclude '*.o' --exclude '*.ko' --exclude '*.mod*' --exclude '.*.cmd' \
	--exclude Module.symvers --exclude modules.order \
	--filter 'P *.o' --filter 'P *.ko' --filter 'P *.mod*' \
	--filter 'P .*.cmd' --filter 'P Module.symvers' \
	--filter 'P modules.order' --filter 'P out/' \
	"$XMSG_ROOT/" "$bdir/src/"
# Drop modules and programs whose source went away (another tree's).
for ko in "$bdir"/src/kunit/*.ko "$bdir"/src/kunit/bench/*.ko \
	"$bdir"/src/scripts/canary/*.ko "$bdir"/src/net/*.ko; do
	[ -f "$ko" ] && [ ! -f "${ko%.ko}.c" ] && rm -f "$ko"
done
for d in tests examples bench; do
	for b in "$bdir/tools/$d"/*; do
		[ -f "$b" ] || continue
		n=${b##*/}
		[ -f "$bdir/src/tools/$d/${n%_32}.c" ] ||
			[ -d "$bdir/src/tools/$d/$n" ] ||
			[ -f "$bdir/src/tools/fuzz/$n.c" ] || rm -f "$b"
	done
done
log "building modules for the $kernel kernel"
make -s -C "$kdir" M="$bdir/src" XMSG_KUNIT=1 modules >"$bdir/modules.log" 2>&1 ||
	{ cat "$bdir/modules.log" >&2; die "module build failed"; }
log "building tools"
make -s -C "$bdir/src/tools" OUT="$bdir/tools" KSRC="$(kernel_src)" \
	>"$bdir/tools.log" 2>&1 ||
	{ cat "$bdir/tools.log" >&2; die "tools build failed"; }

# Stage the initramfs.
st="$bdir/stage"
stage_root "$st" "$(busybox_bin)"
stage_xmsg "$st" "$bdir"
if [ $nokunit -eq 0 ]; then
	for ko in "$bdir"/src/kunit/xmsg_*_test.ko; do
		[ -f "$ko" ] && cp "$ko" "$st/xmsg/kunit/"
	done
fi
for k in $extra; do
	for d in kunit kunit/bench scripts/canary; do
		[ -f "$bdir/src/$d/$k" ] && cp "$bdir/src/$d/$k" "$st/xmsg/kunit/"
	done
	[ -f "$st/xmsg/kunit/$k" ] || die "no module $k"
done
# The stock kernel has the virtio PCI and network drivers, veth and TIPC
# (with its UDP tunnel dependencies) as modules: /init loads them (in this
# order) before xmsg.
if [ "$kernel" = stock ]; then
	mkdir -p "$st/xmsg/drivers"
	n=0
	for m in drivers/virtio/virtio_pci_legacy_dev \
		drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci \
		net/core/failover drivers/net/net_failover \
		drivers/net/virtio_net drivers/net/veth net/ipv4/udp_tunnel \
		net/ipv6/ip6_udp_tunnel net/tipc/tipc; do
		ko=$(echo "$sdir"/root/lib/modules/*/kernel/"$m".ko)
		[ -f "$ko" ] || continue
		n=$((n + 1))
		cp "$ko" "$st/xmsg/drivers/$(printf %02d $n)-${m##*/}.ko"
	done
fi
cp "$XMSG_ROOT/scripts/demo-vm.sh" "$st/xmsg/demo.sh" 2>/dev/null || true

{
	echo "MODE=$mode"
	echo "ONLY='$only'"
	printf 'RUN=%s\n' "'$(printf %s "$run" | sed "s/'/'\\\\''/g")'"
	printf %s "$config"
} > "$st/xmsg/config"

initrd="$bdir/initramfs.$$.cpio.gz"
stage_pack "$st" "$initrd"
flock -u 8
trap 'rm -f "$initrd" "$initrd.rc"' EXIT

netargs=$(vm_netargs $net)
ttyargs="-nographic"
[ "$mode" = shell ] || ttyargs="-nographic -serial mon:stdio"

log "booting the $kernel kernel ($mode, -smp $smp)"
cmdline="console=ttyAMA0 panic=-1 oops=panic softlockup_panic=1 loglevel=1"
set +e
if [ -n "$logf" ]; then
	rcf="$initrd.rc"
	{
		# shellcheck disable=SC2086
		timeout -k 10 "$timeout" qemu-system-aarch64 -M virt \
			-cpu cortex-a57 -smp "$smp" -m 1G -no-reboot \
			-display none $ttyargs -kernel "$image" \
			-initrd "$initrd" -append "$cmdline" \
			$netargs </dev/null 2>&1
		echo $? > "$rcf"
	} | tee "$logf"
	rc=$(cat "$rcf")
else
	# shellcheck disable=SC2086
	timeout -k 10 "$timeout" qemu-system-aarch64 -M virt -cpu cortex-a57 \
		-smp "$smp" -m 1G -no-reboot -display none $ttyargs \
		-kernel "$image" -initrd "$initrd" \
		-append "$cmdline" $netargs
	rc=$?
fi
exit "$rc"
