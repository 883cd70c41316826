/*
 * heap.c - the malloc heaps of a live process, as glibc's malloc keeps
 * them, found and walked from the outside through the library's own
 * all-or-nothing read (tlh_os_read).  The layout is in heap.h.
 *
 * Recognising glibc.  A process is taken to use glibc's malloc when all of
 * these hold: a file named libc.so.6 is mapped, its first mapping is a
 * 64-bit ELF object of this machine (HOST_MACHINE) whose dynamic strings name
 * gnu_get_libc_version and a GLIBC_2.N version with N >= 34; and glibc's
 * main arena is found in that object's writable data: a struct
 * malloc_state whose 127 bin list heads each point either to themselves
 * (empty) or, fd and bk both, to aligned chunks, with a top chunk in the
 * brk area.  A process whose malloc is another (musl, jemalloc or tcmalloc
 * linked in or preloaded, a sanitizer's), that never used glibc's, or that
 * is statically linked fails these tests: -EOPNOTSUPP.  A main arena that
 * is there (linked as arenas are, its top in the brk area) but no longer
 * has that shape is a damaged one: -EUCLEAN.
 *
 * The heaps.  The default heap is the main arena: its chunks run from the
 * start of the brk area ([heap]) to the end of its top chunk, plus the
 * chunks glibc serves with their own mappings, which belong to no arena
 * and are walked with it.  Every other arena is a heap too, found in the
 * ring malloc_state.next links from the main arena; its chunks lie in one
 * or more mappings (aligned to 64 MiB) that start with a heap_info, linked
 * from the one holding its top chunk back to the first, which holds the
 * malloc_state itself.  A heap's th32HeapID is its malloc_state's address.
 *
 * A large block with its own mapping is found at the start of an
 * anonymous read-write mapping, or right after another such block in the
 * same mapping (the kernel merges neighbouring mappings): a header with
 * prev_size 0 and a size with only IS_MMAPPED set, a whole number of
 * pages that fits.  A block aligned by memalign() carries its real header
 * further in; one within the first page (alignments up to a page) is
 * found, a larger alignment is reported from the mapping's start.  Such a
 * block that the kernel merged behind other memory is not found.
 *
 * Free blocks.  A chunk is free when the next one's PREV_INUSE bit is
 * clear; glibc then keeps its size in the next chunk's prev_size too,
 * which is checked.  Chunks parked in the per-thread caches (tcache) or
 * the fast bins keep looking in use.  A fast-bin chunk is recognised by
 * following the arena's ten fast-bin lists at the start of the walk.  A
 * tcache chunk is recognised by the process-wide key glibc writes into
 * every cached chunk (the word after its list pointer, which glibc clears
 * when it hands the chunk out), learnt from the entries of the caches at
 * the start of the arenas; its list pointer must decode to null or to a
 * chunk.  Without a key (every such cache empty), cached chunks are
 * reported in use.
 *
 * Walking.  Heap32Next gets only the entry: the block's address and size
 * say where the next one starts, and the segment it lies in is found
 * again; the block itself is not read again, so blocks come out in
 * address order and never overlap even when the target changes them.
 * Each thread keeps one walk's context: what the set-up learnt (mappings,
 * segments, fast-bin chunks, tcache key) and the last piece of the heap
 * read, up to 256 KiB in one read, so that a walk costs one read per
 * piece, not per block.  The context serves only the process and heap it
 * was made for; anything else makes it again.  It is freed when a walk
 * ends.  Its piece, and the page-sized window that serves scattered
 * reads, are a mapping of its own, never in a heap: the heap read may be
 * this process's.  (Page-aligned, each read into them is one system
 * call.)  For the same reason the set-up takes all the memory it needs
 * before it reads anything of the heap.
 *
 * Trust.  Every size and pointer read from the target is checked against
 * the segment it must lie in, and every read lies within mappings the
 * set-up saw readable; a walk only ever moves to higher addresses, and a
 * walk's length (dwResvd) is bounded by its heap's size.  Each call does a
 * bounded amount of work, in proportion to what the target really holds,
 * never to the size of its heap.  Every list followed is watched for a
 * loop: the ring of arenas against a table of the arenas met (so that the
 * heap list stops right before the first repeat), each arena's chain of
 * heaps and the fast bins with Brent's method, in no memory.  A set-up
 * follows at most VISIT_MAX list entries, and counts no more arenas or
 * heaps than there are mappings.  The segments of all arenas are kept in
 * address order, and must not overlap, so that each lookup takes log
 * time.  The target runs on while it is walked: what does not fit is read
 * again once (the heap may have grown or moved), and if it still does not
 * fit the walk ends with -EUCLEAN.  A list longer than the cap is not
 * worth reading again.
 */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heap.h"
#include "maps.h"
#include "os.h"
#include "../snapshot.h"

#define PIECE_SIZE	((size_t)256 << 10)	/* read-ahead of a walk */
#define WINDOW_SIZE	4096u			/* scattered reads */
#define WALK_MAP	(PIECE_SIZE + WINDOW_SIZE)	/* the two, mapped */
#define PROBE_TRIES	3
#define VISIT_MAX	((size_t)1 << 20)	/* list entries per set-up */

/* x86-64 and arm64: glibc lays malloc out alike on both (16-byte chunks,
 * 64 MiB heaps, pointers mangled by 12 bits whatever the page size). */
#if defined(__x86_64__) && UINTPTR_MAX == UINT64_MAX
#define HOST_MACHINE	EM_X86_64
#elif defined(__aarch64__) && UINTPTR_MAX == UINT64_MAX
#define HOST_MACHINE	EM_AARCH64
#else
#define HOST_MACHINE	EM_NONE		/* none is recognised */
#endif

enum vma_kind { VK_OTHER, VK_ANON, VK_BRK, VK_LIBC };

struct vma {
	uintptr_t start;
	uintptr_t end;
	uintptr_t run_end;	/* of the readable run from here, or 0 */
	uint64_t offset;
	uint64_t inode;
	unsigned int flags;	/* TLH_VMA_* */
	int kind;
};

enum seg_kind { SEG_CHUNKS, SEG_MMAP };

/* A stretch of memory that holds chunks back to back. */
struct seg {
	uintptr_t lo;		/* reads stay within [lo, end) */
	uintptr_t start;	/* the first chunk */
	uintptr_t end;		/* the end of the last */
	int kind;
	int has_top;		/* its last chunk is the arena's top */
	unsigned int non_main;	/* GL_NON_MAIN, if its chunks carry it */
};

struct arena {
	uintptr_t addr;
	uintptr_t top;
	uintptr_t next;		/* malloc_state.next */
	uint64_t system_mem;
	uint32_t flags;
	uintptr_t fast[GL_NFASTBINS];
	size_t seg0;		/* its segments: probe.segs[seg0 ..] */
	size_t nseg;
};

/* What one look at a process finds: its mappings, arenas and segments. */
struct probe {
	pid_t pid;
	size_t pg;
	struct vma *vmas;
	size_t nvmas, avmas;
	struct arena *arenas;	/* main first, then in creation order */
	size_t narenas, aarenas;
	struct seg *segs;	/* chunk segments of every arena */
	size_t nsegs, asegs;
	struct seg *order;	/* the same, in address order */
	size_t aorder;
	size_t visits;		/* list entries followed */
	uintptr_t *met;		/* arenas met in the ring: load_ring() */
	size_t nmet;		/* its slots, a power of two */
	unsigned char *scratch;	/* page-aligned, at least a page */
	size_t scratch_len;
	uintptr_t cache_at;	/* the page of an arena held in scratch */
	size_t cache_len;
};

