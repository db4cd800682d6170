// SPDX-License-Identifier: GPL-2.0
/*
 * Name tables: exception classes, exit codes, SMCCC function IDs, system
 * registers (AArch64 and AArch32 CP15/CP14/CP10) and the QEMU 'virt' memory
 * map. Sources: Arm ARM (DDI 0487) ESR_ELx.EC and the system register
 * encoding index, Arm DEN0022 (PSCI), DEN0028 (SMCCC), Linux
 * include/linux/arm-smccc.h, QEMU hw/arm/virt.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exitstat.h"
#include "exitlab/exit-stats-abi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct ec_desc {
	const char *name;
	const char *what;
};

/* Every EC the Arm ARM defines; the kernel's trace table lacks several. */
static const struct ec_desc ec_table[64] = {
	[0x00] = { "UNKNOWN", "unknown reason" },
	[0x01] = { "WFx", "trapped WFI/WFE/WFIT/WFET" },
	[0x03] = { "CP15_32", "trapped AArch32 MCR/MRC p15" },
	[0x04] = { "CP15_64", "trapped AArch32 MCRR/MRRC p15" },
	[0x05] = { "CP14_MR", "trapped AArch32 MCR/MRC p14" },
	[0x06] = { "CP14_LS", "trapped AArch32 LDC/STC p14 (CP14_DT)" },
	[0x07] = { "FP_ASIMD", "trapped SVE/SIMD/FP access" },
	[0x08] = { "CP10_ID", "trapped AArch32 VMRS (ID group)" },
	[0x09] = { "PAC", "trapped pointer authentication instruction" },
	[0x0a] = { "LS64", "trapped LD64B/ST64B* instruction" },
	[0x0c] = { "CP14_64", "trapped AArch32 MRRC p14" },
	[0x0d] = { "BTI", "branch target exception" },
	[0x0e] = { "ILL", "illegal execution state" },
	[0x11] = { "SVC32", "AArch32 SVC" },
	[0x12] = { "HVC32", "AArch32 HVC" },
	[0x13] = { "SMC32", "AArch32 SMC" },
	[0x15] = { "SVC64", "AArch64 SVC" },
	[0x16] = { "HVC64", "AArch64 HVC" },
	[0x17] = { "SMC64", "AArch64 SMC" },
	[0x18] = { "SYS64", "trapped MSR/MRS/system instruction" },
	[0x19] = { "SVE", "trapped SVE access" },
	[0x1a] = { "ERET", "trapped ERET/ERETAA/ERETAB" },
	[0x1b] = { "TSTART", "TME TSTART exception" },
	[0x1c] = { "FPAC", "pointer authentication failure" },
	[0x1d] = { "SME", "trapped SME access" },
	[0x1e] = { "GPC", "granule protection check" },
	[0x1f] = { "IMP_DEF", "implementation defined (EL3)" },
	[0x20] = { "IABT_LOW", "instruction abort from a lower EL" },
	[0x21] = { "IABT_CUR", "instruction abort, same EL" },
	[0x22] = { "PC_ALIGN", "PC alignment fault" },
	[0x24] = { "DABT_LOW", "data abort from a lower EL" },
	[0x25] = { "DABT_CUR", "data abort, same EL" },
	[0x26] = { "SP_ALIGN", "SP alignment fault" },
	[0x27] = { "MOPS", "memory copy/set instruction exception" },
	[0x28] = { "FP_EXC32", "AArch32 trapped FP exception" },
	[0x2c] = { "FP_EXC64", "AArch64 trapped FP exception" },
	[0x2d] = { "GCS", "guarded control stack exception" },
	[0x2f] = { "SERROR", "SError interrupt" },
	[0x30] = { "BREAKPT_LOW", "breakpoint from a lower EL" },
	[0x31] = { "BREAKPT_CUR", "breakpoint, same EL" },
	[0x32] = { "SOFTSTP_LOW", "software step from a lower EL" },
	[0x33] = { "SOFTSTP_CUR", "software step, same EL" },
	[0x34] = { "WATCHPT_LOW", "watchpoint from a lower EL" },
	[0x35] = { "WATCHPT_CUR", "watchpoint, same EL" },
	[0x38] = { "BKPT32", "AArch32 BKPT" },
	[0x3a] = { "VECTOR32", "AArch32 vector catch" },
	[0x3c] = { "BRK64", "AArch64 BRK" },
	[0x3d] = { "PMU", "PMU exception" },
};

const char *es_ec_name(unsigned int ec)
{
	return ec < 64 ? ec_table[ec].name : NULL;
}

const char *es_ec_description(unsigned int ec)
{
	return ec < 64 && ec_table[ec].what ? ec_table[ec].what : "reserved";
}

const char *es_ret_name(long ret)
{
	switch (ret) {
	case ES_RET_IRQ:	return "IRQ";
	case ES_RET_SERROR:	return "SERROR";
	case ES_RET_TRAP:	return "TRAP";
	case ES_RET_IL:		return "IL";
	case ES_RET_HYP_GONE:	return "HYP_GONE";
	}
	return NULL;
}

/*
 * kvm_exit's ret by the name the trace's own format gives it (its
 * __print_symbolic table), in arm64's numbering (ES_RET_*), or -1. arm64
 * (arch/arm64/include/asm/kvm_arm.h): IRQ, SERROR, TRAP, IL, HYP_GONE. A
 * 32-bit ARM host (Linux <= 5.6, arch/arm/include/asm/kvm_arm.h) numbers the
 * Hyp vector its exit came through: traps arrive as PREF_ABORT, DATA_ABORT or
 * HVC (ARM_EXCEPTION_IS_TRAP, so esr_ec holds the HSR's class), interrupts as
 * IRQ; RESET, UNDEFINED, SOFTWARE and FIQ have no arm64 counterpart.
 */
long es_ret_by_name(const char *name)
{
	static const struct { const char *name; long ret; } names[] = {
		{ "IRQ", ES_RET_IRQ }, { "SERROR", ES_RET_SERROR },
		{ "TRAP", ES_RET_TRAP }, { "IL", ES_RET_IL },
		{ "HYP_GONE", ES_RET_HYP_GONE },
		{ "PREF_ABORT", ES_RET_TRAP }, { "DATA_ABORT", ES_RET_TRAP },
		{ "HVC", ES_RET_TRAP },
	};
	size_t i;

	for (i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name))
			return names[i].ret;
	return -1;
}

