/*
 * text.c - strings as the entry structs want them, and the UTF-8 and
 * UTF-16 conversions of wstr.h.  Linux names are bytes, normally UTF-8.
 * ANSI (A) fields get the bytes themselves; wide (W) fields get UTF-16,
 * where every byte that is not part of a well-formed UTF-8 sequence
 * becomes U+FFFD, so a W string is always well formed.  Both are
 * truncated to fit, never in the middle of a character, and terminated.
 * Only the string and its terminator are written: the rest of the field
 * is left as it was, as Windows leaves it.
 */
#include "config.h"

#include <string.h>

#include "internal.h"
#include "snapshot.h"
#include "utf8.h"
#include "wstr.h"

size_t
tlh_text_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	return tlh_utf8_decode(s, n, cp);
}

void
tlh_text_to_a(CHAR *dst, size_t cap, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strlen(src), pos = 0, step;
	uint32_t cp;

	while (pos < n) {
		step = tlh_text_decode(s + pos, n - pos, &cp);
		if (!step)
			step = 1;	/* a stray byte stands for itself */
		if (pos + step > cap - 1)
			break;
		pos += step;
	}
	memcpy(dst, src, pos);
	dst[pos] = '\0';
}

void
tlh_text_to_w(WCHAR *dst, size_t cap, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strlen(src), pos = 0, out = 0, step;
	uint32_t cp;

	while (pos < n) {
		step = tlh_text_decode(s + pos, n - pos, &cp);
		if (!step) {
			cp = 0xfffd;
			step = 1;
		}
		if (out + (cp >= 0x10000 ? 2 : 1) > cap - 1)
			break;
		out += tlh_text_put16(dst + out, cp);
		pos += step;
	}
	dst[out] = 0;
}

size_t
tlh_text_next16(const WCHAR *s, size_t n, uint32_t *cp)
{
	if (s[0] >= 0xd800 && s[0] <= 0xdbff && n >= 2 &&
	    s[1] >= 0xdc00 && s[1] <= 0xdfff) {
		*cp = 0x10000 + ((uint32_t)(s[0] - 0xd800) << 10) +
		      (uint32_t)(s[1] - 0xdc00);
		return 2;
	}
	*cp = (s[0] >= 0xd800 && s[0] <= 0xdfff) ? TLH_TEXT_BAD : s[0];
	return 1;
}

size_t
tlh_text_put16(WCHAR *dst, uint32_t cp)
{
	if (cp < 0x10000) {
		dst[0] = (WCHAR)cp;
		return 1;
	}
	cp -= 0x10000;
	dst[0] = (WCHAR)(0xd800 | cp >> 10);
	dst[1] = (WCHAR)(0xdc00 | (cp & 0x3ff));
	return 2;
}

size_t
tlh_text_encode(unsigned char *dst, uint32_t cp)
{
	if (cp < 0x80) {
		dst[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		dst[0] = (unsigned char)(0xc0 | cp >> 6);
		dst[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		dst[0] = (unsigned char)(0xe0 | cp >> 12);
		dst[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		dst[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	dst[0] = (unsigned char)(0xf0 | cp >> 18);
	dst[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	dst[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	dst[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
tlh_wstr_to_utf8(char *dst, const WCHAR *src, size_t n)
{
	unsigned char tmp[4];
	size_t i = 0, out = 0, k;
	uint32_t cp;

	while (i < n) {
		i += tlh_text_next16(src + i, n - i, &cp);
		if (cp == TLH_TEXT_BAD)
			cp = TLH_TEXT_REPLACEMENT;
		k = tlh_text_encode(dst ? (unsigned char *)dst + out : tmp, cp);
		out += k;
	}
	return out;
}

size_t
tlh_wstr_from_utf8(WCHAR *dst, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, out = 0, k;
	WCHAR tmp[2];
	uint32_t cp;

	while (i < n) {
		k = tlh_text_decode(s + i, n - i, &cp);
		if (!k) {
			cp = TLH_TEXT_REPLACEMENT;
			k = 1;
		}
		i += k;
		out += tlh_text_put16(dst ? dst + out : tmp, cp);
	}
	return out;
}
