# SPDX-License-Identifier: GPL-2.0
# What exitlab's Makefiles share; each includes it first.
#
# The build directory, where everything generated goes: EXITLAB_BUILD if set, else build/ at
# the top of the tree. The one rule for make; images/lib.sh (BUILD_DIR) is the shell's,
# benchmarks/multiguest/common.py (BUILD) Python's, and tests/lint.sh fails on a build path
# written anywhere else. A Makefile's own outputs go to $(BUILD_DIR)/NAME unless its caller
# passes BUILD.
EXITLAB_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
BUILD_DIR := $(abspath $(or $(EXITLAB_BUILD),$(EXITLAB_ROOT)/build))

# Quiet by default: one "  CC      target" line a step ($(quiet) CC $@, then $(Q)command);
# V=1 shows the commands instead, make -s neither.
ifeq ($(V),1)
Q :=
quiet = @true
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q := @
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

# What the C programs share: warnings (a Makefile may set its own WARN after including this),
# and for the libFuzzer targets (make fuzz) clang with ASan and UBSan, a UBSan report a crash.
CLANG ?= clang
PKG_CONFIG ?= pkg-config
WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
