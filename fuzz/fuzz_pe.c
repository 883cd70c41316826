/*
 * fuzz_pe.c - tlh_pe_parse(), which reads a PE image's headers out of a
 * Wine process's memory (bytes the process may have written anything
 * into), and tlh_wine_name(), which names a Wine process from its
 * cmdline and comm.
 *
 * Each input is used three ways.  As the first bytes of an image, handed
 * over in a buffer of exactly its size: tlh_pe_parse() must accept it
 * exactly when a second reader here, written from the PE format
 * specification byte by byte, does, and then give the same fields.  As
 * the values of a well-formed header built here (the PE header's offset,
 * Magic, ImageBase, sizes, drawn from the input's hash): that header must
 * parse, to exactly those values, and every copy of it cut short of the
 * optional header's SizeOfHeaders must not.  And as a comm (up to the
 * first newline, at most 15 bytes) and an argv[0] (the rest): a name
 * tlh_wine_name() gives must lie inside one of them, be non-empty, hold
 * no NUL, '/' or '\', and begin as comm does when it comes from argv[0]
 * and comm is not a prefix of a shorter argv[0].
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "linux/pe.h"
#include "linux/wine.h"

const char fuzz_target_name[] = "pe";

/* @n bytes at @p, little-endian. */
static uint64_t
rd(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void
wr(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The second reader: 0 and *@m, or -1. */
static int
model(const uint8_t *d, size_t n, struct tlh_pe *m)
{
	size_t len = n < TLH_PE_HEADER_MAX ? n : TLH_PE_HEADER_MAX;
	uint64_t lf, opt;

	if (len < 64 || d[0] != 0x4d || d[1] != 0x5a)
		return -1;
	lf = rd(d + 60, 4);
	if (lf < 64 || lf + 4 + 20 + 64 > len)
		return -1;
	if (d[lf] != 0x50 || d[lf + 1] != 0x45 || d[lf + 2] || d[lf + 3])
		return -1;
	if (rd(d + lf + 4 + 16, 2) < 64)
		return -1;
	opt = lf + 24;
	m->magic = (uint16_t)rd(d + opt, 2);
	if (m->magic == 0x10b)
		m->image_base = rd(d + opt + 28, 4);
	else if (m->magic == 0x20b)
		m->image_base = rd(d + opt + 24, 8);
	else
		return -1;
	m->machine = (uint16_t)rd(d + lf + 4, 2);
	m->dll = (rd(d + lf + 4 + 18, 2) & 0x2000) != 0;
	m->size_of_image = (uint32_t)rd(d + opt + 56, 4);
	m->size_of_headers = (uint32_t)rd(d + opt + 60, 4);
	if (m->size_of_headers == 0 || m->size_of_image < m->size_of_headers)
		return -1;
	return 0;
}

static void
same(const struct tlh_pe *a, const struct tlh_pe *b)
{
	fuzz_check(a->magic == b->magic);
	fuzz_check(a->machine == b->machine);
	fuzz_check(a->dll == b->dll);
	fuzz_check(a->image_base == b->image_base);
	fuzz_check(a->size_of_image == b->size_of_image);
	fuzz_check(a->size_of_headers == b->size_of_headers);
}

static void
as_header(const uint8_t *data, size_t size)
{
	struct tlh_pe got, want;
	int r = tlh_pe_parse(data, size, &got);

	fuzz_check(r == 0 || r == -ENOEXEC);
	fuzz_check((r == 0) == (model(data, size, &want) == 0));
	if (!r)
		same(&got, &want);
}

/* A header made to measure from @h's values; it must parse to them. */
static void
built_header(uint64_t h)
{
	static uint8_t img[TLH_PE_HEADER_MAX];
	struct tlh_pe want, got;
	uint64_t lf, opt_size;
	size_t need, cut;

	memset(img, (int)(fuzz_next(&h) & 0xff), sizeof(img));
	img[0] = 'M';
	img[1] = 'Z';
	lf = 64 + fuzz_next(&h) % (sizeof(img) - 64 - 88 + 1);
	wr(img + 60, lf, 4);
	memcpy(img + lf, "PE\0\0", 4);
	want.machine = (uint16_t)fuzz_next(&h);
	wr(img + lf + 4, want.machine, 2);
	opt_size = 64 + fuzz_next(&h) % 0xff80;
	wr(img + lf + 20, opt_size, 2);
	wr(img + lf + 22, fuzz_next(&h) & 0xffff, 2);
	want.dll = (rd(img + lf + 22, 2) & 0x2000) != 0;
	want.magic = fuzz_next(&h) & 1 ? 0x20b : 0x10b;
	wr(img + lf + 24, want.magic, 2);
	want.image_base = fuzz_next(&h);
	if (want.magic == 0x10b) {
		want.image_base &= 0xffffffff;
		wr(img + lf + 24 + 28, want.image_base, 4);
	} else {
		wr(img + lf + 24 + 24, want.image_base, 8);
	}
	want.size_of_headers = (uint32_t)(1 + fuzz_next(&h) % 0xfffffffe);
	want.size_of_image = want.size_of_headers +
		(uint32_t)(fuzz_next(&h) % (0xffffffffu -
					    want.size_of_headers + 1));
	wr(img + lf + 24 + 56, want.size_of_image, 4);
	wr(img + lf + 24 + 60, want.size_of_headers, 4);
	need = (size_t)lf + 88;
	fuzz_check(tlh_pe_parse(img, need, &got) == 0);
	same(&got, &want);
	fuzz_check(tlh_pe_parse(img, sizeof(img), &got) == 0);
	same(&got, &want);
	cut = (size_t)(fuzz_next(&h) % need);
	fuzz_check(tlh_pe_parse(img, cut, &got) == -ENOEXEC);
}

static void
as_names(const uint8_t *data, size_t size)
{
	char comm[16];
	const char *argv0, *name, *nl = memchr(data, '\n', size);
	size_t clen = nl ? (size_t)(nl - (const char *)data) : size;
	size_t alen, n, i;
	int from_argv;

	if (clen > 15)
		clen = 15;
	memcpy(comm, data, clen);
	comm[clen] = '\0';
	argv0 = (const char *)data + (nl ? clen + 1 : clen);
	if (argv0 > (const char *)data + size)
		argv0 = (const char *)data + size;
	alen = size - (size_t)(argv0 - (const char *)data);
	n = tlh_wine_name(argv0, alen, comm, "wine64", &name);
	if (!n)
		return;
	from_argv = name >= argv0 && name + n <= argv0 + alen;
	fuzz_check(from_argv ||
		   (name >= comm && name + n <= comm + strlen(comm)));
	for (i = 0; i < n; i++)
		fuzz_check(name[i] && name[i] != '/' && name[i] != '\\');
	fuzz_check(strcmp(comm, "wine64"));
	if (from_argv && (n < strlen(comm) ||
			  strncasecmp(name, comm, strlen(comm))))
		fuzz_check(n > 4 && !strncasecmp(name + n - 4, ".exe", 4));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	as_header(data, size);
	built_header(fuzz_hash(data, size));
	as_names(data, size);
	return 0;
}
