/*
 * th32-scan.c - the search th32 find runs (see th32-scan.h and th32(1)).
 *
 * The address space is walked with VirtualQueryEx from the low end of
 * the range; each committed region whose protection lets it be read, and
 * that is not a guard region, is read in chunks of SCAN_CHUNK bytes with
 * ReadProcessMemory, which reads all of a chunk or nothing and never
 * touches memory that is not readable.  The last len - 1 bytes of each
 * chunk are kept in front of the next one, also from one region into the
 * next when they are adjacent, so that a match across any boundary is
 * found once; every position is tried, so overlapping matches are all
 * found.  A chunk that cannot be read whole (the region was unmapped or
 * protected meanwhile, or holds a guard page the system could not
 * report) is read again page by page, what cannot be read is reported
 * once and skipped, and if no page could be read the walk goes on from
 * the region found after it.  The target is never stopped.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <stdlib.h>
#include <string.h>

#include "th32-scan.h"

/* Whether the scan reads memory of this state and protection. */
static int
readable(const MEMORY_BASIC_INFORMATION *m)
{
	if (m->State != MEM_COMMIT || (m->Protect & PAGE_GUARD))
		return 0;
	switch (m->Protect & 0xff) {
	case PAGE_READONLY:
	case PAGE_READWRITE:
	case PAGE_WRITECOPY:
	case PAGE_EXECUTE_READ:
	case PAGE_EXECUTE_READWRITE:
	case PAGE_EXECUTE_WRITECOPY:
		return 1;
	default:
		return 0;
	}
}

/* The longest run of bytes the mask fixes: its offset and length. */
static void
find_anchor(const struct scan *s, size_t *off, size_t *len)
{
	size_t i, run = 0;

	*off = 0;
	*len = s->mask ? 0 : s->len;
	if (!s->mask)
		return;
	for (i = 0; i < s->len; i++) {
		run = s->mask[i] ? run + 1 : 0;
		if (run > *len) {
			*len = run;
			*off = i + 1 - run;
		}
	}
}

static int
matches_at(const struct scan *s, const unsigned char *p)
{
	size_t i;

	for (i = 0; i < s->len; i++)
		if (s->mask[i] && p[i] != s->bytes[i])
			return 0;
	return 1;
}

/*
 * Report each match that starts in @buf[0 .. n - len] (@buf holds the
 * bytes at @addr, which lie in region @m or, below its base, in the
 * regions before it).  Returns 1 if the caller's callback stopped.
 */
static int
search(struct scan *s, const unsigned char *buf, size_t n, uintptr_t addr,
       const MEMORY_BASIC_INFORMATION *m, size_t aoff, size_t alen)
{
	const unsigned char *p, *hit, *end;
	MEMORY_BASIC_INFORMATION before;
	const MEMORY_BASIC_INFORMATION *in;
	uintptr_t at;

	if (n < s->len)
		return 0;
	end = buf + n - s->len;		/* the last possible start */
	for (p = buf; p <= end; p = hit + 1 - aoff) {
		if (alen) {
			hit = memmem(p + aoff, (size_t)(end - p) + alen,
				     s->bytes + aoff, alen);
			if (!hit)
				return 0;
			p = hit - aoff;
		} else {
			hit = p + aoff;
		}
		if (s->mask && !matches_at(s, p))
			continue;
		at = addr + (uintptr_t)(p - buf);
		in = m;
		/* A match begun in an earlier region (rare): ask which. */
		if (at < (uintptr_t)m->BaseAddress &&
		    VirtualQueryEx(s->process, (LPCVOID)at, &before,
				   sizeof(before)))
			in = &before;
		if (s->match(s->arg, at, in))
			return 1;
	}
	return 0;
}

/* What the search of one region needs between its reads. */
struct run {
	unsigned char *buf;	/* the kept tail, then what is read */
	size_t keep;		/* bytes of tail in front */
	size_t aoff, alen;	/* the pattern's anchor */
	const MEMORY_BASIC_INFORMATION *m;	/* the region */
};

