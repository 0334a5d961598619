#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fetch Debian's current arm64 distribution kernel with its matching
# headers and kbuild tools, unpacked with dpkg -x (nothing installed).
# Prints a directory holding: vmlinuz, modules/ (the image's /lib/modules),
# and build (a KDIR for out-of-tree modules).
set -eu
. "$(dirname "$0")/lib.sh"

img=$(apt-cache depends linux-image-arm64:arm64 |
	sed -n 's/.*Depends: \(linux-image-[^:]*\):arm64/\1/p' | head -1)
[ -n "$img" ] || die "cannot resolve linux-image-arm64:arm64"
abi=${img#linux-image-}		# e.g. 6.1.0-56-arm64
ver=$(apt-cache show "$img:arm64" | sed -n 's/^Version: //p' | head -1)
out="$XMSG_CACHE/stock/$abi-$ver"

if [ -f "$out/.ready" ]; then
	echo "$out"
	exit 0
fi
log "fetching Debian kernel $img $ver"
rm -rf "$out" && mkdir -p "$out/root"
common=linux-headers-${abi%-arm64}-common
deb_unpack "$img:arm64" "$out/root"
deb_unpack "linux-headers-$abi:arm64" "$out/root"
deb_unpack "$common" "$out/root"
deb_unpack "linux-kbuild-6.1" "$out/root"

# The headers' Makefile includes the -common folder and the kbuild tools by
# absolute /usr/... paths: rewrite them to the unpacked tree.
hdr="$out/root/usr/src/linux-headers-$abi"
sed -i "s|/usr/src/|$out/root/usr/src/|g; s|/usr/lib/linux-kbuild|$out/root/usr/lib/linux-kbuild|g" \
	"$hdr/Makefile"
for l in scripts tools; do
	t=$(readlink "$hdr/$l" 2>/dev/null || true)
	case "$t" in
	/*) ln -sfn "$out/root$t" "$hdr/$l" ;;
	esac
done
grep -rl '/usr/lib/linux-kbuild' "$out/root/usr/src/$common" 2>/dev/null |
	xargs -r sed -i "s|/usr/lib/linux-kbuild|$out/root/usr/lib/linux-kbuild|g"

ln -sfn "$(ls "$out"/root/boot/vmlinuz-*)" "$out/vmlinuz"
ln -sfn "$out/root/lib/modules/$abi" "$out/modules"
ln -sfn "$hdr" "$out/build"
echo "$abi" > "$out/release"
touch "$out/.ready"
echo "$out"