/* A walk in progress: one per thread. */
struct walk {
	int valid;
	pid_t pid;
	uintptr_t id;
	struct probe p;
	struct seg *ws;		/* the walked heap's segments */
	size_t nws, aws;
	uintptr_t *fast;	/* its fast-bin chunks, sorted */
	size_t nfast, afast;
	uint64_t key;		/* the tcache key, if have_key */
	int have_key;
	uint64_t max_blocks;
	unsigned char *piece;
	uintptr_t piece_at;
	size_t piece_len;
	unsigned char *window;	/* page-aligned, after the piece */
	uintptr_t win_at;
	size_t win_len;
};

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t
get16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Grow *@v (of *@alloc elements of @size) to hold @need; 0 or -ENOMEM.
 * The array is a mapping of its own, never malloc's memory: a walk of
 * this process's own heap must not change that heap while it reads it,
 * nor move the end of the brk area after it read the maps.
 */
static int
grow(void **v, size_t *alloc, size_t need, size_t size)
{
	size_t n = *alloc ? *alloc : 16;
	void *p;

	if (need <= *alloc)
		return 0;
	while (n < need && n <= SIZE_MAX / 2 / size)
		n *= 2;
	if (n < need)
		return -ENOMEM;
	if (*v)
		p = mremap(*v, *alloc * size, n * size, MREMAP_MAYMOVE);
	else
		p = mmap(NULL, n * size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	*v = p;
	*alloc = n;
	return 0;
}

/* Give back an array grow() made. */
static void
release(void *v, size_t alloc, size_t size)
{
	if (v)
		munmap(v, alloc * size);
}

/*
 * Lists read from the target may loop.  Brent's method finds a loop with
 * one remembered element: the mark moves to the current element whenever
 * the count since it was placed reaches a power of two, and an element
 * equal to the mark closes a loop of @len elements.  A list of n distinct
 * elements that loops is found within 3n steps, in no memory.
 */
struct cycle {
	uintptr_t mark;
	size_t len;		/* steps since the mark was placed */
	size_t power;
};

static void
cycle_start(struct cycle *cy, uintptr_t first)
{
	cy->mark = first;
	cy->len = 1;
	cy->power = 1;
}

/* Does @x, the element after the last one seen, close a loop? */
static int
cycle_closes(struct cycle *cy, uintptr_t x)
{
	if (x == cy->mark)
		return 1;
	if (cy->len == cy->power) {
		cy->mark = x;
		cy->power *= 2;
		cy->len = 0;
	}
	cy->len++;
	return 0;
}

/*
 * Count one more list entry followed.  A set-up follows at most VISIT_MAX
 * of them, whatever the target claims; -E2BIG past that (not a race, so
 * not worth reading again; ERROR_INVALID_DATA at the boundary).
 */
static int
visit(struct probe *p)
{
	return ++p->visits > VISIT_MAX ? -E2BIG : 0;
}

/* ---- the mappings -------------------------------------------------------- */

/* Is the mapped file's last path component @base? */
static int
file_is(const char *name, size_t len, const char *base)
{
	static const char deleted[] = " (deleted)";
	size_t n = strlen(base), dl = sizeof(deleted) - 1;

	if (len > dl && !memcmp(name + len - dl, deleted, dl))
		len -= dl;
	return len > n && name[len - n - 1] == '/' &&
	       !memcmp(name + len - n, base, n);
}

static int
collect_vma(const struct tlh_vma *v, void *arg)
{
	struct probe *p = arg;
	struct vma *o;
	int ret;

	ret = grow((void **)&p->vmas, &p->avmas, p->nvmas + 1, sizeof(*o));
	if (ret)
		return ret;
	o = &p->vmas[p->nvmas++];
	o->start = v->start;
	o->end = v->end;
	o->offset = v->offset;
	o->inode = v->inode;
	o->flags = v->flags;
	o->kind = VK_OTHER;
	if (!v->inode && !v->name_len)
		o->kind = VK_ANON;
	else if (!v->inode && v->name_len == 6 && !memcmp(v->name, "[heap]", 6))
		o->kind = VK_BRK;
	else if (!v->inode && v->name_len > 6 && !memcmp(v->name, "[anon:", 6))
		o->kind = VK_ANON;	/* a name given with PR_SET_VMA */
	else if (v->inode && file_is(v->name, v->name_len, "libc.so.6"))
		o->kind = VK_LIBC;
	return 0;
}

/*
 * Of @n records of @size bytes at @v, in address order and apart, each
 * with its end address at offset @end_at: the index of the first that
 * ends above @addr, or @n.
 */
static size_t
ending_after(const void *v, size_t n, size_t size, size_t end_at,
	     uintptr_t addr)
{
	size_t lo = 0, hi = n, mid;
	uintptr_t end;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		memcpy(&end, (const char *)v + mid * size + end_at,
		       sizeof(end));
		if (end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The index of the mapping holding @addr, or p->nvmas. */
static size_t
vma_at(const struct probe *p, uintptr_t addr)
{
	size_t i = ending_after(p->vmas, p->nvmas, sizeof(*p->vmas),
				offsetof(struct vma, end), addr);

	return i < p->nvmas && p->vmas[i].start <= addr ? i : p->nvmas;
}

/*
 * Note where each run of adjacent readable mappings ends, so that a range
 * is checked in one lookup however many mappings it spans.
 */
static void
mark_runs(struct probe *p)
{
	struct vma *v;
	size_t i;

	for (i = p->nvmas; i-- > 0;) {
		v = &p->vmas[i];
		if (!(v->flags & TLH_VMA_READ))
			v->run_end = 0;
		else if (i + 1 < p->nvmas && v[1].start == v->end &&
			 v[1].run_end)
			v->run_end = v[1].run_end;
		else
			v->run_end = v->end;
	}
}

/* 0 if [@addr, @addr + @n) lies in readable mappings, else -EUCLEAN. */
static int
covered(const struct probe *p, uintptr_t addr, size_t n)
{
	uintptr_t end = addr + n;
	size_t i = vma_at(p, addr);

	if (!n || end < addr || i == p->nvmas || end > p->vmas[i].run_end)
		return -EUCLEAN;
	return 0;
}

/*
 * Read from the target what the mappings say is there.  @buf is zeroed
 * first: the read path probes a destination's pages before it writes
 * them, and memory checkers count that as a use of what @buf held.
 */
static int
rd(const struct probe *p, uintptr_t addr, void *buf, size_t n)
{
	int ret = covered(p, addr, n);

	if (!ret) {
		memset(buf, 0, n);
		ret = tlh_os_read(p->pid, addr, buf, n);
	}
	return ret == -EIO ? -EUCLEAN : ret;
}

/*
 * As rd(), but served from the page that load_arena() read last (the first
 * page of an arena's first heap) when that holds the bytes.
 */
static int
fetch(const struct probe *p, uintptr_t addr, void *buf, size_t n)
{
	if (addr >= p->cache_at && addr - p->cache_at <= p->cache_len &&
	    n <= p->cache_len - (addr - p->cache_at)) {
		memcpy(buf, p->scratch + (addr - p->cache_at), n);
		return 0;
	}
	return rd(p, addr, buf, n);
}

/* ---- glibc --------------------------------------------------------------- */

/*
 * Is the first mapping of libc.so.6 a glibc this walker knows?  Its ELF
 * header, then the dynamic strings of the versions it defines; read into
 * @buf (@len bytes at most).
 */
static int
check_libc(const struct probe *p, unsigned char *buf, size_t len)
{
	static const char fn[] = "\0gnu_get_libc_version";
	static const char ver[] = "\0GLIBC_2.";
	const struct vma *v = NULL;
	unsigned char *s, *end;
	Elf64_Ehdr eh;
	long minor, best = -1;
	size_t i, n;
	int ret;

	for (i = 0; i < p->nvmas && !v; i++)
		if (p->vmas[i].kind == VK_LIBC && !p->vmas[i].offset &&
		    (p->vmas[i].flags & TLH_VMA_READ))
			v = &p->vmas[i];
	if (!v || HOST_MACHINE == EM_NONE)
		return -EOPNOTSUPP;
	n = v->end - v->start < len ? v->end - v->start : len;
	if (n < sizeof(eh))
		return -EOPNOTSUPP;
	ret = rd(p, v->start, buf, n);
	if (ret)
		return ret;
	memcpy(&eh, buf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
				    ELFDATA2LSB : ELFDATA2MSB) ||
	    eh.e_machine != HOST_MACHINE)
		return -EOPNOTSUPP;
	if (!memmem(buf, n, fn, sizeof(fn)))	/* with its closing null */
		return -EOPNOTSUPP;
	end = buf + n;
	for (s = buf; (s = memmem(s, (size_t)(end - s), ver,
				  sizeof(ver) - 1));) {
		s += sizeof(ver) - 1;
		for (minor = 0; s < end && *s >= '0' && *s <= '9' &&
		     minor < 1000; s++)
			minor = minor * 10 + (*s - '0');
		if (s < end && (*s == '\0' || *s == '.') && minor > best)
			best = minor;
	}
	return best >= GL_MIN_MINOR ? 0 : -EOPNOTSUPP;
}

/*
 * Do the GL_MS_SIZE bytes at @m, read from @at, look like an initialised
 * malloc_state?  Every bin list head points to itself or, both of its
 * pointers, to aligned chunks; the fast-bin pointers are aligned, and so
 * is the top, unless it is still the initial one (the unsorted bin's
 * head, which is not a chunk).
 */
static int
arena_shape(const unsigned char *m, uintptr_t at)
{
	uintptr_t fd, bk, self, top = (uintptr_t)get64(m + GL_MS_TOP);
	unsigned int i;

	if (!top || (top != at + GL_MS_TOP && (top & (GL_ALIGN - 1))))
		return 0;
	if (get64(m + GL_MS_NEXT) & 7)
		return 0;
	if (get64(m + GL_MS_SYSTEM_MEM) > get64(m + GL_MS_MAX_SYSTEM_MEM))
		return 0;
	for (i = 0; i < GL_NFASTBINS; i++)
		if (get64(m + GL_MS_FASTBINS + 8 * i) & (GL_ALIGN - 1))
			return 0;
	for (i = 0; i < GL_NBIN_PAIRS; i++) {
		fd = get64(m + GL_MS_BINS + 16 * i);
		bk = get64(m + GL_MS_BINS + 16 * i + 8);
		self = at + GL_MS_BINS + 16 * i - GL_HDR;
		if ((fd == self) != (bk == self))
			return 0;
		if (fd != self && (!fd || !bk || ((fd | bk) & (GL_ALIGN - 1))))
			return 0;
	}
	return 1;
}

/* Heaps and arenas are mappings: there are no more than the mappings. */
static int
add_seg(struct probe *p, const struct seg *sg)
{
	int ret = p->nsegs > p->nvmas ? -EUCLEAN : 0;

	if (!ret)
		ret = grow((void **)&p->segs, &p->asegs, p->nsegs + 1,
			   sizeof(*sg));
	if (!ret)
		p->segs[p->nsegs++] = *sg;
	return ret;
}

static int
add_arena(struct probe *p, uintptr_t addr, const unsigned char *m)
{
	struct arena *a;
	unsigned int i;
	int ret;

	if (p->narenas > p->nvmas)
		return -EUCLEAN;	/* more arenas than mappings */
	ret = grow((void **)&p->arenas, &p->aarenas, p->narenas + 1,
		   sizeof(*a));
	if (ret)
		return ret;
	a = &p->arenas[p->narenas++];
	a->addr = addr;
	a->top = get64(m + GL_MS_TOP);
	a->next = get64(m + GL_MS_NEXT);
	a->system_mem = get64(m + GL_MS_SYSTEM_MEM);
	memcpy(&a->flags, m + GL_MS_FLAGS, sizeof(a->flags));
	for (i = 0; i < GL_NFASTBINS; i++)
		a->fast[i] = get64(m + GL_MS_FASTBINS + 8 * i);
	a->seg0 = p->nsegs;
	a->nseg = 0;
	return 0;
}

/* The size of the chunk at @c, which must lie in [@lo, @end). */
static int
chunk_size(const struct probe *p, uintptr_t c, uintptr_t lo, uintptr_t end,
	   uint64_t *size)
{
	unsigned char h[GL_HDR];
	int ret;

	if (c < lo || c & (GL_ALIGN - 1) || c > end || end - c < GL_HDR)
		return -EUCLEAN;
	ret = fetch(p, c, h, sizeof(h));
	if (ret)
		return ret;
	*size = get64(h + 8) & ~(uint64_t)GL_SIZE_BITS;
	return 0;
}

/* Is @addr an aligned address in the brk area? */
static int
brk_holds(const struct probe *p, uint64_t addr)
{
	size_t i = vma_at(p, (uintptr_t)addr);

	return !(addr & (GL_ALIGN - 1)) && i < p->nvmas &&
	       p->vmas[i].kind == VK_BRK;
}

/*
 * Does @next, the next field of a would-be main arena at @at, link to an
 * arena: to @at itself, or to a non-main one (which a heap_info naming it
 * precedes)?
 */
static int
links_arena(const struct probe *p, uintptr_t at, uint64_t next)
{
	uintptr_t h = (uintptr_t)next & ~(uintptr_t)(p->pg - 1);
	unsigned char w[8];

	if (next == at)
		return 1;
	if ((next & (GL_ALIGN - 1)) || (next - h != 32 && next - h != 48) ||
	    rd(p, h, w, sizeof(w)))
		return 0;
	return get64(w) == next;
}

/*
 * Find the main arena in libc's writable data (and the bss right after
 * it), reading through @buf; add it and its brk segment.  -EOPNOTSUPP if
 * there is none.
 */
static int
find_main(struct probe *p, unsigned char *buf, size_t len)
{
	const unsigned int rw = TLH_VMA_READ | TLH_VMA_WRITE;
	uintptr_t start, end, x, found = 0, damaged = 0, top, top_end, first;
	uintptr_t brk_start, brk_end;
	const struct vma *brk = NULL;
	uint64_t tsize, sysmem;
	size_t i, j, n;
	struct seg sg;
	int ret = 0;

	for (i = 0; i < p->nvmas && !found; i = j) {
		j = i + 1;
		if (p->vmas[i].kind != VK_LIBC || (p->vmas[i].flags & rw) != rw)
			continue;
		/* a run of libc's writable mappings, and the bss after it */
		start = p->vmas[i].start;
		while (j < p->nvmas && p->vmas[j].start == p->vmas[j - 1].end &&
		       (p->vmas[j].flags & rw) == rw &&
		       (p->vmas[j].kind == VK_LIBC ||
			(p->vmas[j].kind == VK_ANON &&
			 p->vmas[j - 1].kind == VK_LIBC)))
			j++;
		end = p->vmas[j - 1].end;
		n = end - start < len ? end - start : len;
		if (n < GL_MS_SIZE)
			continue;
		ret = rd(p, start, buf, n);
		if (ret)
			return ret;
		for (x = 0; x + GL_MS_SIZE <= n && !found; x += 8) {
			if (arena_shape(buf + x, start + x))
				found = start + x;
			else if (brk_holds(p, get64(buf + x + GL_MS_TOP)) &&
				 links_arena(p, start + x,
					     get64(buf + x + GL_MS_NEXT)))
				damaged = start + x;
		}
		if (found) {
			ret = add_arena(p, found, buf + (found - start));
			if (ret)
				return ret;
		}
	}
	if (!found)	/* one linked as arenas are, with a top: damaged */
		return damaged ? -EUCLEAN : -EOPNOTSUPP;

	/* The brk segment, unless the top chunk is still the initial one
	 * (nothing taken from the brk yet). */
	top = p->arenas[0].top;
	if (top == found + GL_MS_TOP)
		return 0;
	for (i = 0; i < p->nvmas; i++)
		if (p->vmas[i].kind == VK_BRK && p->vmas[i].start <= top &&
		    top < p->vmas[i].end)
			brk = &p->vmas[i];
	if (!brk) {
		/* a main arena that went on outside the brk area, or a brk
		 * that grew after the maps were read */
		return p->arenas[0].flags & GL_NONCONTIGUOUS ? -EOPNOTSUPP :
							       -EUCLEAN;
	}
	/*
	 * The brk area may be more than one mapping: the kernel does not
	 * always merge what the brk grew by with what it had (seen in a
	 * child forked from a process with a large heap).  The area is the
	 * run of [heap] mappings that meet around the top.
	 */
	i = (size_t)(brk - p->vmas);
	j = i;
	while (i > 0 && p->vmas[i - 1].kind == VK_BRK &&
	       p->vmas[i - 1].end == p->vmas[i].start)
		i--;
	while (j + 1 < p->nvmas && p->vmas[j + 1].kind == VK_BRK &&
	       p->vmas[j + 1].start == p->vmas[j].end)
		j++;
	brk_start = p->vmas[i].start;
	brk_end = p->vmas[j].end;
	ret = chunk_size(p, top, brk_start, brk_end, &tsize);
	if (ret)
		return ret;
	if (tsize > brk_end - top)
		return -EUCLEAN;
	top_end = top + tsize;
	/* glibc's first chunk: system_mem bytes before the top's end, if
	 * that is in the brk area (a program may use sbrk() first). */
	sysmem = p->arenas[0].system_mem;
	first = brk_start;
	if (!(p->arenas[0].flags & GL_NONCONTIGUOUS) && sysmem &&
	    sysmem <= top_end - brk_start &&
	    !((top_end - sysmem) & (GL_ALIGN - 1)))
		first = top_end - (uintptr_t)sysmem;
	sg.lo = brk_start;
	sg.start = first;
	sg.end = top_end;
	sg.kind = SEG_CHUNKS;
	sg.has_top = 1;
	sg.non_main = 0;
	ret = add_seg(p, &sg);
	if (!ret)
		p->arenas[0].nseg = 1;
	return ret;
}

/* The mapping of arena @a that holds @top: where heap_for_ptr() says. */
static int
top_heap(const struct probe *p, uintptr_t a, uintptr_t top, uintptr_t *h)
{
	unsigned char w[8];
	uintptr_t cand[2];
	size_t i, k;

	cand[0] = top & ~(GL_HEAP_MAX - 1);
	i = vma_at(p, top);	/* other alignments: its mapping's start */
	cand[1] = i < p->nvmas ? p->vmas[i].start : cand[0];
	if (cand[1] == p->cache_at) {	/* the first heap, at hand: first */
		cand[1] = cand[0];
		cand[0] = p->cache_at;
	}
	for (k = 0; k < 2; k++) {
		if (fetch(p, cand[k], w, sizeof(w)))
			continue;
		if (get64(w) == a) {
			*h = cand[k];
			return 0;
		}
	}
	return -EUCLEAN;
}

/*
 * Add the non-main arena at @a and its segments: the chain of heap_info
 * from the mapping holding its top back to the first, which holds @a.
 * The first page of that first heap (its heap_info, the malloc_state, and
 * in a small arena its top) is read whole, in one read.
 */
static int
load_arena(struct probe *p, uintptr_t a)
{
	unsigned char hi[GL_HI_WORDS * 8];
	uintptr_t first_heap, hsz, h, prev, size, top;
	struct cycle cy;
	uint64_t tsize;
	struct arena *ar;
	struct seg sg;
	size_t n;
	int ret;

	first_heap = a & ~(uintptr_t)(p->pg - 1);
	hsz = a - first_heap;	/* sizeof(heap_info): 32; 48 from 2.35 */
	if ((hsz != 32 && hsz != 48) || p->scratch_len < p->pg)
		return -EUCLEAN;
	p->cache_len = 0;
	ret = visit(p);
	if (!ret)
		ret = rd(p, first_heap, p->scratch, p->pg);
	if (ret)
		return ret;
	p->cache_at = first_heap;
	p->cache_len = p->pg;
	if (!arena_shape(p->scratch + hsz, a))
		return -EUCLEAN;
	ret = add_arena(p, a, p->scratch + hsz);
	if (ret)
		return ret;
	ar = &p->arenas[p->narenas - 1];
	top = ar->top;
	ret = top_heap(p, a, top, &h);
	if (ret)
		return ret;
	cycle_start(&cy, h);
	for (n = 0;; n++) {
		if (n && cycle_closes(&cy, h))
			return -EUCLEAN;	/* the heaps loop */
		ret = visit(p);
		if (!ret)
			ret = fetch(p, h, hi, sizeof(hi));
		if (ret)
			return ret;
		size = get64(hi + GL_HI_SIZE);
		prev = get64(hi + GL_HI_PREV);
		if (get64(hi + GL_HI_AR_PTR) != a || size <= hsz ||
		    covered(p, h, size))
			return -EUCLEAN;
		sg.lo = h;
		/* the first chunk: after the malloc_state, aligned */
		sg.start = h == first_heap ? a + GL_MS_SIZE : h + hsz;
		sg.start = (sg.start + GL_ALIGN - 1) &
			   ~(uintptr_t)(GL_ALIGN - 1);
		sg.end = h + size;
		sg.kind = SEG_CHUNKS;
		sg.has_top = n == 0;
		sg.non_main = GL_NON_MAIN;
		if (n == 0) {
			/* the top chunk ends this one */
			if (top < sg.start)
				return -EUCLEAN;
			ret = chunk_size(p, top, sg.start, sg.end, &tsize);
			if (ret)
				return ret;
			if (tsize > sg.end - top)
				return -EUCLEAN;
			sg.end = top + tsize;
		}
		if (sg.start > sg.end)
			return -EUCLEAN;
		ret = add_seg(p, &sg);
		if (ret)
			return ret;
		ar->nseg++;
		if (h == first_heap)
			return prev ? -EUCLEAN : 0;
		if (!prev || (prev & (p->pg - 1)))
			return -EUCLEAN;
		h = prev;
	}
}

/*
 * Has arena @a been met already in the ring?  If not, note it.  The table
 * of those met has at least twice as many slots as there may be arenas,
 * all empty (0) at the start of the ring: a loop is caught at its first
 * repeat, so the arenas before it are each listed once.
 */
static int
met_before(struct probe *p, uintptr_t a)
{
	size_t mask = p->nmet - 1, i;

	i = (size_t)(((uint64_t)a >> 4) * 0x9e3779b97f4a7c15u >> 32) & mask;
	for (; p->met[i]; i = (i + 1) & mask)
		if (p->met[i] == a)
			return 1;
	p->met[i] = a;
	return 0;
}

/* Follow the ring of arenas from the main one; creation order after it. */
static int
load_ring(struct probe *p)
{
	uintptr_t main_arena = p->arenas[0].addr, a = p->arenas[0].next;
	struct arena tmp;
	size_t n, i;
	int ret;

	memset(p->met, 0, p->nmet * sizeof(*p->met));
	met_before(p, main_arena);
	while (a != main_arena) {
		if (!a || met_before(p, a))
			return -EUCLEAN;	/* a loop short of the main one */
		ret = load_arena(p, a);
		if (ret)
			return ret;
		a = p->arenas[p->narenas - 1].next;
	}
	/* main_arena.next is the newest arena */
	for (i = 1, n = p->narenas - 1; i < n; i++, n--) {
		tmp = p->arenas[i];
		p->arenas[i] = p->arenas[n];
		p->arenas[n] = tmp;
	}
	return 0;
}

static int
cmp_uintptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_seg(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The segments of all arenas in address order, for lookups in log time.
 * Two that overlap (two arenas claiming the same memory, or one heap met
 * twice) are damage.  In order, and apart, their ends are in order too.
 */
static int
order_segs(struct probe *p)
{
	size_t i;

	if (p->nsegs > p->aorder)
		return -EUCLEAN;	/* more than add_seg() lets in */
	memcpy(p->order, p->segs, p->nsegs * sizeof(*p->order));
	qsort(p->order, p->nsegs, sizeof(*p->order), cmp_seg);
	for (i = 1; i < p->nsegs; i++)
		if (p->order[i].lo < p->order[i - 1].end)
			return -EUCLEAN;
	return 0;
}

static void
probe_free(struct probe *p)
{
	release(p->vmas, p->avmas, sizeof(*p->vmas));
	release(p->arenas, p->aarenas, sizeof(*p->arenas));
	release(p->segs, p->asegs, sizeof(*p->segs));
	release(p->order, p->aorder, sizeof(*p->order));
	release(p->met, p->nmet, sizeof(*p->met));
	memset(p, 0, sizeof(*p));
}

/*
 * Read the mappings of @pid, and take room for as many arenas and heaps
 * as there are mappings.  The arrays are kept from an earlier look: the
 * process may be this one, whose heap any allocation between two reads
 * would change, so nothing is allocated once its heap is being read.
 */
static int
probe_maps(struct probe *p, pid_t pid)
{
	int ret;

	p->nvmas = p->narenas = p->nsegs = p->visits = 0;
	p->pid = pid;
	p->pg = (size_t)sysconf(_SC_PAGESIZE);
	ret = grow((void **)&p->vmas, &p->avmas, 256, sizeof(*p->vmas));
	if (!ret)
		ret = tlh_maps_each(pid, collect_vma, p);
	if (!ret)
		ret = grow((void **)&p->arenas, &p->aarenas, p->nvmas + 2,
			   sizeof(*p->arenas));
	if (!ret)
		ret = grow((void **)&p->segs, &p->asegs, p->nvmas + 2,
			   sizeof(*p->segs));
	if (!ret)
		ret = grow((void **)&p->order, &p->aorder, p->nvmas + 2,
			   sizeof(*p->order));
	if (!ret)	/* doubled from 16: a power of two */
		ret = grow((void **)&p->met, &p->nmet, 2 * (p->nvmas + 2),
			   sizeof(*p->met));
	if (!ret)
		mark_runs(p);
	return ret;
}

/*
 * Recognise glibc and find its arenas, reading through @scratch (page
 * aligned, at least a page).
 */
static int
probe_heaps(struct probe *p, unsigned char *scratch, size_t len)
{
	int ret;

	p->scratch = scratch;
	p->scratch_len = len;
	p->cache_len = 0;
	ret = check_libc(p, scratch, len);
	if (!ret)
		ret = find_main(p, scratch, len);
	if (!ret)
		ret = load_ring(p);
	p->cache_len = 0;	/* the scratch is the caller's again */
	if (!ret)
		ret = order_segs(p);
	return ret;
}

/* ---- walking ------------------------------------------------------------- */

/* The first of the @n segments at @v (in order, apart) ending above @addr. */
static size_t
seg_after(const struct seg *v, size_t n, uintptr_t addr)
{
	return ending_after(v, n, sizeof(*v), offsetof(struct seg, end),
			    addr);
}

/* The chunk segment of any arena that holds [@c, @c + @n), or NULL. */
static const struct seg *
seg_of(const struct probe *p, uintptr_t c, size_t n)
{
	size_t i = seg_after(p->order, p->nsegs, c);
	const struct seg *sg = &p->order[i];

	if (i == p->nsegs || c < sg->start || n > sg->end - c)
		return NULL;
	return sg;
}

/*
 * Copy @n bytes at @addr, in [@lo, @end), through the small window that
 * serves scattered reads (list nodes).
 */
static int
win_read(struct walk *w, uintptr_t lo, uintptr_t end, uintptr_t addr,
	 void *out, size_t n)
{
	uintptr_t ws, we;
	int ret;

	if (addr < lo || addr > end || n > end - addr || n > WINDOW_SIZE)
		return -EUCLEAN;
	if (addr < w->win_at || addr - w->win_at > w->win_len ||
	    n > w->win_len - (addr - w->win_at)) {
		ws = addr & ~(uintptr_t)(WINDOW_SIZE - 1);
		if (ws < lo)
			ws = lo;
		we = end - ws > WINDOW_SIZE ? ws + WINDOW_SIZE : end;
		if (we - addr < n) {	/* straddles: read just that */
			ws = addr;
			we = addr + n;
		}
		w->win_len = 0;
		ret = rd(&w->p, ws, w->window, we - ws);
		if (ret)
			return ret;
		w->win_at = ws;
		w->win_len = we - ws;
	}
	memcpy(out, w->window + (addr - w->win_at), n);
	return 0;
}

/*
 * Where the part of mapping @v that may hold chunks with mappings of their
 * own ends: before the first arena heap in it (the kernel may have merged
 * it with one), else at its end.
 */
static uintptr_t
below_arenas(const struct probe *p, const struct vma *v)
{
	size_t i = seg_after(p->order, p->nsegs, v->start);
	uintptr_t lo;

	if (i == p->nsegs || p->order[i].lo >= v->end)
		return v->end;
	lo = p->order[i].lo;
	return lo > v->start ? lo : v->start;
}

static void
add_mmap_seg(struct walk *w, uintptr_t start, uintptr_t end)
{
	struct seg *sg;

	if (start >= end)
		return;
	sg = &w->ws[w->nws++];
	sg->lo = sg->start = start;
	sg->end = end;
	sg->kind = SEG_MMAP;
	sg->has_top = 0;
	sg->non_main = 0;
}

/*
 * The walked heap's segments in address order: the arena's chunk
 * segments, and for the default heap every anonymous read-write mapping
 * that may hold chunks with their own mapping (but, in this process, the
 * walk's own piece).  Room for them was taken before the heap was read.
 */
static int
walk_segments(struct walk *w, size_t ai)
{
	const struct probe *p = &w->p;
	const struct arena *a = &p->arenas[ai];
	uintptr_t pc = (uintptr_t)w->piece, pe = pc + WALK_MAP, end;
	int self = p->pid == tlh_os_self();
	const struct vma *v;
	size_t i;
	int ret;

	ret = grow((void **)&w->ws, &w->aws, a->nseg + 2 * p->nvmas,
		   sizeof(*w->ws));
	if (ret)
		return ret;
	w->nws = 0;
	for (i = 0; i < a->nseg; i++)
		w->ws[w->nws++] = p->segs[a->seg0 + i];
	for (i = 0; ai == 0 && i < p->nvmas; i++) {
		v = &p->vmas[i];
		if (v->kind != VK_ANON ||
		    (v->flags & (TLH_VMA_READ | TLH_VMA_WRITE)) !=
		    (TLH_VMA_READ | TLH_VMA_WRITE))
			continue;
		end = below_arenas(p, v);
		if (self && v->start < pe && pc < end) {
			add_mmap_seg(w, v->start,
				     pc > v->start ? pc : v->start);
			add_mmap_seg(w, pe < end ? pe : end, end);
		} else {
			add_mmap_seg(w, v->start, end);
		}
	}
	qsort(w->ws, w->nws, sizeof(*w->ws), cmp_seg);
	w->max_blocks = w->nws;
	for (i = 0; i < w->nws; i++)
		w->max_blocks += (w->ws[i].end - w->ws[i].start) / GL_ALIGN;
	return 0;
}

/* The segment holding the chunk at @c, or w->nws. */
static size_t
seg_find(const struct walk *w, uintptr_t c)
{
	size_t i = seg_after(w->ws, w->nws, c);

	return i < w->nws && w->ws[i].start <= c ? i : w->nws;
}

/*
 * The chunks in the fast bins of the walked arena, sorted: each must lie
 * in one of its chunk segments and have its bin's size, and a list that
 * loops is damage.
 */
static int
load_fast(struct walk *w, size_t ai)
{
	const struct arena *a = &w->p.arenas[ai];
	const struct seg *sg;
	unsigned char h[GL_HDR];
	struct cycle cy;
	uintptr_t c;
	size_t i, k, n;
	int ret;

	w->nfast = 0;
	for (i = 0; i < GL_NFASTBINS; i++) {
		cycle_start(&cy, a->fast[i]);
		for (n = 0, c = a->fast[i]; c; n++,
		     c = gl_reveal(c + GL_HDR, (uintptr_t)get64(h + 8))) {
			if (n && cycle_closes(&cy, c))
				return -EUCLEAN;	/* a loop */
			k = seg_find(w, c);
			sg = k < w->nws ? &w->ws[k] : NULL;
			if (!sg || sg->kind != SEG_CHUNKS ||
			    sg->end - c < GL_MINSIZE || (c & (GL_ALIGN - 1)))
				return -EUCLEAN;
			ret = visit(&w->p);
			if (!ret)
				ret = win_read(w, sg->lo, sg->end, c + 8, h,
					       sizeof(h));
			if (ret)
				return ret;
			if ((get64(h) & ~(uint64_t)GL_SIZE_BITS) !=
			    GL_MINSIZE + GL_ALIGN * i)
				return -EUCLEAN;
			ret = grow((void **)&w->fast, &w->afast,
				   w->nfast + 1, sizeof(*w->fast));
			if (ret)
				return ret;
			w->fast[w->nfast++] = c;
		}
	}
	qsort(w->fast, w->nfast, sizeof(*w->fast), cmp_uintptr);
	for (i = 1; i < w->nfast; i++)
		if (w->fast[i] == w->fast[i - 1])
			return -EUCLEAN;	/* a chunk in two lists */
	return 0;
}

/*
 * Learn the tcache key from the caches at the start of the arenas: the
 * second word of each cached chunk.  Keys that disagree leave none.
 */
static int
load_key(struct walk *w)
{
	struct probe *p = &w->p;
	const struct arena *a;
	const struct seg *sg, *first;
	unsigned char tc[GL_TC_CHUNK + GL_HDR], x[3 * 8];
	uintptr_t c, e;
	size_t ai, k;
	unsigned int b;
	int ret;

	w->have_key = 0;
	for (ai = 0; ai < p->narenas; ai++) {
		a = &p->arenas[ai];
		first = NULL;
		for (k = 0; k < a->nseg; k++) {
			sg = &p->segs[a->seg0 + k];
			if (ai == 0 ||
			    sg->lo == (a->addr & ~(uintptr_t)(p->pg - 1)))
				first = sg;
		}
		if (!first || first->end - first->start < sizeof(tc))
			continue;
		c = first->start;
		ret = rd(p, c, tc, sizeof(tc));
		if (ret)
			return ret;
		if ((get64(tc + 8) & ~(uint64_t)GL_SIZE_BITS) != GL_TC_CHUNK ||
		    !(get64(tc + GL_TC_CHUNK + 8) & GL_PREV_INUSE))
			continue;	/* not a cache, or not in use */
		for (b = 0; b < GL_TCACHE_BINS; b++) {
			e = get64(tc + GL_HDR + GL_TC_ENTRIES + 8 * b);
			if (!get16(tc + GL_HDR + GL_TC_COUNTS + 2 * b) || !e ||
			    (e & (GL_ALIGN - 1)))
				continue;
			sg = seg_of(p, e - GL_HDR, GL_MINSIZE);
			if (!sg)
				continue;
			ret = visit(p);
			if (!ret)
				ret = win_read(w, sg->lo, sg->end, e - 8, x,
					       sizeof(x));
			if (ret)
				return ret;
			if ((get64(x) & ~(uint64_t)GL_SIZE_BITS) !=
			    GL_MINSIZE + GL_ALIGN * b || !get64(x + 16))
				continue;
			if (w->have_key && get64(x + 16) != w->key) {
				w->have_key = 0;	/* no key to trust */
				return 0;
			}
			w->key = get64(x + 16);
			w->have_key = 1;
		}
	}
	return 0;
}

/* Forget what the context knew; its arrays are kept for the next. */
static void
walk_clear(struct walk *w)
{
	w->p.nvmas = w->p.narenas = w->p.nsegs = 0;
	w->nws = w->nfast = 0;
	w->valid = 0;
	w->have_key = 0;
	w->piece_len = 0;
	w->win_len = 0;
}

/* Make @w the context of a walk of heap @id of @pid. */
static int
walk_setup(struct walk *w, pid_t pid, uintptr_t id)
{
	size_t ai = 0;
	int ret = 0, i;

	for (i = 0; i < PROBE_TRIES; i++) {
		walk_clear(w);
		ret = probe_maps(&w->p, pid);
		/* all the room the walk needs, before the heap is read */
		if (!ret)
			ret = grow((void **)&w->ws, &w->aws, 3 * w->p.nvmas + 2,
				   sizeof(*w->ws));
		if (!ret)
			ret = grow((void **)&w->fast, &w->afast, 256,
				   sizeof(*w->fast));
		if (!ret)
			ret = probe_heaps(&w->p, w->piece, PIECE_SIZE);
		if (!ret) {
			for (ai = 0; ai < w->p.narenas; ai++)
				if (w->p.arenas[ai].addr == id)
					break;
			if (ai == w->p.narenas)
				ret = -ENODATA;	/* not a heap of @pid */
		}
		if (!ret)
			ret = walk_segments(w, ai);
		if (!ret)
			ret = load_fast(w, ai);
		if (!ret)
			ret = load_key(w);
		w->piece_len = 0;	/* it served as scratch */
		if (ret != -EUCLEAN)
			break;
	}
	if (ret) {
		walk_clear(w);
		return ret;
	}
	w->pid = pid;
	w->id = id;
	w->valid = 1;
	return 0;
}

/*
 * Copy @n bytes at @addr of segment @sg through the piece; when they are
 * not in it, read a new piece from @addr, up to @span bytes.
 */
static int
piece_read(struct walk *w, const struct seg *sg, uintptr_t addr, void *out,
	   size_t n, size_t span)
{
	size_t len;
	int ret;

	if (addr < sg->lo || addr > sg->end || n > sg->end - addr)
		return -EUCLEAN;
	if (addr < w->piece_at || addr - w->piece_at > w->piece_len ||
	    n > w->piece_len - (addr - w->piece_at)) {
		len = sg->end - addr;
		if (len > span)
			len = span;
		if (len < n)
			len = n;
		w->piece_len = 0;
		ret = tlh_os_read(w->pid, addr, w->piece, len);
		if (ret)
			return ret == -EIO ? -EUCLEAN : ret;
		w->piece_at = addr;
		w->piece_len = len;
	}
	memcpy(out, w->piece + (addr - w->piece_at), n);
	return 0;
}

static int
in_fast(const struct walk *w, uintptr_t c)
{
	size_t lo = 0, hi = w->nfast, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (w->fast[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->nfast && w->fast[lo] == c;
}

/* Does the tcache list pointer stored at @at lead to null or a chunk? */
static int
tcache_next_ok(const struct walk *w, uintptr_t at, uint64_t stored)
{
	uintptr_t e = gl_reveal(at, (uintptr_t)stored);

	if (!e)
		return 1;
	return !(e & (GL_ALIGN - 1)) && e >= GL_HDR &&
	       seg_of(&w->p, e - GL_HDR, GL_MINSIZE);
}

/*
 * The block of the chunk at @pos of chunk segment @sg.  Returns 0 with *@b
 * filled (but its index), 1 at the segment's end, or -errno.
 */
static int
chunk_block(struct walk *w, const struct seg *sg, uintptr_t pos,
	    struct tlh_heap_block *b)
{
	unsigned char h[GL_HDR], nh[GL_HDR], u[GL_HDR];
	uint64_t raw, size;
	int ret, is_free = 0;

	if (pos == sg->end)
		return 1;
	if (pos < sg->start || (pos & (GL_ALIGN - 1)))
		return -EUCLEAN;
	ret = piece_read(w, sg, pos, h, sizeof(h), PIECE_SIZE);
	if (ret)
		return ret;
	raw = get64(h + 8);
	size = raw & ~(uint64_t)GL_SIZE_BITS;
	if (size == GL_HDR) {
		/* a fencepost ends an old heap: a 16-byte chunk, then a
		 * header of size 0 */
		ret = piece_read(w, sg, pos + GL_HDR, nh, sizeof(nh),
				 PIECE_SIZE);
		if (ret)
			return ret;
		return get64(nh + 8) & ~(uint64_t)GL_SIZE_BITS ? -EUCLEAN : 1;
	}
	if ((raw & GL_IS_MMAPPED) || size < GL_MINSIZE ||
	    (size & (GL_ALIGN - 1)) || size > sg->end - pos)
		return -EUCLEAN;
	if (size == sg->end - pos) {
		if (!sg->has_top)
			return -EUCLEAN;
		is_free = 1;	/* the top chunk */
	} else {
		ret = piece_read(w, sg, pos + size, nh, sizeof(nh),
				 PIECE_SIZE);
		if (ret)
			return ret;
		if (!(get64(nh + 8) & GL_PREV_INUSE)) {
			if (get64(nh) != size)
				return -EUCLEAN;	/* its footer */
			is_free = 1;
		} else if (w->have_key && size <= GL_TCACHE_MAX) {
			ret = piece_read(w, sg, pos + GL_HDR, u, sizeof(u),
					 PIECE_SIZE);
			if (ret)
				return ret;
			is_free = get64(u + 8) == w->key &&
				  tcache_next_ok(w, pos + GL_HDR, get64(u));
		}
		if (!is_free && w->nfast && in_fast(w, pos))
			is_free = 1;
		/*
		 * No chunk of the main arena carries the other arenas' bit.
		 * (One of another arena may lack it for a moment: glibc sets
		 * it after marking the chunk in use.)
		 */
		if (!is_free && (raw & GL_NON_MAIN) && !sg->non_main)
			return -EUCLEAN;
	}
	b->addr = pos + GL_HDR;
	b->size = size - 8;
	b->free = is_free;
	return 0;
}

/*
 * The block with its own mapping at @pos of segment @sg: 0 with *@b
 * filled, 1 if there is none at @pos (the rest of the mapping is not
 * malloc's), or -errno.
 */
static int
mmap_block(struct walk *w, const struct seg *sg, uintptr_t pos,
	   struct tlh_heap_block *b)
{
	unsigned char page[WINDOW_SIZE];
	uint64_t raw, size, csize, l;
	uintptr_t c;
	size_t n;
	int ret;

	if (pos == sg->end)
		return 1;
	if (pos < sg->start || (pos - sg->start) % w->p.pg)
		return -EUCLEAN;
	n = sg->end - pos < sizeof(page) ? sg->end - pos : sizeof(page);
	if (n < GL_HDR)
		return 1;
	ret = piece_read(w, sg, pos, page, n, sizeof(page));
	if (ret)
		return ret;
	raw = get64(page + 8);
	size = raw & ~(uint64_t)GL_SIZE_BITS;
	if (get64(page) || (raw & GL_SIZE_BITS) != GL_IS_MMAPPED ||
	    size < w->p.pg || size % w->p.pg || size > sg->end - pos)
		return 1;
	/* memalign() moves the header on and leaves the first one stale */
	c = pos;
	csize = size;
	for (l = GL_HDR; l + GL_HDR <= n; l += GL_ALIGN) {
		if (get64(page + l) == l &&
		    get64(page + l + 8) == ((size - l) | GL_IS_MMAPPED)) {
			c = pos + (uintptr_t)l;
			csize = size - l;
			break;
		}
	}
	b->addr = c + GL_HDR;
	b->size = csize - GL_HDR;
	b->free = 0;
	return 0;
}

/* The first block at or after @pos in segment @i, or in a later one. */
static int
block_from(struct walk *w, size_t i, uintptr_t pos, struct tlh_heap_block *b)
{
	int ret;

	for (; i < w->nws; i++) {
		if (w->ws[i].kind == SEG_MMAP)
			ret = mmap_block(w, &w->ws[i], pos, b);
		else
			ret = chunk_block(w, &w->ws[i], pos, b);
		if (ret <= 0)
			return ret;
		if (i + 1 < w->nws)
			pos = w->ws[i + 1].start;
	}
	return -ENODATA;
}

/*
 * Move *@b, a block of the walk, to the next one.  The next chunk is found
 * from what the entry says (its address and size), not by reading the
 * block again: blocks come out in address order and never overlap, even
 * when the target changes the block between two calls.
 */
static int
walk_step(struct walk *w, struct tlh_heap_block *b)
{
	const struct seg *sg;
	uint32_t index = b->index;
	uintptr_t c, size;
	size_t i;
	int ret;

	if (b->addr < GL_HDR || index >= w->max_blocks || index == UINT32_MAX)
		return -EUCLEAN;
	c = b->addr - GL_HDR;
	i = seg_find(w, c);
	if (i == w->nws)
		return -EUCLEAN;	/* not a block of this heap (now) */
	sg = &w->ws[i];
	if (sg->kind == SEG_MMAP) {
		size = b->size + GL_HDR;
		if (size < b->size || size > sg->end - c ||
		    (c + size - sg->start) % w->p.pg)
			return -EUCLEAN;
	} else {
		size = b->size + 8;
		if (size < b->size || (c & (GL_ALIGN - 1)) ||
		    size < GL_MINSIZE || (size & (GL_ALIGN - 1)) ||
		    size > sg->end - c)
			return -EUCLEAN;
	}
	ret = block_from(w, i, c + size, b);
	if (ret)
		return ret;
	b->index = index + 1;
	return 0;
}

/* ---- one walk per thread ------------------------------------------------ */

static pthread_once_t walk_once = PTHREAD_ONCE_INIT;
static pthread_key_t walk_key;
static int walk_key_ok;
static __thread struct walk *walk_mine;

static void
walk_free(void *arg)
{
	struct walk *w = arg;

	if (!w)
		return;
	probe_free(&w->p);
	release(w->ws, w->aws, sizeof(*w->ws));
	release(w->fast, w->afast, sizeof(*w->fast));
	if (w->piece)
		munmap(w->piece, WALK_MAP);
	free(w);
}

static void
walk_key_make(void)
{
	walk_key_ok = !pthread_key_create(&walk_key, walk_free);
}

/*
 * This thread's walk context; NULL if no memory.  Its piece is a mapping
 * of its own, never part of a heap: this process's heap may be the one
 * read into it, and malloc would also move its own thresholds for it.
 * MAP_NORESERVE keeps the kernel from merging it with malloc's mappings.
 */
static struct walk *
walk_get(void)
{
	struct walk *w = walk_mine;
	void *piece;

	if (w)
		return w;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	piece = mmap(NULL, WALK_MAP, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (piece == MAP_FAILED) {
		free(w);
		return NULL;
	}
	w->piece = piece;
	w->window = w->piece + PIECE_SIZE;
	pthread_once(&walk_once, walk_key_make);
	if (walk_key_ok)	/* freed when the thread exits */
		pthread_setspecific(walk_key, w);
	walk_mine = w;
	return w;
}

/* A walk that ended: give its memory back. */
static void
walk_put(void)
{
	struct walk *w = walk_mine;

	walk_mine = NULL;
	if (walk_key_ok)
		pthread_setspecific(walk_key, NULL);
	walk_free(w);
}

/*
 * The library is being unloaded (dlclose) or the process is exiting.  The
 * key's destructor is code that is about to go: the key goes first, so
 * that a thread exiting later runs nothing of ours, and the calling
 * thread's context with it.  Another thread's context may be in use until
 * the process ends, so it is left alone; after an unload it is lost (one
 * per thread that was in the middle of a walk: 260 KiB and its arrays).
 */
static void __attribute__((destructor))
walk_unload(void)
{
	if (walk_key_ok) {
		walk_key_ok = 0;
		pthread_key_delete(walk_key);
	}
	walk_put();
}

/* What the functions report for @ret: a heap past the cap is not walked. */
static int
reported(int ret)
{
	return ret == -E2BIG ? -EUCLEAN : ret;
}

static int
walk_first(struct walk *w, pid_t pid, uintptr_t id, struct tlh_heap_block *b)
{
	int ret = walk_setup(w, pid, id);

	if (!ret)
		ret = w->nws ? block_from(w, 0, w->ws[0].start, b) : -ENODATA;
	return ret;
}

int
tlh_os_heap_first(pid_t pid, uintptr_t id, struct tlh_heap_block *b)
{
	struct walk *w = walk_get();
	int ret;

	if (!w)
		return -ENOMEM;
	ret = tlh_os_snap_check_pid(pid);
	if (!ret)
		ret = walk_first(w, pid, id, b);
	if (ret == -EUCLEAN)	/* changing under us?  look once more */
		ret = walk_first(w, pid, id, b);
	if (ret) {
		walk_put();
		return reported(ret);
	}
	b->index = 0;
	return 0;
}

int
tlh_os_heap_next(pid_t pid, uintptr_t id, struct tlh_heap_block *b)
{
	struct walk *w = walk_get();
	struct tlh_heap_block nb = *b;
	int ret = 0, fresh = 0;

	if (!w)
		return -ENOMEM;
	if (!w->valid || w->pid != pid || w->id != id) {
		ret = tlh_os_snap_check_pid(pid);
		if (!ret)
			ret = walk_setup(w, pid, id);
		fresh = 1;
	}
	if (!ret)
		ret = walk_step(w, &nb);
	if (ret == -EUCLEAN && !fresh) {
		/* the heap may have grown or moved: look again, once */
		nb = *b;
		ret = walk_setup(w, pid, id);
		if (!ret)
			ret = walk_step(w, &nb);
	}
	if (ret) {
		walk_put();
		return reported(ret);
	}
	*b = nb;
	return 0;
}

int
tlh_os_snap_heaps(struct tlh_snapshot *s, pid_t pid)
{
	struct walk *w = walk_get();
	struct tlh_heap_rec *rec;
	struct probe p;
	size_t i;
	int ret = 0, tries;

	if (!w)
		return -ENOMEM;
	memset(&p, 0, sizeof(p));
	/* the walk's piece serves as scratch: what it held is dropped */
	w->piece_len = 0;
	for (tries = 0; tries < PROBE_TRIES; tries++) {
		ret = probe_maps(&p, pid);
		if (!ret)
			ret = probe_heaps(&p, w->piece, PIECE_SIZE);
		if (ret != -EUCLEAN)
			break;
	}
	if (!w->valid)
		walk_put();	/* no walk in progress to keep it for */
	ret = reported(ret);
	if (ret == -EOPNOTSUPP || ret == -EUCLEAN) {
		s->heap_err = ret;
		ret = 0;
	}
	for (i = 0; !ret && i < p.narenas; i++) {
		rec = tlh_snap_add_heap(s);
		if (!rec) {
			ret = -ENOMEM;
		} else {
			rec->id = p.arenas[i].addr;
			rec->flags = i ? 0 : HF32_DEFAULT;
		}
	}
	probe_free(&p);
	return ret;
}
