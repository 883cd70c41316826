/*
 * format.c - FormatMessageA and FormatMessageW: a message from a string or
 * from the system message table (messages.c), with its insert sequences
 * filled in from a va_list or an array, its escapes expanded, and its
 * lines kept, joined or wrapped, as Windows does.
 *
 * Both forms share one engine that works on code points: the message is
 * decoded first (A strings are UTF-8, W strings UTF-16), the output is
 * built as code points, and only the finished text is encoded for the
 * caller.  Nothing reaches the caller's buffer before the whole message
 * has been formatted and found to fit, so a failure leaves the buffer as
 * it was.  A byte of an A string that is not well-formed UTF-8 travels as
 * RAW_BYTE + byte and comes out of the A form unchanged (U+FFFD from the W
 * form); an unpaired surrogate of a W string comes out of the W form
 * unchanged (U+FFFD from the A form).
 *
 * The message is walked twice.  The first walk checks its syntax and
 * learns which arguments the inserts use and as what type; the arguments
 * are then taken, in order, from the va_list (or the array), and the
 * second walk builds the text.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "internal.h"
#include "wstr.h"

#define KNOWN_FLAGS	(FORMAT_MESSAGE_ALLOCATE_BUFFER | \
			 FORMAT_MESSAGE_IGNORE_INSERTS | \
			 FORMAT_MESSAGE_FROM_STRING | \
			 FORMAT_MESSAGE_FROM_HMODULE | \
			 FORMAT_MESSAGE_FROM_SYSTEM | \
			 FORMAT_MESSAGE_ARGUMENT_ARRAY | \
			 FORMAT_MESSAGE_MAX_WIDTH_MASK)

#define RAW_BYTE	0x110000u	/* + a byte that is not UTF-8 */
#define REPLACEMENT	0xFFFDu
#define MAX_INSERT	99		/* %1 .. %99 */

/* A growing array of code points. */
struct cps {
	uint32_t *v;
	size_t len, cap;
};

