#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse from the cache) a test kernel: build-kernel.sh debug|perf
# Prints the build directory on stdout.
set -eu
. "$(dirname "$0")/lib.sh"

flavor=${1:?usage: build-kernel.sh debug|perf}
[ -f "$XMSG_ROOT/scripts/config/$flavor.config" ] || die "no flavor $flavor"
src=$(kernel_src)
out=$(kernel_dir "$flavor")

if [ -f "$out/.built" ]; then
	echo "$out"
	exit 0
fi

# One builder at a time per flavor; the others wait and reuse its result.
mkdir -p "$XMSG_CACHE/kernel"
exec 9>"$XMSG_CACHE/kernel/.$flavor.lock"
if ! flock -n 9; then
	log "waiting for another build of the $flavor kernel"
	flock 9
fi
if [ -f "$out/.built" ]; then
	echo "$out"
	exit 0
fi

log "building $flavor kernel in $out (a few minutes)"
rm -rf "$out"
mkdir -p "$out"
frag="$out/fragment.config"
cat "$XMSG_ROOT/scripts/config/base.config" \
	"$XMSG_ROOT/scripts/config/$flavor.config" > "$frag"
make -s -C "$src" O="$out" allnoconfig >/dev/null
(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag") \
	>/dev/null
make -s -C "$src" O="$out" olddefconfig >/dev/null

# Every =y we asked for must have survived olddefconfig.
grep '^CONFIG_.*=y' "$frag" | while read -r l; do
	grep -qx "$l" "$out/.config" || log "warning: $l not set in $flavor"
done

make -s -C "$src" O="$out" -j"$JOBS" Image modules >"$out/build.log" 2>&1 ||
	{ tail -40 "$out/build.log" >&2; die "kernel build failed"; }
touch "$out/.built"
echo "$out"