/*
 * Read [@at, @at + @n) after the kept tail, search it, keep the new tail.
 * Returns 0, 1 if the callback stopped the scan, or -1 if the read failed
 * (the tail is still kept, in front of where the read went: the caller
 * decides whether what comes next continues it).
 */
static int
piece(struct scan *s, struct run *r, uintptr_t at, size_t n)
{
	size_t total;

	if (!ReadProcessMemory(s->process, (LPCVOID)at, r->buf + r->keep, n,
			       NULL))
		return -1;
	s->bytes_read += n;
	if (search(s, r->buf, r->keep + n, at - r->keep, r->m, r->aoff,
		   r->alen))
		return 1;
	/* The tail may begin a match the next read ends. */
	total = r->keep + n;
	r->keep = total < s->len - 1 ? total : s->len - 1;
	memmove(r->buf, r->buf + total - r->keep, r->keep);
	return 0;
}

/*
 * A chunk that could not be read whole: read it page by page, so that
 * the pages still readable are searched (a guard page the system did not
 * report, a part of the region unmapped), and report what was not read
 * once.  Returns 1 if the callback stopped the scan, 0 if some page was
 * read, -1 if none was (the region is gone: ask again).
 */
static int
by_pages(struct scan *s, struct run *r, uintptr_t at, size_t n,
	 size_t page)
{
	uintptr_t end = at + n, next, bad_lo = 0, bad_hi = 0;
	DWORD err = ERROR_SUCCESS;
	int got = 0, ret;

	for (; at < end; at = next) {
		next = (at / page + 1) * page;
		if (next > end)
			next = end;
		ret = piece(s, r, at, next - at);
		if (ret > 0)
			return 1;
		if (!ret) {
			got = 1;
			continue;
		}
		r->keep = 0;	/* a gap: nothing continues across it */
		if (!bad_hi)
			bad_lo = at;
		bad_hi = next;
		err = GetLastError();
	}
	if (bad_hi && s->failed)
		s->failed(s->arg, bad_lo, bad_hi - bad_lo, err);
	return got ? 0 : -1;
}

int
scan_run(struct scan *s)
{
	MEMORY_BASIC_INFORMATION m;
	SYSTEM_INFO si;
	struct run r;
	uintptr_t p = s->lo, cur, b, rend, kept_end = 0;
	size_t n = 0;
	int ret = 0, got;

	GetSystemInfo(&si);
	r.buf = malloc(SCAN_CHUNK + s->len - 1);
	if (!r.buf) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return -1;
	}
	r.keep = 0;
	r.m = &m;
	find_anchor(s, &r.aoff, &r.alen);
	s->bytes_read = 0;
	while (p < s->hi) {
		if (p > (uintptr_t)si.lpMaximumApplicationAddress)
			break;
		if (!VirtualQueryEx(s->process, (LPCVOID)p, &m, sizeof(m))) {
			ret = -1;
			break;
		}
		rend = (uintptr_t)m.BaseAddress + m.RegionSize;
		b = rend < s->hi ? rend : s->hi;
		if (!readable(&m) || kept_end != p)
			r.keep = 0;
		if (!readable(&m)) {
			p = rend;
			continue;
		}
		for (cur = p; cur < b; cur += n) {
			n = b - cur < SCAN_CHUNK ? b - cur : SCAN_CHUNK;
			got = piece(s, &r, cur, n);
			if (got < 0)
				got = by_pages(s, &r, cur, n, si.dwPageSize);
			if (got > 0) {
				ret = 1;
				goto out;
			}
			if (got < 0) {
				/* Gone: go on from the region found after. */
				cur += n;
				break;
			}
			if (s->progress)
				s->progress(s->arg, cur + n);
		}
		kept_end = cur;
		p = cur;
	}
out:
	free(r.buf);
	return ret;
}
