#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian stock kernel of any series, arm64 or amd64, under QEMU (TCG)
# with xmsg built against its headers and the user tests: vm-run.sh's
# --kernel stock, for the kernels people run (vm-run.sh itself knows only
# the project's test kernels and the default arm64 stock kernel).
#
#   vm-run-deb.sh [--series 6.12] [--arch arm64|amd64] [--net] [--smp N]
#                 [--only "GLOB ..."] [--timeout SEC] [--log FILE]
#                 [--config LINE]
#
# arm64 boots under qemu-system-aarch64 -M virt -cpu cortex-a57 with
# busybox-static:arm64 and the tests cross-built; amd64 under
# qemu-system-x86_64 -M q35 -cpu max (one TCG thread, see below) with
# busybox-static:amd64 and the tests built natively, statically.  No
# KUnit (Debian's kernels have none).
# With --net, the kernel's own virtio_net, veth and tipc modules (and what
# they depend on) go into the initramfs and /init loads them before xmsg.
# /init is scripts/vm-init.sh, in check mode.
#
# The console goes to stdout and, with --log, to FILE.  Exit status:
# QEMU's, or 124 when the VM timed out.
# XMSG_CACHE is changed in a subshell on purpose (busybox-static:amd64).
# shellcheck disable=SC2030,SC2031
set -eu
. "$(dirname "$0")/lib.sh"

series=6.12 darch=arm64 net=0 smp=2 only='*' timeout=1800 logf='' config=''
while [ $# -gt 0 ]; do
	case $1 in
	--series) series=$2; shift ;;
	--arch) darch=$2; shift ;;
	--net) net=1 ;;
	--smp) smp=$2; shift ;;
	--only) only=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--log) logf=$2; shift ;;
	--config) config="$config$2
"; shift ;;
	*) die "unknown option $1" ;;
	esac
	shift
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
need_pkg() {	# need_pkg COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 && return 0
	log "installing $2"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends "$2" >/dev/null || die "cannot install $2"
}

"$XMSG_ROOT/scripts/setup.sh"
need_pkg pahole dwarves		# BTF of modules built against 6.12 headers
case $darch in
arm64)
	karch=arm64 cross=aarch64-linux-gnu- static=1
	qemu="qemu-system-aarch64 -M virt -cpu cortex-a57"
	console=ttyAMA0
	busybox=$(busybox_bin)
	;;
amd64)
	karch=x86_64 cross='' static=1
	need_pkg qemu-system-x86_64 qemu-system-x86
	# One TCG thread for all vCPUs.  x86 kernels patch live code
	# (static keys, e.g. when a trace event is enabled) with int3 and
	# sync_core() IPIs; twice in about 26 runs of nic_trace_test a vCPU
	# then ran an int3 no longer in memory ("Oops: int3" in __schedule
	# at a jump label on 6.12, a soft lockup of the patching task on
	# 6.1), which looks like multi-threaded TCG running stale translated
	# code.  A single thread makes every code write visible before the
	# next vCPU runs.
	qemu="qemu-system-x86_64 -M q35 -cpu max -accel tcg,thread=single"
	console=ttyS0
	# Its own download folder: deb_unpack finds a package's .deb by
	# name, and the arm64 busybox-static is in the shared one.
	busybox="$XMSG_CACHE/busybox-amd64/bin/busybox"
	if [ ! -x "$busybox" ]; then
		log "fetching busybox-static:amd64"
		(XMSG_CACHE="$XMSG_CACHE/amd64" &&
			deb_unpack busybox-static:amd64 "${busybox%/bin/busybox}")
	fi
	;;
*) die "unknown arch $darch (arm64 or amd64)" ;;
esac

sdir=$("$XMSG_ROOT/scripts/fetch-deb-kernel.sh" "$series" "$darch")
kdir="$sdir/build"
image="$sdir/vmlinuz"
rel=$(cat "$sdir/release")

