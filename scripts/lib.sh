# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the xmsg scripts. Sourced, not run.

XMSG_ROOT=$(cd "$(dirname "$0")/.." && pwd)
XMSG_CACHE=${XMSG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xmsg}
ARCH=${ARCH:-arm64}
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
JOBS=${JOBS:-$(nproc)}
export ARCH CROSS_COMPILE

# The Debian kernel source the test kernels are built from: linux-source-6.1
# unless XMSG_KSERIES says otherwise (6.12 for the second debug kernel).
XMSG_KSERIES=${XMSG_KSERIES:-6.1}
SRC_TARBALL=/usr/src/linux-source-$XMSG_KSERIES.tar.xz

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "$*"; exit 1; }

src_version() {
	dpkg-query -W -f='${Version}' "linux-source-$XMSG_KSERIES" | tr '~' '_'
}

# Unpack Debian's kernel source once into the cache; print its path.
kernel_src() {
	d="$XMSG_CACHE/src/linux-source-$XMSG_KSERIES-$(src_version)"
	if [ ! -f "$d/.unpacked" ]; then
		log "unpacking $SRC_TARBALL"
		rm -rf "$d" && mkdir -p "$d"
		tar -xJf "$SRC_TARBALL" -C "$d" --strip-components=1
		touch "$d/.unpacked"
	fi
	echo "$d"
}

# Build directory of a test-kernel flavor (debug, perf), keyed by source
# version and fragment hash.
kernel_dir() {
	flavor=$1
	h=$(cat "$XMSG_ROOT/scripts/config/base.config" \
		"$XMSG_ROOT/scripts/config/$flavor.config" | sha256sum | cut -c1-12)
	echo "$XMSG_CACHE/kernel/$flavor-$(src_version)-$h"
}

# Download an arm64 (or any) Debian package into the cache, unpack it with
# dpkg -x into $2; no installation.
deb_unpack() {
	pkg=$1 dest=$2
	dl="$XMSG_CACHE/debs"
	mkdir -p "$dl" "$dest"
	(cd "$dl" && ls ${pkg%%:*}_*.deb >/dev/null 2>&1 ||
		apt-get download "$pkg" >/dev/null) ||
		die "cannot download $pkg"
	for f in "$dl"/${pkg%%:*}_*.deb; do
		dpkg -x "$f" "$dest"
	done
}

# The first package that apt-cache depends lists for $1 (a dependency or a
# provider of one, without its :arch) matching the regex $2.
deb_dep() {
	apt-cache depends "$1" | sed 1d |
		sed 's/^ *|\{0,1\}\(Depends: \)\{0,1\}//; s/[<>]//g; s/:[a-z0-9]*$//' |
		grep -x "$2" | head -1
}

# deb_meta SERIES KIND DEB-ARCH: the meta-package of a kernel series, e.g.
# linux-image-arm64 for bookworm's own 6.1, linux-headers-6.12-amd64.
deb_meta() {
	if [ "$1" = 6.1 ]; then
		echo "linux-$2-$3"
	else
		echo "linux-$2-$1-$3"
	fi
}

