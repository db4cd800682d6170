# SPDX-License-Identifier: GPL-2.0
# The kvm event formats (formats/*.format) and the ring buffer's headers (formats/*.header_page,
# *.header_event) as C, for the Makefiles of tests and fuzz targets that build traces or
# records: include this after setting BUILD, add -I$(TRACEDAT) -I$(BUILD) and make the objects
# that include kvm-formats.h depend on $(KVM_FORMATS_DEPS).
TRACEDAT := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
KVM_FORMATS := $(sort $(wildcard $(TRACEDAT)/formats/*.format)) \
	       $(sort $(wildcard $(TRACEDAT)/formats/*.header_page $(TRACEDAT)/formats/*.header_event))
KVM_FORMATS_DEPS := $(BUILD)/kvm-formats-data.h $(TRACEDAT)/kvm-formats.h

$(BUILD)/kvm-formats-data.h: $(KVM_FORMATS) $(TRACEDAT)/formats-h.awk | $(BUILD)
	$(quiet) GEN $@
	$(Q)awk -f $(TRACEDAT)/formats-h.awk $(KVM_FORMATS) >$@.tmp && mv $@.tmp $@