int es_exit_class(long ret, unsigned int ec)
{
	switch (ret) {
	case ES_RET_TRAP:	return ec & 63;
	case ES_RET_IRQ:	return ES_CLASS_IRQ;
	case ES_RET_SERROR:	return ES_CLASS_SERROR;
	case ES_RET_IL:		return ES_CLASS_IL;
	case ES_RET_HYP_GONE:	return ES_CLASS_HYP_GONE;
	}
	return ES_CLASS_OTHER_RET;
}

static char reserved_ec_names[64][8];

const char *es_class_name(int cls)
{
	switch (cls) {
	case ES_CLASS_IRQ:	return "IRQ";
	case ES_CLASS_SERROR:	return "SERROR_EXIT";
	case ES_CLASS_IL:	return "IL";
	case ES_CLASS_HYP_GONE:	return "HYP_GONE";
	case ES_CLASS_OTHER_RET: return "OTHER_RET";
	}
	if (cls < 0 || cls >= 64)
		return "?";
	if (ec_table[cls].name)
		return ec_table[cls].name;
	/* Reserved ECs still get a stable printable name. */
	if (!reserved_ec_names[cls][0])
		snprintf(reserved_ec_names[cls], sizeof(reserved_ec_names[cls]),
			 "EC_0x%02x", cls);
	return reserved_ec_names[cls];
}

int es_class_from_name(const char *name)
{
	char *end;
	unsigned long v;
	int cls;

	for (cls = 0; cls < ES_NCLASS; cls++)
		if (!strcasecmp(name, es_class_name(cls)))
			return cls;
	if (!strcasecmp(name, "CP14_DT"))	/* the Arm ARM's other name */
		return 0x06;
	/* A bare EC number (hex with 0x, or decimal) selects TRAP exits. */
	errno = 0;
	v = strtoul(name, &end, 0);
	if (!errno && *name && !*end && v < 64)
		return (int)v;
	return -EINVAL;
}

long es_class_ret(int cls)
{
	switch (cls) {
	case ES_CLASS_IRQ:	return ES_RET_IRQ;
	case ES_CLASS_SERROR:	return ES_RET_SERROR;
	case ES_CLASS_IL:	return ES_RET_IL;
	case ES_CLASS_HYP_GONE:	return ES_RET_HYP_GONE;
	case ES_CLASS_OTHER_RET: return -1;
	}
	return ES_RET_TRAP;
}

unsigned int es_class_ec(int cls)
{
	return cls < 64 ? (unsigned int)cls : 0;
}

/* ------------------------------------------------------------------ */
/* SMCCC function identifiers */

struct fid_name {
	uint32_t fid;
	const char *name;
};

static const struct fid_name smccc_names[] = {
	/* Arm architecture calls (DEN0028) */
	{ 0x80000000, "SMCCC_VERSION" },
	{ 0x80000001, "SMCCC_ARCH_FEATURES" },
	{ 0x80000002, "SMCCC_ARCH_SOC_ID" },
	{ 0xc0000002, "SMCCC_ARCH_SOC_ID (64)" },
	{ 0x80008000, "SMCCC_ARCH_WORKAROUND_1" },
	{ 0x80007fff, "SMCCC_ARCH_WORKAROUND_2" },
	{ 0x80003fff, "SMCCC_ARCH_WORKAROUND_3" },
	/* PSCI (DEN0022), 32-bit calling convention */
	{ 0x84000000, "PSCI_VERSION" },
	{ 0x84000001, "PSCI_CPU_SUSPEND" },
	{ 0x84000002, "PSCI_CPU_OFF" },
	{ 0x84000003, "PSCI_CPU_ON" },
	{ 0x84000004, "PSCI_AFFINITY_INFO" },
	{ 0x84000005, "PSCI_MIGRATE" },
	{ 0x84000006, "PSCI_MIGRATE_INFO_TYPE" },
	{ 0x84000007, "PSCI_MIGRATE_INFO_UP_CPU" },
	{ 0x84000008, "PSCI_SYSTEM_OFF" },
	{ 0x84000009, "PSCI_SYSTEM_RESET" },
	{ 0x8400000a, "PSCI_FEATURES" },
	{ 0x8400000b, "PSCI_CPU_FREEZE" },
	{ 0x8400000c, "PSCI_CPU_DEFAULT_SUSPEND" },
	{ 0x8400000d, "PSCI_NODE_HW_STATE" },
	{ 0x8400000e, "PSCI_SYSTEM_SUSPEND" },
	{ 0x8400000f, "PSCI_SET_SUSPEND_MODE" },
	{ 0x84000010, "PSCI_STAT_RESIDENCY" },
	{ 0x84000011, "PSCI_STAT_COUNT" },
	{ 0x84000012, "PSCI_SYSTEM_RESET2" },
	{ 0x84000013, "PSCI_MEM_PROTECT" },
	{ 0x84000014, "PSCI_MEM_PROTECT_CHECK_RANGE" },
	{ 0x84000015, "PSCI_SYSTEM_OFF2" },
	/* PSCI, 64-bit calling convention */
	{ 0xc4000001, "PSCI_CPU_SUSPEND (64)" },
	{ 0xc4000003, "PSCI_CPU_ON (64)" },
	{ 0xc4000004, "PSCI_AFFINITY_INFO (64)" },
	{ 0xc4000005, "PSCI_MIGRATE (64)" },
	{ 0xc4000007, "PSCI_MIGRATE_INFO_UP_CPU (64)" },
	{ 0xc400000c, "PSCI_CPU_DEFAULT_SUSPEND (64)" },
	{ 0xc400000d, "PSCI_NODE_HW_STATE (64)" },
	{ 0xc400000e, "PSCI_SYSTEM_SUSPEND (64)" },
	{ 0xc4000010, "PSCI_STAT_RESIDENCY (64)" },
	{ 0xc4000011, "PSCI_STAT_COUNT (64)" },
	{ 0xc4000012, "PSCI_SYSTEM_RESET2 (64)" },
	{ 0xc4000014, "PSCI_MEM_PROTECT_CHECK_RANGE (64)" },
	{ 0xc4000015, "PSCI_SYSTEM_OFF2 (64)" },
	/* TRNG (DEN0098), standard secure service range */
	{ 0x84000050, "TRNG_VERSION" },
	{ 0x84000051, "TRNG_FEATURES" },
	{ 0x84000052, "TRNG_GET_UUID" },
	{ 0x84000053, "TRNG_RND32" },
	{ 0xc4000053, "TRNG_RND64" },
	/* Standard hypervisor service calls: paravirtualised time (DEN0057) */
	{ 0xc5000020, "PV_TIME_FEATURES" },
	{ 0xc5000021, "PV_TIME_ST" },
	{ 0x85000020, "PV_TIME_FEATURES (32)" },
	/* KVM vendor hypervisor service calls (arm-smccc.h) */
	{ 0x8600ff01, "KVM_VENDOR_HYP_CALL_UID" },
	{ 0x86000000, "KVM_FEATURES" },
	{ 0x86000001, "KVM_PTP" },
	/* exitlab's guest exit statistics (kernel-patches/V/0003, the snapshot 0006) */
	{ EXIT_STATS_VM_FUNC_ID, "KVM_EXIT_STATS_VM (exitlab)" },
	{ EXIT_STATS_VCPU_FUNC_ID, "KVM_EXIT_STATS_VCPU (exitlab)" },
	{ EXIT_STATS_SNAPSHOT_FUNC_ID, "KVM_EXIT_STATS_SNAPSHOT (exitlab)" },
	{ 0xc6000002, "KVM_HYP_MEMINFO (pKVM)" },
	{ 0xc6000003, "KVM_MEM_SHARE (pKVM)" },
	{ 0xc6000004, "KVM_MEM_UNSHARE (pKVM)" },
	{ 0xc6000005, "KVM_MMIO_GUARD_INFO (pKVM)" },
	{ 0xc6000006, "KVM_MMIO_GUARD_ENROLL (pKVM)" },
	{ 0xc6000007, "KVM_MMIO_GUARD_MAP (pKVM)" },
	{ 0xc6000008, "KVM_MMIO_GUARD_UNMAP (pKVM)" },
};

