/*
 * th32-value.c - the values th32 find looks for, th32 write writes and th32
 * read prints: --hex BYTES, --string TEXT, --wstring TEXT and the
 * little-endian numbers --u8 to --u64, --i8 to --i64, --f32 and --f64.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th32.h"

static const struct {
	const char *option;
	size_t size;
} kinds[] = {
	[VAL_NONE] = { "", 0 },
	[VAL_HEX] = { "--hex", 0 },
	[VAL_STRING] = { "--string", 0 },
	[VAL_WSTRING] = { "--wstring", 0 },
	[VAL_U8] = { "--u8", 1 },
	[VAL_U16] = { "--u16", 2 },
	[VAL_U32] = { "--u32", 4 },
	[VAL_U64] = { "--u64", 8 },
	[VAL_I8] = { "--i8", 1 },
	[VAL_I16] = { "--i16", 2 },
	[VAL_I32] = { "--i32", 4 },
	[VAL_I64] = { "--i64", 8 },
	[VAL_F32] = { "--f32", 4 },
	[VAL_F64] = { "--f64", 8 },
};

const char *
value_option(enum value_kind kind)
{
	return kinds[kind].option;
}

/* The size of one number of @kind; 0 for bytes and strings. */
size_t
value_size(enum value_kind kind)
{
	return kinds[kind].size;
}

void
free_pattern(struct pattern *p)
{
	free(p->bytes);
	free(p->mask);
	p->bytes = p->mask = NULL;
	p->len = 0;
}

static void
store_le(unsigned char *p, uint64_t v, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t
load_le(const unsigned char *p, size_t size)
{
	uint64_t v = 0;

	while (size--)
		v = v << 8 | p[size];
	return v;
}

/* --hex: pairs of hex digits or "??", spaces between pairs optional. */
static int
parse_hex(const char *text, struct pattern *p)
{
	size_t n = strlen(text), len = 0, wild = 0;
	int hi, lo;

	p->bytes = malloc(n / 2 + 1);
	p->mask = malloc(n / 2 + 1);
	if (!p->bytes || !p->mask) {
		free_pattern(p);
		return out_of_memory();
	}
	while (*text) {
		if (*text == ' ' || *text == '\t') {
			text++;
			continue;
		}
		if (text[0] == '?' && text[1] == '?') {
			p->bytes[len] = 0;
			p->mask[len++] = 0;
			wild++;
			text += 2;
			continue;
		}
		hi = text[0] ? hex_value(text[0]) : -1;
		lo = hi >= 0 && text[1] ? hex_value(text[1]) : -1;
		if (lo < 0) {
			free_pattern(p);
			return usage_error("invalid --hex at '%.8s': expected "
					   "pairs of hexadecimal digits or ??",
					   text);
		}
		p->bytes[len] = (unsigned char)(hi << 4 | lo);
		p->mask[len++] = 0xff;
		text += 2;
	}
	p->len = len;
	if (!wild) {
		free(p->mask);
		p->mask = NULL;
	}
	return 0;
}

/* --wstring: UTF-8 TEXT as UTF-16LE. */
static int
parse_wstring(const char *text, struct pattern *p)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), len, i, k = 0;
	uint32_t c;

	p->bytes = malloc(4 * n + 1);
	if (!p->bytes)
		return out_of_memory();
	for (i = 0; i < n; i += len) {
		len = tlh_utf8_decode(s + i, n - i, &c);
		if (!len) {
			free_pattern(p);
			return usage_error("invalid --wstring: not UTF-8");
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			store_le(p->bytes + k, 0xd800 | c >> 10, 2);
			k += 2;
			c = 0xdc00 | (c & 0x3ff);
		}
		store_le(p->bytes + k, c, 2);
		k += 2;
	}
	p->len = k;
	return 0;
}

/* A signed decimal or 0x number in [-2^(bits-1), 2^(bits-1) - 1]. */
static int
parse_signed(const char *text, unsigned int bits, uint64_t *v)
{
	uintmax_t mag, lim = (uintmax_t)1 << (bits - 1);
	int neg = *text == '-';

	if (parse_num(text + neg, NUM_AUTO, lim, &mag) || (!neg && mag == lim))
		return -1;
	*v = neg ? (uint64_t)0 - (uint64_t)mag : (uint64_t)mag;
	return 0;
}

int
parse_value(enum value_kind kind, const char *text, struct pattern *p)
{
	size_t size = value_size(kind);
	uintmax_t u = 0;
	uint64_t v = 0;
	uint32_t w;
	double d;
	float f;
	char *end;
	int bad = 0;

	p->bytes = p->mask = NULL;
	p->len = 0;
	switch (kind) {
	case VAL_HEX:
		return parse_hex(text, p);
	case VAL_WSTRING:
		return parse_wstring(text, p);
	case VAL_STRING:
		p->len = strlen(text);
		p->bytes = (unsigned char *)strdup(text);
		return p->bytes ? 0 : out_of_memory();
	case VAL_U8: case VAL_U16: case VAL_U32: case VAL_U64:
		bad = parse_num(text, NUM_AUTO,
				size == 8 ? UINT64_MAX :
				((uintmax_t)1 << (8 * size)) - 1, &u) != 0;
		v = (uint64_t)u;
		break;
	case VAL_I8: case VAL_I16: case VAL_I32: case VAL_I64:
		bad = parse_signed(text, (unsigned int)(8 * size), &v) != 0;
		break;
	case VAL_F32:
	case VAL_F64:
		errno = 0;
		d = strtod(text, &end);
		bad = !*text || *end || errno == ERANGE;
		if (kind == VAL_F32) {
			f = (float)d;
			bad = bad || (isinf(f) && !isinf(d));
			memcpy(&w, &f, sizeof(w));
			v = w;
		} else {
			memcpy(&v, &d, sizeof(v));
		}
		break;
	case VAL_NONE:
		bad = 1;
		break;
	}
	if (bad)
		return usage_error("invalid %s value '%s'", value_option(kind),
				   text);
	p->bytes = malloc(size);
	if (!p->bytes)
		return out_of_memory();
	store_le(p->bytes, v, size);
	p->len = size;
	return 0;
}

/* Print the number of @kind at @p: decimal, or %g (null in JSON for
 * what JSON has no number for). */
void
put_value(enum value_kind kind, const unsigned char *p, int json)
{
	size_t size = value_size(kind);
	uint64_t v = load_le(p, size);
	uint32_t w;
	double d;
	float f;

	switch (kind) {
	case VAL_I8:
		printf("%d", (int)(int8_t)v);
		break;
	case VAL_I16:
		printf("%d", (int)(int16_t)v);
		break;
	case VAL_I32:
		printf("%" PRId32, (int32_t)v);
		break;
	case VAL_I64:
		printf("%" PRId64, (int64_t)v);
		break;
	case VAL_F32:
	case VAL_F64:
		if (kind == VAL_F32) {
			w = (uint32_t)v;
			memcpy(&f, &w, sizeof(f));
			d = f;
		} else {
			memcpy(&d, &v, sizeof(d));
		}
		/* JSON has no NaN or infinity. */
		if (!isfinite(d) && json)
			fputs("null", stdout);
		else
			printf("%.*g", kind == VAL_F32 ? 9 : 17, d);
		break;
	default:
		printf("%" PRIu64, v);
		break;
	}
}
