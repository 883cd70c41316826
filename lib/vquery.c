/*
 * vquery.c - VirtualQueryEx and VirtualQuery: the Windows contract (order
 * of checks, error codes, the 48 bytes written) over the platform's
 * description of one region (lib/linux/vquery.c), turned into Windows'
 * State, Protect, Type, AllocationBase and AllocationProtect as the
 * VirtualQueryEx(3) man page tabulates.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "windows.h"
#include "handle.h"

#define ACCESS	(TLH_REGION_READ | TLH_REGION_WRITE | TLH_REGION_EXEC)

/*
 * The page protection for access @flags (some of r, w, x): Windows has no
 * write-only protection, and writing implies reading on x86 anyway.  A
 * private file mapping is copied on write.
 */
static DWORD
protection(unsigned int flags)
{
	int cow = (flags & TLH_REGION_FILE) && !(flags & TLH_REGION_SHARED);

	if (flags & TLH_REGION_EXEC) {
		if (flags & TLH_REGION_WRITE)
			return cow ? PAGE_EXECUTE_WRITECOPY :
				     PAGE_EXECUTE_READWRITE;
		return flags & TLH_REGION_READ ? PAGE_EXECUTE_READ :
						 PAGE_EXECUTE;
	}
	if (flags & TLH_REGION_WRITE)
		return cow ? PAGE_WRITECOPY : PAGE_READWRITE;
	return flags & TLH_REGION_READ ? PAGE_READONLY : PAGE_NOACCESS;
}

/* @r in Windows' terms; @m is zeroed first (PartitionId and padding). */
static void
to_mbi(const struct tlh_region *r, MEMORY_BASIC_INFORMATION *m)
{
	memset(m, 0, sizeof(*m));
	m->BaseAddress = (PVOID)r->start;
	m->RegionSize = r->end - r->start;
	if (!(r->flags & TLH_REGION_MAPPED)) {
		m->State = MEM_FREE;
		m->Protect = PAGE_NOACCESS;
		return;
	}
	m->AllocationBase = (PVOID)r->alloc_base;
	if (r->flags & TLH_REGION_IMAGE)
		m->Type = MEM_IMAGE;
	else if (r->flags & (TLH_REGION_FILE | TLH_REGION_SHARED))
		m->Type = MEM_MAPPED;
	else
		m->Type = MEM_PRIVATE;
	if (!(r->flags & ACCESS)) {
		/* PROT_NONE: reserved, as an address range held unusable */
		m->State = MEM_RESERVE;
		m->Protect = 0;
		m->AllocationProtect = PAGE_NOACCESS;
	} else if (r->flags & TLH_REGION_OPAQUE) {
		m->State = MEM_COMMIT;
		m->Protect = PAGE_NOACCESS;
		m->AllocationProtect = PAGE_NOACCESS;
	} else {
		m->State = MEM_COMMIT;
		m->Protect = protection(r->flags);
		m->AllocationProtect = m->Protect;
		if (r->flags & TLH_REGION_GUARD)
			m->Protect |= PAGE_GUARD;
	}
	if (r->flags & TLH_REGION_IMAGE)
		m->AllocationProtect = PAGE_EXECUTE_WRITECOPY;
}

/*
 * Describe the region of the process hProcess names that holds lpAddress,
 * from its page up, in the 48 bytes at lpBuffer: their size on success, 0
 * with the last error set on failure.  Needs PROCESS_QUERY_INFORMATION.
 * Checks, in Windows' order: the handle (ERROR_INVALID_HANDLE), its rights
 * (ERROR_ACCESS_DENIED), dwLength (ERROR_BAD_LENGTH), lpBuffer
 * (ERROR_NOACCESS), the address (ERROR_INVALID_PARAMETER); a process that
 * has exited is ERROR_ACCESS_DENIED.  lpBuffer is written whole or not at
 * all, and nothing past its 48 bytes.
 */
TLH_EXPORT SIZE_T WINAPI
VirtualQueryEx(HANDLE hProcess, LPCVOID lpAddress,
	       PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength)
{
	MEMORY_BASIC_INFORMATION m;
	struct tlh_target *t;
	struct tlh_region r;
	int ret;

	t = tlh_target_get(hProcess, PROCESS_QUERY_INFORMATION, &ret);
	if (!t) {
		tlh_error_set(ret);
		return 0;
	}
	if (dwLength < sizeof(m))
		ret = -EMSGSIZE;
	else if (!lpBuffer)
		ret = -EFAULT;
	else if ((uintptr_t)lpAddress >= tlh_os_user_top())
		ret = -EINVAL;
	else
		ret = tlh_os_query(t, (uintptr_t)lpAddress, &r);
	tlh_target_put(t);
	if (!ret) {
		to_mbi(&r, &m);
		/* A copy out of our own memory: a buffer the caller may not
		 * write fails (-EFAULT) without a byte of it written. */
		ret = tlh_os_read(tlh_os_self(), (uintptr_t)&m, lpBuffer,
				  sizeof(m));
	}
	if (ret) {
		/* the process has exited: nothing of it can be queried */
		tlh_error_set(ret == -ESRCH ? -EACCES : ret);
		return 0;
	}
	return sizeof(m);
}

/* VirtualQueryEx() of the calling process. */
TLH_EXPORT SIZE_T WINAPI
VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
	     SIZE_T dwLength)
{
	return VirtualQueryEx(TLH_CURRENT_PROCESS, lpAddress, lpBuffer,
			      dwLength);
}
