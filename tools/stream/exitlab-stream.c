// SPDX-License-Identifier: GPL-2.0
/*
 * exitlab-stream: results out of the emulated KVM host as they are made (stream.h says how).
 * One program, built twice: static arm64 for the host (send, sync) and native for the outer
 * side (extract).
 */
#include "stream.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"Usage: exitlab-stream send --dev DEVICE --dir DIR [--kmsg FILE] [--interval-ms N] [--beat-s N] [--run-dir DIR]\n"
	"         (in the host) every interval, append what is new in DIR's files to DEVICE;\n"
	"         with --kmsg, the kernel log is appended to FILE (under DIR) as it is made;\n"
	"         SIGUSR1 sends at once; SIGTERM sends what is left, ends the stream and exits\n"
	"       exitlab-stream sync [--run-dir DIR] [--timeout-s N]\n"
	"         (in the host) return once a complete pass of `send` began after this call\n"
	"       exitlab-stream extract --log IMAGE --out DIR [--status FILE]\n"
	"                              [--follow --pidfile FILE --hang-s N]\n"
	"         (outside) apply IMAGE's records to DIR; --status writes key=value lines\n"
	"         (records, bytes, end, full, hung, last_uptime_ms); --follow keeps reading\n"
	"         while the process of --pidfile lives and stops it (SIGTERM, SIGKILL 10 s later)\n"
	"         when no record came for N seconds (0: never)\n"
	"Exit status: 0 ok, 1 failure, 2 usage.\n";

/* zlib's CRC-32 (reflected 0xEDB88320), table made on first use. */
uint32_t xs_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	const unsigned char *p = buf;
	uint32_t c;
	int i, k;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

int xs_path_ok(const char *path)
{
	const char *p = path, *slash;
	size_t n;

	if (!*path || *path == '/' || strlen(path) >= XS_PATH_MAX)
		return -1;
	for (;;) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return -1;
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "send"))
		return xs_send_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "sync"))
		return xs_sync_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "extract"))
		return xs_extract_main(argc - 1, argv + 1);
	fputs(usage, stderr);
	return 2;
}
