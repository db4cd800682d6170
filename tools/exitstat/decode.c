// SPDX-License-Identifier: GPL-2.0
/*
 * Record decoding. Field offsets and sizes are taken once from the trace's
 * own event formats (tep_find_field), so stock and patched kvm_exit layouts,
 * 32-bit hosts and other-endian files all decode with the same code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "exitstat.h"

struct wanted_event {
	const char *name;
	enum es_kind kind;
};

static const struct wanted_event wanted[] = {
	{ "kvm_exit", ES_EV_EXIT },
	{ "kvm_entry", ES_EV_ENTRY },
	{ "kvm_hvc_arm64", ES_EV_HVC },
	{ "kvm_sys_access", ES_EV_SYS_ACCESS },
	{ "kvm_handle_sys_reg", ES_EV_HANDLE_SYS_REG },
	{ "kvm_mmio", ES_EV_MMIO },
	{ "kvm_userspace_exit", ES_EV_USERSPACE_EXIT },
	{ "kvm_guest_fault", ES_EV_GUEST_FAULT },
};

static int take_field(struct tep_event *event, const char *name,
		      struct es_field *out, bool common)
{
	struct tep_format_field *f;

	f = common ? tep_find_common_field(event, name)
		   : tep_find_field(event, name);
	memset(out, 0, sizeof(*out));
	if (!f)
		return -ENOENT;
	/* Only scalar fields of 1, 2, 4 or 8 bytes are read by offset. */
	if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		return -EPROTO;
	if (f->offset < 0 || f->offset + f->size > 0xffff)
		return -EPROTO;
	out->offset = (uint16_t)f->offset;
	out->size = (uint8_t)f->size;
	out->is_signed = !!(f->flags & TEP_FIELD_IS_SIGNED);
	return 0;
}

/* An optional field: absent or odd-sized just leaves it unused. */
static void opt_field(struct tep_event *event, const char *name,
		      struct es_field *out)
{
	if (take_field(event, name, out, false))
		memset(out, 0, sizeof(*out));
}

int es_layout_init(struct es_layout *layout, struct tep_handle *tep,
		   struct es_error *err)
{
	struct tep_event *exit_ev, *ev;
	unsigned int max_id = 0;
	size_t i;
	int ret;

