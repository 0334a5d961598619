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
#                   and the man pages (docs/man: $(PREFIX)/share/man)
#   make uninstall  remove what make install installed
#   make man-lint   mandoc -T lint over docs/man, and every ioctl, feature
#                   bit, libxmsg function and xmsgctl option documented
#                   (scripts/man-lint.sh)
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
MANDIR ?= $(PREFIX)/share/man
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
	uninstall-modules uninstall-user install-man uninstall-man man-lint

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
install-user: install-man
	$(MAKE) -C tools CROSS_COMPILE=$(CROSS_COMPILE) PREFIX=$(PREFIX) install
	install -d $(DESTDIR)$(UDEVDIR)
	install -m 0644 udev/60-xmsg.rules $(DESTDIR)$(UDEVDIR)/

uninstall-user: uninstall-man
	$(MAKE) -C tools CROSS_COMPILE=$(CROSS_COMPILE) PREFIX=$(PREFIX) uninstall
	rm -f $(DESTDIR)$(UDEVDIR)/60-xmsg.rules

# Man pages: docs/man/NAME.SECTION into $(MANDIR)/manSECTION, and for every
# other name a page's NAME line lists (the functions of a libxmsg group) a
# one-line page that includes it (".so man3/xm_xchg.3"), so that
# "man xm_send" works.
MAN_PAGES := $(wildcard docs/man/*.[1-9])
man_aliases = sed -n '/^\.SH NAME/,/\\-/p' $(1) | \
	sed '1d;s/\\-.*//;s/,/ /g' | tr ' ' '\n' | grep -vx "$$(basename $(1) | \
	sed 's/\.[1-9]$$//')" | grep .
install-man:
	@set -e; for p in $(MAN_PAGES); do \
		s=$${p##*.}; d=$(DESTDIR)$(MANDIR)/man$$s; \
		install -d $$d; install -m 0644 $$p $$d/; \
		for a in $$($(call man_aliases,$$p)); do \
			echo ".so man$$s/$${p##*/}" > $$d/$$a.$$s; \
		done; \
	done

uninstall-man:
	@for p in $(MAN_PAGES); do \
		s=$${p##*.}; d=$(DESTDIR)$(MANDIR)/man$$s; \
		rm -f $$d/$${p##*/}; \
		for a in $$($(call man_aliases,$$p)); do rm -f $$d/$$a.$$s; done; \
		rmdir $$d 2>/dev/null || true; \
	done

man-lint:
	scripts/man-lint.sh

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