/* Room for @n more code points: 0 or -ENOMEM. */
static int
cps_reserve(struct cps *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 64;
	uint32_t *v;

	if (b->cap - b->len >= n)
		return 0;
	if (n > SIZE_MAX / sizeof(*v) / 2 - b->len)
		return -ENOMEM;
	while (cap - b->len < n)
		cap *= 2;
	v = realloc(b->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->v = v;
	b->cap = cap;
	return 0;
}

/*
 * The character at @p, a NUL-terminated A (UTF-8) or W (UTF-16) string,
 * into *@cp (0 at the terminator); returns how many units it took.  Never
 * reads past the terminator.
 */
static size_t
next_char(const void *p, int wide, uint32_t *cp)
{
	const unsigned char *s = p;
	const WCHAR *w = p;
	size_t n;

	if (wide) {
		if (w[0] >= 0xD800 && w[0] <= 0xDBFF &&
		    w[1] >= 0xDC00 && w[1] <= 0xDFFF) {
			*cp = 0x10000 + ((uint32_t)(w[0] - 0xD800) << 10) +
			      (uint32_t)(w[1] - 0xDC00);
			return 2;
		}
		*cp = w[0];
		return 1;
	}
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	n = tlh_text_decode(s, strnlen((const char *)s, 4), cp);
	if (n)
		return n;
	*cp = RAW_BYTE + s[0];
	return 1;
}

/* Decode the whole NUL-terminated string @p into @b. */
static int
decode(const void *p, int wide, struct cps *b)
{
	size_t unit = wide ? sizeof(WCHAR) : 1;
	const char *s = p;
	uint32_t cp;
	int ret;

	for (;;) {
		s += unit * next_char(s, wide, &cp);
		if (!cp)
			return 0;
		ret = cps_reserve(b, 1);
		if (ret)
			return ret;
		b->v[b->len++] = cp;
	}
}

/* The UTF-8 (A) or UTF-16 (W) length of @cp, in TCHARs. */
static size_t
encoded_len(uint32_t cp, int wide)
{
	if (wide)
		return cp >= 0x10000 && cp < RAW_BYTE ? 2 : 1;
	if (cp < 0x80 || cp >= RAW_BYTE)
		return 1;
	if (cp < 0x800)
		return 2;
	if (cp < 0x10000 || cp >= 0x110000)
		return 3;
	return 4;
}

/* Write @b's text to @dst (TCHARs) and terminate it. */
static void
encode(const struct cps *b, int wide, void *dst)
{
	unsigned char *a = dst;
	WCHAR *w = dst;
	uint32_t cp;
	size_t i;

	for (i = 0; i < b->len; i++) {
		cp = b->v[i];
		if (wide) {
			if (cp >= RAW_BYTE) {
				*w++ = REPLACEMENT;
			} else if (cp >= 0x10000) {
				cp -= 0x10000;
				*w++ = (WCHAR)(0xD800 + (cp >> 10));
				*w++ = (WCHAR)(0xDC00 + (cp & 0x3FF));
			} else {
				*w++ = (WCHAR)cp;
			}
			continue;
		}
		if (cp >= RAW_BYTE) {
			*a++ = (unsigned char)(cp - RAW_BYTE);
			continue;
		}
		if (cp >= 0xD800 && cp <= 0xDFFF)
			cp = REPLACEMENT;	/* an unpaired surrogate */
		switch (encoded_len(cp, 0)) {
		case 1:
			*a++ = (unsigned char)cp;
			break;
		case 2:
			*a++ = (unsigned char)(0xC0 | cp >> 6);
			*a++ = (unsigned char)(0x80 | (cp & 0x3F));
			break;
		case 3:
			*a++ = (unsigned char)(0xE0 | cp >> 12);
			*a++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
			*a++ = (unsigned char)(0x80 | (cp & 0x3F));
			break;
		default:
			*a++ = (unsigned char)(0xF0 | cp >> 18);
			*a++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
			*a++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
			*a++ = (unsigned char)(0x80 | (cp & 0x3F));
			break;
		}
	}
	if (wide)
		*w = 0;
	else
		*a = 0;
}

/* What an argument is taken from a va_list as. */
enum arg_type {
	ARG_UNKNOWN,	/* used by no insert: pointer-sized */
	ARG_INT,	/* int (32 bits), also star widths and characters */
	ARG_INT64,	/* long long */
	ARG_INTPTR,	/* pointer-sized integer */
	ARG_PTR,	/* a pointer: strings, %p */
};

struct arg {
	enum arg_type type;
	uint64_t u;		/* integers, as the bits taken */
	const void *p;		/* pointers */
};

/* An insert's !format!, as printf reads one. */
#define F_MINUS	0x01
#define F_PLUS	0x02
#define F_SPACE	0x04
#define F_HASH	0x08
#define F_ZERO	0x10

struct spec {
	unsigned flags;
	int64_t width;		/* -1: none */
	int64_t prec;		/* -1: none */
	int width_star, prec_star;
	int bits;		/* integer size: 8, 16, 32, 64; 0 pointer */
	int charsize;		/* s, c: 0 the form's own, 1 narrow, 2 wide */
	char conv;
};

/* One call of FormatMessage. */
struct job {
	int wide;		/* the W form */
	int ignore;		/* FORMAT_MESSAGE_IGNORE_INSERTS */
	int array;		/* FORMAT_MESSAGE_ARGUMENT_ARRAY */
	int joined;		/* the text's line breaks become spaces */
	unsigned width;		/* wrap lines at this width; 0: never */
	struct cps src;		/* the message, decoded */

	struct arg *args;	/* the arguments the inserts use */
	size_t nargs, args_cap;

	/* The numbering of the walk under way. */
	int emit;		/* 0: the first walk, 1: the second */
	size_t last;		/* the argument the last insert printed */
	int have_last;
	size_t starred;		/* va_list: inserts with a '*' so far */
	size_t base[MAX_INSERT + 1];
	unsigned char seen[MAX_INSERT + 1];

	struct cps out;
	size_t line;		/* where the output's current line starts */
};

/*
 * The current line has reached the width: break it at its last run of
 * spaces, which the line break replaces, carrying what follows to the new
 * line; a line without a space is broken where it is.
 */
static int
wrap(struct job *j)
{
	struct cps *o = &j->out;
	size_t end = o->len, p = end, q, carry;
	int ret;

	while (p > j->line && o->v[p - 1] != ' ')
		p--;
	if (p == j->line) {
		ret = cps_reserve(o, 2);
		if (ret)
			return ret;
		o->v[o->len++] = '\r';
		o->v[o->len++] = '\n';
		j->line = o->len;
		return 0;
	}
	q = p - 1;
	while (q > j->line && o->v[q - 1] == ' ')
		q--;
	carry = end - p;
	ret = cps_reserve(o, 2);
	if (ret)
		return ret;
	memmove(o->v + q + 2, o->v + p, carry * sizeof(*o->v));
	o->v[q] = '\r';
	o->v[q + 1] = '\n';
	o->len = q + 2 + carry;
	j->line = q + 2;
	return 0;
}

/* Output @c (in the second walk only). */
static int
put(struct job *j, uint32_t c)
{
	int ret;

	if (!j->emit)
		return 0;
	ret = cps_reserve(&j->out, 1);
	if (ret)
		return ret;
	j->out.v[j->out.len++] = c;
	if (c == '\r' || c == '\n')
		j->line = j->out.len;
	else if (j->width && j->out.len - j->line == j->width)
		return wrap(j);
	return 0;
}

/* Output @n copies of @c. */
static int
put_many(struct job *j, uint32_t c, size_t n)
{
	int ret = 0;

	while (n-- && !ret)
		ret = put(j, c);
	return ret;
}

/* Output CR LF, a line break that is never joined or moved. */
static int
put_break(struct job *j)
{
	int ret = put(j, '\r');

	return ret ? ret : put(j, '\n');
}

/* A number of at most INT_MAX from the digits at @s[*i]: 0 or -EINVAL. */
static int
parse_num(const uint32_t *s, size_t n, size_t *i, int64_t *val)
{
	int64_t v = 0;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		if (v > INT_MAX)
			return -EINVAL;
		(*i)++;
	}
	*val = v;
	return 0;
}

