// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the plugin's print handlers: each record of the
 * input goes through tep_print_event() with the handlers registered (the
 * loader called on the tep, as libtraceevent would), so short, truncated
 * and garbage records reach every handler, and the per-thread table grows,
 * wraps and starts over.
 *
 * Input: fuzz-decode's (tools/exitstat/fuzz-decode.c), so that its corpus
 * of real ring-buffer pages serves here too: byte 0 the layout (bit 0:
 * patched kvm_exit, bit 1: big endian, bit 2: 4-byte long), byte 1 the
 * mode (bit 0: u8-length-prefixed records instead of pages, bit 2:
 * 4096-byte pages instead of 256-byte ones; a v7 file, bit 3, is read as
 * pages). Event IDs are those of the 6.1 host kernel the fixtures and
 * tests/traces come from, so real pages print real events.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "exitstat.h"
#include "plugin.h"

#define COMMON \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

#define EXIT_FIELDS \
	"\tfield:int ret;\toffset:8;\tsize:4;\tsigned:1;\n" \
	"\tfield:unsigned int esr_ec;\toffset:12;\tsize:4;\tsigned:0;\n" \
	"\tfield:unsigned long vcpu_pc;\toffset:16;\tsize:8;\tsigned:0;\n"

static const char *const exit_formats[2] = {
	"name: kvm_exit\nID: 54\nformat:\n" COMMON EXIT_FIELDS "\n"
	"print fmt: \"%d: HSR_EC: 0x%04x, PC: 0x%016lx\", REC->ret, REC->esr_ec, REC->vcpu_pc\n",
	"name: kvm_exit\nID: 54\nformat:\n" COMMON EXIT_FIELDS
	"\tfield:pid_t vm_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned int vcpu_id;\toffset:28;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 exit_count;\toffset:32;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"%d: HSR_EC: 0x%04x, PC: 0x%016lx, VM: %d, VCPU: %u, EXIT: %llu\", "
	"REC->ret, REC->esr_ec, REC->vcpu_pc, REC->vm_pid, REC->vcpu_id, REC->exit_count\n",
};

/* Stock, and patched: kernel-patches/6.1/0005 appends the vcpu as "id". */
static const char *const entry_formats[2] = {
	"name: kvm_entry\nID: 55\nformat:\n" COMMON
	"\tfield:unsigned long vcpu_pc;\toffset:8;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"PC: 0x%016lx\", REC->vcpu_pc\n",
	"name: kvm_entry\nID: 55\nformat:\n" COMMON
	"\tfield:unsigned long vcpu_pc;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned int id;\toffset:16;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"PC: 0x%016lx, VCPU: %u\", REC->vcpu_pc, REC->id\n",
};

static const char *const others[] = {
	"name: kvm_hvc_arm64\nID: 64\nformat:\n" COMMON
	"\tfield:unsigned long vcpu_pc;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long r0;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long imm;\toffset:24;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"HVC at 0x%016lx (r0: 0x%016lx, imm: 0x%lx)\", REC->vcpu_pc, REC->r0, REC->imm\n",
	"name: kvm_sys_access\nID: 57\nformat:\n" COMMON
	"\tfield:unsigned long vcpu_pc;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:bool is_write;\toffset:16;\tsize:1;\tsigned:0;\n"
	"\tfield:const char * name;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:u8 Op0;\toffset:32;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 Op1;\toffset:33;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 CRn;\toffset:34;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 CRm;\toffset:35;\tsize:1;\tsigned:0;\n"
	"\tfield:u8 Op2;\toffset:36;\tsize:1;\tsigned:0;\n\n"
	"print fmt: \"%d\", REC->Op0\n",
	"name: kvm_handle_sys_reg\nID: 58\nformat:\n" COMMON
	"\tfield:unsigned long hsr;\toffset:8;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"HSR 0x%08lx\", REC->hsr\n",
	"name: kvm_mmio\nID: 37\nformat:\n" COMMON
	"\tfield:u32 type;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:u32 len;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\tfield:u64 gpa;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 val;\toffset:24;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"mmio %u len %u gpa 0x%llx val 0x%llx\", REC->type, REC->len, REC->gpa, REC->val\n",
	"name: kvm_userspace_exit\nID: 41\nformat:\n" COMMON
	"\tfield:__u32 reason;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:int errno;\toffset:12;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"reason %u (%d)\", REC->reason, REC->errno\n",
	"name: kvm_wfx_arm64\nID: 65\nformat:\n" COMMON
	"\tfield:unsigned long vcpu_pc;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:bool is_wfe;\toffset:16;\tsize:1;\tsigned:0;\n\n"
	"print fmt: \"wfx at 0x%016lx\", REC->vcpu_pc\n",
};

