/*
 * deny.c - the seccomp filters of deny.h.
 *
 * The program: load the architecture and allow any other (a process of
 * another word size is not ours to change); load the system call number;
 * then per rule, a comparison with the number and, for a rule on an
 * argument, a comparison of that argument's low 32 bits, each rule
 * ending in SECCOMP_RET_ERRNO with its errno; at the end, allow.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>

#include "deny.h"

#if defined(HAVE_LINUX_AUDIT_H) && defined(HAVE_LINUX_FILTER_H) && \
	defined(HAVE_LINUX_SECCOMP_H)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define RULES_MAX	16	/* five instructions each: jumps stay short */

uint32_t
tlh_deny_arch(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return AUDIT_ARCH_X86_64;
#elif defined(__i386__)
	return AUDIT_ARCH_I386;
#elif defined(__aarch64__) && defined(__AARCH64EL__) && !defined(__ILP32__)
	return AUDIT_ARCH_AARCH64;
#else
	return 0;
#endif
}

/* Where the low 32 bits of argument @i lie in struct seccomp_data. */
static uint32_t
arg_low(int i)
{
	uint32_t at = (uint32_t)(offsetof(struct seccomp_data, args) +
				 (size_t)i * sizeof(uint64_t));

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	at += 4;
#endif
	return at;
}

int
tlh_deny_install(const struct tlh_deny *rules, size_t n)
{
	struct sock_filter prog[4 + 5 * RULES_MAX];
	struct sock_fprog fprog;
	uint32_t arch = tlh_deny_arch();
	size_t i, k = 0, skip;

	if (!arch)
		return -EOPNOTSUPP;
	if (n > RULES_MAX)
		return -E2BIG;
	/* everything between the arch check and the final allow */
	for (skip = 1, i = 0; i < n; i++)
		skip += rules[i].arg < 0 ? 2 : 5;

	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, arch));
	prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		arch, 0, (unsigned char)skip);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, nr));
	for (i = 0; i < n; i++) {
		const struct tlh_deny *r = &rules[i];
		int more = r->arg >= 0;

		/* not this call: past the rule, the number still loaded */
		prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
			BPF_K, (uint32_t)r->nr, 0, more ? 4 : 1);
		if (more) {
			prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W |
				BPF_ABS, arg_low(r->arg));
			prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP |
				BPF_JEQ | BPF_K, r->val, 0, 1);
		}
		prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
			SECCOMP_RET_ERRNO | ((uint32_t)r->err & 0xffff));
		if (more)
			prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W |
				BPF_ABS, offsetof(struct seccomp_data, nr));
	}
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						 SECCOMP_RET_ALLOW);

	fprog.len = (unsigned short)k;
	fprog.filter = prog;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog))
		return -errno;
	return 0;
}

#else	/* without the kernel's headers (musl-gcc): no filters */

uint32_t
tlh_deny_arch(void)
{
	return 0;
}

int
tlh_deny_install(const struct tlh_deny *rules, size_t n)
{
	(void)rules;
	(void)n;
	return -EOPNOTSUPP;
}
#endif
