# exitlab: `make` builds the host-side tools, `make test` runs every test (tests/tests.cfg),
# `make images` builds kernels and root filesystems, `make run` runs the default study.
# Quiet by default; V=1 shows full commands.
V ?= 0
BUILD := $(CURDIR)/build
export V

.PHONY: all exitstat images run test test-unit test-e2e lint clean distclean help

all: exitstat

exitstat:
	@$(MAKE) --no-print-directory -C tools/exitstat BUILD=$(BUILD)/exitstat

images:
	@./run-host.sh --build-only

run:
	@./run-host.sh

test: all
	@tests/run

test-unit: all
	@tests/run -g unit

test-e2e: all
	@tests/run -g e2e

lint:
	@tests/lint.sh

clean:
	rm -rf $(BUILD)/exitstat $(BUILD)/test-logs $(BUILD)/test-runs

# Also drops the kernel source, object directories and cached images (a cold rebuild).
distclean:
	rm -rf $(BUILD)

help:
	@sed -n '1,3p' Makefile
