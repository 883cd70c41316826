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
 * found.  A chunk that cannot be read (the region was unmapped or
 * protected meanwhile) is reported and skipped, and the walk goes on
 * from the region found after it.  The target is never stopped.
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

int
scan_run(struct scan *s)
{
	MEMORY_BASIC_INFORMATION m;
	SYSTEM_INFO si;
	unsigned char *buf;
	uintptr_t p = s->lo, cur, b, rend, kept_end = 0;
	size_t keep = 0, n = 0, total, aoff, alen;
	int ret = 0;

	GetSystemInfo(&si);
	buf = malloc(SCAN_CHUNK + s->len - 1);
	if (!buf) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return -1;
	}
	find_anchor(s, &aoff, &alen);
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
			keep = 0;
		if (!readable(&m)) {
			p = rend;
			continue;
		}
		for (cur = p; cur < b; cur += n) {
			n = b - cur < SCAN_CHUNK ? b - cur : SCAN_CHUNK;
			if (!ReadProcessMemory(s->process, (LPCVOID)cur,
					       buf + keep, n, NULL)) {
				if (s->failed)
					s->failed(s->arg, cur, n,
						  GetLastError());
				/* Go on from the region found after it. */
				keep = 0;
				cur += n;
				break;
			}
			s->bytes_read += n;
			if (search(s, buf, keep + n, cur - keep, &m, aoff,
				   alen)) {
				ret = 1;
				goto out;
			}
			/* The tail may begin a match the next chunk ends. */
			total = keep + n;
			keep = total < s->len - 1 ? total : s->len - 1;
			memmove(buf, buf + total - keep, keep);
			if (s->progress)
				s->progress(s->arg, cur + n);
		}
		kept_end = cur;
		p = cur;
	}
out:
	free(buf);
	return ret;
}
