# SPDX-License-Identifier: GPL-2.0
#
# xmsg top-level Makefile.
#
#   make            build xmsg.ko (+ KUnit and sample modules) for the
#                   project's arm64 debug test kernel
#   make tools      build libxmsg, xmsgctl, examples and user tests (arm64)
#   make check      every test: debug kernel (KUnit + user tests + harness
#                   self-test), then Debian's stock kernel (user tests)
#   make fuzz       the debug kernel and only the fuzzer, MINUTES=N (10);
#                   SEED=S to repeat a run
#   make demo       boot the VM and show messages flowing
#   make bench      benchmarks on the perf kernel, writes docs/benchmarks.md
#   make vm-shell   an interactive VM with everything loaded
#   make clean
#
# Build against your own kernel:
#   make KDIR=/lib/modules/$(uname -r)/build ARCH=$(uname -m) CROSS_COMPILE=

ARCH ?= arm64
CROSS_COMPILE ?= aarch64-linux-gnu-
export ARCH CROSS_COMPILE

PWD := $(CURDIR)

ifeq ($(KDIR),)
KDIR = $(shell $(PWD)/scripts/setup.sh >&2 && $(PWD)/scripts/build-kernel.sh debug)
endif

.PHONY: all modules tools check fuzz demo bench vm-shell clean setup \
	sparse checkpatch

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

sparse:
	$(MAKE) -C $(KDIR) M=$(PWD) C=2 modules

checkpatch:
	scripts/checkpatch.sh

tools:
	$(MAKE) -C tools CROSS_COMPILE=$(CROSS_COMPILE)

setup:
	scripts/setup.sh

check:
	scripts/check.sh

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
