/*
 * internal.h - declarations shared by the API files of libtlhelp32.
 * Never included by the public header.
 */
#ifndef TLHELP32_INTERNAL_H
#define TLHELP32_INTERNAL_H

#include "tlhelp32.h"

/* Marks a definition as part of the ABI (the rest is hidden). */
#define TLH_EXPORT __attribute__((visibility("default")))

/*
 * Store the Win32 code for -err (a negative errno from an internal
 * function) as the thread's last error; the table is in error.c.
 */
void tlh_error_set(int err);

/*
 * The system message table (messages.c): the text of message @id, ending
 * in CR LF, or NULL if the table has none.  An HRESULT made from a Win32
 * code (0x8007xxxx) finds that code's text.
 */
const char *tlh_message_find(DWORD id);

/*
 * Decode the UTF-8 sequence at @s (at most @n bytes) into *@cp and return
 * its length, or 0 if the bytes there are not well formed (text.c).
 */
size_t tlh_text_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * A buffer of @size bytes that LocalFree() will take back (local.c), or
 * NULL if out of memory.
 */
void *tlh_local_alloc(size_t size);

#endif /* TLHELP32_INTERNAL_H */
