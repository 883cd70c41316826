/*
 * fuzz_status.c - the reading of /proc/<pid>/status: whether a pid names
 * a process rather than a thread of one, from its Tgid line
 * (tlh_os_snap_check_pid() in lib/linux/modules.c).
 *
 * The function opens and reads the file itself, so this file includes
 * modules.c with tlh_procfs_open() and read() redirected, in this file
 * only, to serve the fuzz input as the file's text; the rest of the
 * library it calls is fuzz/snapstub.c.
 *
 * The pid asked about is the one the input's first "\nTgid:" line names
 * (the text read being at most 1023 bytes, up to its first NUL), so that
 * both answers are reached.  The answer must be 0 for that pid and -ESRCH
 * for any other, and -ESRCH for every pid when the text has no such line
 * or is empty; the file must be closed again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "fuzz.h"

static int status_open(pid_t pid, const char *name);
static ssize_t status_read(int fd, void *buf, size_t n);

#define tlh_procfs_open(pid, name)	status_open(pid, name)
#define read(fd, buf, n)		status_read(fd, buf, n)
#include "linux/modules.c"
#undef read
#undef tlh_procfs_open

const char fuzz_target_name[] = "status";

static struct {
	const uint8_t *data;
	size_t size;
	int fd;			/* what status_open() gave, -1 once closed */
	int opens;
} file;

static int
status_open(pid_t pid, const char *name)
{
	fuzz_check(pid > 0);
	if (!strcmp(name, "exe"))
		return -ENOENT;	/* a 32-bit build's look at the executable */
	fuzz_check(!strcmp(name, "status"));
	fuzz_check(file.fd < 0);
	file.fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fuzz_check(file.fd >= 0);
	file.opens++;
	return file.fd;
}

static ssize_t
status_read(int fd, void *buf, size_t n)
{
	fuzz_check(fd == file.fd);
	if (n > file.size)
		n = file.size;
	memcpy(buf, file.data, n);
	return (ssize_t)n;
}

/* The Tgid the text names, as a C library would read it; 0 if none. */
static long
tgid_of(const uint8_t *data, size_t size)
{
	char text[1024];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	const char *line;

	memcpy(text, data, n);
	text[n] = '\0';
	line = strstr(text, "\nTgid:");
	return line ? strtol(line + 6, NULL, 10) : 0;
}

static void
ask(pid_t pid, int want)
{
	int ret;

	file.fd = -1;
	file.opens = 0;
	ret = tlh_os_snap_check_pid(pid);
	fuzz_check(ret == want);
	fuzz_check(file.opens == 1);
	/* closed: the descriptor number is free again */
	fuzz_check(fcntl(file.fd, F_GETFD) < 0 && errno == EBADF);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long tgid = tgid_of(data, size);
	uint64_t rng = fuzz_hash(data, size);
	pid_t other;

	file.data = data;
	file.size = size;
	if (tgid > 0 && tgid <= 4194304) {
		ask((pid_t)tgid, 0);
		ask((pid_t)tgid + 1, -ESRCH);
	}
	other = 1 + (pid_t)(fuzz_next(&rng) % 4194304);
	ask(other, other == tgid ? 0 : -ESRCH);
	return 0;
}
