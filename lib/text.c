/*
 * text.c - strings as the entry structs want them.  Linux names are bytes,
 * normally UTF-8.  ANSI (A) fields get the bytes themselves; wide (W)
 * fields get UTF-16, where every byte that is not part of a well-formed
 * UTF-8 sequence becomes U+FFFD, so a W string is always well formed.
 * Both are truncated to fit, never in the middle of a character, and
 * terminated.  Only the string and its terminator are written: the rest of
 * the field is left as it was, as Windows leaves it.
 */
#include "config.h"

#include <string.h>

#include "internal.h"
#include "snapshot.h"

/*
 * Decode one UTF-8 sequence at @s (at most @n bytes); store the code point
 * and return its length, or return 0 if the bytes are not well formed.
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

void
tlh_text_to_a(CHAR *dst, size_t cap, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strlen(src), pos = 0, step;
	uint32_t cp;

	while (pos < n) {
		step = utf8_decode(s + pos, n - pos, &cp);
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
		step = utf8_decode(s + pos, n - pos, &cp);
		if (!step) {
			cp = 0xfffd;
			step = 1;
		}
		if (cp >= 0x10000) {
			if (out + 2 > cap - 1)
				break;
			cp -= 0x10000;
			dst[out++] = (WCHAR)(0xd800 | (cp >> 10));
			dst[out++] = (WCHAR)(0xdc00 | (cp & 0x3ff));
		} else {
			if (out + 1 > cap - 1)
				break;
			dst[out++] = (WCHAR)cp;
		}
		pos += step;
	}
	dst[out] = 0;
}

size_t
tlh_text_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	return utf8_decode(s, n, cp);
}