	memset(layout, 0, sizeof(*layout));
	layout->swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);

	exit_ev = tep_find_event_by_name(tep, "kvm", "kvm_exit");
	if (!exit_ev) {
		snprintf(err->msg, sizeof(err->msg),
			 "no kvm events in the trace (record with 'trace-cmd record -e kvm')");
		return -ENOMSG;
	}

	if (take_field(exit_ev, "common_type", &layout->common_type, true) ||
	    take_field(exit_ev, "common_pid", &layout->common_pid, true) ||
	    layout->common_type.size != 2) {
		snprintf(err->msg, sizeof(err->msg),
			 "unexpected event format: no usable common_type/common_pid");
		return -EPROTO;
	}
	ret = take_field(exit_ev, "ret", &layout->exit_ret, false);
	if (!ret)
		ret = take_field(exit_ev, "esr_ec", &layout->exit_ec, false);
	if (ret) {
		snprintf(err->msg, sizeof(err->msg),
			 "unexpected kvm_exit format: no integer fields 'ret' and 'esr_ec' (not an arm64 trace?)");
		return -EPROTO;
	}
	opt_field(exit_ev, "vcpu_pc", &layout->exit_pc);
	/* Our kernel patch appends these; their presence marks a patched trace. */
	opt_field(exit_ev, "vm_pid", &layout->exit_vm_pid);
	opt_field(exit_ev, "vcpu_id", &layout->exit_vcpu_id);
	opt_field(exit_ev, "exit_count", &layout->exit_count);
	layout->patched = layout->exit_vm_pid.size && layout->exit_vcpu_id.size &&
			  layout->exit_count.size;

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		ev = tep_find_event_by_name(tep, "kvm", wanted[i].name);
		if (ev && ev->id > 0 && (unsigned int)ev->id > max_id)
			max_id = (unsigned int)ev->id;
	}
	if (max_id > 0xffff) {
		snprintf(err->msg, sizeof(err->msg),
			 "unexpected event format: event id %u too large", max_id);
		return -EPROTO;
	}
	layout->max_id = max_id;
	layout->kind_by_id = calloc(max_id + 1, 1);
	if (!layout->kind_by_id) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		ev = tep_find_event_by_name(tep, "kvm", wanted[i].name);
		if (!ev || ev->id < 0)
			continue;
		/* Events sharing the common header layout only. */
		struct es_field ct, cp;
		if (take_field(ev, "common_type", &ct, true) ||
		    take_field(ev, "common_pid", &cp, true) ||
		    ct.offset != layout->common_type.offset ||
		    cp.offset != layout->common_pid.offset)
			continue;
		switch (wanted[i].kind) {
		case ES_EV_ENTRY:
			layout->has_entry = true;
			break;
		case ES_EV_HVC:
			if (take_field(ev, "r0", &layout->hvc_r0, false))
				continue;
			opt_field(ev, "imm", &layout->hvc_imm);
			opt_field(ev, "vcpu_pc", &layout->hvc_pc);
			break;
		case ES_EV_SYS_ACCESS:
			if (take_field(ev, "Op0", &layout->sa_op0, false) ||
			    take_field(ev, "Op1", &layout->sa_op1, false) ||
			    take_field(ev, "CRn", &layout->sa_crn, false) ||
			    take_field(ev, "CRm", &layout->sa_crm, false) ||
			    take_field(ev, "Op2", &layout->sa_op2, false) ||
			    take_field(ev, "is_write", &layout->sa_is_write, false))
				continue;
			break;
		case ES_EV_HANDLE_SYS_REG:
			/* 'hsr' in 6.1, renamed 'esr' later */
			if (take_field(ev, "hsr", &layout->hsr_esr, false) &&
			    take_field(ev, "esr", &layout->hsr_esr, false))
				continue;
			break;
		case ES_EV_MMIO:
			if (take_field(ev, "type", &layout->mmio_type, false) ||
			    take_field(ev, "len", &layout->mmio_len, false) ||
			    (take_field(ev, "gpa", &layout->mmio_gpa, false) &&
			     take_field(ev, "phys_addr", &layout->mmio_gpa, false)))
				continue;
			break;
		case ES_EV_USERSPACE_EXIT:
			if (take_field(ev, "reason", &layout->ue_reason, false))
				continue;
			opt_field(ev, "errno", &layout->ue_errno);
			break;
		case ES_EV_GUEST_FAULT:
			opt_field(ev, "ipa", &layout->gf_ipa);
			break;
		default:
			break;
		}
		layout->kind_by_id[ev->id] = (uint8_t)wanted[i].kind;
	}
	return 0;
}

void es_layout_release(struct es_layout *layout)
{
	free(layout->kind_by_id);
	layout->kind_by_id = NULL;
}

static inline uint64_t bswap_n(uint64_t v, unsigned int size)
{
	switch (size) {
	case 2: return __builtin_bswap16((uint16_t)v);
	case 4: return __builtin_bswap32((uint32_t)v);
	case 8: return __builtin_bswap64(v);
	}
	return v;
}

/* Reads a field known to lie inside the record; sign-extends signed ones. */
static inline uint64_t get(const struct es_layout *l, const uint8_t *data,
			   const struct es_field *f)
{
	uint64_t v;

	switch (f->size) {
	case 1: v = data[f->offset]; break;
	case 2: { uint16_t x; memcpy(&x, data + f->offset, 2); v = x; break; }
	case 4: { uint32_t x; memcpy(&x, data + f->offset, 4); v = x; break; }
	case 8: memcpy(&v, data + f->offset, 8); break;
	default: return 0;	/* absent field */
	}
	if (l->swap)
		v = bswap_n(v, f->size);
	if (f->is_signed && f->size < 8) {
		unsigned int shift = 64 - 8 * f->size;

		v = (uint64_t)((int64_t)(v << shift) >> shift);
	}
	return v;
}

static inline bool fits(const struct es_field *f, uint32_t size)
{
	return (uint32_t)f->offset + f->size <= size;
}

int es_decode(const struct es_layout *l, const void *record, uint32_t size,
	      struct es_event *ev)
{
	const uint8_t *data = record;
	unsigned int id;

