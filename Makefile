# SPDX-License-Identifier: GPL-2.0
#
# xmsg top-level Makefile.
#
#   make            build xmsg.ko and the sample NIC module (net/) for the
#                   running kernel (KDIR=/lib/modules/$(uname -r)/build);
#                   KDIR=, ARCH=, CROSS_COMPILE= for another kernel
#   make XMSG_KUNIT=1  also the KUnit suites, benchmarks and harness
#                   canaries (kunit/, kunit/bench/, scripts/canary/; only
#                   for a kernel with CONFIG_KUNIT)
#   make install    the modules (modules_install, then depmod), libxmsg,
#                   its headers and pkg-config file, xmsgctl and the udev
#                   rule; DESTDIR= and PREFIX= (/usr/local) as usual
#                   (install-modules and install-user: one half of it)
#   make uninstall  remove what make install installed
#   make tools      build libxmsg, xmsgctl, examples and user tests (static
#                   arm64, for the test VM; CROSS_COMPILE= for native)
#   make check      every test: debug kernel (KUnit + user tests + harness
#                   self-test), then Debian's stock kernel (user tests)
#   make check-all  make check, then the user tests on Debian's stock 6.12
#                   kernels booted: arm64 and amd64 (qemu-system-x86_64)
#   make fuzz       the debug kernel and only the fuzzer, MINUTES=N (10);
#                   SEED=S to repeat a run
#   make demo       boot the VM and show messages flowing
#   make bench      benchmarks on the perf kernel, writes docs/benchmarks.md
#   make vm-shell   an interactive VM with everything loaded
#   make clean
#
# The VM targets build the project's arm64 test kernels and use the arm64
# cross compiler themselves (scripts/lib.sh); nothing here installs a
# package except them and make setup.

PWD := $(CURDIR)

KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
UDEVDIR ?= /etc/udev/rules.d

# Where modules_install puts external modules (kbuild's default).
INSTALL_MOD_DIR ?= extra
# The release the kernel reports (uname -r): Debian's headers have the
# upstream version in include/config/kernel.release, which modules_install
# would use as the folder name.  KRELEASE= to uninstall without headers.
KRELEASE ?= $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR = $(DESTDIR)/lib/modules/$(KRELEASE)/$(INSTALL_MOD_DIR)
NIC_MODS := net/xmsg_nic.ko

.PHONY: all modules tools check fuzz demo bench vm-shell clean setup \
	sparse checkpatch install uninstall install-modules install-user \
	uninstall-modules uninstall-user

all: modules

# One line, not a page of make errors, when there are no headers.
need_kdir = $(if $(wildcard $(KDIR)/Makefile),,$(error xmsg: no kernel \
	headers in $(KDIR): install linux-headers-$(shell uname -r) or set \
	KDIR=; 'make demo' or 'make check' build and boot a test VM instead))

modules:
	$(need_kdir)
	$(MAKE) -C $(KDIR) M=$(PWD) modules

# modules_install runs depmod only where the headers have a System.map
# (Debian's have not): run it ourselves on the running system, never on a
# DESTDIR tree.
install-modules: modules
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) KERNELRELEASE=$(KRELEASE) \
		DEPMOD=true modules_install
	$(if $(DESTDIR),,depmod -a $(KRELEASE))

uninstall-modules:
	$(if $(KRELEASE),,$(need_kdir))
	rm -f $(MODDIR)/xmsg.ko* $(addprefix $(MODDIR)/,$(NIC_MODS:.ko=.ko*))
	@rmdir $(MODDIR)/net $(MODDIR) 2>/dev/null || true
	$(if $(DESTDIR),,depmod -a $(KRELEASE))

# User space is built for the same target as the modules: natively unless
# CROSS_COMPILE is set.
install-user:
	$(MAKE) -C tools CROSS_COMPILE=$(CROSS_COMPILE) PREFIX=$(PREFIX) install
	install -d $(DESTDIR)$(UDEVDIR)
	install -m 0644 udev/60-xmsg.rules $(DESTDIR)$(UDEVDIR)/

uninstall-user:
	$(MAKE) -C tools CROSS_COMPILE=$(CROSS_COMPILE) PREFIX=$(PREFIX) uninstall
	rm -f $(DESTDIR)$(UDEVDIR)/60-xmsg.rules

install: install-modules install-user
uninstall: uninstall-modules uninstall-user

# Sparse over every module, KUnit suites included: on the project's arm64
# debug kernel unless KDIR is given.
ifeq ($(origin KDIR),file)
sparse:
	$(MAKE) -C $$(scripts/setup.sh >&2 && scripts/build-kernel.sh debug) \
		M=$(PWD) ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		XMSG_KUNIT=1 C=2 modules
else
sparse:
	$(need_kdir)
	$(MAKE) -C $(KDIR) M=$(PWD) XMSG_KUNIT=1 C=2 modules
endif

checkpatch:
	scripts/checkpatch.sh

tools:
	$(MAKE) -C tools

setup:
	scripts/setup.sh

check:
	scripts/check.sh

.PHONY: check-all
check-all:
	scripts/check-all.sh

MINUTES ?= 10
SEED ?=
fuzz:
	scripts/fuzz.sh $(MINUTES) $(SEED)

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

vm-shell:
	scripts/vm-shell.sh

clean:
	rm -rf .tmp_versions Module.symvers modules.order
	find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o \
		-name '*.mod.c' -o -name '.*.cmd' -o -name '*.a' \) \
		-not -path './.git/*' -delete
	-$(MAKE) -C tools clean
