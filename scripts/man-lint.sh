#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# man-lint.sh: mandoc -T lint over every man page of docs/man (or the pages
# given), installing mandoc with apt-get when it is missing.
#
#   scripts/man-lint.sh [PAGE...]
#
# Prints one "man-lint: PAGE: ok|FAILED" line per page (and mandoc's
# messages for a failure) and ends with "N passed, N failed".  A page fails
# on any message of mandoc at level warning or above (-W warning), and,
# where groff is installed, on any warning of "groff -man -ww" (what
# "man --warnings" shows); exits non-zero when a page failed or there was
# none.
#
# Without arguments it also checks that the pages keep up with the code,
# one "man-lint: coverage: WHAT: ok|FAILED" line each (and what is
# missing): every XMSG_IOC_* command and XMSG_FEAT_* bit of
# <linux/xmsg.h> in xmsg(4); every function of <libxmsg.h> (those
# libxmsg.map exports and the inline ones) on the NAME line of a page of
# section 3; every long option and command of xmsgctl's tables in
# xmsgctl(8).
set -u
. "$(dirname "$0")/lib.sh"

if ! command -v mandoc >/dev/null 2>&1; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	echo "man-lint: installing mandoc" >&2
	$SUDO apt-get install -y -qq --no-install-recommends mandoc >/dev/null ||
		die "cannot install mandoc"
fi

P=0 F=0
man="$XMSG_ROOT/docs/man"

result() {	# result NAME MESSAGES: ok without messages, else FAILED
	if [ -z "$2" ]; then
		echo "man-lint: $1: ok"
		P=$((P + 1))
	else
		echo "man-lint: $1: FAILED"
		echo "$2" | sed 's/^/    /'
		F=$((F + 1))
	fi
}

coverage() {	# coverage WHAT MISSING
	result "coverage: $1" "${2:+not documented:
$2}"
}

# The words of @1 that page @2 does not name: a word counts when it is a
# word of the page's roff source (with "-" written "\-"), a feature bit
# also as a ".BR _SUFFIX" line (how xmsg.4 lists the bits after the
# first).
undocumented() {
	for w in $1; do
		r=$(printf '%s' "$w" | sed 's/-/\\\\-/g')
		grep -qw -e "$r" "$2" && continue
		case $w in
		XMSG_FEAT_*)
			grep -qx "\.BR* _${w#XMSG_FEAT_} *[,)]*.*" "$2" &&
				continue ;;
		esac
		echo "$w"
	done
}

check_coverage() {
	uapi="$XMSG_ROOT/uapi/linux/xmsg.h"
	lib="$XMSG_ROOT/tools/lib"
	ctl="$XMSG_ROOT/tools/xmsgctl"
	ioc=$(sed -n 's/^#define \(XMSG_IOC_[A-Z0-9_]*\)[[:space:]]*_IO.*/\1/p' \
		"$uapi")
	coverage "ioctls of <linux/xmsg.h> in xmsg.4" \
		"$(undocumented "$ioc" "$man/xmsg.4")"
	feat=$(sed -n 's/^#define \(XMSG_FEAT_[A-Z0-9_]*\)[[:space:]].*/\1/p' \
		"$uapi")
	coverage "feature bits of <linux/xmsg.h> in xmsg.4" \
		"$(undocumented "$feat" "$man/xmsg.4")"
	# the NAME lines of section 3: "a, b, c \- what" (they may wrap)
	names=$(for f in "$man"/*.3; do
		sed -n '/^\.SH NAME/,/\\-/p' "$f" | sed '1d;s/\\-.*//'
	done | tr ',' ' ' | tr ' ' '\n' | grep .)
	fns=$( { sed -n 's/^[[:space:]]*\(xm_[a-z0-9_]*\);$/\1/p' \
			"$lib/libxmsg.map"
		# the inline ones: the name on the line or the next
		awk '/^static inline/ {
			if ($0 !~ /xm_[a-z0-9_]*\(/)
				getline
			if (match($0, /xm_[a-z0-9_]*\(/))
				print substr($0, RSTART, RLENGTH - 1)
		}' "$lib/libxmsg.h"; } | sort -u)
	coverage "functions of <libxmsg.h> on the NAME line of a page (3)" \
		"$(echo "$fns" | grep -vxF "$names")"
	# xmsgctl's tables: options { "name", 'k', ... }, commands
	# { "name", function, ... }
	opts=$(sed -n 's/.*{ "\([a-z-]*\)", '"'"'.'"'"',.*/--\1/p' \
		"$ctl"/*.[ch] | sort -u)
	cmds=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", [a-z_]*,.*/\1/p' \
		"$ctl"/*.[ch] | sort -u)
	if [ -z "$opts" ] || [ -z "$cmds" ]; then
		coverage "xmsgctl's tables read" "no option or command found"
	fi
	coverage "xmsgctl options and commands in xmsgctl.8" \
		"$(undocumented "$opts $cmds" "$man/xmsgctl.8")"
}

if [ $# -eq 0 ]; then
	set -- "$man"/*.[1-9]
	check_coverage
fi
for page; do
	[ -f "$page" ] || continue
	name=${page##*/}
	msgs=$(mandoc -T lint -W warning "$page" 2>&1)
	rc=$?
	if command -v groff >/dev/null 2>&1; then
		msgs=$(printf '%s\n%s\n' "$msgs" \
			"$(groff -man -ww -z "$page" 2>&1)" | sed '/^$/d')
	fi
	[ $rc -eq 0 ] || msgs="${msgs:-mandoc exited with $rc}"
	result "$name" "$msgs"
done
echo "$P passed, $F failed"
[ $F -eq 0 ] && [ $P -gt 0 ]
