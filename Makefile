# exitlab: `make` builds the host-side tools, `make test` runs every test (tests/tests.cfg),
# `make images` builds kernels and root filesystems, `make run` runs the default study,
# `make report` writes report/ (REPORT.md, index.html, figures) from runs it makes or reuses,
# `make install` puts exitstat and its man page under $(DESTDIR)$(PREFIX) (default /usr/local).
# Quiet by default; V=1 shows full commands.
V ?= 0
# The build directory: EXITLAB_BUILD as images/lib.sh reads it, else build/.
BUILD := $(or $(EXITLAB_BUILD),$(CURDIR)/build)
PREFIX ?= /usr/local
DESTDIR ?=
export V

.PHONY: all exitstat images run report test test-unit test-e2e lint install uninstall clean distclean help

all: exitstat

exitstat:
	@$(MAKE) --no-print-directory -C tools/exitstat BUILD=$(BUILD)/exitstat

images:
	@./run-host.sh --build-only

run:
	@./run-host.sh

# REPORT_FROM="DIR..." builds the report from existing runs and studies, running nothing.
report: all
	@report/generate $(if $(REPORT_FROM),--from $(REPORT_FROM))

test: all
	@tests/run

test-unit: all
	@tests/run -g unit

test-e2e: all
	@tests/run -g e2e

lint:
	@tests/lint.sh

install: exitstat
	install -D -m 0755 $(BUILD)/exitstat/exitstat $(DESTDIR)$(PREFIX)/bin/exitstat
	install -D -m 0644 tools/exitstat/exitstat.1 $(DESTDIR)$(PREFIX)/share/man/man1/exitstat.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/exitstat $(DESTDIR)$(PREFIX)/share/man/man1/exitstat.1

clean:
	rm -rf $(BUILD)/exitstat $(BUILD)/test-logs $(BUILD)/test-runs

# Also drops the kernel source, object directories and cached images (a cold rebuild).
distclean:
	rm -rf $(BUILD)

help:
	@sed -n '1,5p' Makefile