const char *es_smccc_name(uint32_t fid)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(smccc_names); i++)
		if (smccc_names[i].fid == fid)
			return smccc_names[i].name;
	return NULL;
}

const char *es_smccc_owner(uint32_t fid)
{
	static const char *const owners[64] = {
		[0] = "Arm architecture", [1] = "CPU service",
		[2] = "SiP service", [3] = "OEM service",
		[4] = "standard secure (PSCI...)",
		[5] = "standard hypervisor", [6] = "vendor hypervisor",
		[7] = "vendor EL3 monitor",
	};
	unsigned int owner = (fid >> 24) & 0x3f;

	if (!(fid & 0x80000000u))
		return "yielding call";
	if (owner < 8)
		return owners[owner];
	if (owner < 48)
		return "reserved";
	return owner < 50 ? "trusted application" : "trusted OS";
}

/* ------------------------------------------------------------------ */
/* System registers */

struct reg_name {
	uint8_t op0, op1, crn, crm, op2;
	const char *name;
};

#define R(o0, o1, n, m, o2, nm) { o0, o1, n, m, o2, nm }

/* AArch64 MRS/MSR/SYS encodings a guest can trap on (Op0, Op1, CRn, CRm, Op2). */
static const struct reg_name aarch64_regs[] = {
	/* System instructions (Op0 = 1) */
	R(1, 0, 7, 6, 1, "DC IVAC"), R(1, 0, 7, 6, 2, "DC ISW"),
	R(1, 0, 7, 10, 2, "DC CSW"), R(1, 0, 7, 14, 2, "DC CISW"),
	R(1, 0, 7, 1, 0, "IC IALLUIS"), R(1, 0, 7, 5, 0, "IC IALLU"),
	R(1, 3, 7, 5, 1, "IC IVAU"), R(1, 3, 7, 4, 1, "DC ZVA"),
	R(1, 3, 7, 10, 1, "DC CVAC"), R(1, 3, 7, 11, 1, "DC CVAU"),
	R(1, 3, 7, 14, 1, "DC CIVAC"),
	R(1, 0, 7, 8, 0, "AT S1E1R"), R(1, 0, 7, 8, 1, "AT S1E1W"),
	R(1, 0, 7, 8, 2, "AT S1E0R"), R(1, 0, 7, 8, 3, "AT S1E0W"),
	R(1, 0, 8, 3, 0, "TLBI VMALLE1IS"), R(1, 0, 8, 3, 1, "TLBI VAE1IS"),
	R(1, 0, 8, 3, 2, "TLBI ASIDE1IS"), R(1, 0, 8, 3, 3, "TLBI VAAE1IS"),
	R(1, 0, 8, 7, 0, "TLBI VMALLE1"), R(1, 0, 8, 7, 1, "TLBI VAE1"),
	R(1, 0, 8, 7, 2, "TLBI ASIDE1"), R(1, 0, 8, 7, 3, "TLBI VAAE1"),
	/* Debug (Op0 = 2) */
	R(2, 0, 0, 2, 0, "MDCCINT_EL1"), R(2, 0, 0, 2, 2, "MDSCR_EL1"),
	R(2, 0, 0, 0, 2, "OSDTRRX_EL1"), R(2, 0, 0, 3, 2, "OSDTRTX_EL1"),
	R(2, 0, 0, 6, 2, "OSECCR_EL1"),
	R(2, 0, 1, 0, 0, "MDRAR_EL1"), R(2, 0, 1, 0, 4, "OSLAR_EL1"),
	R(2, 0, 1, 1, 4, "OSLSR_EL1"), R(2, 0, 1, 3, 4, "OSDLR_EL1"),
	R(2, 0, 1, 4, 4, "DBGPRCR_EL1"),
	R(2, 0, 7, 8, 6, "DBGCLAIMSET_EL1"), R(2, 0, 7, 9, 6, "DBGCLAIMCLR_EL1"),
	R(2, 0, 7, 14, 6, "DBGAUTHSTATUS_EL1"),
	R(2, 3, 0, 1, 0, "MDCCSR_EL0"), R(2, 3, 0, 4, 0, "DBGDTR_EL0"),
	R(2, 3, 0, 5, 0, "DBGDTRRX_EL0"), R(2, 4, 0, 7, 0, "DBGVCR32_EL2"),
	/* ID registers */
	R(3, 0, 0, 0, 0, "MIDR_EL1"), R(3, 0, 0, 0, 5, "MPIDR_EL1"),
	R(3, 0, 0, 0, 6, "REVIDR_EL1"),
	R(3, 0, 0, 1, 0, "ID_PFR0_EL1"), R(3, 0, 0, 1, 1, "ID_PFR1_EL1"),
	R(3, 0, 0, 1, 2, "ID_DFR0_EL1"), R(3, 0, 0, 1, 3, "ID_AFR0_EL1"),
	R(3, 0, 0, 1, 4, "ID_MMFR0_EL1"), R(3, 0, 0, 1, 5, "ID_MMFR1_EL1"),
	R(3, 0, 0, 1, 6, "ID_MMFR2_EL1"), R(3, 0, 0, 1, 7, "ID_MMFR3_EL1"),
	R(3, 0, 0, 2, 0, "ID_ISAR0_EL1"), R(3, 0, 0, 2, 1, "ID_ISAR1_EL1"),
	R(3, 0, 0, 2, 2, "ID_ISAR2_EL1"), R(3, 0, 0, 2, 3, "ID_ISAR3_EL1"),
	R(3, 0, 0, 2, 4, "ID_ISAR4_EL1"), R(3, 0, 0, 2, 5, "ID_ISAR5_EL1"),
	R(3, 0, 0, 2, 6, "ID_MMFR4_EL1"), R(3, 0, 0, 2, 7, "ID_ISAR6_EL1"),
	R(3, 0, 0, 3, 0, "MVFR0_EL1"), R(3, 0, 0, 3, 1, "MVFR1_EL1"),
	R(3, 0, 0, 3, 2, "MVFR2_EL1"), R(3, 0, 0, 3, 4, "ID_PFR2_EL1"),
	R(3, 0, 0, 3, 5, "ID_DFR1_EL1"), R(3, 0, 0, 3, 6, "ID_MMFR5_EL1"),
	R(3, 0, 0, 4, 0, "ID_AA64PFR0_EL1"), R(3, 0, 0, 4, 1, "ID_AA64PFR1_EL1"),
	R(3, 0, 0, 4, 4, "ID_AA64ZFR0_EL1"), R(3, 0, 0, 4, 5, "ID_AA64SMFR0_EL1"),
	R(3, 0, 0, 5, 0, "ID_AA64DFR0_EL1"), R(3, 0, 0, 5, 1, "ID_AA64DFR1_EL1"),
	R(3, 0, 0, 5, 4, "ID_AA64AFR0_EL1"), R(3, 0, 0, 5, 5, "ID_AA64AFR1_EL1"),
	R(3, 0, 0, 6, 0, "ID_AA64ISAR0_EL1"), R(3, 0, 0, 6, 1, "ID_AA64ISAR1_EL1"),
	R(3, 0, 0, 6, 2, "ID_AA64ISAR2_EL1"),
	R(3, 0, 0, 7, 0, "ID_AA64MMFR0_EL1"), R(3, 0, 0, 7, 1, "ID_AA64MMFR1_EL1"),
	R(3, 0, 0, 7, 2, "ID_AA64MMFR2_EL1"),
	R(3, 1, 0, 0, 0, "CCSIDR_EL1"), R(3, 1, 0, 0, 1, "CLIDR_EL1"),
	R(3, 1, 0, 0, 2, "CCSIDR2_EL1"), R(3, 1, 0, 0, 7, "AIDR_EL1"),
	R(3, 2, 0, 0, 0, "CSSELR_EL1"), R(3, 3, 0, 0, 1, "CTR_EL0"),
	R(3, 3, 0, 0, 7, "DCZID_EL0"),
	/* VM controls */
	R(3, 0, 1, 0, 0, "SCTLR_EL1"), R(3, 0, 1, 0, 1, "ACTLR_EL1"),
	R(3, 0, 1, 0, 2, "CPACR_EL1"),
	R(3, 0, 2, 0, 0, "TTBR0_EL1"), R(3, 0, 2, 0, 1, "TTBR1_EL1"),
	R(3, 0, 2, 0, 2, "TCR_EL1"),
	R(3, 0, 4, 6, 0, "ICC_PMR_EL1"),
	R(3, 0, 5, 1, 0, "AFSR0_EL1"), R(3, 0, 5, 1, 1, "AFSR1_EL1"),
	R(3, 0, 5, 2, 0, "ESR_EL1"), R(3, 0, 6, 0, 0, "FAR_EL1"),
	R(3, 0, 7, 4, 0, "PAR_EL1"),
	R(3, 0, 9, 14, 1, "PMINTENSET_EL1"), R(3, 0, 9, 14, 2, "PMINTENCLR_EL1"),
	R(3, 0, 10, 2, 0, "MAIR_EL1"), R(3, 0, 10, 3, 0, "AMAIR_EL1"),
	R(3, 0, 10, 4, 0, "LORSA_EL1"), R(3, 0, 10, 4, 1, "LOREA_EL1"),
	R(3, 0, 10, 4, 2, "LORN_EL1"), R(3, 0, 10, 4, 3, "LORC_EL1"),
	R(3, 0, 10, 4, 7, "LORID_EL1"),
	R(3, 0, 12, 0, 0, "VBAR_EL1"), R(3, 0, 12, 1, 0, "ISR_EL1"),
	/* GICv3 CPU interface */
	R(3, 0, 12, 8, 0, "ICC_IAR0_EL1"), R(3, 0, 12, 8, 1, "ICC_EOIR0_EL1"),
	R(3, 0, 12, 8, 3, "ICC_BPR0_EL1"),
	R(3, 0, 12, 11, 1, "ICC_DIR_EL1"), R(3, 0, 12, 11, 3, "ICC_RPR_EL1"),
	R(3, 0, 12, 11, 5, "ICC_SGI1R_EL1"), R(3, 0, 12, 11, 6, "ICC_ASGI1R_EL1"),
	R(3, 0, 12, 11, 7, "ICC_SGI0R_EL1"),
	R(3, 0, 12, 12, 0, "ICC_IAR1_EL1"), R(3, 0, 12, 12, 1, "ICC_EOIR1_EL1"),
	R(3, 0, 12, 12, 3, "ICC_BPR1_EL1"), R(3, 0, 12, 12, 4, "ICC_CTLR_EL1"),
	R(3, 0, 12, 12, 5, "ICC_SRE_EL1"), R(3, 0, 12, 12, 6, "ICC_IGRPEN0_EL1"),
	R(3, 0, 12, 12, 7, "ICC_IGRPEN1_EL1"),
	R(3, 0, 13, 0, 1, "CONTEXTIDR_EL1"), R(3, 0, 13, 0, 4, "TPIDR_EL1"),
	R(3, 0, 14, 1, 0, "CNTKCTL_EL1"),
	/* PMU */
	R(3, 3, 9, 12, 0, "PMCR_EL0"), R(3, 3, 9, 12, 1, "PMCNTENSET_EL0"),
	R(3, 3, 9, 12, 2, "PMCNTENCLR_EL0"), R(3, 3, 9, 12, 3, "PMOVSCLR_EL0"),
	R(3, 3, 9, 12, 4, "PMSWINC_EL0"), R(3, 3, 9, 12, 5, "PMSELR_EL0"),
	R(3, 3, 9, 12, 6, "PMCEID0_EL0"), R(3, 3, 9, 12, 7, "PMCEID1_EL0"),
	R(3, 3, 9, 13, 0, "PMCCNTR_EL0"), R(3, 3, 9, 13, 1, "PMXEVTYPER_EL0"),
	R(3, 3, 9, 13, 2, "PMXEVCNTR_EL0"), R(3, 3, 9, 14, 0, "PMUSERENR_EL0"),
	R(3, 3, 9, 14, 3, "PMOVSSET_EL0"), R(3, 3, 14, 15, 7, "PMCCFILTR_EL0"),
	R(3, 3, 13, 0, 2, "TPIDR_EL0"), R(3, 3, 13, 0, 3, "TPIDRRO_EL0"),
	/* Generic timer */
	R(3, 3, 14, 0, 0, "CNTFRQ_EL0"), R(3, 3, 14, 0, 1, "CNTPCT_EL0"),
	R(3, 3, 14, 0, 2, "CNTVCT_EL0"),
	R(3, 3, 14, 2, 0, "CNTP_TVAL_EL0"), R(3, 3, 14, 2, 1, "CNTP_CTL_EL0"),
	R(3, 3, 14, 2, 2, "CNTP_CVAL_EL0"),
	R(3, 3, 14, 3, 0, "CNTV_TVAL_EL0"), R(3, 3, 14, 3, 1, "CNTV_CTL_EL0"),
	R(3, 3, 14, 3, 2, "CNTV_CVAL_EL0"),
	R(3, 4, 3, 0, 0, "DACR32_EL2"), R(3, 4, 5, 0, 1, "IFSR32_EL2"),
	R(3, 4, 5, 3, 0, "FPEXC32_EL2"),
};

