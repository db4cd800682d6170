/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kvm event formats of tools/tracedat/formats/, for C tests and fuzz targets that build
 * traces or records: kvm_formats_arm64 (exitlab's 6.1 arm64 host kernel, stock kvm_exit),
 * kvm_formats_arm64_patched (its kvm_exit with kernel-patches/6.1/0002, its kvm_entry with
 * 0005), kvm_formats_x86 (x86's kvm_exit and kvm_entry), and KVM_ID_<EVENT>, each event's ID
 * there; kvm_header_page_arm64 and kvm_header_event_arm64, the same kernel's ring-buffer
 * headers (tracefs events/header_page, events/header_event). The arrays are generated
 * (formats.mk), static: unused ones cost nothing.
 */
#ifndef EXITLAB_KVM_FORMATS_H
#define EXITLAB_KVM_FORMATS_H

#include <string.h>

#include <event-parse.h>

struct kvm_format {
	const char *name;	/* event name; NULL ends an array */
	int id;			/* its ID in the format text */
	const char *text;	/* the format as tracefs prints it */
};

#include "kvm-formats-data.h"

/*
 * Parses a set of formats into TEP: those of SET, and those of kvm_formats_arm64 that SET does
 * not replace (SET may be kvm_formats_arm64 itself). Returns how many libtraceevent refused.
 */
static inline int kvm_formats_parse(struct tep_handle *tep, const struct kvm_format *set)
{
	const struct kvm_format *f, *s;
	int refused = 0;

	for (f = kvm_formats_arm64; f->name; f++) {
		for (s = set; s->name && strcmp(s->name, f->name); s++)
			;
		if (!s->name && tep_parse_event(tep, f->text, strlen(f->text), "kvm"))
			refused++;
	}
	for (s = set; s->name; s++)
		if (tep_parse_event(tep, s->text, strlen(s->text), "kvm"))
			refused++;
	return refused;
}

#endif
