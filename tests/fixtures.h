/*
 * fixtures.h - subjects for the tests: memory laid out with chosen
 * protections and contents, child processes that hold such memory, zombies,
 * pids that name nothing, a child that runs as nobody, and the test runner
 * re-executed with another environment.
 *
 * Every child a fixture starts is remembered until it is reaped; a test
 * case that adds tlh_fx_teardown() as a checked fixture leaves no child
 * behind even when an assertion fails with CK_FORK=no.
 *
 * Helpers report failure as NULL, -1 or -errno as documented for each and
 * never call Check themselves: tests decide what a failure means.
 */
#ifndef TLHELP32_TESTS_FIXTURES_H
#define TLHELP32_TESTS_FIXTURES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* --- memory contents ------------------------------------------------------ */

/* Byte @off of pattern @seed: a hash of both, so no two places agree. */
unsigned char tlh_fx_pattern_byte(unsigned int seed, size_t off);

/* Fill @p with bytes @off .. @off + @n - 1 of pattern @seed. */
void tlh_fx_pattern_fill(void *p, size_t n, unsigned int seed, size_t off);

/* Index of the first byte of @p that is not the pattern, or @n if none. */
size_t tlh_fx_pattern_check(const void *p, size_t n, unsigned int seed,
			    size_t off);

/*
 * Fill @p with the canary, a pattern no test reads from a source; each
 * byte depends on its address, so any part of a buffer can be checked.
 */
void tlh_fx_canary_fill(void *p, size_t n);

/* Index of the first byte of @p that is not the canary, or @n if none. */
size_t tlh_fx_canary_check(const void *p, size_t n);

/* Read up to @len bytes from @fd, retrying short reads and EINTR, until
 * end of file or an error; returns how many were read. */
size_t tlh_fx_read_all(int fd, void *buf, size_t len);

/* --- memory layouts ------------------------------------------------------- */

size_t tlh_fx_page_size(void);

#define TLH_FX_HOLE	(-1)	/* a piece's prot: leave it unmapped */

/* @pages pages with protection @prot (PROT_* or TLH_FX_HOLE). */
struct tlh_fx_piece {
	size_t pages;
	int prot;
};

/*
 * Map @n pieces back to back, as separate mappings where their protections
 * differ, the whole span filled with pattern @seed (offset 0 at the base)
 * before the protections are applied.  Returns the base and sets *@lenp to
 * the span's length, or returns NULL with errno set.
 */
void *tlh_fx_layout(const struct tlh_fx_piece *pieces, size_t n,
		    unsigned int seed, size_t *lenp);

/*
 * Unmap a layout, holes included.  A layout with holes is mapped far below
 * everything else, where no mapping made without an address lands, so its
 * holes stay holes (see fixtures.c).
 */
void tlh_fx_layout_free(void *base, size_t len);

/*
 * @len bytes of anonymous memory, read-write, far below everything else
 * (where tlh_fx_layout() puts layouts with holes), or wherever mmap()
 * puts them when no place there is free; NULL with errno set on failure.
 * Memory that a test unmaps and maps again in place goes here, so that no
 * one else's mapping takes its place in between.
 */
void *tlh_fx_map_low(size_t len);

/*
 * Map @maplen bytes (shared, protection @prot) of a fresh temporary file
 * that holds @filelen bytes of pattern @seed; pages wholly past the end of
 * the file raise SIGBUS.  Returns the mapping, or NULL with errno set.
 */
void *tlh_fx_map_file(size_t filelen, size_t maplen, int prot,
		      unsigned int seed);

/*
 * Copy the first page of this program's executable (an ELF header) to
 * @dir/@name and map it read-only, as a loader maps an object's first
 * page; with @delete, remove the copy once it is mapped.  Returns the
 * mapping (one page), or NULL with errno set.
 */
void *tlh_fx_map_elf_copy(const char *dir, const char *name, int delete);

/*
 * Find the mapping named @name ("[vvar]", "[stack]") in /proc/self/maps.
 * Returns 0 with its bounds, or -ENOENT.
 */
int tlh_fx_self_mapping(const char *name, uintptr_t *start, uintptr_t *end);

/*
 * One past the highest address user space can map (x86-64: 47 or 56 bits
 * less a page; arm64: 39 to 52 bits; a 32-bit process under a 64-bit
 * kernel: 0xFFFFE000), or 0 if unknown.
 */
uintptr_t tlh_fx_user_top(void);

/* --- child processes ------------------------------------------------------ */

/*
 * A forked child.  The child blocks reading @ctl's other end until the
 * parent closes it or dies; tlh_fx_child_stop() kills and reaps it anyway.
 */
struct tlh_fx_child {
	pid_t pid;
	int ctl;		/* parent's end of the control pipe */
	void *base;		/* the child's layout, if it made one */
	size_t len;
};

/* What a layout child does before it reports and waits. */
struct tlh_fx_spec {
	const struct tlh_fx_piece *pieces;	/* layout to map, or NULL */
	size_t npieces;
	unsigned int seed;			/* the layout's pattern */
	void *poke;		/* memory inherited from the parent... */
	size_t poke_len;	/* ...that the child overwrites with... */
	unsigned int poke_seed;	/* ...this pattern (offset 0 at poke) */
};