/* AArch32 MRC/MCR p15 (Op1, CRn, CRm, Op2); op0 unused (0). */
static const struct reg_name cp15_32_regs[] = {
	R(0, 0, 0, 0, 0, "MIDR"), R(0, 0, 0, 0, 1, "CTR"),
	R(0, 0, 0, 0, 2, "TCMTR"), R(0, 0, 0, 0, 3, "TLBTR"),
	R(0, 0, 0, 0, 5, "MPIDR"), R(0, 0, 0, 0, 6, "REVIDR"),
	R(0, 0, 0, 1, 0, "ID_PFR0"), R(0, 0, 0, 1, 1, "ID_PFR1"),
	R(0, 0, 0, 1, 2, "ID_DFR0"), R(0, 0, 0, 1, 3, "ID_AFR0"),
	R(0, 0, 0, 1, 4, "ID_MMFR0"), R(0, 0, 0, 1, 5, "ID_MMFR1"),
	R(0, 0, 0, 1, 6, "ID_MMFR2"), R(0, 0, 0, 1, 7, "ID_MMFR3"),
	R(0, 0, 0, 2, 0, "ID_ISAR0"), R(0, 0, 0, 2, 1, "ID_ISAR1"),
	R(0, 0, 0, 2, 2, "ID_ISAR2"), R(0, 0, 0, 2, 3, "ID_ISAR3"),
	R(0, 0, 0, 2, 4, "ID_ISAR4"), R(0, 0, 0, 2, 5, "ID_ISAR5"),
	R(0, 0, 0, 2, 6, "ID_MMFR4"), R(0, 0, 0, 2, 7, "ID_ISAR6"),
	R(0, 0, 0, 3, 4, "ID_PFR2"), R(0, 0, 0, 3, 5, "ID_DFR1"),
	R(0, 0, 0, 3, 6, "ID_MMFR5"),
	R(0, 1, 0, 0, 0, "CCSIDR"), R(0, 1, 0, 0, 1, "CLIDR"),
	R(0, 1, 0, 0, 2, "CCSIDR2"), R(0, 1, 0, 0, 7, "AIDR"),
	R(0, 2, 0, 0, 0, "CSSELR"),
	R(0, 0, 1, 0, 0, "SCTLR"), R(0, 0, 1, 0, 1, "ACTLR"),
	R(0, 0, 1, 0, 2, "CPACR"), R(0, 0, 1, 0, 3, "ACTLR2"),
	R(0, 0, 2, 0, 0, "TTBR0"), R(0, 0, 2, 0, 1, "TTBR1"),
	R(0, 0, 2, 0, 2, "TTBCR"), R(0, 0, 2, 0, 3, "TTBCR2"),
	R(0, 0, 3, 0, 0, "DACR"),
	R(0, 0, 5, 0, 0, "DFSR"), R(0, 0, 5, 0, 1, "IFSR"),
	R(0, 0, 5, 1, 0, "ADFSR"), R(0, 0, 5, 1, 1, "AIFSR"),
	R(0, 0, 6, 0, 0, "DFAR"), R(0, 0, 6, 0, 2, "IFAR"),
	/* cache and branch predictor maintenance */
	R(0, 0, 7, 0, 4, "CP15WFI"),
	R(0, 0, 7, 1, 0, "ICIALLUIS"), R(0, 0, 7, 1, 6, "BPIALLIS"),
	R(0, 0, 7, 4, 0, "PAR"),
	R(0, 0, 7, 5, 0, "ICIALLU"), R(0, 0, 7, 5, 1, "ICIMVAU"),
	R(0, 0, 7, 5, 4, "CP15ISB"), R(0, 0, 7, 5, 6, "BPIALL"),
	R(0, 0, 7, 5, 7, "BPIMVA"),
	R(0, 0, 7, 6, 1, "DCIMVAC"), R(0, 0, 7, 6, 2, "DCISW"),
	R(0, 0, 7, 8, 0, "ATS1CPR"), R(0, 0, 7, 8, 1, "ATS1CPW"),
	R(0, 0, 7, 8, 2, "ATS1CUR"), R(0, 0, 7, 8, 3, "ATS1CUW"),
	R(0, 0, 7, 10, 1, "DCCMVAC"), R(0, 0, 7, 10, 2, "DCCSW"),
	R(0, 0, 7, 10, 4, "CP15DSB"), R(0, 0, 7, 10, 5, "CP15DMB"),
	R(0, 0, 7, 11, 1, "DCCMVAU"),
	R(0, 0, 7, 14, 1, "DCCIMVAC"), R(0, 0, 7, 14, 2, "DCCISW"),
	/* TLB maintenance */
	R(0, 0, 8, 3, 0, "TLBIALLIS"), R(0, 0, 8, 3, 1, "TLBIMVAIS"),
	R(0, 0, 8, 3, 2, "TLBIASIDIS"), R(0, 0, 8, 3, 3, "TLBIMVAAIS"),
	R(0, 0, 8, 3, 5, "TLBIMVALIS"), R(0, 0, 8, 3, 7, "TLBIMVAALIS"),
	R(0, 0, 8, 5, 0, "ITLBIALL"), R(0, 0, 8, 5, 1, "ITLBIMVA"),
	R(0, 0, 8, 5, 2, "ITLBIASID"),
	R(0, 0, 8, 6, 0, "DTLBIALL"), R(0, 0, 8, 6, 1, "DTLBIMVA"),
	R(0, 0, 8, 6, 2, "DTLBIASID"),
	R(0, 0, 8, 7, 0, "TLBIALL"), R(0, 0, 8, 7, 1, "TLBIMVA"),
	R(0, 0, 8, 7, 2, "TLBIASID"), R(0, 0, 8, 7, 3, "TLBIMVAA"),
	R(0, 0, 8, 7, 5, "TLBIMVAL"), R(0, 0, 8, 7, 7, "TLBIMVAAL"),
	/* PMU */
	R(0, 0, 9, 12, 0, "PMCR"), R(0, 0, 9, 12, 1, "PMCNTENSET"),
	R(0, 0, 9, 12, 2, "PMCNTENCLR"), R(0, 0, 9, 12, 3, "PMOVSR"),
	R(0, 0, 9, 12, 4, "PMSWINC"), R(0, 0, 9, 12, 5, "PMSELR"),
	R(0, 0, 9, 12, 6, "PMCEID0"), R(0, 0, 9, 12, 7, "PMCEID1"),
	R(0, 0, 9, 13, 0, "PMCCNTR"), R(0, 0, 9, 13, 1, "PMXEVTYPER"),
	R(0, 0, 9, 13, 2, "PMXEVCNTR"), R(0, 0, 9, 14, 0, "PMUSERENR"),
	R(0, 0, 9, 14, 1, "PMINTENSET"), R(0, 0, 9, 14, 2, "PMINTENCLR"),
	R(0, 0, 9, 14, 3, "PMOVSSET"), R(0, 0, 9, 14, 4, "PMCEID2"),
	R(0, 0, 9, 14, 5, "PMCEID3"), R(0, 0, 14, 15, 7, "PMCCFILTR"),
	/* Cortex-A15/A7/A57 L2 control, trapped via ACTLR-style IMP DEF space */
	R(0, 1, 9, 0, 2, "L2CTLR"), R(0, 1, 9, 0, 3, "L2ECTLR"),
	R(0, 0, 10, 2, 0, "PRRR/MAIR0"), R(0, 0, 10, 2, 1, "NMRR/MAIR1"),
	R(0, 0, 10, 3, 0, "AMAIR0"), R(0, 0, 10, 3, 1, "AMAIR1"),
	R(0, 0, 12, 0, 0, "VBAR"), R(0, 0, 12, 1, 0, "ISR"),
	R(0, 0, 12, 8, 0, "ICC_IAR0"), R(0, 0, 12, 8, 1, "ICC_EOIR0"),
	R(0, 0, 12, 8, 3, "ICC_BPR0"),
	R(0, 0, 12, 11, 1, "ICC_DIR"), R(0, 0, 12, 11, 3, "ICC_RPR"),
	R(0, 0, 12, 12, 0, "ICC_IAR1"), R(0, 0, 12, 12, 1, "ICC_EOIR1"),
	R(0, 0, 12, 12, 3, "ICC_BPR1"), R(0, 0, 12, 12, 4, "ICC_CTLR"),
	R(0, 0, 12, 12, 5, "ICC_SRE"), R(0, 0, 12, 12, 6, "ICC_IGRPEN0"),
	R(0, 0, 12, 12, 7, "ICC_IGRPEN1"),
	R(0, 0, 13, 0, 0, "FCSEIDR"), R(0, 0, 13, 0, 1, "CONTEXTIDR"),
	R(0, 0, 13, 0, 2, "TPIDRURW"), R(0, 0, 13, 0, 3, "TPIDRURO"),
	R(0, 0, 13, 0, 4, "TPIDRPRW"),
	R(0, 0, 14, 0, 0, "CNTFRQ"), R(0, 0, 14, 1, 0, "CNTKCTL"),
	R(0, 0, 14, 2, 0, "CNTP_TVAL"), R(0, 0, 14, 2, 1, "CNTP_CTL"),
	R(0, 0, 14, 3, 0, "CNTV_TVAL"), R(0, 0, 14, 3, 1, "CNTV_CTL"),
	R(0, 0, 6, 0, 1, "DFAR/IFAR(op2=1)"),
};

