/*
 * utf8.h - one UTF-8 sequence, decoded strictly.  The library (text.c)
 * and th32 both need it; th32 uses only the library's public functions,
 * so each compiles this one definition into itself.
 */
#ifndef TLHELP32_UTF8_H
#define TLHELP32_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length of the well-formed UTF-8 sequence at @s (at most @n > 0
 * bytes) with its code point in *@cp, or 0 if the bytes there are not one
 * (overlong forms, UTF-16 surrogates and code points beyond U+10FFFF
 * included); *@cp is then left alone.
 */
static inline size_t
tlh_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
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
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

#endif /* TLHELP32_UTF8_H */