# deb_headers HEADERS-PACKAGE DEB-ARCH: unpack a Debian kernel's headers
# with their -common part and kbuild tools into
# $XMSG_CACHE/headers/<abi>-<version> (once); print a KDIR for out-of-tree
# modules.  The caller holds $XMSG_CACHE/build/matrix.lock.
deb_headers() {
	hpkg=$1 darch=$2
	abi=${hpkg#linux-headers-}
	ver=$(apt-cache show "$hpkg:$darch" | sed -n 's/^Version: //p' | head -1)
	common=$(deb_dep "$hpkg:$darch" "linux-headers-.*-common")
	kbuild=$(deb_dep "$hpkg:$darch" "linux-kbuild-.*")
	if [ -z "$ver" ] || [ -z "$common" ] || [ -z "$kbuild" ]; then
		die "cannot resolve the dependencies of $hpkg"
	fi
	hout="$XMSG_CACHE/headers/$abi-$ver"
	hdr="$hout/root/usr/src/linux-headers-$abi"
	if [ ! -f "$hout/.ready" ]; then
		log "fetching $hpkg $ver"
		rm -rf "$hout" && mkdir -p "$hout/root"
		deb_unpack "$hpkg:$darch" "$hout/root"
		deb_unpack "$common" "$hout/root"
		deb_unpack "$kbuild" "$hout/root"
		# Absolute /usr/... paths to the -common folder and the kbuild
		# tools: point them at the unpacked tree.
		grep -rlE '/usr/(src|lib/linux-kbuild)' "$hdr/Makefile" \
			"$hout/root/usr/src/$common" 2>/dev/null |
			xargs -r sed -i "s|/usr/src/|$hout/root/usr/src/|g; s|/usr/lib/linux-kbuild|$hout/root/usr/lib/linux-kbuild|g"
		for l in scripts tools; do
			t=$(readlink "$hdr/$l" 2>/dev/null || true)
			case "$t" in
			/*) ln -sfn "$hout/root$t" "$hdr/$l" ;;
			esac
		done
		touch "$hout/.ready"
	fi
	echo "$hdr"
}

# stage_root DIR BUSYBOX: the BusyBox root of a test VM's initramfs in DIR
# (emptied first): the applets the tests and /init use, two users, /init
# (scripts/vm-init.sh) and the empty /xmsg folders the runners fill.
stage_root() {
	st=$1
	rm -rf "$st"
	mkdir -p "$st/bin" "$st/sbin" "$st/usr/bin" "$st/usr/sbin" \
		"$st/proc" "$st/sys" "$st/dev" "$st/tmp" "$st/root" "$st/etc" \
		"$st/xmsg/modules" "$st/xmsg/kunit" "$st/xmsg/tests" \
		"$st/xmsg/bin" "$st/xmsg/examples" "$st/xmsg/bench"
	cp "$2" "$st/bin/busybox"
	# The busybox is another arch than this machine: its applet links
	# come from a static list of the applets used, plus "sh".
	for a in sh ash cat cp dd dmesg echo env false grep head insmod ip \
		ls lsmod mkdir mknod modprobe mount mv poweroff printf ps rm \
		rmmod sed seq setsid cttyhack sleep sort sync tail tee test \
		timeout touch tr true umount uname unshare wc xargs chmod \
		chown id su kill pidof hexdump od sha256sum md5sum awk cut \
		expr find basename dirname ifconfig stat date uptime free top \
		vi less more nproc tc ping nc yes watch readlink realpath; do
		ln -sf busybox "$st/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' > "$st/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> "$st/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$st/etc/group"
	cp "$XMSG_ROOT/scripts/vm-init.sh" "$st/init"
	chmod +x "$st/init"
}

# stage_xmsg DIR BUILD: xmsg.ko, the NIC sample and the built tools of a
# runner's build copy BUILD (src/ and tools/) into the root in DIR.
stage_xmsg() {
	st=$1 b=$2
	[ -f "$b/src/xmsg.ko" ] && cp "$b/src/xmsg.ko" "$st/xmsg/modules/"
	for ko in "$b"/src/net/*.ko; do
		[ -f "$ko" ] && cp "$ko" "$st/xmsg/modules/"
	done
	for d in tests examples bench; do
		[ -d "$b/tools/$d" ] &&
			cp "$b/tools/$d"/* "$st/xmsg/$d/" 2>/dev/null
	done
	[ -d "$b/tools/bin" ] && cp "$b/tools/bin"/* "$st/xmsg/bin/"
	return 0
}

# stage_pack DIR FILE: the root in DIR as a gzip'ed cpio initramfs.
stage_pack() {
	(cd "$1" && find . | cpio -o -H newc --quiet | gzip -1) > "$2"
}

# vm_netargs 0|1: QEMU's network options: none, or two virtio NICs on one
# hub (the NIC sample's tests send from one to the other).
vm_netargs() {
	if [ "$1" -eq 1 ]; then
		echo "-netdev hubport,id=n0,hubid=0 -device virtio-net-pci,netdev=n0,romfile=" \
			"-netdev hubport,id=n1,hubid=0 -device virtio-net-pci,netdev=n1,romfile="
	else
		echo "-nic none"
	fi
}

# Path of a static arm64 busybox, fetched once.
busybox_bin() {
	d="$XMSG_CACHE/busybox"
	if [ ! -x "$d/bin/busybox" ]; then
		log "fetching busybox-static:arm64"
		deb_unpack busybox-static:arm64 "$d"
	fi
	echo "$d/bin/busybox"
}

# ---- totals of a test run (check.sh, check-all.sh) ----------------------
# P passed, F failed, S skipped; BAD=1 when anything went wrong beyond
# failed tests (splat, timeout, nothing ran, a stage that broke).
P=0 F=0 S=0 BAD=0

# results NAME LOG: print a VM run's uname -r, fuzzer figures and failures
# (prefixed with NAME); its parse goes to LOG's .parse file beside it.
results() {
	# (amd64: SeaBIOS's escape sequences may precede the uname line)
	tr -d '\r' < "$2" | grep -ao 'XMSG-UNAME .*' |
		sed "s/^XMSG-UNAME/$1: uname -r:/" || true
	tr -d '\r' < "$2" | grep -a '# fuzz: calls=' |
		sed "s/^.*# fuzz:/$1: fuzz:/" || true
	"$XMSG_ROOT/scripts/parse-results.sh" "$2" "$1" > "${2%.log}.parse" ||
		true
	grep -v '^XMSG-TOTALS' "${2%.log}.parse" || true
}

# totals_add PARSE: add a parse file's XMSG-TOTALS line.
totals_add() {
	# shellcheck disable=SC2046
	set -- $(sed -n 's/^XMSG-TOTALS //p' "$1")
	P=$((P + ${1:-0})) F=$((F + ${2:-0})) S=$((S + ${3:-0}))
	[ "${4:-1}" -eq 0 ] || BAD=1
	# A run with problems but no failed test (a splat, a panic, a
	# timeout, no results) counts as failed in the last line too.
	[ "${2:-0}" -ne 0 ] || F=$((F + ${4:-1}))
}

# totals_line LOG: add the last "N passed, N failed[, N skipped]" of LOG;
# no such line is a broken stage.
totals_line() {
	tl_log=$1
	# shellcheck disable=SC2046
	set -- $(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed\(, \([0-9]*\) skipped\)\{0,1\}$/\1 \2 \4/p' \
		"$1" | tail -1)
	[ -n "${1:-}" ] || { echo "${tl_log##*/}: no totals line"; BAD=1; }
	P=$((P + ${1:-0})) F=$((F + ${2:-0})) S=$((S + ${3:-0}))
}

# totals_end LOGDIR: the last line, and the exit status.
totals_end() {
	echo "logs: $1"
	if [ "$S" -gt 0 ]; then
		echo "$P passed, $F failed, $S skipped"
	else
		echo "$P passed, $F failed"
	fi
	[ "$BAD" -eq 0 ] && [ "$F" -eq 0 ] && [ "$P" -gt 0 ]
}
