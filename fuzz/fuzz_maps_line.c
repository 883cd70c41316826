/*
 * fuzz_maps_line.c - tlh_maps_parse_line() on arbitrary bytes.
 *
 * The line is handed over in a buffer of exactly its length, without a
 * newline or a terminating NUL, as read_lines() hands it over, so that a
 * read past its end is caught by AddressSanitizer.  What the parser says
 * is checked against a second, independent reading of the grammar the
 * kernel prints (show_map_vma()):
 *
 *	start-end perms offset major:minor inode[ padding name]
 *
 * with start, end and offset 1 to 16 lower-case hex digits, major and
 * minor 1 to 16 hex digits of a value that fits 32 bits, perms [r-][w-]
 * [x-][ps], inode 1 to 20 decimal digits of a value that fits 64 bits, and
 * start < end.  Both must accept the same lines, but for one that starts
 * above UINTPTR_MAX (a 64-bit target's, read by a 32-bit build), which
 * must be -ERANGE.  On success every field must be what the text says
 * (the end cut at UINTPTR_MAX), start < end, the flags only the known
 * bits, and the name the rest of the line after the spaces, inside the
 * input.  Finally the result is printed back the way the kernel prints it
 * and parsed again, which must give the same mapping.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "fuzz.h"
#include "linux/maps.h"

const char fuzz_target_name[] = "maps_line";

#define KNOWN_FLAGS	(TLH_VMA_READ | TLH_VMA_WRITE | TLH_VMA_FILE | \
			 TLH_VMA_EXEC | TLH_VMA_SHARED)

struct ref {
	uint64_t start, end, offset, major, minor, inode;
	int read, write, exec, shared;
	size_t name;		/* offset of the name in the line */
};

static int
ref_hex(const char *s, size_t len, size_t *i, uint64_t *out)
{
	size_t n = 0;
	uint64_t v = 0;
	char c;

	while (*i + n < len) {
		c = s[*i + n];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			break;
		v = v * 16 + (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
		n++;
		if (n > 16)
			return 0;
	}
	*i += n;
	*out = v;
	return n > 0;
}

static int
ref_char(const char *s, size_t len, size_t *i, char c)
{
	if (*i >= len || s[*i] != c)
		return 0;
	(*i)++;
	return 1;
}

static int
either(char c, char a, char b)
{
	return c == a || c == b;
}

/* 1 if the line is well formed, with its fields in @r. */
static int
ref_parse(const char *s, size_t len, struct ref *r)
{
	size_t i = 0, n = 0;
	unsigned int d;

	if (!ref_hex(s, len, &i, &r->start) || !ref_char(s, len, &i, '-') ||
	    !ref_hex(s, len, &i, &r->end) || !ref_char(s, len, &i, ' '))
		return 0;
	if (len - i < 5 || !either(s[i], 'r', '-') ||
	    !either(s[i + 1], 'w', '-') || !either(s[i + 2], 'x', '-') ||
	    !either(s[i + 3], 'p', 's') || s[i + 4] != ' ')
		return 0;
	r->read = s[i] == 'r';
	r->write = s[i + 1] == 'w';
	r->exec = s[i + 2] == 'x';
	r->shared = s[i + 3] == 's';
	i += 5;
	if (!ref_hex(s, len, &i, &r->offset) || !ref_char(s, len, &i, ' ') ||
	    !ref_hex(s, len, &i, &r->major) || !ref_char(s, len, &i, ':') ||
	    !ref_hex(s, len, &i, &r->minor) || !ref_char(s, len, &i, ' '))
		return 0;
	r->inode = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		d = (unsigned int)(s[i++] - '0');
		if (++n > 20 || r->inode > (UINT64_MAX - d) / 10)
			return 0;
		r->inode = r->inode * 10 + d;
	}
	if (!n || (i < len && s[i] != ' '))
		return 0;
	if (r->start >= r->end || r->major > UINT32_MAX ||
	    r->minor > UINT32_MAX)
		return 0;
	while (i < len && s[i] == ' ')
		i++;
	r->name = i;
	return 1;
}

/* Print @v as the kernel would, with @perms, and parse it again. */
static void
round_trip(const struct tlh_vma *v, const char *perms)
{
	static char buf[256 + 65536];
	struct tlh_vma w;
	int n;

	n = snprintf(buf, 256, "%08" PRIxPTR "-%08" PRIxPTR " %.4s %08" PRIx64
		     " %02" PRIx32 ":%02" PRIx32 " %" PRIu64 " ",
		     v->start, v->end, perms, v->offset, v->major, v->minor,
		     v->inode);
	fuzz_check(n > 0 && n < 256);
	fuzz_check(v->name_len <= 65536);
	memcpy(buf + n, v->name, v->name_len);
	fuzz_check(!tlh_maps_parse_line(buf, (size_t)n + v->name_len, &w));
	fuzz_check(w.start == v->start && w.end == v->end);
	fuzz_check(w.flags == v->flags && w.offset == v->offset);
	fuzz_check(w.major == v->major && w.minor == v->minor);
	fuzz_check(w.inode == v->inode);
	/* a name that starts with spaces loses them, as it would anyway */
	fuzz_check(w.name_len <= v->name_len);
	fuzz_check(!memcmp(w.name, v->name + (v->name_len - w.name_len),
			   w.name_len));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	const char *perms;
	struct tlh_vma v;
	struct ref r;
	int ret, ok;

	memset(&v, 0xa5, sizeof(v));
	ret = tlh_maps_parse_line(line, size, &v);
	ok = ref_parse(line, size, &r);
	fuzz_check(ret == 0 || ret == -EINVAL || ret == -ERANGE);
	fuzz_check((ret == -ERANGE) == (ok && r.start >= UINTPTR_MAX));
	fuzz_check((ret == 0) == (ok && r.start < UINTPTR_MAX));
	if (ret)
		return 0;

	fuzz_check(v.start < v.end);
	fuzz_check(!(v.flags & ~(unsigned int)KNOWN_FLAGS));
	fuzz_check(v.start == r.start);
	fuzz_check(v.end == (r.end > UINTPTR_MAX ? UINTPTR_MAX : r.end));
	fuzz_check(v.offset == r.offset && v.inode == r.inode);
	fuzz_check(v.major == r.major && v.minor == r.minor);
	fuzz_check(!!(v.flags & TLH_VMA_READ) == r.read);
	fuzz_check(!!(v.flags & TLH_VMA_WRITE) == r.write);
	fuzz_check(!!(v.flags & TLH_VMA_EXEC) == r.exec);
	fuzz_check(!!(v.flags & TLH_VMA_SHARED) == r.shared);
	fuzz_check(!!(v.flags & TLH_VMA_FILE) == !!r.inode);
	/* the name: the rest of the line, inside the input */
	fuzz_check(v.name >= line && v.name <= line + size);
	fuzz_check(v.name_len == (size_t)(line + size - v.name));
	fuzz_check(v.name == line + r.name);
	fuzz_check(!v.name_len || v.name[0] != ' ');

	perms = memchr(line, ' ', size);
	fuzz_check(perms && line + size - perms > 5);
	round_trip(&v, perms + 1);
	return 0;
}
