#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build xmsg.ko and the NIC sample module against Debian's stock kernel
# headers, oldest and newest supported series, amd64 and arm64, with
# warnings as errors.  The headers are downloaded and unpacked with dpkg -x
# into the cache (nothing is installed); each build runs in a private copy
# of the tree.
#
#   build-matrix.sh [SERIES ...]     SERIES: 6.1 6.12 (default: both)
#
# Prints "build-matrix: <kver> <arch>: ok|FAILED" per build, then
# "N passed, N failed".  Exit status: 0 when every build passed.
set -eu
. "$(dirname "$0")/lib.sh"

series=${*:-6.1 6.12}
archs="amd64 arm64"

# pahole, for the BTF of modules built against 6.12 headers.
if ! command -v pahole >/dev/null 2>&1; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	log "installing dwarves (pahole)"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends dwarves >/dev/null ||
		die "cannot install dwarves"
fi

# Build in a private copy for KDIR $1, kernel arch $2, prefix $3; log to $4.
build_one() {
	kdir=$1 karch=$2 cross=$3 blog=$4
	copy="${blog%.log}"
	mkdir -p "$copy"
	rsync -rlp --checksum --delete --exclude .git --exclude tools \
		--exclude '*.o' --exclude '*.ko' --exclude '*.mod*' \
		--exclude '.*.cmd' --exclude Module.symvers \
		--exclude modules.order "$XMSG_ROOT/" "$copy/"
	make -C "$kdir" M="$copy" ARCH="$karch" CROSS_COMPILE="$cross" \
		KCFLAGS=-Werror -j"$JOBS" modules >"$blog" 2>&1 || return 1
	[ -f "$copy/xmsg.ko" ] && ls "$copy"/net/*.ko >/dev/null 2>&1 ||
		return 1
	# A file that names XMSG_NS without the compat header exports into
	# (or imports) the namespace "XMSG_NS": no compiler error, a module
	# that does not load.
	if grep -l XMSG_NS "$copy"/*.ko "$copy"/net/*.ko >>"$blog"; then
		echo "error: namespace XMSG_NS in the modules above" >>"$blog"
		return 1
	fi
}

pass=0 fail=0
bdir="$XMSG_CACHE/build/matrix"
mkdir -p "$bdir"
exec 8>"$bdir.lock"
flock 8
for ser in $series; do
	for darch in $archs; do
		case $darch in
		amd64) karch=x86_64 cross= ;;
		arm64) karch=arm64 cross=aarch64-linux-gnu- ;;
		esac
		hpkg=$(deb_dep "$(deb_meta "$ser" headers "$darch"):$darch" \
			"linux-headers-.*-$darch")
		[ -n "$hpkg" ] || die "cannot resolve the $ser headers for $darch"
		kdir=$(deb_headers "$hpkg" "$darch")
		kver=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
			"$kdir/include/generated/utsrelease.h")
		blog="$bdir/$kver.log"
		if build_one "$kdir" "$karch" "$cross" "$blog"; then
			echo "build-matrix: $kver $darch: ok"
			pass=$((pass + 1))
		else
			grep -E 'error|Error' "$blog" | head -20 >&2
			echo "build-matrix: $kver $darch: FAILED (log: $blog)"
			fail=$((fail + 1))
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
