/*
 * readable.c - the probe of readable.h: a child of our own, a byte we
 * know in it, read both ways the library reads.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "readable.h"

static volatile char probe_byte = 'p';

int
tlh_can_read_child(char *why, size_t len)
{
	char got = 0, file[64], c;
	struct iovec l = { &got, 1 };
	struct iovec r = { (void *)&probe_byte, 1 };
	int go[2], e_pvr, e_mem = 0, fd, readable = 0;
	pid_t child;

	if (pipe(go))
		return 1;
	child = fork();
	if (child < 0) {
		close(go[0]);
		close(go[1]);
		return 1;
	}
	if (child == 0) {
		close(go[1]);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(go[0]);

	/* a byte read either way is permission enough: its value is the
	 * other tests' business (under an emulator it can differ) */
	errno = 0;
	if (process_vm_readv(child, &l, 1, &r, 1, 0) == 1)
		readable = 1;
	e_pvr = errno;
	if (!readable) {
		snprintf(file, sizeof(file), "/proc/%ld/mem", (long)child);
		errno = 0;
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && pread(fd, &got, 1,
				     (off_t)(uintptr_t)&probe_byte) == 1)
			readable = 1;
		e_mem = errno;
		if (fd >= 0)
			close(fd);
	}
	close(go[1]);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	if (readable)
		return 1;
	/* only a refusal of the environment's is a reason to skip */
	if ((e_pvr != EPERM && e_pvr != EACCES && e_pvr != ENOSYS) ||
	    (e_mem != EPERM && e_mem != EACCES))
		return 1;
	snprintf(why, len, "this machine refuses to read a child process "
		 "(process_vm_readv: %s; /proc/<pid>/mem: %s): Yama "
		 "ptrace_scope >= 2, no CAP_SYS_PTRACE, or a seccomp profile",
		 strerror(e_pvr), strerror(e_mem));
	return 0;
}
