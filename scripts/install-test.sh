#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# install-test.sh: prove make install / make uninstall and the DKMS build.
#
#   [KDIR=DIR [ARCH=A CROSS_COMPILE=C]] scripts/install-test.sh
#
# The modules are built against KDIR with ARCH and CROSS_COMPILE (default
# native), or without KDIR against Debian's stock arm64 6.1 headers from
# scripts/fetch-stock.sh with the arm64 cross compiler; the user-space parts
# are built and tried natively.  All of it happens in a copy of the tree
# under a temporary folder: the installed trees are DESTDIRs in there,
# nothing touches the system.
#
# Prints one "install-test: WHAT: ok|FAILED" line per check and ends with
# "N passed, N failed"; exits non-zero when a check failed.
set -u
kdir=${KDIR:-}
if [ -n "$kdir" ]; then
	march=${ARCH:-$(uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')}
	mcross=${CROSS_COMPILE-}
else
	march=${ARCH:-arm64} mcross=${CROSS_COMPILE:-aarch64-linux-gnu-}
fi
. "$(dirname "$0")/lib.sh"
unset ARCH CROSS_COMPILE KDIR		# user space: native
[ -n "$kdir" ] || kdir="$("$XMSG_ROOT/scripts/fetch-stock.sh")/build" ||
	die "no stock kernel headers"
[ -f "$kdir/Makefile" ] || die "no kernel headers in $kdir"
rel=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	"$kdir/include/generated/utsrelease.h")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xmsg-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
P=0 F=0
out="$tmp/out.log"

check() {	# check WHAT COMMAND...: one line; the output of a failure
	what=$1
	shift
	if "$@" >"$out" 2>&1; then
		echo "install-test: $what: ok"
		P=$((P + 1))
	else
		echo "install-test: $what: FAILED"
		sed 's/^/    /' "$out" | tail -20
		F=$((F + 1))
	fi
}

# A copy of the working tree without build products.
copy_tree() {	# copy_tree DEST
	rsync -rlp --exclude .git --exclude tools/out --exclude '*.o' \
		--exclude '*.ko' --exclude '*.mod*' --exclude '.*.cmd' \
		--exclude Module.symvers --exclude modules.order \
		"$XMSG_ROOT/" "$1/"
}

mk() {		# mk ARGS...: make in the copy, quietly
	make -s -C "$src" "$@"
}

mkmod() {	# mkmod ARGS...: make in the copy for the modules' kernel
	mk KDIR="$kdir" ARCH="$march" CROSS_COMPILE="$mcross" "$@"
}

# --- The DKMS make line, exactly as dkms.conf has it -----------------------
src="$tmp/src"
copy_tree "$src"

dkms_var() {	# dkms_var NAME: the value of NAME="..." in dkms.conf
	sed -n "s/^$1=\"\(.*\)\"\$/\1/p" "$src/dkms.conf"
}

dkms_build() {
	line=$(dkms_var 'MAKE\[0\]')
	[ -n "$line" ] || { echo "no MAKE[0] in dkms.conf"; return 1; }
	echo "$line"
	# DKMS substitutes these, runs the line in the build folder and
	# passes ARCH for a kernel of another architecture.
	# shellcheck disable=SC2034	# used by the eval'd line
	kernel_source_dir=$kdir kernelver=$rel
	(cd "$src" && export ARCH="$march" CROSS_COMPILE="$mcross" &&
		eval "$line")
}

dkms_modules() {	# the modules dkms.conf names, against those built
	want=$(i=0
		while name=$(dkms_var "BUILT_MODULE_NAME\[$i\]") &&
			[ -n "$name" ]; do
			loc=$(dkms_var "BUILT_MODULE_LOCATION\[$i\]")
			echo "./${loc:+${loc%/}/}$name.ko" | sed 's|^\./\./|./|'
			i=$((i + 1))
		done | sort)
	got=$(cd "$src" && find . -name '*.ko' | sort)
	echo "dkms.conf: $want"
	echo "built: $got"
	[ -n "$want" ] && [ "$want" = "$got" ]
}

no_kunit_ko() {
	! find "$src" -name '*.ko' | grep -E 'kunit|canary|_test\.ko|_bench\.ko'
}

check "dkms.conf names the package and version" \
	test -n "$(dkms_var PACKAGE_NAME)" -a -n "$(dkms_var PACKAGE_VERSION)"
check "dkms.conf MAKE line against $rel ($march)" dkms_build
check "DKMS build made exactly xmsg.ko and the NIC module" dkms_modules
check "DKMS build made no KUnit or canary module" no_kunit_ko

# --- No headers: one line that names the VM targets ------------------------
no_headers() {
	! make -s -C "$src" KDIR="$tmp/none" 2>"$tmp/nh" &&
		cat "$tmp/nh" && [ "$(wc -l <"$tmp/nh")" -eq 1 ] &&
		grep -q "make demo" "$tmp/nh" && grep -q "make check" "$tmp/nh"
}
check "make without kernel headers says so in one line" no_headers

# --- make install-user (native) and install-modules (KDIR) ------------------
d="$tmp/root"
p="$d/usr/local"
check "make install-user DESTDIR (native)" mk install-user DESTDIR="$d"
check "make install-modules DESTDIR (KDIR $rel)" \
	mkmod install-modules DESTDIR="$d"

so=$(cd "$p/lib" 2>/dev/null && ls libxmsg.so.0.* 2>/dev/null | head -1)
files_there() {
	for f in bin/xmsgctl lib/libxmsg.a "lib/${so:-libxmsg.so.0.N}" \
		lib/libxmsg.so.0 lib/libxmsg.so lib/pkgconfig/libxmsg.pc \
		include/libxmsg.h include/linux/xmsg.h; do
		[ -e "$p/$f" ] || { echo "missing $p/$f"; return 1; }
	done
	[ -f "$d/etc/udev/rules.d/60-xmsg.rules" ] ||
		{ echo "missing the udev rule"; return 1; }
}
check "installed files are there" files_there

# Every page of docs/man in its section, and "man xm_send" finds the page
# of its group (the one-line .so pages, resolved from the man root).
man_there() {
	m="$p/share/man"
	for f in "$src"/docs/man/*.[1-9]; do
		n=${f##*/}
		cmp "$f" "$m/man${n##*.}/$n" || return 1
	done
	for a in xm_send:xm_xchg xm_ptr:xm_pool xm_check_version:xm_open; do
		(cd "$m" && mandoc -T ascii "man3/${a%%:*}.3") >"$tmp/man.txt" ||
			return 1
		grep -q "^XM_$(echo "${a#*:}" | sed 's/^xm_//' |
			tr a-z A-Z)(3)" "$tmp/man.txt" ||
			{ echo "man3/${a%%:*}.3 is not ${a#*:}(3)"; return 1; }
	done
}
check "man pages in share/man/man{3,4}, function names resolve" man_there

