// SPDX-License-Identifier: GPL-2.0
/*
 * plugin_exitlab: the print handlers of the arm64 KVM events, with
 * exitstat's names. Every field is read through xl_field(), which checks
 * it lies inside the record: a short or corrupt record prints what it has
 * and says what it lacks.
 */
#include <stdio.h>
#include <string.h>

#include "exitstat.h"
#include "plugin.h"

#define ARM64_ONLY(ctx, s, record, event)                                 \
	do {                                                              \
		if (xl_arch(ctx) != XL_ARCH_ARM64)                        \
			return xl_hand_back(s, record, event);            \
	} while (0)

static int lacks(struct trace_seq *s, struct tep_record *record,
		 const char *field)
{
	trace_seq_printf(s, "[record of %d bytes without field %s]",
			 record->size, field);
	return 0;
}

static int32_t pid_of(struct tep_event *event, struct tep_record *record)
{
	unsigned long long pid;

	return xl_field(event, record, "common_pid", &pid) ? (int32_t)pid : 0;
}

/* ", PC: 0x..." with the width of the trace's unsigned long. */
static void print_pc(struct trace_seq *s, struct tep_event *event,
		     struct tep_record *record, const char *sep)
{
	unsigned long long pc;
	int size = 8;

	if (!xl_field(event, record, "vcpu_pc", &pc))
		return;
	xl_field_size(event, "vcpu_pc", &size);
	trace_seq_printf(s, "%sPC: 0x%0*llx", sep, size * 2, pc);
}

/* "CLASS (EC 0xNN), PC: 0x..., VM: n, VCPU: n, EXIT: n": the class as
 * exitstat counts it, IRQ, SERROR_EXIT, IL, HYP_GONE for the other returns. */
static int kvm_exit_handler(struct trace_seq *s, struct tep_record *record,
			    struct tep_event *event, void *context)
{
	const struct xl_ctx *ctx = context;
	unsigned long long ret, ec, vm, vcpu, count;
	int cls;

	ARM64_ONLY(context, s, record, event);
	if (!xl_field(event, record, "ret", &ret))
		return lacks(s, record, "ret");
	if (!xl_field(event, record, "esr_ec", &ec))
		return lacks(s, record, "esr_ec");
	/* ret in arm64's numbering (a 32-bit ARM host numbers its Hyp vectors) */
	cls = es_exit_class((long)es_ret_map(&ctx->ret_map, (long long)ret), (unsigned int)ec);
	xl_saw_exit(context, pid_of(event, record), cls, record->ts);
	if (cls < 64)
		trace_seq_printf(s, "%s (EC 0x%02x)", es_class_name(cls), cls);
	else if (cls == ES_CLASS_OTHER_RET)
		trace_seq_printf(s, "%s (ret %lld)", es_class_name(cls),
				 (long long)ret);
	else
		trace_seq_printf(s, "%s", es_class_name(cls));
	print_pc(s, event, record, ", ");
	/* exitlab's kernel (kernel-patches/6.1/0002) adds these */
	if (xl_field(event, record, "vm_pid", &vm) &&
	    xl_field(event, record, "vcpu_id", &vcpu) &&
	    xl_field(event, record, "exit_count", &count))
		trace_seq_printf(s, ", VM: %lld, VCPU: %llu, EXIT: %llu",
				 (long long)vm, vcpu, count);
	return 0;
}

static int kvm_entry_handler(struct trace_seq *s, struct tep_record *record,
			     struct tep_event *event, void *context)
{
	unsigned long long id;

	ARM64_ONLY(context, s, record, event);
	xl_saw_entry(context, pid_of(event, record), record->ts);
	print_pc(s, event, record, "");
	/* exitlab's kernel (kernel-patches/6.1/0005): the vcpu, named for perf */
	if (xl_field(event, record, "id", &id))
		trace_seq_printf(s, ", VCPU: %llu", id);
	return 0;
}