/* Does @s[*i..n) start with @word?  Then step over it. */
static int
skip(const uint32_t *s, size_t n, size_t *i, const char *word)
{
	size_t k;

	for (k = 0; word[k]; k++) {
		if (*i + k >= n || s[*i + k] != (unsigned char)word[k])
			return 0;
	}
	*i += k;
	return 1;
}

/*
 * Parse the printf format @s[0..n) of an insert (what lies between its
 * two '!'): flags, width, precision, size and one conversion of
 * c C d i o u x X s S p.  0, or -EINVAL for anything else.
 */
static int
parse_spec(const uint32_t *s, size_t n, struct spec *sp)
{
	static const char flags[] = "-+ #0";
	const char *f;
	size_t i = 0;
	int size = 0;	/* 1 h, 2 hh, 3 l, 4 w, 5 ll/I64/j, 6 I32, 7 I/z/t */
	int ret;

	memset(sp, 0, sizeof(*sp));
	sp->width = sp->prec = -1;
	while (i < n && s[i] < 0x80 && s[i] &&
	       (f = strchr(flags, (int)s[i]))) {
		sp->flags |= 1u << (f - flags);
		i++;
	}
	if (i < n && s[i] == '*') {
		sp->width_star = 1;
		i++;
	} else if (i < n && s[i] >= '0' && s[i] <= '9') {
		ret = parse_num(s, n, &i, &sp->width);
		if (ret)
			return ret;
	}
	if (i < n && s[i] == '.') {
		i++;
		if (i < n && s[i] == '*') {
			sp->prec_star = 1;
			i++;
		} else {
			ret = parse_num(s, n, &i, &sp->prec);
			if (ret)
				return ret;
		}
	}
	if (skip(s, n, &i, "hh"))
		size = 2;
	else if (skip(s, n, &i, "h"))
		size = 1;
	else if (skip(s, n, &i, "ll") || skip(s, n, &i, "I64") ||
		 skip(s, n, &i, "j"))
		size = 5;
	else if (skip(s, n, &i, "l"))
		size = 3;
	else if (skip(s, n, &i, "w"))
		size = 4;
	else if (skip(s, n, &i, "I32"))
		size = 6;
	else if (skip(s, n, &i, "I") || skip(s, n, &i, "z") ||
		 skip(s, n, &i, "t"))
		size = 7;
	if (i + 1 != n || s[i] >= 0x80 || !s[i] ||
	    !strchr("cCdiouxXsSp", (int)s[i]))
		return -EINVAL;
	sp->conv = (char)s[i];
	switch (sp->conv) {
	case 'c':
	case 'C':
	case 's':
	case 'S':
		/* h: narrow, l and w: wide; nothing else fits a character */
		if (size && size != 1 && size != 3 && size != 4)
			return -EINVAL;
		sp->charsize = size == 1 ? 1 : size ? 2 : 0;
		break;
	case 'p':
		if (size)
			return -EINVAL;
		break;
	default:
		/* Windows' long is 32 bits; w on a number means nothing */
		sp->bits = size == 1 ? 16 : size == 2 ? 8 : size == 5 ? 64 :
			   size == 7 ? 0 : 32;
		break;
	}
	return 0;
}

