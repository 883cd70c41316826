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

#endif /* TLHELP32_INTERNAL_H */
