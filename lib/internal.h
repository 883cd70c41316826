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
 * A buffer of @size bytes that LocalFree() will take back (local.c), or
 * NULL if out of memory.
 */
void *tlh_local_alloc(size_t size);

#endif /* TLHELP32_INTERNAL_H */
