#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fetch-deb-kernel.sh SERIES DEB-ARCH     e.g. 6.12 arm64, 6.12 amd64
#
# Fetch a Debian stock kernel of a series (the newest build that the
# meta-package linux-image-SERIES-ARCH depends on) with its matching
# headers and kbuild tools, unpacked with dpkg -x (nothing installed).
# Prints a directory holding, like fetch-stock.sh: vmlinuz, modules/ (the
# image's /lib/modules/<release>), build (a KDIR for out-of-tree modules)
# and release.
#
# The headers are the ones scripts/build-matrix.sh prepares (same folder,
# $XMSG_CACHE/headers/<abi>-<version>): reused when it already did, else
# prepared here the same way.
set -eu
. "$(dirname "$0")/lib.sh"

ser=${1:?usage: fetch-deb-kernel.sh SERIES DEB-ARCH}
darch=${2:?usage: fetch-deb-kernel.sh SERIES DEB-ARCH}

meta=$(deb_meta "$ser" image "$darch")
img=$(deb_dep "$meta:$darch" "linux-image-.*-$darch")
[ -n "$img" ] || die "cannot resolve $meta:$darch"
abi=${img#linux-image-}		# e.g. 6.12.118+deb12-arm64
ver=$(apt-cache show "$img:$darch" | sed -n 's/^Version: //p' | head -1)
out="$XMSG_CACHE/stock/$abi-$ver"

if [ -f "$out/.ready" ]; then
	echo "$out"
	exit 0
fi

# Headers: build-matrix.sh's folder, under its lock.
mkdir -p "$XMSG_CACHE/build"
hdr=$({
	flock 9
	deb_headers "linux-headers-$abi" "$darch"
} 9>"$XMSG_CACHE/build/matrix.lock")
[ -n "$hdr" ] && [ -d "$hdr" ] || die "cannot prepare the headers of $abi"

log "fetching Debian kernel $img $ver"
rm -rf "$out" && mkdir -p "$out/root"
deb_unpack "$img:$darch" "$out/root"
mdir="$out/root/lib/modules/$abi"
[ -d "$mdir" ] || mdir="$out/root/usr/lib/modules/$abi"
[ -d "$mdir" ] || die "no modules folder in $img"
ln -sfn "$(ls "$out"/root/boot/vmlinuz-*)" "$out/vmlinuz"
ln -sfn "$mdir" "$out/modules"
ln -sfn "$hdr" "$out/build"
echo "$abi" > "$out/release"
touch "$out/.ready"
echo "$out"