	ev->kind = ES_EV_OTHER;
	if (!fits(&l->common_type, size) || !fits(&l->common_pid, size))
		return -EBADMSG;
	id = (unsigned int)get(l, data, &l->common_type);
	/* Type-id dispatch first: most records are of no interest. */
	if (id > l->max_id || !l->kind_by_id[id])
		return 0;
	ev->tid = (int32_t)get(l, data, &l->common_pid);

	switch ((enum es_kind)l->kind_by_id[id]) {
	case ES_EV_EXIT:
		if (!fits(&l->exit_ret, size) || !fits(&l->exit_ec, size) ||
		    !fits(&l->exit_pc, size))
			return -EBADMSG;
		ev->u.exit.ret = (int64_t)get(l, data, &l->exit_ret);
		ev->u.exit.ec = (uint32_t)get(l, data, &l->exit_ec);
		ev->u.exit.pc = get(l, data, &l->exit_pc);
		if (l->patched) {
			if (!fits(&l->exit_vm_pid, size) ||
			    !fits(&l->exit_vcpu_id, size) ||
			    !fits(&l->exit_count, size))
				return -EBADMSG;
			ev->u.exit.vm_pid = (int32_t)get(l, data, &l->exit_vm_pid);
			ev->u.exit.vcpu_id = (uint32_t)get(l, data, &l->exit_vcpu_id);
			ev->u.exit.exit_count = get(l, data, &l->exit_count);
		}
		ev->kind = ES_EV_EXIT;
		return 0;
	case ES_EV_ENTRY:
		ev->kind = ES_EV_ENTRY;
		return 0;
	case ES_EV_HVC:
		if (!fits(&l->hvc_r0, size) || !fits(&l->hvc_imm, size))
			return -EBADMSG;
		ev->u.hvc.r0 = get(l, data, &l->hvc_r0);
		ev->u.hvc.imm = get(l, data, &l->hvc_imm);
		ev->kind = ES_EV_HVC;
		return 0;
	case ES_EV_SYS_ACCESS:
		if (!fits(&l->sa_op0, size) || !fits(&l->sa_op1, size) ||
		    !fits(&l->sa_crn, size) || !fits(&l->sa_crm, size) ||
		    !fits(&l->sa_op2, size) || !fits(&l->sa_is_write, size))
			return -EBADMSG;
		ev->u.sys.op0 = (uint8_t)get(l, data, &l->sa_op0);
		ev->u.sys.op1 = (uint8_t)get(l, data, &l->sa_op1);
		ev->u.sys.crn = (uint8_t)get(l, data, &l->sa_crn);
		ev->u.sys.crm = (uint8_t)get(l, data, &l->sa_crm);
		ev->u.sys.op2 = (uint8_t)get(l, data, &l->sa_op2);
		ev->u.sys.is_write = !!get(l, data, &l->sa_is_write);
		ev->kind = ES_EV_SYS_ACCESS;
		return 0;
	case ES_EV_HANDLE_SYS_REG:
		if (!fits(&l->hsr_esr, size))
			return -EBADMSG;
		ev->u.hsr.esr = get(l, data, &l->hsr_esr);
		ev->kind = ES_EV_HANDLE_SYS_REG;
		return 0;
	case ES_EV_MMIO:
		if (!fits(&l->mmio_type, size) || !fits(&l->mmio_len, size) ||
		    !fits(&l->mmio_gpa, size))
			return -EBADMSG;
		ev->u.mmio.type = (uint32_t)get(l, data, &l->mmio_type);
		ev->u.mmio.len = (uint32_t)get(l, data, &l->mmio_len);
		ev->u.mmio.gpa = get(l, data, &l->mmio_gpa);
		ev->kind = ES_EV_MMIO;
		return 0;
	case ES_EV_USERSPACE_EXIT:
		if (!fits(&l->ue_reason, size) || !fits(&l->ue_errno, size))
			return -EBADMSG;
		ev->u.uexit.reason = (uint32_t)get(l, data, &l->ue_reason);
		ev->u.uexit.err = (int32_t)get(l, data, &l->ue_errno);
		ev->kind = ES_EV_USERSPACE_EXIT;
		return 0;
	case ES_EV_GUEST_FAULT:
		if (!fits(&l->gf_ipa, size))
			return -EBADMSG;
		ev->u.fault.ipa = get(l, data, &l->gf_ipa);
		ev->kind = ES_EV_GUEST_FAULT;
		return 0;
	default:
		return 0;
	}
}
