/*
 * wstr.h - text conversions shared by the string, printf and snapshot
 * code: UTF-8 (what Linux names and terminals hold) and UTF-16 (WCHAR).
 * Never included by the public headers.
 */
#ifndef TLHELP32_WSTR_H
#define TLHELP32_WSTR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tlhelp32.h"

/* A code point that stands for a lone surrogate, from tlh_text_next16(). */
#define TLH_TEXT_BAD	0xffffffffu

/* What a character that cannot be converted becomes. */
#define TLH_TEXT_REPLACEMENT	0xfffdu

/*
 * Decode one UTF-8 sequence at @s (at most @n > 0 bytes); store the code
 * point and return its length, or return 0 if the bytes are not well
 * formed (overlong forms and surrogates included).
 */
size_t tlh_text_decode(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Read one character of UTF-16 at @s (at most @n > 0 units): store its
 * code point, or TLH_TEXT_BAD for a lone surrogate, and return the units
 * it took (1 or 2).
 */
size_t tlh_text_next16(const WCHAR *s, size_t n, uint32_t *cp);

/* Write code point @cp as UTF-16 at @dst (room for 2); return the units. */
size_t tlh_text_put16(WCHAR *dst, uint32_t cp);

/* Write code point @cp as UTF-8 at @dst (room for 4); return the bytes. */
size_t tlh_text_encode(unsigned char *dst, uint32_t cp);

/*
 * Convert @n UTF-16 units at @src to UTF-8 at @dst (NULL: only count),
 * lone surrogates as U+FFFD; return the bytes.  At most 3 bytes a unit.
 */
size_t tlh_wstr_to_utf8(char *dst, const WCHAR *src, size_t n);

/*
 * Convert @n bytes of UTF-8 at @src to UTF-16 at @dst (NULL: only count),
 * each byte of a malformed sequence as U+FFFD; return the units.  At most
 * one unit a byte.
 */
size_t tlh_wstr_from_utf8(WCHAR *dst, const char *src, size_t n);

/* Write @n units at @s to @stream as UTF-8; 0, or EOF on failure. */
int tlh_wstr_put(const WCHAR *s, size_t n, FILE *stream);

#endif /* TLHELP32_WSTR_H */