/* Names in every AArch32 space that knows the encoding: "MIDR|DBGDIDR?". */
static void aarch32_guess(char *buf, size_t len, unsigned int op1,
			  unsigned int crn, unsigned int crm, unsigned int op2)
{
	static const int spaces[] = { ES_REG_CP15_32, ES_REG_CP14_32,
				      ES_REG_CP15_64, ES_REG_CP14_64 };
	char one[64];
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
		bool wide = spaces[i] == ES_REG_CP15_64 ||
			    spaces[i] == ES_REG_CP14_64;

		if (wide && (crn || op2))
			continue;
		if (!es_sysreg_format(one, sizeof(one), spaces[i], 0, op1, crn,
				      crm, op2))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 "%s%s", used ? "|" : "", one);
	}
	if (!buf[0])
		es_sysreg_format(buf, len, ES_REG_CP15_32, 0, op1, crn, crm, op2);
	used = strlen(buf);
	if (used + 1 < len)
		strcpy(buf + used, "?");
}

static void print_reg(struct trace_seq *s, int space, unsigned int op0,
		      unsigned int op1, unsigned int crn, unsigned int crm,
		      unsigned int op2, bool is_write)
{
	char name[160];

	if (space < 0)
		aarch32_guess(name, sizeof(name), op1, crn, crm, op2);
	else
		es_sysreg_format(name, sizeof(name), space, op0, op1, crn, crm,
				 op2);
	trace_seq_printf(s, "%s %s, %s (%u,%u,%u,%u,%u)", name,
			 is_write ? "write" : "read",
			 space < 0 ? "AArch32?" : es_regspace_name(space),
			 op0, op1, crn, crm, op2);
}

/* "NAME read|write, SPACE (Op0,Op1,CRn,CRm,Op2), PC: 0x...". An AArch32
 * access (Op0 0) takes its space from the exit before it on its thread. */
static int kvm_sys_access_handler(struct trace_seq *s,
				  struct tep_record *record,
				  struct tep_event *event, void *context)
{
	static const char *const names[] = { "Op0", "Op1", "CRn", "CRm", "Op2",
					     "is_write" };
	unsigned long long v[6];
	int space, cls;
	size_t i;

	ARM64_ONLY(context, s, record, event);
	for (i = 0; i < 6; i++)
		if (!xl_field(event, record, names[i], &v[i]))
			return lacks(s, record, names[i]);
	if (v[0] & 0xff) {
		space = ES_REG_AARCH64;
	} else {
		cls = xl_current_class(context, pid_of(event, record),
				       record->ts);
		space = cls < 0 ? -1 : es_class_regspace(cls, 0);
	}
	print_reg(s, space, v[0] & 0xff, v[1] & 0xff, v[2] & 0xff, v[3] & 0xff,
		  v[4] & 0xff, v[5] & 0xff);
	print_pc(s, event, record, ", ");
	return 0;
}

/* The ESR of a trapped MSR/MRS/SYS (EC 0x18), decoded as the Arm ARM's
 * ISS: "NAME read|write, AArch64 (...), ESR: 0x...". */
static int kvm_handle_sys_reg_handler(struct trace_seq *s,
				      struct tep_record *record,
				      struct tep_event *event, void *context)
{
	unsigned long long esr;
	const char *field = "hsr";	/* 6.1; renamed esr later */
	unsigned int ec, iss;

	ARM64_ONLY(context, s, record, event);
	if (!xl_field(event, record, field, &esr)) {
		field = "esr";
		if (!xl_field(event, record, field, &esr))
			return lacks(s, record, "hsr");
	}
	ec = (esr >> 26) & 0x3f;
	iss = esr & 0x1ffffff;
	if (ec != 0x18) {
		trace_seq_printf(s, "ESR: 0x%08llx (EC 0x%02x %s, not a system register trap)",
				 esr, ec, es_class_name((int)ec));
		return 0;
	}
	print_reg(s, ES_REG_AARCH64, (iss >> 20) & 3, (iss >> 14) & 7,
		  (iss >> 10) & 15, (iss >> 1) & 15, (iss >> 17) & 7, !(iss & 1));
	trace_seq_printf(s, ", ESR: 0x%08llx", esr);
	return 0;
}

/* "NAME: fid 0x..., imm 0x..., PC: 0x...", SMCCC function ID in W0. */
static int kvm_hvc_arm64_handler(struct trace_seq *s, struct tep_record *record,
				 struct tep_event *event, void *context)
{
	unsigned long long r0, imm = 0;
	const char *name;
	uint32_t fid;