static struct tep_handle *teps[8];

static void setup(void)
{
	size_t i;
	int v;

	for (v = 0; v < 8; v++) {
		teps[v] = tep_alloc();
		if (!teps[v])
			abort();
		tep_set_file_bigendian(teps[v], (v & 2) ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
		tep_set_local_bigendian(teps[v], TEP_LITTLE_ENDIAN);
		tep_set_long_size(teps[v], (v & 4) ? 4 : 8);
		tep_parse_event(teps[v], exit_formats[v & 1], strlen(exit_formats[v & 1]), "kvm");
		tep_parse_event(teps[v], entry_formats[v & 1], strlen(entry_formats[v & 1]), "kvm");
		for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
			tep_parse_event(teps[v], others[i], strlen(others[i]), "kvm");
		if (TEP_PLUGIN_LOADER(teps[v]))
			abort();
	}
}

static bool ours(const struct tep_event *event)
{
	unsigned int i;

	for (i = 0; i < xl_nevents; i++)
		if (event->handler == xl_events[i].handler)
			return true;
	return false;
}

/* One record, copied so that ASan sees its exact bounds. */
static void print_record(struct tep_handle *tep, int cpu, uint64_t ts,
			 const uint8_t *data, uint32_t len)
{
	struct tep_record rec;
	struct tep_event *event;
	struct trace_seq s;
	uint8_t *copy;

	/* libtraceevent reads common_type unchecked: that is its part */
	if (len < 2)
		return;
	event = tep_find_event(tep, (int)tep_read_number(tep, data, 2));
	if (!event || !ours(event))
		return;
	copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, data, len);
	memset(&rec, 0, sizeof(rec));
	rec.ts = ts;
	rec.cpu = cpu;
	rec.data = copy;
	rec.size = (int)len;
	rec.record_size = (int)len;
	trace_seq_init(&s);
	tep_print_event(tep, &s, &rec, "%s %s", TEP_PRINT_NAME, TEP_PRINT_INFO);
	trace_seq_destroy(&s);
	free(copy);
}

static void feed_pages(struct tep_handle *tep, const uint8_t *data, size_t size,
		       size_t page_size, int long_size, bool swap)
{
	size_t pos;

	for (pos = 0; pos + 64 <= size; pos += page_size) {
		size_t len = size - pos < page_size ? size - pos : page_size;
		struct es_page_iter it;
		const uint8_t *rec;
		uint32_t rlen;
		uint64_t ts;
		int cpu = (int)((pos / page_size) & 1);

		if (es_page_begin(&it, data + pos, len, long_size, swap))
			continue;
		while (es_page_next(&it, &ts, &rec, &rlen) == 1)
			print_record(tep, cpu, ts, rec, rlen);
	}
}

static void feed_records(struct tep_handle *tep, const uint8_t *data, size_t size)
{
	uint64_t ts = 0;
	size_t pos, len;

	for (pos = 0; pos < size; pos += len) {
		len = data[pos++];
		if (len > size - pos)
			len = size - pos;
		ts += len * 97;
		print_record(tep, (int)(len & 1), ts, data + pos, (uint32_t)len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct tep_handle *tep;
	int mode;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 2)
		return 0;
	tep = teps[data[0] & 7];
	mode = data[1];
	if (mode & 1)
		feed_records(tep, data + 2, size - 2);
	else
		feed_pages(tep, data + 2, size - 2, (mode & 4) ? 4096 : 256,
			   (data[0] & 4) ? 4 : 8, (data[0] & 2) != 0);
	return 0;
}
