#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the path of the unpacked Debian kernel source (unpacking it once).
set -eu
. "$(dirname "$0")/lib.sh"
kernel_src