/* AArch32 MRRC/MCRR p15 (Op1, CRm). */
static const struct reg_name cp15_64_regs[] = {
	R(0, 0, 0, 2, 0, "TTBR0 (64)"), R(0, 1, 0, 2, 0, "TTBR1 (64)"),
	R(0, 0, 0, 7, 0, "PAR (64)"),
	R(0, 0, 0, 9, 0, "PMCCNTR (64)"),
	R(0, 0, 0, 12, 0, "ICC_SGI1R"), R(0, 1, 0, 12, 0, "ICC_ASGI1R"),
	R(0, 2, 0, 12, 0, "ICC_SGI0R"),
	R(0, 0, 0, 14, 0, "CNTPCT"), R(0, 1, 0, 14, 0, "CNTVCT"),
	R(0, 2, 0, 14, 0, "CNTP_CVAL"), R(0, 3, 0, 14, 0, "CNTV_CVAL"),
	R(0, 8, 0, 14, 0, "CNTPCTSS"), R(0, 9, 0, 14, 0, "CNTVCTSS"),
};

/* AArch32 MRC/MCR p14 (Op1, CRn, CRm, Op2). */
static const struct reg_name cp14_32_regs[] = {
	R(0, 0, 0, 0, 0, "DBGDIDR"), R(0, 0, 0, 0, 2, "DBGDTRRXext"),
	R(0, 0, 0, 1, 0, "DBGDSCRint"), R(0, 0, 0, 2, 0, "DBGDCCINT"),
	R(0, 0, 0, 2, 2, "DBGDSCRext"), R(0, 0, 0, 3, 2, "DBGDTRTXext"),
	R(0, 0, 0, 5, 0, "DBGDTRRXint/TXint"), R(0, 0, 0, 6, 0, "DBGWFAR"),
	R(0, 0, 0, 6, 2, "DBGOSECCR"), R(0, 0, 0, 7, 0, "DBGVCR"),
	R(0, 0, 1, 0, 0, "DBGDRAR"), R(0, 0, 1, 0, 4, "DBGOSLAR"),
	R(0, 0, 1, 1, 4, "DBGOSLSR"), R(0, 0, 1, 3, 4, "DBGOSDLR"),
	R(0, 0, 1, 4, 4, "DBGPRCR"), R(0, 0, 2, 0, 0, "DBGDSAR"),
	R(0, 0, 7, 0, 7, "DBGDEVID2"), R(0, 0, 7, 1, 7, "DBGDEVID1"),
	R(0, 0, 7, 2, 7, "DBGDEVID"),
	R(0, 0, 7, 8, 6, "DBGCLAIMSET"), R(0, 0, 7, 9, 6, "DBGCLAIMCLR"),
	R(0, 0, 7, 14, 6, "DBGAUTHSTATUS"),
	R(0, 1, 0, 0, 0, "TEECR"), R(0, 1, 1, 0, 0, "TEEHBR"),
	R(0, 7, 0, 0, 0, "JIDR"), R(0, 7, 1, 0, 0, "JOSCR"),
	R(0, 7, 2, 0, 0, "JMCR"),
};