modules_there() {
	m="$d/lib/modules/$rel/extra"
	find "$d/lib/modules" -name '*.ko*'
	[ -f "$m/xmsg.ko" ] && [ -f "$m/net/xmsg_nic.ko" ] &&
		[ "$(find "$d/lib/modules" -name '*.ko*' | wc -l)" -eq 2 ] &&
		modinfo -F vermagic "$m/xmsg.ko" | grep -q "^$rel " &&
		[ ! -e "$d/lib/modules/$rel/modules.dep" ]
}
check "modules in lib/modules/$rel/extra, right vermagic, no depmod" \
	modules_there

soname() {
	readelf -d "$p/lib/$so" | grep 'SONAME' &&
		readelf -d "$p/lib/$so" | grep -q 'Library soname: \[libxmsg.so.0\]'
}
check "soname of $so is libxmsg.so.0" soname

links() {
	[ "$(readlink "$p/lib/libxmsg.so.0")" = "$so" ] &&
		[ "$(readlink "$p/lib/libxmsg.so")" = libxmsg.so.0 ]
}
check "libxmsg.so -> libxmsg.so.0 -> $so" links

# The functions libxmsg.h declares (not the static inline ones).
hdr_syms() {
	sed -n '/^static/!s/^[a-z][a-z0-9_ ]*[ *]\(xm_[a-z0-9_]*\)(.*/\1/p' \
		"$p/include/libxmsg.h" | sort
}
exports() {
	want=$(hdr_syms)
	got=$(nm -D --defined-only "$p/lib/$so" | awk '$2 == "T" { print $3 }' |
		sed 's/@.*//' | sort)
	map=$(sed -n 's/^[[:space:]]*\(xm_[a-z0-9_]*\);$/\1/p' \
		"$src/tools/lib/libxmsg.map" | sort)
	echo "exported, not in libxmsg.h:"
	echo "$got" | grep -vxF "$want"
	echo "in libxmsg.h, not exported:"
	echo "$want" | grep -vxF "$got"
	echo "in libxmsg.map, not exported:"
	echo "$map" | grep -vxF "$got"
	[ -n "$want" ] && [ "$want" = "$got" ] && [ "$map" = "$got" ] &&
		nm -D --defined-only "$p/lib/$so" | grep -q ' xm_open@@LIBXMSG_'
}
check "$so exports exactly libxmsg.h's functions (libxmsg.map)" exports

