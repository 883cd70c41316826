/*
 * prochandle.c - process handles: OpenProcess, GetCurrentProcess and the
 * calls that ask a handle who it names.  A process handle holds a target
 * (lib/linux/target.c) that ties it to one process for its whole life,
 * and the access rights OpenProcess granted, which every call checks as
 * Windows does.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "windows.h"
#include "handle.h"

/* Highest pid Linux can hand out (PID_MAX_LIMIT on 64-bit). */
#define TLH_PID_MAX	4194304u

/* The rights that reach the process's memory: Linux's ptrace check. */
#define MEMORY_RIGHTS \
	(PROCESS_VM_READ | PROCESS_VM_WRITE | PROCESS_VM_OPERATION)

struct tlh_process {
	struct tlh_object obj;	/* first: the handle table's part */
	DWORD access;		/* what OpenProcess granted */
	struct tlh_target target;
};

/* The pseudo-handle's target: the calling process, as of each call. */
static __thread struct tlh_target self_target;

static void
free_process(struct tlh_object *obj)
{
	struct tlh_process *p = (struct tlh_process *)obj;

	tlh_os_target_close(&p->target);
	free(p);
}

/*
 * The generic rights as Windows maps them for processes; a right to query
 * everything includes the right to query a little.
 */
static DWORD
map_access(DWORD access)
{
	if (access & (GENERIC_ALL | MAXIMUM_ALLOWED))
		access |= PROCESS_ALL_ACCESS;
	if (access & GENERIC_READ)
		access |= READ_CONTROL | PROCESS_VM_READ |
			  PROCESS_QUERY_INFORMATION;
	if (access & GENERIC_WRITE)
		access |= READ_CONTROL | PROCESS_CREATE_THREAD |
			  PROCESS_CREATE_PROCESS | PROCESS_VM_OPERATION |
			  PROCESS_VM_WRITE | PROCESS_DUP_HANDLE |
			  PROCESS_SET_QUOTA | PROCESS_SET_INFORMATION |
			  PROCESS_SUSPEND_RESUME;
	if (access & GENERIC_EXECUTE)
		access |= READ_CONTROL | SYNCHRONIZE | PROCESS_TERMINATE |
			  PROCESS_QUERY_LIMITED_INFORMATION;
	if (access & PROCESS_QUERY_INFORMATION)
		access |= PROCESS_QUERY_LIMITED_INFORMATION;
	return access & ~(DWORD)(GENERIC_ALL | GENERIC_READ | GENERIC_WRITE |
				 GENERIC_EXECUTE | MAXIMUM_ALLOWED);
}

/*
 * Whether the caller may use @access on @pid as Linux sees it: the
 * memory rights need ptrace's attach check (what process_vm_readv and
 * /proc/<pid>/mem ask for), querying the memory needs the maps.
 */
static int
may_access(pid_t pid, DWORD access)
{
	int ret, fd;

	if (access & MEMORY_RIGHTS) {
		ret = tlh_os_reach(pid);
		if (ret)
			return ret;
	}
	if (access & PROCESS_QUERY_INFORMATION) {
		fd = tlh_os_maps_open(pid);
		if (fd < 0)
			return fd;
		close(fd);
	}
	return 0;
}

/*
 * Open the process dwProcessId with the rights dwDesiredAccess asks for.
 * Returns a handle for CloseHandle(), or NULL: ERROR_INVALID_PARAMETER
 * for pid 0, a pid that names no running process, or a thread's id;
 * ERROR_ACCESS_DENIED where Linux refuses the access.  bInheritHandle
 * changes nothing (no process is ever created through the library).
 */