/* AArch32 MRRC p14 (Op1, CRm). */
static const struct reg_name cp14_64_regs[] = {
	R(0, 0, 0, 1, 0, "DBGDRAR (64)"), R(0, 0, 0, 2, 0, "DBGDSAR (64)"),
};

/* VMRS/VMSR: the register number (CRn in the ISS reg field). */
static const struct reg_name cp10_regs[] = {
	R(0, 7, 0, 0, 0, "FPSID"), R(0, 7, 1, 0, 0, "FPSCR"),
	R(0, 7, 5, 0, 0, "MVFR2"), R(0, 7, 6, 0, 0, "MVFR1"),
	R(0, 7, 7, 0, 0, "MVFR0"), R(0, 7, 8, 0, 0, "FPEXC"),
};

static const char *lookup(const struct reg_name *t, size_t n, unsigned int op0,
			  unsigned int op1, unsigned int crn, unsigned int crm,
			  unsigned int op2)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].op0 == op0 && t[i].op1 == op1 && t[i].crn == crn &&
		    t[i].crm == crm && t[i].op2 == op2)
			return t[i].name;
	return NULL;
}

/* Register families numbered by CRm/Op2 rather than listed one by one. */
static bool numbered_name(char *buf, size_t len, int space, unsigned int op0,
			  unsigned int op1, unsigned int crn, unsigned int crm,
			  unsigned int op2)
{
	static const char *const dbg64[] = { [4] = "DBGBVR", [5] = "DBGBCR",
					     [6] = "DBGWVR", [7] = "DBGWCR" };
	static const char *const dbg32[] = { [4] = "DBGBVR", [5] = "DBGBCR",
					     [6] = "DBGWVR", [7] = "DBGWCR" };

	switch (space) {
	case ES_REG_AARCH64:
		if (op0 == 2 && op1 == 0 && crn == 0 && op2 >= 4 && op2 <= 7) {
			snprintf(buf, len, "%s%u_EL1", dbg64[op2], crm);
			return true;
		}
		if (op0 == 3 && op1 == 3 && crn == 14 && crm >= 8 && crm <= 15) {
			unsigned int n = ((crm & 3) << 3) | op2;

			if (crm >= 12 && n == 31)
				return false;	/* PMCCFILTR, in the table */
			snprintf(buf, len, "%s%u_EL0",
				 crm < 12 ? "PMEVCNTR" : "PMEVTYPER", n);
			return true;
		}
		if (op0 == 3 && op1 == 0 && crn == 12 && (crm == 8 || crm == 9) &&
		    op2 >= 4) {
			snprintf(buf, len, "ICC_AP0R%u_EL1", op2 - 4);
			return true;
		}
		if (op0 == 3 && op1 == 0 && crn == 12 && crm == 9 && op2 < 4) {
			snprintf(buf, len, "ICC_AP1R%u_EL1", op2);
			return true;
		}
		return false;
	case ES_REG_CP15_32:
		if (op1 == 0 && crn == 14 && crm >= 8 && crm <= 15) {
			unsigned int n = ((crm & 3) << 3) | op2;

			if (crm >= 12 && n == 31)
				return false;
			snprintf(buf, len, "%s%u",
				 crm < 12 ? "PMEVCNTR" : "PMEVTYPER", n);
			return true;
		}
		return false;
	case ES_REG_CP14_32:
		if (op1 == 0 && crn == 0 && op2 >= 4 && op2 <= 7) {
			snprintf(buf, len, "%s%u", dbg32[op2], crm);
			return true;
		}
		if (op1 == 0 && crn == 1 && op2 == 1) {
			snprintf(buf, len, "DBGBXVR%u", crm);
			return true;
		}
		return false;
	}
	return false;
}