native_ctl() {
	file_m=$(readelf -h "$p/bin/xmsgctl" | sed -n 's/.*Machine: *//p')
	self_m=$(readelf -h /bin/sh | sed -n 's/.*Machine: *//p')
	echo "xmsgctl: $file_m, /bin/sh: $self_m"
	[ "$file_m" = "$self_m" ] && "$p/bin/xmsgctl" --help | grep -q usage
}
check "xmsgctl is native and runs" native_ctl

pc() {	# pc ARGS...: pkg-config on the installed tree only
	PKG_CONFIG_SYSROOT_DIR="$d" PKG_CONFIG_PATH="$p/lib/pkgconfig" \
		PKG_CONFIG_LIBDIR="$p/lib/pkgconfig" pkg-config "$@" libxmsg
}
pc_paths() {
	flags=$(pc --cflags --libs) || return 1
	echo "$flags"
	echo " $flags " | grep -q -- " -I$p/include " &&
		echo " $flags " | grep -q -- " -L$p/lib " &&
		echo " $flags " | grep -q -- " -lxmsg " || return 1
	for f in $flags; do
		case $f in
		-I*|-L*) case ${f#-?} in "$d"/*) ;; *) return 1 ;; esac ;;
		esac
	done
}
check "pkg-config --cflags --libs gives paths in DESTDIR" pc_paths

cat > "$tmp/hello.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <libxmsg.h>

int main(void)
{
	struct xm *x;
	int r = xm_open(&x, "/nonexistent/xmsg");

	if (xm_check_version(LIBXMSG_VERSION_MAJOR, LIBXMSG_VERSION_MINOR))
		return 2;
	printf("%s %d\n", xm_type_name(XMSG_TYPE_POOL), r == -ENOENT);
	return r == -ENOENT ? 0 : 1;
}
EOF
shared_prog() {
	# shellcheck disable=SC2046
	cc -o "$tmp/hello" "$tmp/hello.c" $(pc --cflags --libs) || return 1
	readelf -d "$tmp/hello" | grep NEEDED
	readelf -d "$tmp/hello" | grep -q 'NEEDED.*\[libxmsg.so.0\]' &&
		LD_LIBRARY_PATH="$p/lib" "$tmp/hello" | tee /dev/stderr |
		grep -q '^pool 1$'
}
check "a program links and runs against libxmsg.so" shared_prog

static_prog() {
	# shellcheck disable=SC2046
	cc -static -o "$tmp/hello-static" "$tmp/hello.c" \
		$(pc --static --cflags --libs) || return 1
	! readelf -d "$tmp/hello-static" | grep NEEDED &&
		"$tmp/hello-static" | grep -q '^pool 1$'
}
check "a program links statically against libxmsg.a and runs" static_prog

check "make uninstall DESTDIR" mkmod uninstall DESTDIR="$d"
all_gone() {
	left=$(find "$d" ! -type d)
	echo "left: $left"
	[ -z "$left" ]
}
check "make uninstall removed every installed file" all_gone

# --- make install in one go, user space for the modules' target -------------
d="$tmp/root2"
p="$d/usr"
check "make install PREFIX=/usr DESTDIR (all for $march)" \
	mkmod install DESTDIR="$d" PREFIX=/usr
cross_tree() {
	find "$d" ! -type d
	ctl=$(readelf -h "$p/bin/xmsgctl" | sed -n 's/.*Machine: *//p')
	lib=$(readelf -h "$p/lib/libxmsg.so.0" | sed -n 's/.*Machine: *//p')
	ko=$(readelf -h "$d/lib/modules/$rel/extra/xmsg.ko" |
		sed -n 's/.*Machine: *//p')
	echo "xmsgctl: $ctl, libxmsg: $lib, xmsg.ko: $ko"
	[ "$ctl" = "$ko" ] && [ "$lib" = "$ko" ] &&
		grep -q '^prefix=/usr$' "$p/lib/pkgconfig/libxmsg.pc" &&
		[ "$(find "$d" ! -type d ! -path "$p/share/man/*" | wc -l)" \
			-eq 13 ] && [ -f "$p/share/man/man4/xmsg.4" ]
}
check "one make install: modules and user space for one target" cross_tree
check "make uninstall PREFIX=/usr DESTDIR" \
	mkmod uninstall DESTDIR="$d" PREFIX=/usr
check "make uninstall removed every installed file (PREFIX=/usr)" all_gone

echo "$P passed, $F failed"
[ $F -eq 0 ]
