#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install what xmsg needs to build and test, only when missing.
# Idempotent; Debian packages only.
set -eu

PKGS="make gcc gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
linux-source-6.1 linux-source-6.12 flex bison bc libssl-dev libelf-dev cpio kmod xz-utils
python3 sparse gnuplot-nox rsync gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
pkg-config binutils mandoc"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done

need_arm64=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arm64=1

if [ -n "$missing" ] || [ $need_arm64 -eq 1 ]; then
	[ $need_arm64 -eq 1 ] && $SUDO dpkg --add-architecture arm64
	echo "setup: installing:$missing" >&2
	$SUDO apt-get update -qq
	[ -n "$missing" ] &&
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
			--no-install-recommends $missing >/dev/null
fi
exit 0