/* How argument @sp->conv's value is taken from a va_list. */
static enum arg_type
spec_type(const struct spec *sp)
{
	switch (sp->conv) {
	case 's':
	case 'S':
	case 'p':
		return ARG_PTR;
	case 'c':
	case 'C':
		return ARG_INT;
	default:
		return sp->bits == 64 ? ARG_INT64 :
		       sp->bits == 0 ? ARG_INTPTR : ARG_INT;
	}
}

/*
 * Argument @pos (from 0): in the first walk, note that it is used as
 * @type (the first use decides); in the second, its value.
 */
static int
use_arg(struct job *j, size_t pos, enum arg_type type, struct arg *val)
{
	struct arg *v;
	size_t cap;

	if (j->emit) {
		*val = j->args[pos];
		return 0;
	}
	memset(val, 0, sizeof(*val));
	if (pos >= j->args_cap) {
		cap = j->args_cap ? j->args_cap : 16;
		while (cap <= pos) {
			if (cap > SIZE_MAX / sizeof(*v) / 2)
				return -ENOMEM;
			cap *= 2;
		}
		v = realloc(j->args, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memset(v + j->args_cap, 0, (cap - j->args_cap) * sizeof(*v));
		j->args = v;
		j->args_cap = cap;
	}
	if (j->args[pos].type == ARG_UNKNOWN)
		j->args[pos].type = type;
	if (pos >= j->nargs)
		j->nargs = pos + 1;
	return 0;
}

/*
 * Take the arguments the first walk found, in order: from the array, or
 * from the va_list as the types the inserts name.
 */
static void
take_args(struct job *j, va_list *ap)
{
	const DWORD_PTR *array = (const DWORD_PTR *)ap;
	struct arg *a;
	size_t i;

	for (i = 0; i < j->nargs; i++) {
		a = &j->args[i];
		if (j->array) {
			a->u = array[i];
			a->p = (const void *)array[i];
			continue;
		}
		switch (a->type) {
		case ARG_INT:
			a->u = (unsigned int)va_arg(*ap, int);
			break;
		case ARG_INT64:
			a->u = (unsigned long long)va_arg(*ap, long long);
			break;
		case ARG_PTR:
			a->p = va_arg(*ap, const void *);
			a->u = (uintptr_t)a->p;
			break;
		default:
			a->u = va_arg(*ap, uintptr_t);
			break;
		}
	}
}

/* The character a %c insert prints: @v as a CHAR or a WCHAR. */
static uint32_t
char_value(uint64_t v, int wide)
{
	unsigned char b = (unsigned char)v;

	if (wide)
		return (WCHAR)v;
	return b < 0x80 ? b : RAW_BYTE + b;
}

/* A %s insert: the string @p (NULL prints "(null)"). */
static int
put_string(struct job *j, const struct spec *sp, const void *p, int wide)
{
	size_t unit = wide ? sizeof(WCHAR) : 1, count = 0, pad, k;
	const char *s;
	uint32_t cp;
	int ret;

	if (!p) {
		p = "(null)";
		wide = 0;
		unit = 1;
	}
	for (s = p; sp->prec < 0 || (int64_t)count < sp->prec; count++) {
		s += unit * next_char(s, wide, &cp);
		if (!cp)
			break;
	}
	pad = sp->width > (int64_t)count ? (size_t)(sp->width - count) : 0;
	if (!(sp->flags & F_MINUS)) {
		ret = put_many(j, ' ', pad);
		if (ret)
			return ret;
	}
	for (s = p, k = 0; k < count; k++) {
		s += unit * next_char(s, wide, &cp);
		ret = put(j, cp);
		if (ret)
			return ret;
	}
	return sp->flags & F_MINUS ? put_many(j, ' ', pad) : 0;
}

/* A %c insert, or any text of @n code points at @v padded to the width. */
static int
put_padded(struct job *j, const struct spec *sp, const uint32_t *v,
	   size_t n)
{
	size_t pad = sp->width > (int64_t)n ? (size_t)(sp->width - n) : 0, k;
	int ret = 0;

	if (!(sp->flags & F_MINUS))
		ret = put_many(j, ' ', pad);
	for (k = 0; k < n && !ret; k++)
		ret = put(j, v[k]);
	if (!ret && (sp->flags & F_MINUS))
		ret = put_many(j, ' ', pad);
	return ret;
}

/* A number, printed as printf prints it. */
static int
put_number(struct job *j, const struct spec *sp, uint64_t mag, int neg)
{
	const char *set = sp->conv == 'X' ? "0123456789ABCDEF" :
					    "0123456789abcdef";
	unsigned base = sp->conv == 'o' ? 8 :
			sp->conv == 'x' || sp->conv == 'X' ? 16 : 10;
	int is_signed = sp->conv == 'd' || sp->conv == 'i';
	uint32_t digits[24], pre[3];
	size_t nd = 0, np = 0, zeros = 0, total, pad, k;
	uint64_t v = mag;
	int ret;

	do {
		digits[nd++] = (unsigned char)set[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && mag == 0)
		nd = 0;
	if (sp->prec > (int64_t)nd)
		zeros = (size_t)(sp->prec - nd);
	if ((sp->flags & F_HASH) && base == 8 && !zeros &&
	    (!nd || digits[nd - 1] != '0'))
		zeros = 1;
	if (neg)
		pre[np++] = '-';
	else if (is_signed && (sp->flags & F_PLUS))
		pre[np++] = '+';
	else if (is_signed && (sp->flags & F_SPACE))
		pre[np++] = ' ';
	if ((sp->flags & F_HASH) && base == 16 && mag) {
		pre[np++] = '0';
		pre[np++] = (uint32_t)sp->conv;
	}
	total = np + zeros + nd;
	pad = sp->width > (int64_t)total ? (size_t)(sp->width - total) : 0;
	if (!(sp->flags & F_MINUS) && (sp->flags & F_ZERO) && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	ret = sp->flags & F_MINUS ? 0 : put_many(j, ' ', pad);
	for (k = 0; k < np && !ret; k++)
		ret = put(j, pre[k]);
	if (!ret)
		ret = put_many(j, '0', zeros);
	while (!ret && nd)
		ret = put(j, digits[--nd]);
	if (!ret && (sp->flags & F_MINUS))
		ret = put_many(j, ' ', pad);
	return ret;
}

/* Print argument @a as @sp says. */
static int
put_arg(struct job *j, const struct spec *sp, const struct arg *a)
{
	int narrow = sp->charsize ? sp->charsize == 1 :
		     (sp->conv == 's' || sp->conv == 'c') != j->wide;
	uint32_t text[2 * sizeof(void *)];
	static const char hex[] = "0123456789ABCDEF";
	uint64_t u = a->u, mask;
	size_t k, shift;
	int64_t s;

	switch (sp->conv) {
	case 's':
	case 'S':
		return put_string(j, sp, a->p, !narrow);
	case 'c':
	case 'C':
		text[0] = char_value(u, !narrow);
		return put_padded(j, sp, text, 1);
	case 'p':
		/* as Windows prints a pointer: every digit, upper case */
		for (k = 0; k < 2 * sizeof(void *); k++) {
			shift = 4 * (2 * sizeof(void *) - 1 - k);
			text[k] = (unsigned char)hex[u >> shift & 0xF];
		}
		return put_padded(j, sp, text, 2 * sizeof(void *));
	}
	mask = sp->bits == 64 ? UINT64_MAX :
	       sp->bits ? ((uint64_t)1 << sp->bits) - 1 : (uint64_t)UINTPTR_MAX;
	u &= mask;
	if (sp->conv != 'd' && sp->conv != 'i')
		return put_number(j, sp, u, 0);
	/* sign-extend from the argument's width */
	if (sp->bits && sp->bits < 64 && (u >> (sp->bits - 1) & 1))
		u |= ~mask;
	else if (!sp->bits && (u >> (8 * sizeof(void *) - 1) & 1))
		u |= ~mask;
	s = (int64_t)u;
	return s < 0 ? put_number(j, sp, (uint64_t)0 - u, 1) :
		       put_number(j, sp, u, 0);
}

/* The argument after @pos for the next part of the same insert. */
static size_t
after(const struct job *j, size_t pos)
{
	return (j->have_last && j->last > pos ? j->last : pos) + 1;
}

/*
 * The insert at @s[*i] ('%' then 1 to 99, then an optional !format!),
 * and the arguments it uses.  With a va_list the inserts are numbered as
 * Windows numbers them: each insert with a '*' in its format shifts the
 * numbers of inserts seen for the first time after it by one; an insert
 * seen again reuses its first argument.  With an array, insert %n starts
 * at element n-1.  Either way each '*' and then the value take the
 * argument after the one the previous insert printed, if that is later.
 */
static int
insert(struct job *j, size_t *i)
{
	const uint32_t *s = j->src.v;
	size_t n = j->src.len, k = *i + 1, end, pos;
	struct spec sp;
	struct arg width, prec, val;
	unsigned num;
	int ret;

	num = s[k++] - '0';
	if (k < n && s[k] >= '0' && s[k] <= '9')
		num = num * 10 + (s[k++] - '0');
	if (k < n && s[k] == '!') {
		for (end = k + 1; end < n && s[end] != '!'; end++)
			;
		if (end == n)
			return -EINVAL;
		ret = parse_spec(s + k + 1, end - k - 1, &sp);
		if (ret)
			return ret;
		k = end + 1;
	} else {
		memset(&sp, 0, sizeof(sp));
		sp.width = sp.prec = -1;
		sp.conv = 's';
	}
	*i = k;

	if (j->array) {
		pos = num - 1;
	} else {
		if (!j->seen[num]) {
			j->seen[num] = 1;
			j->base[num] = num - 1 + j->starred;
		}
		pos = j->base[num];
		if (sp.width_star || sp.prec_star)
			j->starred++;
	}
	if (sp.width_star) {
		ret = use_arg(j, pos, ARG_INT, &width);
		if (ret)
			return ret;
		sp.width = (int32_t)(uint32_t)width.u;
		if (sp.width < 0) {
			sp.flags |= F_MINUS;
			sp.width = -sp.width;
		}
		pos = after(j, pos);
	}
	if (sp.prec_star) {
		ret = use_arg(j, pos, ARG_INT, &prec);
		if (ret)
			return ret;
		sp.prec = (int32_t)(uint32_t)prec.u;
		if (sp.prec < 0)
			sp.prec = -1;
		pos = after(j, pos);
	}
	ret = use_arg(j, pos, spec_type(&sp), &val);
	if (ret)
		return ret;
	j->last = pos;
	j->have_last = 1;
	return j->emit ? put_arg(j, &sp, &val) : 0;
}

/*
 * Walk the message: the first walk (j->emit 0) checks it and records the
 * arguments, the second builds the output.  -EINVAL for a lone '%' at the
 * end or an insert whose format is not understood.
 */
static int
walk(struct job *j)
{
	const uint32_t *s = j->src.v;
	size_t n = j->src.len, i = 0;
	uint32_t c;
	int ret;

	j->have_last = 0;
	j->starred = 0;
	memset(j->seen, 0, sizeof(j->seen));
	while (i < n) {
		c = s[i];
		if (c == '\r' || c == '\n') {
			/* CR LF, a lone CR and a lone LF are one line break */
			i += c == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
			ret = j->joined ? put(j, ' ') : put_break(j);
		} else if (c != '%') {
			ret = put(j, c);
			i++;
		} else if (i + 1 == n) {
			if (!j->ignore)
				return -EINVAL;
			ret = put(j, '%');
			i++;
		} else {
			c = s[i + 1];
			if (c == '0')
				return 0;	/* the end, without a newline */
			if (c == 'n') {
				ret = put_break(j);
			} else if (c == 'r') {
				ret = put(j, '\r');
			} else if (c == 't') {
				ret = put(j, '\t');
			} else if (j->ignore) {
				/* everything else stays as it is */
				ret = put(j, '%');
				i++;
				goto next;
			} else if (c >= '1' && c <= '9') {
				ret = insert(j, &i);
				goto next;
			} else {
				/* %% %. %! %space, and any other character */
				ret = put(j, c);
			}
			i += 2;
		}
next:
		if (ret)
			return ret;
	}
	return 0;
}

/* Does the system table have texts in language @lang? */
static int
lang_served(DWORD lang)
{
	if (lang > 0xFFFF)
		return 0;
	return PRIMARYLANGID(lang) == LANG_NEUTRAL ||
	       PRIMARYLANGID(lang) == LANG_ENGLISH;
}

/*
 * The body of FormatMessageA (@wide 0) and FormatMessageW (@wide 1):
 * 0 and the length in *@lenp, or -errno.
 */
static int
format_message(DWORD flags, LPCVOID source, DWORD id, DWORD lang,
	       void *buffer, DWORD size, va_list *args, int wide,
	       DWORD *lenp)
{
	size_t unit = wide ? sizeof(WCHAR) : 1, len = 0, i, alloc;
	struct job j;
	const char *text;
	void *dst;
	int ret;

	if (!buffer)
		return -EINVAL;
	if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
		dst = NULL;
		memcpy(buffer, &dst, sizeof(dst));
	}
	if (flags & ~(DWORD)KNOWN_FLAGS)
		return -EINVAL;

	memset(&j, 0, sizeof(j));
	j.wide = wide;
	j.ignore = !!(flags & FORMAT_MESSAGE_IGNORE_INSERTS);
	j.array = !!(flags & FORMAT_MESSAGE_ARGUMENT_ARRAY);
	j.joined = (flags & FORMAT_MESSAGE_MAX_WIDTH_MASK) != 0;
	if (j.joined && (flags & FORMAT_MESSAGE_MAX_WIDTH_MASK) !=
			FORMAT_MESSAGE_MAX_WIDTH_MASK)
		j.width = flags & FORMAT_MESSAGE_MAX_WIDTH_MASK;

	if (flags & FORMAT_MESSAGE_FROM_STRING) {
		ret = source ? decode(source, wide, &j.src) : -EINVAL;
	} else if (flags & FORMAT_MESSAGE_FROM_SYSTEM) {
		/* a module (FROM_HMODULE) has no message table here */
		text = tlh_message_find(id);
		ret = !lang_served(lang) ? -ENOPKG : !text ? -ENOMSG :
		      decode(text, 0, &j.src);
	} else if (flags & FORMAT_MESSAGE_FROM_HMODULE) {
		ret = -ENOEXEC;
	} else {
		ret = -EINVAL;
	}
	if (ret)
		goto out;

	ret = walk(&j);
	if (ret)
		goto out;
	if (j.nargs) {
		if (!args) {
			ret = -EINVAL;
			goto out;
		}
		take_args(&j, args);
	}
	j.emit = 1;
	ret = walk(&j);
	if (ret)
		goto out;

	for (i = 0; i < j.out.len; i++)
		len += encoded_len(j.out.v[i], wide);
	if (!len) {
		ret = -ECANCELED;
		goto out;
	}
	if (len >= UINT32_MAX) {
		ret = -ENOMEM;
		goto out;
	}
	if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
		alloc = size > len ? size : len + 1;
		dst = alloc <= SIZE_MAX / unit ?
		      tlh_local_alloc(alloc * unit) : NULL;
		if (!dst) {
			ret = -ENOMEM;
			goto out;
		}
		encode(&j.out, wide, dst);
		memcpy(buffer, &dst, sizeof(dst));
	} else if (len >= size) {
		ret = -ENOBUFS;
		goto out;
	} else {
		encode(&j.out, wide, buffer);
	}
	*lenp = (DWORD)len;

out:
	free(j.src.v);
	free(j.out.v);
	free(j.args);
	return ret;
}

/* The call of either form: its return value, or 0 with the error set. */
static DWORD
format_api(DWORD flags, LPCVOID source, DWORD id, DWORD lang, void *buffer,
	   DWORD size, va_list *args, int wide)
{
	DWORD len = 0;
	int ret;

	ret = format_message(flags, source, id, lang, buffer, size, args, wide,
			     &len);
	if (ret) {
		tlh_error_set(ret);
		return 0;
	}
	return len;
}

/*
 * Format a message (from lpSource with FORMAT_MESSAGE_FROM_STRING, else
 * message dwMessageId of the system table) into lpBuffer, or into a buffer
 * allocated for LocalFree() with FORMAT_MESSAGE_ALLOCATE_BUFFER.  Returns
 * its length in bytes, without the NUL; 0 on failure.
 */
TLH_EXPORT DWORD WINAPI
FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
	       DWORD dwLanguageId, LPSTR lpBuffer, DWORD nSize,
	       va_list *Arguments)
{
	return format_api(dwFlags, lpSource, dwMessageId, dwLanguageId,
			  lpBuffer, nSize, Arguments, 0);
}

/* FormatMessageA in UTF-16: lengths and nSize count WCHARs. */
TLH_EXPORT DWORD WINAPI
FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
	       DWORD dwLanguageId, LPWSTR lpBuffer, DWORD nSize,
	       va_list *Arguments)
{
	return format_api(dwFlags, lpSource, dwMessageId, dwLanguageId,
			  lpBuffer, nSize, Arguments, 1);
}
