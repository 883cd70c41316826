/*
 * pe.c - the headers of a PE image, as the module list reads them from a
 * Wine process's memory.
 *
 * The layout (Microsoft's PE format specification): a DOS header that
 * starts with "MZ" and holds at 0x3c the offset of the PE header; there,
 * "PE\0\0", the 20-byte COFF header (Machine at 0, Characteristics at
 * 18, SizeOfOptionalHeader at 16), then the optional header, whose Magic
 * (0x10b PE32, 0x20b PE32+) says where ImageBase lies; SizeOfImage is at
 * 56 and SizeOfHeaders at 60 in both forms.  Every field is
 * little-endian.  The bytes come from a process that may write anything
 * into them: every offset is checked against the bytes there are before
 * it is used.
 */
#include "config.h"

#include <errno.h>

#include "pe.h"

#define DOS_LFANEW	0x3c	/* where the PE header's offset lies */
#define COFF_SIZE	20
#define OPT_NEEDED	64	/* the optional header up to SizeOfHeaders */
#define IMAGE_FILE_DLL	0x2000

static uint32_t
le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

int
tlh_pe_parse(const unsigned char *hdr, size_t len, struct tlh_pe *pe)
{
	const unsigned char *coff, *opt;
	uint32_t lfanew, opt_size;

	if (len > TLH_PE_HEADER_MAX)
		len = TLH_PE_HEADER_MAX;
	if (len < DOS_LFANEW + 4 || hdr[0] != 'M' || hdr[1] != 'Z')
		return -ENOEXEC;
	lfanew = le32(hdr + DOS_LFANEW);
	/* the signature, the COFF header and what we read of the optional
	 * header must all lie in the bytes we have */
	if (lfanew < DOS_LFANEW + 4 || lfanew > len ||
	    len - lfanew < 4 + COFF_SIZE + OPT_NEEDED)
		return -ENOEXEC;
	if (hdr[lfanew] != 'P' || hdr[lfanew + 1] != 'E' ||
	    hdr[lfanew + 2] || hdr[lfanew + 3])
		return -ENOEXEC;
	coff = hdr + lfanew + 4;
	opt = coff + COFF_SIZE;
	opt_size = le16(coff + 16);
	if (opt_size < OPT_NEEDED)
		return -ENOEXEC;
	pe->magic = (uint16_t)le16(opt);
	if (pe->magic == TLH_PE_MAGIC32)
		pe->image_base = le32(opt + 28);
	else if (pe->magic == TLH_PE_MAGIC64)
		pe->image_base = (uint64_t)le32(opt + 24) |
				 (uint64_t)le32(opt + 28) << 32;
	else
		return -ENOEXEC;
	pe->machine = (uint16_t)le16(coff);
	pe->dll = !!(le16(coff + 18) & IMAGE_FILE_DLL);
	pe->size_of_image = le32(opt + 56);
	pe->size_of_headers = le32(opt + 60);
	if (!pe->size_of_headers || pe->size_of_image < pe->size_of_headers)
		return -ENOEXEC;
	return 0;
}
