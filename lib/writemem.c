/*
 * writemem.c - WriteProcessMemory: the Windows contract (order of checks,
 * counts, error codes) over the platform's all-or-nothing write.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>

#include "windows.h"
#include "handle.h"
#include "linux/os.h"

/*
 * Write nSize bytes from lpBuffer at lpBaseAddress in the process hProcess
 * names, only after the whole range is known writable (code included, as
 * a debugger writes it) and the whole buffer readable.  On failure the
 * target is as it was, but for one race the man page describes.  The
 * count is stored on success, set to 0 with ERROR_ACCESS_DENIED and
 * ERROR_PARTIAL_COPY, and left alone otherwise, as kernel32 does.
 */
TLH_EXPORT BOOL WINAPI
WriteProcessMemory(HANDLE hProcess, LPVOID lpBaseAddress, LPCVOID lpBuffer,
		   SIZE_T nSize, SIZE_T *lpNumberOfBytesWritten)
{
	uintptr_t dst = (uintptr_t)lpBaseAddress, src = (uintptr_t)lpBuffer;
	uintptr_t top = tlh_os_user_top();
	struct tlh_target *t;
	int ret;

	/* Windows checks the handle, its rights, a zero size, the bounds. */
	t = tlh_target_get(hProcess, PROCESS_VM_WRITE | PROCESS_VM_OPERATION,
			   &ret);
	if (!t)
		goto fail;
	if (!nSize)
		ret = 0;
	else if (dst > top || nSize > top - dst || src > top ||
		 nSize > top - src)
		ret = -EFAULT;
	else
		ret = tlh_os_write(t, dst, lpBuffer, nSize);
	tlh_target_put(t);
	if (ret == -ESRCH)
		ret = -EIO;	/* the process has exited: a partial copy */
	if (ret)
		goto fail;
	if (lpNumberOfBytesWritten)
		*lpNumberOfBytesWritten = nSize;
	return TRUE;

fail:
	if (lpNumberOfBytesWritten &&
	    (ret == -EACCES || ret == -EPERM || ret == -EIO))
		*lpNumberOfBytesWritten = 0;
	tlh_error_set(ret);
	return FALSE;
}