TLH_EXPORT HANDLE WINAPI
OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwProcessId)
{
	struct tlh_process *p;
	DWORD access = map_access(dwDesiredAccess);
	HANDLE h;
	int ret;

	(void)bInheritHandle;
	if (dwProcessId == 0 || dwProcessId > TLH_PID_MAX) {
		tlh_error_set(-EINVAL);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		tlh_error_set(-ENOMEM);
		return NULL;
	}
	ret = tlh_os_target_open(&p->target, (pid_t)dwProcessId);
	if (ret) {
		free(p);
		tlh_error_set(ret);
		return NULL;
	}
	ret = may_access(p->target.pid, access);
	/* A process that has exited (a zombie) is not there to open. */
	if (tlh_os_target_check(&p->target))
		ret = -ESRCH;
	if (ret)
		goto fail;
	p->obj.kind = TLH_HANDLE_PROCESS;
	p->obj.free_fn = free_process;
	p->access = access;
	h = tlh_handle_open(&p->obj);
	if (h)
		return h;
	ret = -ENOMEM;
fail:
	tlh_os_target_close(&p->target);
	free(p);
	tlh_error_set(ret == -ESRCH ? -EINVAL : ret);
	return NULL;
}

/*
 * The pseudo-handle of the calling process: (HANDLE)-1, valid with every
 * process function and with every right; CloseHandle() leaves it valid.
 */
TLH_EXPORT HANDLE WINAPI
GetCurrentProcess(void)
{
	return TLH_CURRENT_PROCESS;
}

/* The calling process's id. */
TLH_EXPORT DWORD WINAPI
GetCurrentProcessId(void)
{
	return (DWORD)tlh_os_self();
}

/* The calling thread's id (its Linux tid). */
TLH_EXPORT DWORD WINAPI
GetCurrentThreadId(void)
{
	return (DWORD)syscall(SYS_gettid);
}

/* The process handle @h as an object with a reference, or NULL. */
static struct tlh_process *
get_process(HANDLE h)
{
	return (struct tlh_process *)tlh_handle_get(h, TLH_HANDLE_PROCESS);
}

struct tlh_target *
tlh_target_get(HANDLE h, uint32_t access, int *err)
{
	struct tlh_process *p;

	if (h == TLH_CURRENT_PROCESS) {
		tlh_os_target_self(&self_target);
		return &self_target;
	}
	p = get_process(h);
	if (!p) {
		*err = -EBADF;
		return NULL;
	}
	if ((p->access & access) != access) {
		tlh_handle_put(&p->obj);
		*err = -EACCES;
		return NULL;
	}
	return &p->target;
}

void
tlh_target_put(struct tlh_target *t)
{
	char *base;

	if (t == &self_target)
		return;
	base = (char *)t - offsetof(struct tlh_process, target);
	tlh_handle_put(&((struct tlh_process *)(void *)base)->obj);
}

/*
 * The id of the process hProcess names, even after it exited; 0 with
 * ERROR_INVALID_HANDLE for anything but a process handle.
 */
TLH_EXPORT DWORD WINAPI
GetProcessId(HANDLE Process)
{
	struct tlh_process *p;
	DWORD pid;

	if (Process == TLH_CURRENT_PROCESS)
		return (DWORD)tlh_os_self();
	p = get_process(Process);
	if (!p) {
		tlh_error_set(-EBADF);
		return 0;
	}
	pid = (DWORD)p->target.pid;
	tlh_handle_put(&p->obj);
	return pid;
}

/*
 * The priority class of the process hProcess names, from its scheduling
 * policy and nice value; 0 with the last error set on failure.  Needs
 * PROCESS_QUERY_INFORMATION or PROCESS_QUERY_LIMITED_INFORMATION.
 */
TLH_EXPORT DWORD WINAPI
GetPriorityClass(HANDLE hProcess)
{
	struct tlh_target *t;
	int32_t base = 8;
	int ret;

	t = tlh_target_get(hProcess, PROCESS_QUERY_LIMITED_INFORMATION, &ret);
	if (!t) {
		tlh_error_set(ret);
		return 0;
	}
	ret = tlh_os_priority_base(t, &base);
	tlh_target_put(t);
	if (ret) {
		tlh_error_set(ret == -ESRCH ? -EPERM : ret);
		return 0;
	}
	switch (base) {
	case 4:
		return IDLE_PRIORITY_CLASS;
	case 6:
		return BELOW_NORMAL_PRIORITY_CLASS;
	case 10:
		return ABOVE_NORMAL_PRIORITY_CLASS;
	case 13:
		return HIGH_PRIORITY_CLASS;
	case 24:
		return REALTIME_PRIORITY_CLASS;
	default:
		return NORMAL_PRIORITY_CLASS;
	}
}