/*
 * Fork a child that runs @fn(@arg, @report): @fn must write exactly
 * @report_len bytes to @report, then either return (the child then waits
 * to be told to exit) or loop until it is killed.  The parent reads those
 * bytes into @report_buf.  Returns 0, or -errno (the child is then reaped).
 */
int tlh_fx_child_run(struct tlh_fx_child *c,
		     void (*fn)(void *arg, int report), void *arg,
		     void *report_buf, size_t report_len);

/*
 * Fork a child that maps @spec's layout and pokes its pattern, reports the
 * layout's base and length into @c, then waits.  Returns 0 or -errno.
 */
int tlh_fx_child_start(struct tlh_fx_child *c, const struct tlh_fx_spec *spec);

/* Kill and reap @c. */
void tlh_fx_child_stop(struct tlh_fx_child *c);

/*
 * A child that has exited and is not yet reaped.  Returns its pid, or
 * -errno.  Reap it with tlh_fx_reap().
 */
pid_t tlh_fx_zombie(void);

/* Kill (if still running) and reap a child a fixture started. */
void tlh_fx_reap(pid_t pid);

/* Kill and reap every child still remembered: a checked teardown. */
void tlh_fx_teardown(void);

/*
 * A pid that names no process: one of our children, reaped, once
 * /proc/<pid> is gone.  Returns it, or -errno.
 */
pid_t tlh_fx_dead_pid(void);

/* Results of tlh_fx_run_as_nobody(). */
enum {
	TLH_FX_PASS = 0,
	TLH_FX_FAIL = 1,
	TLH_FX_SKIP = 2,
};

/*
 * Run @fn(@arg, @msg, @len) in a child that has dropped every privilege
 * to the user and group nobody.  @fn returns TLH_FX_PASS, or TLH_FX_FAIL
 * or TLH_FX_SKIP with a message in @msg.  Returns what @fn returned, with
 * its message in @msg; TLH_FX_FAIL if the child died; TLH_FX_SKIP with
 * the reason in @msg if privileges cannot be dropped (not root, no such
 * user, no permission).
 */
int tlh_fx_run_as_nobody(int (*fn)(void *arg, char *msg, size_t len),
			 void *arg, char *msg, size_t len);

/*
 * Run the test program again (the binary of /proc/self/exe) with the
 * "NAME=value" strings of @set added to its environment and the names in
 * @unset removed (either may be NULL-terminated and empty).  Its standard
 * output and error go to @out, at most @len - 1 bytes of them, the tail
 * kept.  Returns its exit status, 128 + the signal that killed it, or
 * -errno if it could not be run.
 */
int tlh_fx_run_self(char *const *set, const char *const *unset,
		    char *out, size_t len);

/*
 * 0 where process_vm_readv() works (a byte of our own), else its errno:
 * ENOSYS on old kernels, under qemu-user and under tests/deny-run, where
 * the library reads through /proc/<pid>/mem instead.
 */
int tlh_fx_pvr_error(void);

/*
 * What ioctl @req on /proc/self/@file answers to a null argument: 0 for
 * EFAULT or EINVAL (the kernel has the ioctl and refused the argument),
 * else the errno: ENOTTY where the kernel lacks it, ENOSYS where a
 * seccomp filter or an emulator refuses it.
 */
int tlh_fx_ioctl_error(const char *file, unsigned long req);

/*
 * Run the cases of suite @suite tagged "maps" again in a fresh copy of the
 * test program with TLHELP32_FORCE_MAPS_TEXT=1, so that they read the text
 * of /proc/<pid>/maps (the library chooses its way once per process).
 * Returns as tlh_fx_run_self(), with the output's tail in @out, and sets
 * *@checks to the number of checks the copy ran (-1 if it says none).
 */
int tlh_fx_run_maps_text(const char *suite, char *out, size_t len,
			 int *checks);

/*
 * "qemu-user" when this process runs under qemu's user-mode emulation,
 * which answers for /proc/self itself: /proc/self/exe names the guest's
 * program, while the link read through a descriptor of /proc/self, which
 * it does not catch, names qemu's own (qemu-aarch64).  NULL when it does
 * not (valgrind, whose link names its tool, included).
 */
const char *tlh_fx_emulator(void);

/*
 * Under an emulator, print "SKIP: @test: under <emulator>, @why" and
 * return 1; else return 0.
 */
int tlh_fx_skip_emulated(const char *test, const char *why);

/* Why thread counts differ under qemu-user. */
#define TLH_FX_EMU_THREAD \
	"qemu-user runs a thread of its own in every process, one more " \
	"than the test starts"

/* 1 when running under valgrind. */
int tlh_fx_under_valgrind(void);

/*
 * Around a call that is given deliberately bad pointers: valgrind does not
 * report the system calls made with them (outside valgrind: nothing).
 */
void tlh_fx_quiet_begin(void);
void tlh_fx_quiet_end(void);

#endif /* TLHELP32_TESTS_FIXTURES_H */
