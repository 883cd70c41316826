/*
 * error.c - the per-thread last error, and the one table that turns the
 * internal -errno convention into the documented Win32 codes.
 */
#include "config.h"

#include <errno.h>

#include <windows.h>

#include "internal.h"

static __thread DWORD last_error;

/*
 * Internal functions report failures as -errno with these meanings; anything
 * else is unexpected and becomes ERROR_GEN_FAILURE.
 */
static const struct {
	int err;
	DWORD code;
} errno_to_win32[] = {
	{ ESRCH,	ERROR_INVALID_PARAMETER },	/* no such process */
	{ EINVAL,	ERROR_INVALID_PARAMETER },
	{ EPERM,	ERROR_ACCESS_DENIED },		/* may not read it */
	{ EACCES,	ERROR_ACCESS_DENIED },
	{ EBADF,	ERROR_INVALID_HANDLE },
	{ ENOMEM,	ERROR_NOT_ENOUGH_MEMORY },
	{ EMFILE,	ERROR_TOO_MANY_OPEN_FILES },	/* out of descriptors */
	{ ENFILE,	ERROR_TOO_MANY_OPEN_FILES },
	{ ENODATA,	ERROR_NO_MORE_FILES },
	{ EMSGSIZE,	ERROR_BAD_LENGTH },
	{ ENOSYS,	ERROR_CALL_NOT_IMPLEMENTED },
	{ ENOBUFS,	ERROR_INSUFFICIENT_BUFFER },
	{ EIO,		ERROR_PARTIAL_COPY },		/* source unreadable */
	{ EFAULT,	ERROR_NOACCESS },		/* bad range or buffer */
	{ EOPNOTSUPP,	ERROR_NOT_SUPPORTED },		/* a heap not known */
	{ EUCLEAN,	ERROR_INVALID_DATA },		/* a heap not well formed */
	{ ENOMSG,	ERROR_MR_MID_NOT_FOUND },	/* no such message */
	{ ENOPKG,	ERROR_MUI_FILE_NOT_FOUND },	/* no such language */
	{ ENOEXEC,	ERROR_RESOURCE_TYPE_NOT_FOUND }, /* no message table */
	{ ECANCELED,	ERROR_NO_WORK_DONE },		/* an empty message */
};

void
tlh_error_set(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errno_to_win32) / sizeof(errno_to_win32[0]); i++) {
		if (errno_to_win32[i].err == -err) {
			last_error = errno_to_win32[i].code;
			return;
		}
	}
	last_error = ERROR_GEN_FAILURE;
}

/* Return the calling thread's last error code. */
TLH_EXPORT DWORD WINAPI
GetLastError(void)
{
	return last_error;
}

/* Set the calling thread's last error code. */
TLH_EXPORT void WINAPI
SetLastError(DWORD dwErrCode)
{
	last_error = dwErrCode;
}
