/*
 * th32-read.c - th32 read PID ADDRESS LENGTH: another process's memory, all
 * or nothing, as a hex dump, raw bytes, JSON or typed values.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th32.h"

static void
put_dump(uintptr_t addr, const unsigned char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char line[128];
	size_t i, j, k;
	int pos;

	for (i = 0; i < len; i += 16) {
		pos = snprintf(line, sizeof(line), "%08" PRIxPTR ": ",
			       addr + i);
		k = (size_t)pos;
		for (j = 0; j < 16; j++) {
			if (i + j < len) {
				line[k++] = hex[buf[i + j] >> 4];
				line[k++] = hex[buf[i + j] & 15];
			} else {
				line[k++] = ' ';
				line[k++] = ' ';
			}
			if (j & 1)
				line[k++] = ' ';
		}
		line[k++] = ' ';
		for (j = 0; j < 16 && i + j < len; j++)
			line[k++] = buf[i + j] >= 0x20 && buf[i + j] < 0x7f ?
				    (char)buf[i + j] : '.';
		line[k++] = '\n';
		fwrite(line, 1, k, stdout);
	}
}

static void
put_json_read(DWORD pid, uintptr_t addr, const unsigned char *buf,
	      size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char chunk[4096];
	size_t i, k = 0;

	printf("{\"pid\":%lu,\"address\":\"0x%" PRIxPTR "\",\"length\":%zu,"
	       "\"hex\":\"", (unsigned long)pid, addr, len);
	for (i = 0; i < len; i++) {
		chunk[k++] = hex[buf[i] >> 4];
		chunk[k++] = hex[buf[i] & 15];
		if (k == sizeof(chunk)) {
			fwrite(chunk, 1, k, stdout);
			k = 0;
		}
	}
	fwrite(chunk, 1, k, stdout);
	fputs("\"}\n", stdout);
}

/* Write @len bytes to @path ("-": standard output).  0 or exit status. */
static int
put_raw(const char *path, const unsigned char *buf, size_t len)
{
	ssize_t done;
	int fd, saved;

	if (!strcmp(path, "-")) {
		fwrite(buf, 1, len, stdout);
		return 0;	/* errors are found when stdout is closed */
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		goto fail;
	while (len) {
		done = write(fd, buf, len);
		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0) {
			saved = errno;
			close(fd);
			errno = saved;
			goto fail;
		}
		buf += done;
		len -= (size_t)done;
	}
	if (close(fd) == 0)
		return 0;
fail:
	fprintf(stderr, "th32: %s: %s\n", path, strerror(errno));
	return EXIT_FAIL;
}

/* read --u32 and the like: the values, one per line, or JSON. */
static void
put_values(const struct options *o, DWORD pid, uintptr_t addr,
	   const unsigned char *buf, size_t len)
{
	size_t size = value_size(o->kind), i;

	if (o->json)
		printf("{\"pid\":%lu,\"address\":\"0x%" PRIxPTR "\","
		       "\"type\":\"%s\",\"values\":[", (unsigned long)pid,
		       addr, value_option(o->kind) + 2);
	for (i = 0; i < len; i += size) {
		if (o->json && i)
			putchar(',');
		put_value(o->kind, buf + i, o->json);
		if (!o->json)
			putchar('\n');
	}
	if (o->json)
		fputs("]}\n", stdout);
}

int
cmd_read(const struct options *o, char **args, int nargs)
{
	size_t size = value_size(o->kind);
	char ctx[CONTEXT_MAX];
	unsigned char *buf;
	uintptr_t addr = 0;
	uintmax_t v;
	SIZE_T len;
	DWORD pid;
	int ret;

	if (o->kind != VAL_NONE && !size)
		return usage_error("read: %s is for find and write; read takes "
				   "the number types only",
				   value_option(o->kind));
	if (nargs < 3 && !(size && nargs == 2))
		return usage_error("read: PID, ADDRESS and LENGTH needed");
	if (nargs > 3)
		return usage_error("read: unexpected argument '%s'", args[3]);
	ret = parse_pid(args[0], &pid);
	if (ret)
		return ret;
	if (nargs == 2) {
		v = size;	/* read PID ADDRESS --u32: one value */
	} else {
		ret = parse_length(args[2], LENGTH_MAX, &v);
		if (ret == -ENOMEM)
			return out_of_memory();
		if (ret == -ERANGE)
			return usage_error("invalid LENGTH '%s': more than "
					   "1073741824 (1G)", args[2]);
		if (ret)
			return usage_error("invalid LENGTH '%s': expected a "
					   "decimal or 0x hexadecimal number, "
					   "optionally followed by K, M or G",
					   args[2]);
	}
	len = (SIZE_T)v;
	if (size && len % size)
		return usage_error("invalid LENGTH '%s': not a multiple of "
				   "%zu, the size of %s", args[2], size,
				   value_option(o->kind));
	if (size && o->out)
		return usage_error("read: -o writes bytes; it cannot be "
				   "combined with %s", value_option(o->kind));

	ret = parse_address("read", pid, args[1], &addr);
	if (ret)
		return ret;

	/* The whole length in one call: a refusal refuses everything. */
	buf = malloc(len ? len : 1);
	if (!buf)
		return out_of_memory();
	snprintf(ctx, sizeof(ctx), "read %lu 0x%" PRIxPTR, (unsigned long)pid,
		 addr);
	SetLastError(ERROR_SUCCESS);
	if (!Toolhelp32ReadProcessMemory(pid, (LPCVOID)addr, buf, len, NULL))
		ret = report_last(ctx);
	else if (size)
		put_values(o, pid, addr, buf, len);
	else if (o->out)
		ret = put_raw(o->out, buf, len);
	else if (o->json)
		put_json_read(pid, addr, buf, len);
	else
		put_dump(addr, buf, len);
	free(buf);
	return ret;
}