bool es_sysreg_format(char *buf, size_t len, int space, unsigned int op0,
		      unsigned int op1, unsigned int crn, unsigned int crm,
		      unsigned int op2)
{
	const char *name = NULL;

	switch (space) {
	case ES_REG_AARCH64:
		name = lookup(aarch64_regs, ARRAY_SIZE(aarch64_regs), op0, op1,
			      crn, crm, op2);
		break;
	case ES_REG_CP15_32:
		name = lookup(cp15_32_regs, ARRAY_SIZE(cp15_32_regs), 0, op1,
			      crn, crm, op2);
		break;
	case ES_REG_CP15_64:
		name = lookup(cp15_64_regs, ARRAY_SIZE(cp15_64_regs), 0, op1, 0,
			      crm, 0);
		break;
	case ES_REG_CP14_32:
		name = lookup(cp14_32_regs, ARRAY_SIZE(cp14_32_regs), 0, op1,
			      crn, crm, op2);
		break;
	case ES_REG_CP14_64:
		name = lookup(cp14_64_regs, ARRAY_SIZE(cp14_64_regs), 0, op1, 0,
			      crm, 0);
		break;
	case ES_REG_CP10:
		name = lookup(cp10_regs, ARRAY_SIZE(cp10_regs), 0, 7, crn, 0, 0);
		break;
	}
	if (name) {
		snprintf(buf, len, "%s", name);
		return true;
	}
	if (numbered_name(buf, len, space, op0, op1, crn, crm, op2))
		return true;

	switch (space) {
	case ES_REG_AARCH64:
		snprintf(buf, len, "S%u_%u_C%u_C%u_%u", op0, op1, crn, crm, op2);
		break;
	case ES_REG_CP15_32:
	case ES_REG_CP14_32:
		snprintf(buf, len, "p%d,%u,c%u,c%u,%u",
			 space == ES_REG_CP15_32 ? 15 : 14, op1, crn, crm, op2);
		break;
	case ES_REG_CP15_64:
	case ES_REG_CP14_64:
		snprintf(buf, len, "p%d,%u,c%u",
			 space == ES_REG_CP15_64 ? 15 : 14, op1, crm);
		break;
	default:
		snprintf(buf, len, "VMRS reg %u", crn);
		break;
	}
	return false;
}

