/*
 * fuzz_text.c - tlh_text_to_a() and tlh_text_to_w(), which turn a name
 * from /proc (bytes, normally UTF-8) into a fixed-size field of an entry.
 *
 * The first two bytes of the input choose a field size of 1..300 units;
 * the rest, up to its first NUL, is the name.  Each name is also
 * converted into fields of 1..5 units and of MAX_PATH and
 * MAX_MODULE_NAME32 + 1, the sizes the entries have.  The field is
 * allocated to exactly its size and filled with junk first.
 *
 * A field: terminated within its size, and after the terminator still the
 * junk it held (only the string and its terminator are written).  A string:
 * a prefix of the name that ends on a character boundary (a well-formed
 * UTF-8 sequence is never split; a byte outside one is a character of its
 * own) and stops only where the next character would not fit.  W string:
 * well-formed UTF-16 (every high surrogate followed by a low one, no low
 * one alone), the name's characters in order with U+FFFD for each byte
 * outside a well-formed sequence, stopping only where the next would not
 * fit.  The well-formed sequences are those of Unicode's table 3-7, read
 * here from the table rather than by decoding, so that this is a second
 * opinion and not the same code twice.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "snapshot.h"

const char fuzz_target_name[] = "text";

#define NAME_MAX_LEN	4096

/*
 * The length of the well-formed UTF-8 sequence at @s (@n bytes left),
 * from Unicode 15, table 3-7; 0 if there is none.
 */
static size_t
sequence(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const struct {
		unsigned char lo0, hi0, lo1, hi1;
		size_t len;
	} table[] = {
		{ 0x00, 0x7f, 0x00, 0x00, 1 },
		{ 0xc2, 0xdf, 0x80, 0xbf, 2 },
		{ 0xe0, 0xe0, 0xa0, 0xbf, 3 },
		{ 0xe1, 0xec, 0x80, 0xbf, 3 },
		{ 0xed, 0xed, 0x80, 0x9f, 3 },
		{ 0xee, 0xef, 0x80, 0xbf, 3 },
		{ 0xf0, 0xf0, 0x90, 0xbf, 4 },
		{ 0xf1, 0xf3, 0x80, 0xbf, 4 },
		{ 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};
	static const uint32_t lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	size_t t, i, len;

	for (t = 0; t < sizeof(table) / sizeof(table[0]); t++) {
		if (s[0] < table[t].lo0 || s[0] > table[t].hi0)
			continue;
		len = table[t].len;
		if (n < len)
			return 0;
		if (len > 1 && (s[1] < table[t].lo1 || s[1] > table[t].hi1))
			return 0;
		for (i = 2; i < len; i++)
			if (s[i] < 0x80 || s[i] > 0xbf)
				return 0;
		*cp = s[0] & lead_mask[len];
		for (i = 1; i < len; i++)
			*cp = *cp << 6 | (s[i] & 0x3f);
		return len;
	}
	return 0;
}

#define JUNK	0xa5

/*
 * A field of @cap units holding @len units of string and a null unit,
 * the rest still junk.
 */
static void
check_field(const void *field, size_t unit, size_t cap, size_t len)
{
	const unsigned char *b = field;
	size_t i;

	fuzz_check(len < cap);
	for (i = len * unit; i < (len + 1) * unit; i++)
		fuzz_check(b[i] == 0);
	for (; i < cap * unit; i++)
		fuzz_check(b[i] == JUNK);
}

static void
check_a(const char *name, size_t n, size_t cap)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len, pos = 0, step;
	uint32_t cp;
	CHAR *a;

	a = malloc(cap);
	fuzz_check(a != NULL);
	memset(a, JUNK, cap);
	tlh_text_to_a(a, cap, name);
	len = strnlen(a, cap);
	check_field(a, 1, cap, len);
	fuzz_check(len <= n && !memcmp(a, name, len));
	/* on a character boundary, and as long as the field allows */
	while (pos < len) {
		step = sequence(s + pos, n - pos, &cp);
		pos += step ? step : 1;
	}
	fuzz_check(pos == len);
	if (len < n) {
		step = sequence(s + len, n - len, &cp);
		fuzz_check(len + (step ? step : 1) > cap - 1);
	}
	free(a);
}

static void
check_w(const char *name, size_t n, size_t cap)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len, pos = 0, step, out = 0, units;
	uint32_t cp;
	WCHAR *w;

	w = malloc(cap * sizeof(*w));
	fuzz_check(w != NULL);
	memset(w, JUNK, cap * sizeof(*w));
	tlh_text_to_w(w, cap, name);
	for (len = 0; len < cap && w[len]; len++)
		;
	check_field(w, sizeof(*w), cap, len);
	/* the name's characters, one by one, while they fit */
	while (pos < n) {
		step = sequence(s + pos, n - pos, &cp);
		if (!step) {
			cp = 0xfffd;
			step = 1;
		}
		units = cp >= 0x10000 ? 2 : 1;
		if (out + units > cap - 1)
			break;
		if (units == 2) {
			cp -= 0x10000;
			fuzz_check(w[out] == (WCHAR)(0xd800 | cp >> 10));
			fuzz_check(w[out + 1] ==
				   (WCHAR)(0xdc00 | (cp & 0x3ff)));
		} else {
			fuzz_check((uint32_t)w[out] == cp);
		}
		out += units;
		pos += step;
	}
	fuzz_check(out == len);
	/* well-formed UTF-16, whatever the above says */
	for (pos = 0; pos < len; pos++) {
		if (w[pos] >= 0xd800 && w[pos] <= 0xdbff) {
			fuzz_check(pos + 1 < len && w[pos + 1] >= 0xdc00 &&
				   w[pos + 1] <= 0xdfff);
			pos++;
		} else {
			fuzz_check(w[pos] < 0xdc00 || w[pos] > 0xdfff);
		}
	}
	free(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = {
		1, 2, 3, 4, 5, MAX_MODULE_NAME32 + 1, MAX_PATH,
	};
	size_t cap, n, i;
	char *name;

	if (size < 2)
		return 0;
	cap = 1 + (size_t)(data[0] | data[1] << 8) % 300;
	n = size - 2 < NAME_MAX_LEN ? size - 2 : NAME_MAX_LEN;
	n = strnlen((const char *)data + 2, n);
	name = malloc(n + 1);	/* exactly: a read past the NUL is seen */
	fuzz_check(name != NULL);
	memcpy(name, data + 2, n);
	name[n] = '\0';

	check_a(name, n, cap);
	check_w(name, n, cap);
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		check_a(name, n, caps[i]);
		check_w(name, n, caps[i]);
	}
	free(name);
	return 0;
}
