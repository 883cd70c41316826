/*
 * readmem.c - Toolhelp32ReadProcessMemory and ReadProcessMemory: the
 * Windows contract (order of checks, counts, error codes) over the
 * platform's all-or-nothing read, by pid and through a process handle.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "windows.h"
#include "handle.h"

/* Highest pid Linux can hand out (PID_MAX_LIMIT on 64-bit). */
#define TLH_PID_MAX	4194304u

/* [addr, addr + n) wraps around or reaches past user space. */
static int
out_of_bounds(uintptr_t addr, size_t n)
{
	uintptr_t top = tlh_os_user_top();

	return addr > top || n > top - addr;
}

/*
 * Copy cbRead bytes from lpBaseAddress in process th32ProcessID (0: this
 * process) into lpBuffer, only after the whole range is known readable.
 * On failure lpBuffer is unchanged (see the man page for the one race).
 */
TLH_EXPORT BOOL WINAPI
Toolhelp32ReadProcessMemory(DWORD th32ProcessID, LPCVOID lpBaseAddress,
			    LPVOID lpBuffer, SIZE_T cbRead,
			    SIZE_T *lpNumberOfBytesRead)
{
	uintptr_t src = (uintptr_t)lpBaseAddress;
	pid_t pid;
	int ret;

	if (th32ProcessID > TLH_PID_MAX) {
		ret = -ESRCH;
		goto fail;
	}
	pid = th32ProcessID ? (pid_t)th32ProcessID : tlh_os_self();

	/* Windows checks the process, then a zero length, then the ranges'
	 * bounds; the read itself reports the process's errors, so the
	 * explicit check is needed only where no read follows. */
	if (cbRead == 0 || out_of_bounds(src, cbRead) ||
	    out_of_bounds((uintptr_t)lpBuffer, cbRead)) {
		ret = tlh_os_reach(pid);
		if (!ret)
			ret = cbRead ? -EFAULT : 0;
	} else {
		ret = tlh_os_read(pid, src, lpBuffer, cbRead);
	}
	if (ret)
		goto fail;
	if (lpNumberOfBytesRead)
		*lpNumberOfBytesRead = cbRead;
	return TRUE;

fail:
	/* The count is left alone when the process cannot be reached. */
	if (lpNumberOfBytesRead && ret != -ESRCH && ret != -EPERM)
		*lpNumberOfBytesRead = 0;
	tlh_error_set(ret);
	return FALSE;
}

/*
 * ReadProcessMemory: the read of Toolhelp32ReadProcessMemory through a
 * process handle with PROCESS_VM_READ.  As kernel32 does, a zero size
 * succeeds before anything is looked at, and a failure always stores 0
 * in the count.  A handle whose process has exited fails with
 * ERROR_PARTIAL_COPY: nothing of it can be read any more.
 */
TLH_EXPORT BOOL WINAPI
ReadProcessMemory(HANDLE hProcess, LPCVOID lpBaseAddress, LPVOID lpBuffer,
		  SIZE_T nSize, SIZE_T *lpNumberOfBytesRead)
{
	uintptr_t src = (uintptr_t)lpBaseAddress;
	struct tlh_target *t;
	int ret;

	if (nSize == 0)
		goto done;
	t = tlh_target_get(hProcess, PROCESS_VM_READ, &ret);
	if (!t)
		goto fail;
	if (out_of_bounds(src, nSize) ||
	    out_of_bounds((uintptr_t)lpBuffer, nSize))
		ret = -EFAULT;
	else
		ret = tlh_os_read_target(t, src, lpBuffer, nSize);
	tlh_target_put(t);
	if (ret == -ESRCH)
		ret = -EIO;
	if (ret)
		goto fail;
done:
	if (lpNumberOfBytesRead)
		*lpNumberOfBytesRead = nSize;
	return TRUE;

fail:
	if (lpNumberOfBytesRead)
		*lpNumberOfBytesRead = 0;
	tlh_error_set(ret);
	return FALSE;
}
