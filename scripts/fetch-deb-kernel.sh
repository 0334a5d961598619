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

# The first package that apt-cache depends lists for $1 matching regex $2.
dep_of() {
	apt-cache depends "$1" | sed 1d |
		sed 's/^ *|\{0,1\}\(Depends: \)\{0,1\}//; s/[<>]//g; s/:[a-z0-9]*$//' |
		grep -x "$2" | head -1
}

img=$(dep_of "linux-image-$ser-$darch:$darch" "linux-image-.*-$darch")
[ -n "$img" ] || die "cannot resolve linux-image-$ser-$darch:$darch"
abi=${img#linux-image-}		# e.g. 6.12.118+deb12-arm64
ver=$(apt-cache show "$img:$darch" | sed -n 's/^Version: //p' | head -1)
out="$XMSG_CACHE/stock/$abi-$ver"

if [ -f "$out/.ready" ]; then
	echo "$out"
	exit 0
fi

# Headers: build-matrix.sh's folder, under its lock.
hpkg=linux-headers-$abi
common=$(dep_of "$hpkg:$darch" "linux-headers-.*-common")
kbuild=$(dep_of "$hpkg:$darch" "linux-kbuild-.*")
if [ -z "$common" ] || [ -z "$kbuild" ]; then
	die "cannot resolve the dependencies of $hpkg"
fi
hout="$XMSG_CACHE/headers/$abi-$ver"
hdr="$hout/root/usr/src/linux-headers-$abi"
mkdir -p "$XMSG_CACHE/build"
(
	flock 9
	[ -f "$hout/.ready" ] && exit 0
	log "fetching $hpkg $ver"
	rm -rf "$hout" && mkdir -p "$hout/root"
	deb_unpack "$hpkg:$darch" "$hout/root"
	deb_unpack "$common" "$hout/root"
	deb_unpack "$kbuild" "$hout/root"
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
) 9>"$XMSG_CACHE/build/matrix.lock"
[ -f "$hout/.ready" ] || die "cannot prepare the headers of $abi"

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