	ARM64_ONLY(context, s, record, event);
	if (!xl_field(event, record, "r0", &r0))
		return lacks(s, record, "r0");
	fid = (uint32_t)r0;
	name = es_smccc_name(fid);
	if (name)
		trace_seq_printf(s, "%s: fid 0x%08x", name, fid);
	else
		trace_seq_printf(s, "(unknown): fid 0x%08x (%s)", fid,
				 es_smccc_owner(fid));
	if (xl_field(event, record, "imm", &imm))
		trace_seq_printf(s, ", imm 0x%llx", imm);
	print_pc(s, event, record, ", ");
	return 0;
}

/* The kernel's line with the QEMU 'virt' region after the address. */
static int kvm_mmio_handler(struct trace_seq *s, struct tep_record *record,
			    struct tep_event *event, void *context)
{
	static const char *const types[] = { "unsatisfied-read", "read", "write" };
	unsigned long long type, len, gpa, val;
	const char *gpa_field = "gpa";

	ARM64_ONLY(context, s, record, event);
	if (!xl_field(event, record, "type", &type))
		return lacks(s, record, "type");
	if (!xl_field(event, record, "len", &len))
		return lacks(s, record, "len");
	if (!xl_field(event, record, gpa_field, &gpa)) {
		gpa_field = "phys_addr";	/* exitstat's decode.c takes it too */
		if (!xl_field(event, record, gpa_field, &gpa))
			return lacks(s, record, "gpa");
	}
	if (type < 3)
		trace_seq_printf(s, "mmio %s", types[type]);
	else
		trace_seq_printf(s, "mmio type %llu", type);
	trace_seq_printf(s, " len %llu gpa 0x%llx [%s]", len, gpa,
			 es_mmio_region(gpa));
	if (xl_field(event, record, "val", &val))
		trace_seq_printf(s, " val 0x%llx", val);
	return 0;
}

/* The kernel's own words, which libtraceevent cannot print ('%c' of a
 * conditional): "guest executed wfi at: 0x...". */
static int kvm_wfx_arm64_handler(struct trace_seq *s, struct tep_record *record,
				 struct tep_event *event, void *context)
{
	unsigned long long is_wfe, pc;

	ARM64_ONLY(context, s, record, event);
	if (!xl_field(event, record, "is_wfe", &is_wfe))
		return lacks(s, record, "is_wfe");
	if (!xl_field(event, record, "vcpu_pc", &pc))
		return lacks(s, record, "vcpu_pc");
	trace_seq_printf(s, "guest executed wf%c at: 0x%016llx",
			 is_wfe & 0xff ? 'e' : 'i', pc);
	return 0;
}

/* "reason KVM_EXIT_MMIO (6)"; "restart" or "error" with a negative errno. */
static int kvm_userspace_exit_handler(struct trace_seq *s,
				      struct tep_record *record,
				      struct tep_event *event, void *context)
{
	unsigned long long reason, err = 0;
	long long e;
	const char *name;

	ARM64_ONLY(context, s, record, event);
	if (!xl_field(event, record, "reason", &reason))
		return lacks(s, record, "reason");
	xl_field(event, record, "errno", &err);
	e = (long long)err;
	if (e < 0) {		/* -EINTR: a signal came; the kernel's words */
		trace_seq_printf(s, "reason %s (%llu)",
				 e == -4 ? "restart" : "error", 0ULL - err);
		return 0;
	}
	name = es_userspace_exit_name((uint32_t)reason);
	if (reason <= UINT32_MAX && strcmp(name, "?"))
		trace_seq_printf(s, "reason KVM_EXIT_%s (%llu)", name, reason);
	else
		trace_seq_printf(s, "reason %llu (%llu)", reason, reason);
	return 0;
}

const struct xl_event xl_events[] = {
	{ "kvm_exit", kvm_exit_handler },
	{ "kvm_entry", kvm_entry_handler },
	{ "kvm_sys_access", kvm_sys_access_handler },
	{ "kvm_handle_sys_reg", kvm_handle_sys_reg_handler },
	{ "kvm_hvc_arm64", kvm_hvc_arm64_handler },
	{ "kvm_mmio", kvm_mmio_handler },
	{ "kvm_wfx_arm64", kvm_wfx_arm64_handler },
	{ "kvm_userspace_exit", kvm_userspace_exit_handler },
};
const unsigned int xl_nevents = sizeof(xl_events) / sizeof(xl_events[0]);
