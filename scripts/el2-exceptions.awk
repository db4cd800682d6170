# The outer emulator's own view of VM exits (run-host.sh --el2-log): reads QEMU's `-d int` log
# (every exception the emulated CPUs take, a block of lines each) and writes, as JSON, the
# exceptions taken to EL2, counted by vector table (VBAR_EL2: the 2 KiB-aligned base of the
# PC they land at), the EL they came from and what they were: an asynchronous exception by
# QEMU's name for it (IRQ, FIQ, ...), a synchronous one by its exception class (ESR_EL2.EC).
#   awk -f scripts/el2-exceptions.awk QEMU-LOG >el2-exceptions.json
#
# A block (QEMU 7.2 target/arm: arm_log_exception, arm_cpu_do_interrupt{,_aarch64}):
#   Taking exception 5 [IRQ] on CPU 1
#   ...from EL1 to EL2
#   ...with ESR 0x16/0x5a000000        (not for QEMU-internal exceptions)
#   ...with ELR 0x..., ...with SPSR ..., ...with FAR ...
#   ...to EL2 PC 0xffffffc008a1f480 PSTATE 0x3c9
# Blocks do not interleave: the host runs its CPUs in one thread (run-host.sh asks for it).
#
# On an nVHE host (the default, cortex-a57) KVM switches VBAR_EL2 between the host's hyp
# vectors (its calls into EL2: HVC64 from EL1 and nothing else) and the guests' (every guest
# exit: traps, aborts, IRQs taken while a guest runs). A table that took only HVC64 from EL1 is
# "host" here, any other "guest"; on a VHE host (the kernel itself runs at EL2) the roles
# cannot be told apart this way and every table is "unknown". Exit status 0, or 1 with a
# message on stderr when the log is not what this expects.
# The 2 KiB-aligned base of a hexadecimal address ("0x..."), as text (addresses exceed awk's
# exact doubles): the last two digits become 0, the third loses its low three bits.
function vector_base(a,    head, d) {
	a = tolower(a)
	head = substr(a, 1, length(a) - 3)
	d = index("0123456789abcdef", substr(a, length(a) - 2, 1)) - 1
	return head (d >= 8 ? "8" : "0") "00"
}
function hex2(h,    v, i) {	# "0x16" -> "0x16", "0x7" -> "0x07"
	h = tolower(substr(h, 3))
	v = 0
	for (i = 1; i <= length(h); i++)
		v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
	return sprintf("0x%02x", v)
}
function flush() {
	if (to == 2 && pc != "") {
		base = vector_base(pc)
		if (async[name])
			what = name
		else
			what = "EC " (ec == "" ? "?" : ec)
		n[base SUBSEP from SUBSEP what]++
		total[base]++
		if (what != "EC 0x16" || from != 1)
			other[base] = 1
		blocks++
	}
	to = -1; pc = ""; ec = ""; name = ""; from = -1
}
BEGIN {
	to = -1
	async["IRQ"] = async["FIQ"] = async["Virtual IRQ"] = async["Virtual FIQ"] = 1
	async["SError"] = async["Virtual SError"] = 1
}
/^Taking exception / {
	flush()
	started++
	name = $0
	sub(/^[^[]*\[/, "", name)
	sub(/\].*$/, "", name)
	next
}
/^\.\.\.from EL[0-3] to EL[0-3]$/ {
	from = substr($2, 3) + 0
	to = substr($4, 3) + 0
	next
}
/^\.\.\.with ESR 0x/ {
	split($3, part, "/")
	ec = hex2(part[1])
	next
}
/^\.\.\.to EL2 PC 0x/ {
	pc = $4
	flush()
	next
}
END {
	flush()
	if (started == 0) {
		print "el2-exceptions.awk: the log holds no exception at all (was QEMU run with -d int?)" > "/dev/stderr"
		exit 1
	}
	hosts = guests = 0
	for (b in total) {
		if (b in other) { role[b] = "guest"; guests++ } else { role[b] = "host"; hosts++ }
	}
	if (guests > 1)
		for (b in total)
			role[b] = "unknown"
	printf "{\n \"source\": \"the outer QEMU's -d int log: every exception taken to EL2\",\n"
	printf " \"exceptions_logged\": %d,\n \"exceptions_to_el2\": %d,\n \"vectors\": [", started, blocks
	nb = 0
	for (b in total) {
		printf "%s\n  {\"base\": \"%s\", \"role\": \"%s\", \"exceptions\": %d, \"kinds\": [", nb++ ? "," : "", b, role[b], total[b]
		nk = 0
		for (k in n) {
			split(k, f, SUBSEP)
			if (f[1] != b)
				continue
			kind = f[3]
			if (kind ~ /^EC /)
				printf "%s\n   {\"from_el\": %d, \"exception\": \"sync\", \"esr_ec\": \"%s\", \"count\": %d}", nk++ ? "," : "", f[2], substr(kind, 4), n[k]
			else
				printf "%s\n   {\"from_el\": %d, \"exception\": \"%s\", \"count\": %d}", nk++ ? "," : "", f[2], kind, n[k]
		}
		printf "\n  ]}"
	}
	printf "\n ]\n}\n"
}
