# SPDX-License-Identifier: GPL-2.0
# Rules shared by the programs exitlab puts into guest images (tools/guest-exits,
# benchmarks/workloads): one binary per architecture, native (for unit tests) and static
# armhf and arm64 (the guests' initramfs has no shared libc), in $(BUILD)/ARCH/$(PROG).
# The including Makefile includes tools/common.mk, sets PROG, SRCS, HDRS, BUILD (and WARN
# if not common.mk's), then includes this file.

CC ?= cc
ARMHF_CC ?= arm-linux-gnueabihf-gcc
ARM64_CC ?= aarch64-linux-gnu-gcc
CFLAGS ?= -O2 -g
CROSS_LDFLAGS := -static
ARCHES := native armhf arm64

all: $(ARCHES:%=$(BUILD)/%/$(PROG))

native: $(BUILD)/native/$(PROG)
armhf: $(BUILD)/armhf/$(PROG)
arm64: $(BUILD)/arm64/$(PROG)

# One rule set per architecture: compiler and link flags differ, sources do not.
define arch_rules
$(BUILD)/$(1)/%.o: %.c $(HDRS)
	$$(quiet) CC $$@
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(2) $$(CFLAGS) -c -o $$@ $$<

$(BUILD)/$(1)/$(PROG): $(SRCS:%.c=$(BUILD)/$(1)/%.o)
	$$(quiet) LINK $$@
	$$(Q)$(2) $$(CFLAGS) $$(LDFLAGS) $(3) -o $$@ $$^
endef

$(eval $(call arch_rules,native,$$(CC),))
$(eval $(call arch_rules,armhf,$$(ARMHF_CC),$$(CROSS_LDFLAGS)))
$(eval $(call arch_rules,arm64,$$(ARM64_CC),$$(CROSS_LDFLAGS)))

clean:
	$(Q)rm -rf $(BUILD)

.PHONY: all native armhf arm64 clean
