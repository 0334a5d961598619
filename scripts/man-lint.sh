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
set -u
. "$(dirname "$0")/lib.sh"

if ! command -v mandoc >/dev/null 2>&1; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	echo "man-lint: installing mandoc" >&2
	$SUDO apt-get install -y -qq --no-install-recommends mandoc >/dev/null ||
		die "cannot install mandoc"
fi

[ $# -gt 0 ] || set -- "$XMSG_ROOT"/docs/man/*.[1-9]
P=0 F=0
for page; do
	[ -f "$page" ] || continue
	name=${page##*/}
	msgs=$(mandoc -T lint -W warning "$page" 2>&1)
	rc=$?
	if command -v groff >/dev/null 2>&1; then
		msgs="$msgs$(groff -man -ww -z "$page" 2>&1)"
	fi
	if [ $rc -eq 0 ] && [ -z "$msgs" ]; then
		echo "man-lint: $name: ok"
		P=$((P + 1))
	else
		echo "man-lint: $name: FAILED"
		echo "$msgs" | sed 's/^/    /'
		F=$((F + 1))
	fi
done
echo "$P passed, $F failed"
[ $F -eq 0 ] && [ $P -gt 0 ]
