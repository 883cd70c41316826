/*
 * pe.h - the few fields of a PE (Portable Executable) header that the
 * module list needs, as Wine maps Windows programs and DLLs.
 */
#ifndef TLHELP32_LINUX_PE_H
#define TLHELP32_LINUX_PE_H

#include <stddef.h>
#include <stdint.h>

#define TLH_PE_HEADER_MAX	4096	/* what tlh_pe_parse() looks at */

#define TLH_PE_MAGIC32		0x10b	/* PE32: a 32-bit image */
#define TLH_PE_MAGIC64		0x20b	/* PE32+: a 64-bit image */

struct tlh_pe {
	uint16_t magic;		/* TLH_PE_MAGIC32 or TLH_PE_MAGIC64 */
	uint16_t machine;	/* the COFF header's Machine */
	int dll;		/* IMAGE_FILE_DLL is set */
	uint64_t image_base;	/* the preferred base */
	uint32_t size_of_image;
	uint32_t size_of_headers;
};

/*
 * Parse the headers at the start of an image, the @len bytes at @hdr (at
 * most TLH_PE_HEADER_MAX are looked at): 0 with *@pe filled in, or
 * -ENOEXEC if they are not a PE image's headers: no "MZ", a PE header
 * that lies past @len or past TLH_PE_HEADER_MAX, no "PE\0\0" signature,
 * an optional header too short for the fields above or of another magic,
 * a SizeOfImage of 0 or smaller than SizeOfHeaders, or a SizeOfHeaders
 * of 0.  Nothing else is trusted or read.
 */
int tlh_pe_parse(const unsigned char *hdr, size_t len, struct tlh_pe *pe);

#endif /* TLHELP32_LINUX_PE_H */