const char *es_regspace_name(int space)
{
	static const char *const names[ES_REG_NSPACES] = {
		[ES_REG_AARCH64] = "AArch64", [ES_REG_CP15_32] = "CP15",
		[ES_REG_CP15_64] = "CP15/64", [ES_REG_CP14_32] = "CP14",
		[ES_REG_CP14_64] = "CP14/64", [ES_REG_CP10] = "CP10",
	};

	return space >= 0 && space < ES_REG_NSPACES ? names[space] : "?";
}

int es_class_regspace(int cls, unsigned int op0)
{
	if (op0)
		return ES_REG_AARCH64;
	switch (cls) {
	case 0x03: return ES_REG_CP15_32;
	case 0x04: return ES_REG_CP15_64;
	case 0x05: case 0x06: return ES_REG_CP14_32;
	case 0x0c: return ES_REG_CP14_64;
	case 0x08: return ES_REG_CP10;
	case 0x18: return ES_REG_AARCH64;
	}
	return ES_REG_CP15_32;
}

/* ------------------------------------------------------------------ */

struct region {
	uint64_t base, size;
	const char *name;
};

/* QEMU 'virt' machine (hw/arm/virt.c base_memmap), the board our guests use. */
static const struct region virt_map[] = {
	{ 0x00000000, 0x08000000, "flash" },
	{ 0x08000000, 0x00010000, "GIC distributor" },
	{ 0x08010000, 0x00010000, "GIC CPU interface" },
	{ 0x08020000, 0x00001000, "GICv2m" },
	{ 0x08030000, 0x00010000, "GIC hyp interface" },
	{ 0x08040000, 0x00010000, "GIC vcpu interface" },
	{ 0x08080000, 0x00020000, "GICv3 ITS" },
	{ 0x080a0000, 0x00f60000, "GICv3 redistributor" },
	{ 0x09000000, 0x00001000, "UART (PL011)" },
	{ 0x09010000, 0x00001000, "RTC (PL031)" },
	{ 0x09020000, 0x00000018, "fw_cfg" },
	{ 0x09030000, 0x00001000, "GPIO (PL061)" },
	{ 0x09040000, 0x00001000, "secure UART" },
	{ 0x09050000, 0x00020000, "SMMUv3" },
	{ 0x09070000, 0x00000004, "PCDIMM ACPI" },
	{ 0x09080000, 0x00000004, "ACPI GED" },
	{ 0x09090000, 0x00000004, "NVDIMM ACPI" },
	{ 0x090a0000, 0x00001000, "PVTime" },
	{ 0x0a000000, 0x00004000, "virtio-mmio" },
	{ 0x0c000000, 0x02000000, "platform bus" },
	{ 0x10000000, 0x2eff0000, "PCIe MMIO" },
	{ 0x3eff0000, 0x00010000, "PCIe PIO" },
	{ 0x3f000000, 0x01000000, "PCIe ECAM" },
	{ 0x4010000000ULL, 0x10000000, "PCIe ECAM (high)" },
	{ 0x8000000000ULL, 0x8000000000ULL, "PCIe MMIO (high)" },
};

const char *es_mmio_region(uint64_t gpa)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(virt_map); i++)
		if (gpa >= virt_map[i].base &&
		    gpa - virt_map[i].base < virt_map[i].size)
			return virt_map[i].name;
	return "unknown";
}

const char *es_userspace_exit_name(uint32_t reason)
{
	static const char *const names[] = {
		"UNKNOWN", "EXCEPTION", "IO", "HYPERCALL", "DEBUG", "HLT",
		"MMIO", "IRQ_WINDOW_OPEN", "SHUTDOWN", "FAIL_ENTRY", "INTR",
		"SET_TPR", "TPR_ACCESS", "S390_SIEIC", "S390_RESET", "DCR",
		"NMI", "INTERNAL_ERROR", "OSI", "PAPR_HCALL", "S390_UCONTROL",
		"WATCHDOG", "S390_TSCH", "EPR", "SYSTEM_EVENT", "S390_STSI",
		"IOAPIC_EOI", "HYPERV", "ARM_NISV", "X86_RDMSR", "X86_WRMSR",
		"DIRTY_RING_FULL", "AP_RESET_HOLD", "X86_BUS_LOCK", "XEN",
		"RISCV_SBI", "RISCV_CSR", "NOTIFY",
	};

	return reason < ARRAY_SIZE(names) ? names[reason] : "?";
}
