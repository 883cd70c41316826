/*
 * readmem_demo.c - Toolhelp32ReadProcessMemory the way a Windows tool
 * uses it, reading a live child process by pid.
 *
 *   readmem_demo                    start a child and read it twice: a
 *                                   read that succeeds, and one that runs
 *                                   into a guard page and is refused whole
 *   readmem_demo PID ADDRESS LENGTH read any process and dump the bytes
 *
 * The function read_and_dump() is plain Tool Help code that builds
 * unchanged on Windows.  Only starting the child is POSIX.
 *
 * Build against the installed library:
 *   cc readmem_demo.c $(pkg-config --cflags --libs tlhelp32)
 */
#ifdef _WIN32
#include <windows.h>
#endif
#include <tlhelp32.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

static const char *
error_name(DWORD code)
{
	switch (code) {
	case ERROR_ACCESS_DENIED:	return "ERROR_ACCESS_DENIED";
	case ERROR_INVALID_PARAMETER:	return "ERROR_INVALID_PARAMETER";
	case ERROR_PARTIAL_COPY:	return "ERROR_PARTIAL_COPY";
	case ERROR_NOACCESS:		return "ERROR_NOACCESS";
	default:			return "other error";
	}
}

/*
 * Read cb bytes at addr in process pid into a buffer pre-filled with '.',
 * then show what the call returned and what the buffer holds.  Returns
 * the call's result.
 */
static BOOL
read_and_dump(DWORD pid, ULONG_PTR addr, SIZE_T cb)
{
	unsigned char buf[256];
	SIZE_T got = 0, i;
	BOOL ok;

	if (cb > sizeof(buf))
		cb = sizeof(buf);
	memset(buf, '.', sizeof(buf));
	ok = Toolhelp32ReadProcessMemory(pid, (LPCVOID)addr, buf, cb, &got);
	if (ok)
		printf("  TRUE: %lu bytes read\n", (unsigned long)got);
	else
		printf("  FALSE: GetLastError() = %lu (%s), %lu bytes read\n",
		       (unsigned long)GetLastError(),
		       error_name(GetLastError()), (unsigned long)got);
	printf("  buffer: \"");
	for (i = 0; i < cb; i++)
		putchar(buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '?');
	printf("\"\n");
	return ok;
}

#ifndef _WIN32
/*
 * The child keeps a message at the end of a readable page that is followed
 * by a PROT_NONE guard page, tells the parent where it is, and waits.
 */
static pid_t
start_child(ULONG_PTR *msg, SIZE_T *msglen)
{
	static const char text[] = "Hello from the child process!";
	long pg = sysconf(_SC_PAGESIZE);
	int fds[2];
	char *map;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map == MAP_FAILED)
			_exit(1);
		memcpy(map + pg - sizeof(text), text, sizeof(text));
		mprotect(map + pg, pg, PROT_NONE);
		map += pg - sizeof(text);
		if (write(fds[1], &map, sizeof(map)) != sizeof(map))
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &map, sizeof(map)) != sizeof(map)) {
		close(fds[0]);
		return -1;
	}
	close(fds[0]);
	*msg = (ULONG_PTR)map;
	*msglen = sizeof(text) - 1;
	return pid;
}

static int
demo(void)
{
	ULONG_PTR msg;
	SIZE_T len;
	pid_t child;
	int bad = 0;

	child = start_child(&msg, &len);
	if (child < 0) {
		perror("readmem_demo: starting the child");
		return 1;
	}
	printf("child %ld keeps a message at 0x%lx, followed by a "
	       "PROT_NONE guard page\n", (long)child, (unsigned long)msg);

	printf("\n1. read the message (%lu bytes):\n", (unsigned long)len);
	if (!read_and_dump((DWORD)child, msg, len))
		bad = 1;

	printf("\n2. read %lu bytes: the message and 8 bytes of the guard "
	       "page:\n", (unsigned long)len + 8);
	if (read_and_dump((DWORD)child, msg, len + 8) ||
	    GetLastError() != ERROR_PARTIAL_COPY)
		bad = 1;
	else
		printf("  refused whole: not one byte was transferred\n");

	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return bad;
}
#endif

int
main(int argc, char **argv)
{
	if (argc == 4) {
		DWORD pid = (DWORD)strtoul(argv[1], NULL, 0);
		ULONG_PTR addr = (ULONG_PTR)strtoull(argv[2], NULL, 16);
		SIZE_T cb = (SIZE_T)strtoul(argv[3], NULL, 0);

		return read_and_dump(pid, addr, cb) ? 0 : 1;
	}
#ifndef _WIN32
	if (argc == 1)
		return demo();
#endif
	fprintf(stderr, "usage: %s [PID ADDRESS LENGTH]\n", argv[0]);
	return 2;
}