# A private copy per kernel, one build at a time (as in vm-run.sh).
bdir="$XMSG_CACHE/build/deb-$rel"
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
for ko in "$bdir"/src/net/*.ko; do
	[ -f "$ko" ] && [ ! -f "${ko%.ko}.c" ] && rm -f "$ko"
done
for b in "$bdir"/tools/tests/* "$bdir"/tools/examples/*; do
	[ -f "$b" ] || continue
	n=${b##*/} d=${b%/*}
	[ -f "$bdir/src/tools/${d##*/}/$n.c" ] ||
		[ -f "$bdir/src/tools/fuzz/$n.c" ] || rm -f "$b"
done
log "building modules for $rel"
make -s -C "$kdir" M="$bdir/src" ARCH="$karch" CROSS_COMPILE="$cross" \
	-j"$JOBS" modules >"$bdir/modules.log" 2>&1 ||
	{ cat "$bdir/modules.log" >&2; die "module build failed"; }
log "building tools ($darch, static)"
make -s -C "$bdir/src/tools" CROSS_COMPILE="$cross" STATIC="$static" \
	OUT="$bdir/tools" KSRC="$(kernel_src)" -j"$JOBS" \
	>"$bdir/tools.log" 2>&1 ||
	{ cat "$bdir/tools.log" >&2; die "tools build failed"; }

# Stage the initramfs.
st="$bdir/stage"
stage_root "$st" "$busybox"
stage_xmsg "$st" "$bdir"

# The kernel's NIC drivers, uncompressed (BusyBox insmod), each after what
# it depends on (modinfo's depends: field); built-in ones are skipped.
n=0
add_driver() {	# add_driver NAME
	[ -f "$st/xmsg/drivers/.$1" ] && return 0
	f=$(find "$sdir/modules/kernel" -name "$1.ko*" | head -1)
	[ -n "$f" ] || return 0
	tmp="$st/xmsg/drivers/.tmp.ko"
	case $f in
	*.xz) xz -dc "$f" > "$tmp" ;;
	*.zst) zstd -qdc "$f" > "$tmp" ;;
	*.gz) gzip -dc "$f" > "$tmp" ;;
	*) cp "$f" "$tmp" ;;
	esac
	deps=$(modinfo -F depends "$tmp" | tr , ' ')
	mv "$tmp" "$st/xmsg/drivers/.$1"
	for d in $deps; do
		add_driver "$d"
	done
	n=$((n + 1))
	mv "$st/xmsg/drivers/.$1" "$st/xmsg/drivers/$(printf %02d $n)-$1.ko"
	touch "$st/xmsg/drivers/.$1"
}
if [ $net -eq 1 ]; then
	mkdir -p "$st/xmsg/drivers"
	for m in virtio_pci virtio_net veth tipc; do
		add_driver "$m"
	done
	rm -f "$st/xmsg/drivers"/.[!.]*
fi

{
	echo "MODE=check"
	echo "ONLY='$only'"
	printf %s "$config"
} > "$st/xmsg/config"

initrd="$bdir/initramfs.$$.cpio.gz"
stage_pack "$st" "$initrd"
flock -u 8
trap 'rm -f "$initrd" "$initrd.rc"' EXIT

netargs=$(vm_netargs $net)

log "booting Debian's $rel ($darch, -smp $smp)"
cmdline="console=$console panic=-1 oops=panic softlockup_panic=1 loglevel=1"
rcf="$initrd.rc"
set +e
{
	# shellcheck disable=SC2086
	timeout -k 10 "$timeout" $qemu -smp "$smp" -m 1G -no-reboot \
		-display none -nographic -serial mon:stdio -kernel "$image" \
		-initrd "$initrd" -append "$cmdline" $netargs </dev/null 2>&1
	echo $? > "$rcf"
} | if [ -n "$logf" ]; then tee "$logf"; else cat; fi
rc=$(cat "$rcf")
exit "$rc"
