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

# Path of a static arm64 busybox, fetched once.
busybox_bin() {
	d="$XMSG_CACHE/busybox"
	if [ ! -x "$d/bin/busybox" ]; then
		log "fetching busybox-static:arm64"
		deb_unpack busybox-static:arm64 "$d"
	fi
	echo "$d/bin/busybox"
}
