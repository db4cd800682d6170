# exitlab: `make` builds the host-side tools, `make test` runs every test (tests/tests.cfg),
# `make images` builds kernels and root filesystems, `make run` runs the default study,
# `make report` writes report/ (REPORT.md, index.html, figures) from runs it makes or reuses,
# `make install` puts exitstat and its man page under $(DESTDIR)$(PREFIX) (default /usr/local),
# `make install-plugin` the traceevent plugin for trace-cmd and KernelShark in
# ~/.local/lib/traceevent/plugins, or with PREFIX=... in $(DESTDIR)$(PREFIX)/lib/traceevent/plugins.
# Quiet by default; V=1 shows full commands.
V ?= 0
# BUILD_DIR: the build directory (tools/common.mk), given to every command run from here as
# an absolute EXITLAB_BUILD, so that a relative one means the same to all of them.
include tools/common.mk
export EXITLAB_BUILD := $(BUILD_DIR)
PREFIX ?= /usr/local
DESTDIR ?=
export V

.PHONY: all exitstat plugin images run report test test-unit test-e2e lint install uninstall \
	install-plugin uninstall-plugin clean distclean help

all: exitstat plugin

exitstat:
	@$(MAKE) --no-print-directory -C tools/exitstat

plugin:
	@$(MAKE) --no-print-directory -C tools/tep-plugin

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
	install -D -m 0755 $(BUILD_DIR)/exitstat/exitstat $(DESTDIR)$(PREFIX)/bin/exitstat
	install -D -m 0644 tools/exitstat/exitstat.1 $(DESTDIR)$(PREFIX)/share/man/man1/exitstat.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/exitstat $(DESTDIR)$(PREFIX)/share/man/man1/exitstat.1

# libtraceevent loads its own directory first, then $$TRACEEVENT_PLUGIN_DIR, then
# ~/.local/lib/traceevent/plugins; the last handler registered for an event wins. Ours must come
# after plugin_kvm.so (its own directory), so that directory is refused: there the directory's
# order would decide (exitstat(1), TRACE-CMD AND KERNELSHARK).
PLUGIN_SYSDIR := $(shell pkg-config --variable=libdir libtraceevent 2>/dev/null)/traceevent/plugins
PLUGINDIR ?= $(if $(filter file,$(origin PREFIX)),$(HOME)/.local/lib/traceevent/plugins,$(PREFIX)/lib/traceevent/plugins)

install-plugin: plugin
	@if [ "$(abspath $(PLUGINDIR))" = "$(PLUGIN_SYSDIR)" ]; then \
	  echo "install-plugin: $(PLUGINDIR): libtraceevent's own directory, where plugin_kvm.so may print kvm_exit instead: use ~/.local/lib/traceevent/plugins or another directory named in TRACEEVENT_PLUGIN_DIR" >&2; \
	  exit 2; fi
	install -D -m 0644 $(BUILD_DIR)/tep-plugin/plugin_exitlab.so $(DESTDIR)$(PLUGINDIR)/plugin_exitlab.so
	@case "$(abspath $(PLUGINDIR))" in $(HOME)/.local/lib/traceevent/plugins) ;; \
	  *) echo "install-plugin: libtraceevent reads $(PLUGINDIR) when TRACEEVENT_PLUGIN_DIR=$(PLUGINDIR)";; esac

uninstall-plugin:
	rm -f $(DESTDIR)$(PLUGINDIR)/plugin_exitlab.so

clean:
	rm -rf $(BUILD_DIR)/exitstat $(BUILD_DIR)/tep-plugin $(BUILD_DIR)/test-logs $(BUILD_DIR)/test-runs

# Also drops the kernel source, object directories and cached images (a cold rebuild).
distclean:
	rm -rf $(BUILD_DIR)

help:
	@sed -n '1,7p' Makefile
