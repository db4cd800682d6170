#!/usr/bin/env bash
# The outer emulator with a QMP monitor on EXITLAB_TEST_QMP (a UNIX socket), for tests that
# act on the emulated host from outside (tests/e2e/host-fault.sh hang stops its CPUs): given
# to run-host.sh as --outer-qemu, it runs EXITLAB_TEST_QEMU (exitlab's outer QEMU) with the
# arguments run-host.sh gives, and the monitor.
set -euo pipefail
: "${EXITLAB_TEST_QEMU:?the outer qemu-system-aarch64 to run}" "${EXITLAB_TEST_QMP:?the QMP socket path}"
exec "$EXITLAB_TEST_QEMU" "$@" -qmp "unix:$EXITLAB_TEST_QMP,server=on,wait=off"
