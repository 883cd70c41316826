/*
 * wprintf.c - formatted output for 16-bit text: the wide printf
 * functions with Microsoft's rules, and the narrow ones of the wchar16
 * mode, whose %ls and %lc arguments are 16-bit text.  See
 * tlhelp32_wprintf(3).
 *
 * One engine does both.  It formats into a growing buffer: UTF-16 units
 * for a wide function (widths and precisions count units, as on Windows),
 * bytes for a narrow one (they count bytes, as in the C library).  Each
 * conversion of a number or a pointer is handed to the C library's
 * snprintf(), its arguments fetched with the sizes the rules give; text is
 * converted between UTF-8 and UTF-16 as needed.  The stream functions then
 * write the whole text with one fwrite(), as UTF-8.  A narrow format that
 * has no wide conversion goes to the C library's own function unchanged.
 *
 * A format the engine cannot honour (an unknown conversion, %n under
 * Microsoft's rules, argument positions with wide text) writes nothing and
 * fails with -1 and errno EINVAL.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "internal.h"
#include "tlhelp32_crt.h"
#include "wstr.h"

/* --- output buffer -------------------------------------------------------- */

/* Where formatted text goes: UTF-16 units (wide) or bytes, growing. */
struct out {
	int wide;
	void *buf;
	size_t len;	/* units written */
	size_t cap;	/* units allocated, always one more than len */
	int err;	/* the first failure: ENOMEM, EOVERFLOW, EINVAL */
};

static int
out_room(struct out *o, size_t n)
{
	size_t unit = o->wide ? sizeof(WCHAR) : 1, cap;
	void *p;

	if (o->err)
		return -1;
	if (n > (size_t)INT_MAX - o->len) {
		o->err = EOVERFLOW;
		return -1;
	}
	if (o->len + n < o->cap)
		return 0;
	for (cap = o->cap ? o->cap : 256; cap <= o->len + n; cap *= 2)
		;
	p = realloc(o->buf, cap * unit);
	if (!p) {
		o->err = ENOMEM;
		return -1;
	}
	o->buf = p;
	o->cap = cap;
	return 0;
}

/* Append n units of wide text, as UTF-8 if the output is narrow. */
static void
out_wide(struct out *o, const WCHAR *s, size_t n)
{
	size_t k = o->wide ? n : tlh_wstr_to_utf8(NULL, s, n);

	if (out_room(o, k))
		return;
	if (o->wide)
		memcpy((WCHAR *)o->buf + o->len, s, n * sizeof(WCHAR));
	else
		tlh_wstr_to_utf8((char *)o->buf + o->len, s, n);
	o->len += k;
}

/* Append n bytes of narrow (UTF-8) text, as UTF-16 if the output is wide. */
static void
out_narrow(struct out *o, const char *s, size_t n)
{
	size_t k = o->wide ? tlh_wstr_from_utf8(NULL, s, n) : n;

	if (out_room(o, k))
		return;
	if (o->wide)
		tlh_wstr_from_utf8((WCHAR *)o->buf + o->len, s, n);
	else
		memcpy((char *)o->buf + o->len, s, n);
	o->len += k;
}

/* Append n spaces. */
static void
out_spaces(struct out *o, size_t n)
{
	size_t i;

	if (out_room(o, n))
		return;
	for (i = 0; i < n; i++) {
		if (o->wide)
			((WCHAR *)o->buf)[o->len + i] = ' ';
		else
			((char *)o->buf)[o->len + i] = ' ';
	}
	o->len += n;
}

/* --- conversion specifications -------------------------------------------- */

enum size {
	SZ_NONE, SZ_HH, SZ_H, SZ_L, SZ_LL, SZ_BIGL, SZ_J, SZ_Z, SZ_T,
	SZ_I, SZ_I32, SZ_I64, SZ_W
};

#define STAR	(-2)	/* a width or precision given by an argument */

struct spec {
	char flags[8];	/* as a C format spells them */
	int left;
	int width;	/* -1: none */
	int prec;	/* -1: none */
	enum size size;
	unsigned int conv;
	int positional;	/* an argument position (n$) appeared */
};

/* A format string of either width, read unit by unit. */
struct fmt {
	const void *p;
	int wide;
	size_t i;
};

static unsigned int
peek(const struct fmt *f, size_t off)
{
	if (f->wide)
		return ((const WCHAR *)f->p)[f->i + off];
	return ((const unsigned char *)f->p)[f->i + off];
}

/* Read a decimal number; -1 if it exceeds INT_MAX. */
static int
read_number(struct fmt *f)
{
	long v = 0;

	while (peek(f, 0) >= '0' && peek(f, 0) <= '9') {
		v = v * 10 + (long)(peek(f, 0) - '0');
		if (v > INT_MAX)
			return -1;
		f->i++;
	}
	return (int)v;
}

/* Skip an argument position "n$" if one is next; return whether it was. */
static int
skip_position(struct fmt *f)
{
	size_t k = 0;

	while (peek(f, k) >= '0' && peek(f, k) <= '9')
		k++;
	if (!k || peek(f, k) != '$')
		return 0;
	f->i += k + 1;
	return 1;
}

/*
 * Parse the specification after a '%' (ms: Microsoft's rules, else the C
 * library's); 0, or -1 if it is malformed.
 */
static int
parse_spec(struct fmt *f, struct spec *sp, int ms)
{
	const char *flagset = ms ? "-+ #0" : "-+ #0'I";
	size_t nflags = 0;
	unsigned int c;

	memset(sp, 0, sizeof(*sp));
	sp->positional = skip_position(f);
	while ((c = peek(f, 0)) && c < 0x80 && strchr(flagset, (int)c)) {
		if (c == '-')
			sp->left = 1;
		if (nflags < sizeof(sp->flags) - 2)
			sp->flags[nflags++] = (char)c;
		f->i++;
	}
	sp->width = -1;
	if (peek(f, 0) == '*') {
		f->i++;
		sp->positional |= skip_position(f);
		sp->width = STAR;
	} else if (peek(f, 0) >= '0' && peek(f, 0) <= '9') {
		sp->width = read_number(f);
		if (sp->width < 0)
			return -1;
	}
	sp->prec = -1;
	if (peek(f, 0) == '.') {
		f->i++;
		if (peek(f, 0) == '*') {
			f->i++;
			sp->positional |= skip_position(f);
			sp->prec = STAR;
		} else {
			sp->prec = read_number(f);
			if (sp->prec < 0)
				return -1;
		}
	}
	switch (peek(f, 0)) {
	case 'h':
		sp->size = peek(f, 1) == 'h' ? SZ_HH : SZ_H;
		break;
	case 'l':
		sp->size = peek(f, 1) == 'l' ? SZ_LL : SZ_L;
		break;
	case 'L':
		sp->size = SZ_BIGL;
		break;
	case 'j':
		sp->size = SZ_J;
		break;
	case 'z':
		sp->size = SZ_Z;
		break;
	case 't':
		sp->size = SZ_T;
		break;
	case 'q':
		sp->size = ms ? SZ_NONE : SZ_LL;
		break;
	case 'Z':
		sp->size = ms ? SZ_NONE : SZ_Z;
		break;
	case 'w':
		sp->size = ms ? SZ_W : SZ_NONE;
		break;
	case 'I':
		if (!ms)
			break;
		if (peek(f, 1) == '3' && peek(f, 2) == '2')
			sp->size = SZ_I32;
		else if (peek(f, 1) == '6' && peek(f, 2) == '4')
			sp->size = SZ_I64;
		else
			sp->size = SZ_I;
		break;
	}
	if (sp->size == SZ_HH || sp->size == SZ_LL)
		f->i += 2;
	else if (sp->size == SZ_I32 || sp->size == SZ_I64)
		f->i += 3;
	else if (sp->size != SZ_NONE)
		f->i++;
	sp->conv = peek(f, 0);
	if (!sp->conv)
		return -1;
	f->i++;
	return 0;
}

/* What a text conversion takes. */
enum text {
	TX_NONE,	/* not a text conversion */
	TX_NARROW,	/* a char string */
	TX_WIDE,	/* a WCHAR string */
	TX_NARROW_CHAR,
	TX_WIDE_CHAR,
	TX_BAD		/* a size that does not go with it */
};

static enum text
text_kind(const struct spec *sp, int ms)
{
	int wide;

	switch (sp->conv) {
	case 's':
	case 'c':
		if (ms)
			wide = sp->size == SZ_NONE || sp->size == SZ_L ||
			       sp->size == SZ_W;
		else
			wide = sp->size == SZ_L;
		if (!wide && sp->size != SZ_NONE && sp->size != SZ_H &&
		    sp->size != SZ_HH)
			return TX_BAD;
		break;
	case 'S':
	case 'C':
		if (ms)
			wide = sp->size == SZ_L || sp->size == SZ_W;
		else
			wide = 1;
		if (!wide && sp->size != SZ_NONE && sp->size != SZ_H)
			return TX_BAD;
		break;
	default:
		return TX_NONE;
	}
	if (sp->conv == 'c' || sp->conv == 'C')
		return wide ? TX_WIDE_CHAR : TX_NARROW_CHAR;
	return wide ? TX_WIDE : TX_NARROW;
}

/* --- pieces --------------------------------------------------------------- */

/* Append a piece of k output units with the width's padding around it. */
static void
pad_before(struct out *o, const struct spec *sp, size_t k)
{
	if (!sp->left && sp->width > 0 && (size_t)sp->width > k)
		out_spaces(o, (size_t)sp->width - k);
}

static void
pad_after(struct out *o, const struct spec *sp, size_t k)
{
	if (sp->left && sp->width > 0 && (size_t)sp->width > k)
		out_spaces(o, (size_t)sp->width - k);
}

/* Narrow text: precision counts its bytes. */
static void
put_narrow(struct out *o, const struct spec *sp, const char *s)
{
	size_t n, k;

	n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	k = o->wide ? tlh_wstr_from_utf8(NULL, s, n) : n;
	pad_before(o, sp, k);
	out_narrow(o, s, n);
	pad_after(o, sp, k);
}

/*
 * Wide text: precision counts output units, and in narrow output whole
 * characters only, as the C library counts the bytes of %ls.
 */
static void
put_wide(struct out *o, const struct spec *sp, const WCHAR *s)
{
	size_t n = 0, k = 0, step, bytes;
	unsigned char tmp[4];
	uint32_t cp;

	if (o->wide || sp->prec < 0) {
		n = sp->prec >= 0 ? tlhelp32_wcsnlen(s, (size_t)sp->prec) :
				    tlhelp32_wcslen(s);
		k = o->wide ? n : tlh_wstr_to_utf8(NULL, s, n);
	} else {
		while (s[n]) {
			step = tlh_text_next16(s + n, 2, &cp);
			if (cp == TLH_TEXT_BAD)
				cp = TLH_TEXT_REPLACEMENT;
			bytes = tlh_text_encode(tmp, cp);
			if (k + bytes > (size_t)sp->prec)
				break;
			k += bytes;
			n += step;
		}
	}
	pad_before(o, sp, k);
	out_wide(o, s, n);
	pad_after(o, sp, k);
}

/*
 * A NULL string: "(null)", or in the C library's way nothing if the
 * precision cuts it.
 */
static void
put_null(struct out *o, const struct spec *sp)
{
	struct spec cut = *sp;

	if (!o->wide && sp->prec >= 0 && sp->prec < 6)
		cut.prec = 0;
	put_narrow(o, &cut, "(null)");
}

/* --- numbers, through the C library --------------------------------------- */

enum num { NUM_SIGNED, NUM_UNSIGNED, NUM_DOUBLE, NUM_LDOUBLE, NUM_PTR,
	   NUM_NONE };

union value {
	long long s;
	unsigned long long u;
	double d;
	long double ld;
	void *p;
};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int
c_format(char *buf, size_t n, const char *f, int w, int p, enum num kind,
	 const union value *v)
{
	switch (kind) {
	case NUM_SIGNED:
		return snprintf(buf, n, f, w, p, v->s);
	case NUM_UNSIGNED:
		return snprintf(buf, n, f, w, p, v->u);
	case NUM_DOUBLE:
		return snprintf(buf, n, f, w, p, v->d);
	case NUM_LDOUBLE:
		return snprintf(buf, n, f, w, p, v->ld);
	case NUM_PTR:
		return snprintf(buf, n, f, w, p, v->p);
	default:
		return snprintf(buf, n, f, w, p);
	}
}
#pragma GCC diagnostic pop

/*
 * Format one value with the C library's snprintf(), under the flags,
 * width and precision of sp, the length modifier len and conversion conv.
 */
static void
put_c(struct out *o, const struct spec *sp, const char *len, unsigned int conv,
      enum num kind, const union value *v)
{
	char f[32], small[128], *buf = small;
	int w = sp->width >= 0 ? sp->width : 0;
	int r;

	snprintf(f, sizeof(f), "%%%s*.*%s%c", sp->flags, len, (char)conv);
	r = c_format(small, sizeof(small), f, w, sp->prec, kind, v);
	if (r >= (int)sizeof(small)) {
		buf = malloc((size_t)r + 1);
		if (!buf) {
			o->err = o->err ? o->err : ENOMEM;
			return;
		}
		r = c_format(buf, (size_t)r + 1, f, w, sp->prec, kind, v);
	}
	if (r < 0)
		o->err = o->err ? o->err : (errno ? errno : EOVERFLOW);
	else
		out_narrow(o, buf, (size_t)r);
	if (buf != small)
		free(buf);
}

/* Microsoft's %p: the address in upper-case hexadecimal, every digit. */
static void
put_ms_pointer(struct out *o, const struct spec *sp, const void *p)
{
	char digits[2 * sizeof(void *) + 1];
	struct spec text = *sp;

	snprintf(digits, sizeof(digits), "%0*llX", (int)(2 * sizeof(void *)),
		 (unsigned long long)(uintptr_t)p);
	text.prec = -1;
	put_narrow(o, &text, digits);
}

/* %n: store the number of units written so far. */
static void
put_count(struct out *o, enum size size, void *p)
{
	switch (size) {
	case SZ_HH:
		*(signed char *)p = (signed char)o->len;
		break;
	case SZ_H:
		*(short *)p = (short)o->len;
		break;
	case SZ_L:
		*(long *)p = (long)o->len;
		break;
	case SZ_LL:
		*(long long *)p = (long long)o->len;
		break;
	case SZ_J:
		*(intmax_t *)p = (intmax_t)o->len;
		break;
	case SZ_Z:
		*(size_t *)p = o->len;
		break;
	case SZ_T:
		*(ptrdiff_t *)p = (ptrdiff_t)o->len;
		break;
	default:
		*(int *)p = (int)o->len;
		break;
	}
}

/* --- the engine ----------------------------------------------------------- */

/*
 * Format fmt with the arguments ap into o: wide (WCHAR format, UTF-16
 * output, Microsoft's rules) or narrow (char format, bytes, the C
 * library's rules with 16-bit wide text).  Return the units written, or
 * -1 with errno set; on failure o may hold part of the text.
 */
static int
format(struct out *o, const void *fmtp, va_list ap)
{
	struct fmt f = { fmtp, o->wide, 0 };
	int ms = o->wide, saved_errno = errno, w;
	union value v;
	struct spec sp;
	size_t start;
	enum num kind;
	unsigned int c;
	WCHAR unit;
	char byte;
	void *p;

	for (;;) {
		start = f.i;
		while ((c = peek(&f, 0)) && c != '%')
			f.i++;
		if (o->wide)
			out_wide(o, (const WCHAR *)fmtp + start, f.i - start);
		else
			out_narrow(o, (const char *)fmtp + start, f.i - start);
		if (!c)
			break;
		f.i++;
		if (peek(&f, 0) == '%') {
			out_narrow(o, "%", 1);
			f.i++;
			continue;
		}
		if (parse_spec(&f, &sp, ms) || sp.positional)
			goto bad;
		if (sp.width == STAR) {
			w = va_arg(ap, int);
			sp.width = w >= 0 ? w : (w == INT_MIN ? INT_MAX : -w);
			if (w < 0 && !sp.left) {
				sp.left = 1;
				sp.flags[strlen(sp.flags)] = '-';
			}
		}
		if (sp.prec == STAR) {
			w = va_arg(ap, int);
			sp.prec = w >= 0 ? w : -1;
		}

		switch (text_kind(&sp, ms)) {
		case TX_NARROW:
			p = va_arg(ap, char *);
			if (p)
				put_narrow(o, &sp, p);
			else
				put_null(o, &sp);
			continue;
		case TX_WIDE:
			p = va_arg(ap, WCHAR *);
			if (p)
				put_wide(o, &sp, p);
			else
				put_null(o, &sp);
			continue;
		case TX_NARROW_CHAR:
			byte = (char)va_arg(ap, int);
			sp.prec = -1;
			pad_before(o, &sp, o->wide ?
				   tlh_wstr_from_utf8(NULL, &byte, 1) : 1);
			out_narrow(o, &byte, 1);
			pad_after(o, &sp, o->wide ?
				  tlh_wstr_from_utf8(NULL, &byte, 1) : 1);
			continue;
		case TX_WIDE_CHAR:
			unit = (WCHAR)va_arg(ap, int);
			pad_before(o, &sp, o->wide ? 1 :
				   tlh_wstr_to_utf8(NULL, &unit, 1));
			out_wide(o, &unit, 1);
			pad_after(o, &sp, o->wide ? 1 :
				  tlh_wstr_to_utf8(NULL, &unit, 1));
			continue;
		case TX_BAD:
			goto bad;
		case TX_NONE:
			break;
		}

		switch (sp.conv) {
		case 'd':
		case 'i':
			kind = NUM_SIGNED;
			switch (sp.size) {
			case SZ_NONE:
			case SZ_I32:
				v.s = va_arg(ap, int);
				break;
			case SZ_HH:
				v.s = (signed char)va_arg(ap, int);
				break;
			case SZ_H:
				v.s = (short)va_arg(ap, int);
				break;
			case SZ_L:	/* Windows' long is 32 bits wide */
				v.s = ms ? va_arg(ap, int) : va_arg(ap, long);
				break;
			case SZ_LL:
			case SZ_I64:
				v.s = va_arg(ap, long long);
				break;
			case SZ_J:
				v.s = va_arg(ap, intmax_t);
				break;
			case SZ_Z:
			case SZ_T:
			case SZ_I:
				v.s = va_arg(ap, ptrdiff_t);
				break;
			default:
				goto bad;
			}
			break;
		case 'o':
		case 'u':
		case 'x':
		case 'X':
			kind = NUM_UNSIGNED;
			switch (sp.size) {
			case SZ_NONE:
			case SZ_I32:
				v.u = va_arg(ap, unsigned int);
				break;
			case SZ_HH:
				v.u = (unsigned char)va_arg(ap, unsigned int);
				break;
			case SZ_H:
				v.u = (unsigned short)va_arg(ap, unsigned int);
				break;
			case SZ_L:
				v.u = ms ? va_arg(ap, unsigned int) :
					   va_arg(ap, unsigned long);
				break;
			case SZ_LL:
			case SZ_I64:
				v.u = va_arg(ap, unsigned long long);
				break;
			case SZ_J:
				v.u = va_arg(ap, uintmax_t);
				break;
			case SZ_Z:
			case SZ_T:
			case SZ_I:
				v.u = va_arg(ap, size_t);
				break;
			default:
				goto bad;
			}
			break;
		case 'e':
		case 'E':
		case 'f':
		case 'F':
		case 'g':
		case 'G':
		case 'a':
		case 'A':
			if (sp.size == SZ_BIGL || (!ms && sp.size == SZ_LL)) {
				kind = NUM_LDOUBLE;
				v.ld = va_arg(ap, long double);
			} else {
				kind = NUM_DOUBLE;
				v.d = va_arg(ap, double);
			}
			break;
		case 'p':
			v.p = va_arg(ap, void *);
			if (ms) {
				put_ms_pointer(o, &sp, v.p);
				continue;
			}
			kind = NUM_PTR;
			break;
		case 'n':
			if (ms)		/* disabled on Windows */
				goto bad;
			put_count(o, sp.size, va_arg(ap, void *));
			continue;
		case 'm':
			if (ms)
				goto bad;
			kind = NUM_NONE;
			errno = saved_errno;
			break;
		default:
			goto bad;
		}
		put_c(o, &sp, kind == NUM_LDOUBLE ? "L" :
		      kind == NUM_SIGNED || kind == NUM_UNSIGNED ? "ll" : "",
		      sp.conv, kind, &v);
	}
	if (o->err)
		goto fail;
	return (int)o->len;
bad:
	o->err = EINVAL;
fail:
	errno = o->err;
	return -1;
}

/*
 * Format into a fresh buffer, terminated: on success o->buf holds o->len
 * units and a terminator, which the caller frees; on failure -1, errno set
 * and nothing to free.
 */
static int
render(struct out *o, int wide, const void *fmt, va_list ap)
{
	memset(o, 0, sizeof(*o));
	o->wide = wide;
	if (!fmt) {
		errno = EINVAL;
		return -1;
	}
	if (out_room(o, 0) || format(o, fmt, ap) < 0) {
		errno = o->err;
		free(o->buf);
		o->buf = NULL;
		return -1;
	}
	if (wide)
		((WCHAR *)o->buf)[o->len] = 0;
	else
		((char *)o->buf)[o->len] = '\0';
	return (int)o->len;
}

/* Whether a narrow format has a wide text conversion (%ls, %lc, %S, %C). */
static int
has_wide(const char *fmt)
{
	struct fmt f = { fmt, 0, 0 };
	struct spec sp;
	enum text t;

	while (peek(&f, 0)) {
		if (peek(&f, 0) != '%') {
			f.i++;
			continue;
		}
		f.i++;
		if (peek(&f, 0) == '%') {
			f.i++;
			continue;
		}
		if (parse_spec(&f, &sp, 0))
			return 0;	/* the C library judges it */
		t = text_kind(&sp, 0);
		if (t == TX_WIDE || t == TX_WIDE_CHAR)
			return 1;
	}
	return 0;
}

/*
 * Microsoft's bounded copy (_snprintf, _snwprintf): all of the text and a
 * terminator if it fits; exactly n units and no terminator if the text is
 * n units long; n units, no terminator and -1 if it is longer.
 */
static int
ms_copy(void *buf, size_t n, const void *text, int len, size_t unit)
{
	size_t k = (size_t)len < n ? (size_t)len : n;

	memcpy(buf, text, k * unit);
	if ((size_t)len < n)
		memset((char *)buf + k * unit, 0, unit);
	return (size_t)len <= n ? len : -1;
}

/*
 * The output paths the wide and narrow functions share; each formats with
 * render() (wide: Microsoft's rules) and frees what it made.
 */

/* Write the text to stream: UTF-8 from a wide text, the bytes otherwise. */
static int
to_stream(FILE *stream, int wide, const void *fmt, va_list ap)
{
	struct out o;
	int len, ret;

	if (!stream) {
		errno = EINVAL;
		return -1;
	}
	len = render(&o, wide, fmt, ap);
	if (len < 0)
		return -1;
	if (wide)
		ret = tlh_wstr_put(o.buf, (size_t)len, stream) ? -1 : len;
	else
		ret = fwrite(o.buf, 1, (size_t)len, stream) == (size_t)len ?
		      len : -1;
	free(o.buf);
	return ret;
}

/* Store the text and its terminator in buf, whatever its size. */
static int
to_buffer(void *buf, int wide, const void *fmt, va_list ap)
{
	size_t unit = wide ? sizeof(WCHAR) : 1;
	struct out o;
	int len;

	if (!buf) {
		errno = EINVAL;
		return -1;
	}
	len = render(&o, wide, fmt, ap);
	if (len < 0)
		return -1;
	memcpy(buf, o.buf, ((size_t)len + 1) * unit);
	free(o.buf);
	return len;
}

/*
 * Store the text in buf, of n units, with ms_copy()'s rule; with buf NULL
 * and n 0, return the length it needs.
 */
static int
to_ms_buffer(void *buf, size_t n, int wide, const void *fmt, va_list ap)
{
	struct out o;
	int len;

	if (!buf && n) {
		errno = EINVAL;
		return -1;
	}
	len = render(&o, wide, fmt, ap);
	if (len < 0)
		return -1;
	if (buf)
		len = ms_copy(buf, n, o.buf, len, wide ? sizeof(WCHAR) : 1);
	free(o.buf);
	return len;
}

/* The body of a variadic function: call, with ap, is its va_list form. */
#define FORWARD(call)							\
	va_list ap;							\
	int r;								\
									\
	va_start(ap, fmt);						\
	r = call;							\
	va_end(ap);							\
	return r

/* --- wide: Microsoft's rules ---------------------------------------------- */

/* Write formatted wide text to stream, as UTF-8; return its units. */
TLH_EXPORT int
tlhelp32_vfwprintf(FILE *stream, const WCHAR *fmt, va_list ap)
{
	return to_stream(stream, 1, fmt, ap);
}

/* Write formatted wide text to stream. */
TLH_EXPORT int
tlhelp32_fwprintf(FILE *stream, const WCHAR *fmt, ...)
{
	FORWARD(tlhelp32_vfwprintf(stream, fmt, ap));
}

/* Write formatted wide text to stdout. */
TLH_EXPORT int
tlhelp32_vwprintf(const WCHAR *fmt, va_list ap)
{
	return tlhelp32_vfwprintf(stdout, fmt, ap);
}

/* Write formatted wide text to stdout. */
TLH_EXPORT int
tlhelp32_wprintf(const WCHAR *fmt, ...)
{
	FORWARD(tlhelp32_vfwprintf(stdout, fmt, ap));
}

/*
 * Format into buf, of n units: the text and a terminator, and its length;
 * if it does not fit, n - 1 units and a terminator, and -1.
 */
TLH_EXPORT int
tlhelp32_vswprintf(WCHAR *buf, size_t n, const WCHAR *fmt, va_list ap)
{
	struct out o;
	int len;

	if (!buf || !n) {
		errno = EINVAL;
		return -1;
	}
	len = render(&o, 1, fmt, ap);
	if (len < 0)
		return -1;
	if ((size_t)len >= n) {
		memcpy(buf, o.buf, (n - 1) * sizeof(WCHAR));
		buf[n - 1] = 0;
		len = -1;
	} else {
		memcpy(buf, o.buf, ((size_t)len + 1) * sizeof(WCHAR));
	}
	free(o.buf);
	return len;
}

/* Format into buf, of n units (the C function). */
TLH_EXPORT int
tlhelp32_swprintf(WCHAR *buf, size_t n, const WCHAR *fmt, ...)
{
	FORWARD(tlhelp32_vswprintf(buf, n, fmt, ap));
}

/*
 * Format into buf, of n units, as Microsoft's _snwprintf: see ms_copy().
 * With buf NULL and n 0, return the length the text needs.
 */
TLH_EXPORT int
tlhelp32__vsnwprintf(WCHAR *buf, size_t n, const WCHAR *fmt, va_list ap)
{
	return to_ms_buffer(buf, n, 1, fmt, ap);
}

/* Format into buf, of n units, as Microsoft's _snwprintf. */
TLH_EXPORT int
tlhelp32__snwprintf(WCHAR *buf, size_t n, const WCHAR *fmt, ...)
{
	FORWARD(tlhelp32__vsnwprintf(buf, n, fmt, ap));
}

/* Format into buf, whatever its size (Microsoft's legacy _swprintf). */
TLH_EXPORT int
tlhelp32__vswprintf(WCHAR *buf, const WCHAR *fmt, va_list ap)
{
	return to_buffer(buf, 1, fmt, ap);
}

/* Format into buf, whatever its size. */
TLH_EXPORT int
tlhelp32__swprintf(WCHAR *buf, const WCHAR *fmt, ...)
{
	FORWARD(tlhelp32__vswprintf(buf, fmt, ap));
}

/* --- narrow, default mode: the C library's rules, Microsoft's bounds ------ */

/*
 * Format into buf, of n bytes, as Microsoft's _snprintf (see ms_copy()),
 * with the C library's own vsnprintf().  With buf NULL and n 0, return
 * the length the text needs.
 */
TLH_EXPORT int
tlhelp32__vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	va_list aq;
	char *tmp;
	int len;

	if (!fmt || (!buf && n)) {
		errno = EINVAL;
		return -1;
	}
	va_copy(aq, ap);
	len = vsnprintf(buf, n, fmt, ap);
	if (len >= 0 && buf && (size_t)len >= n) {
		tmp = malloc((size_t)len + 1);
		if (tmp) {
			vsnprintf(tmp, (size_t)len + 1, fmt, aq);
			len = ms_copy(buf, n, tmp, len, 1);
			free(tmp);
		} else {
			len = -1;
			errno = ENOMEM;
		}
	}
	va_end(aq);
	return len < 0 ? -1 : len;
}

/* Format into buf, of n bytes, as Microsoft's _snprintf. */
TLH_EXPORT int
tlhelp32__snprintf(char *buf, size_t n, const char *fmt, ...)
{
	FORWARD(tlhelp32__vsnprintf(buf, n, fmt, ap));
}

/* --- narrow, wchar16 mode: the C library's, with 16-bit %ls --------------- */

/* Write formatted text to stream. */
TLH_EXPORT int
tlhelp32_w16_vfprintf(FILE *stream, const char *fmt, va_list ap)
{
	if (!stream || !fmt) {
		errno = EINVAL;
		return -1;
	}
	if (!has_wide(fmt))
		return vfprintf(stream, fmt, ap);
	return to_stream(stream, 0, fmt, ap);
}

/* Write formatted text to stream. */
TLH_EXPORT int
tlhelp32_w16_fprintf(FILE *stream, const char *fmt, ...)
{
	FORWARD(tlhelp32_w16_vfprintf(stream, fmt, ap));
}

/* Write formatted text to stdout. */
TLH_EXPORT int
tlhelp32_w16_vprintf(const char *fmt, va_list ap)
{
	return tlhelp32_w16_vfprintf(stdout, fmt, ap);
}

/* Write formatted text to stdout. */
TLH_EXPORT int
tlhelp32_w16_printf(const char *fmt, ...)
{
	FORWARD(tlhelp32_w16_vfprintf(stdout, fmt, ap));
}

/* Format into buf, whatever its size. */
TLH_EXPORT int
tlhelp32_w16_vsprintf(char *buf, const char *fmt, va_list ap)
{
	if (!buf || !fmt) {
		errno = EINVAL;
		return -1;
	}
	if (!has_wide(fmt))
		return vsprintf(buf, fmt, ap);
	return to_buffer(buf, 0, fmt, ap);
}

/* Format into buf, whatever its size. */
TLH_EXPORT int
tlhelp32_w16_sprintf(char *buf, const char *fmt, ...)
{
	FORWARD(tlhelp32_w16_vsprintf(buf, fmt, ap));
}

/* Format into buf, of n bytes, as the C library's vsnprintf(). */
TLH_EXPORT int
tlhelp32_w16_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o;
	int len;

	if (!fmt || (!buf && n)) {
		errno = EINVAL;
		return -1;
	}
	if (!has_wide(fmt))
		return vsnprintf(buf, n, fmt, ap);
	len = render(&o, 0, fmt, ap);
	if (len < 0)
		return -1;
	if (n) {
		memcpy(buf, o.buf, (size_t)len < n ? (size_t)len : n - 1);
		buf[(size_t)len < n ? (size_t)len : n - 1] = '\0';
	}
	free(o.buf);
	return len;
}

/* Format into buf, of n bytes. */
TLH_EXPORT int
tlhelp32_w16_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	FORWARD(tlhelp32_w16_vsnprintf(buf, n, fmt, ap));
}

/* Format into buf, of n bytes, as Microsoft's _snprintf. */
TLH_EXPORT int
tlhelp32_w16__vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	if (!fmt || (!buf && n)) {
		errno = EINVAL;
		return -1;
	}
	if (!has_wide(fmt))
		return tlhelp32__vsnprintf(buf, n, fmt, ap);
	return to_ms_buffer(buf, n, 0, fmt, ap);
}

/* Format into buf, of n bytes, as Microsoft's _snprintf. */
TLH_EXPORT int
tlhelp32_w16__snprintf(char *buf, size_t n, const char *fmt, ...)
{
	FORWARD(tlhelp32_w16__vsnprintf(buf, n, fmt, ap));
}

/* Write formatted text to file descriptor fd. */
TLH_EXPORT int
tlhelp32_w16_vdprintf(int fd, const char *fmt, va_list ap)
{
	struct out o;
	size_t done = 0;
	ssize_t r;
	int len;

	if (!fmt) {
		errno = EINVAL;
		return -1;
	}
	if (!has_wide(fmt))
		return vdprintf(fd, fmt, ap);
	len = render(&o, 0, fmt, ap);
	if (len < 0)
		return -1;
	while (done < (size_t)len) {
		r = write(fd, (char *)o.buf + done, (size_t)len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			len = -1;
			break;
		}
		done += (size_t)r;
	}
	free(o.buf);
	return len;
}

/* Write formatted text to file descriptor fd. */
TLH_EXPORT int
tlhelp32_w16_dprintf(int fd, const char *fmt, ...)
{
	FORWARD(tlhelp32_w16_vdprintf(fd, fmt, ap));
}

/* Format into a malloc'd buffer, stored in *strp (NULL on failure). */
TLH_EXPORT int
tlhelp32_w16_vasprintf(char **strp, const char *fmt, va_list ap)
{
	struct out o;
	int len;

	if (!strp || !fmt) {
		errno = EINVAL;
		return -1;
	}
	if (!has_wide(fmt)) {
		len = vasprintf(strp, fmt, ap);
		if (len < 0)
			*strp = NULL;
		return len;
	}
	len = render(&o, 0, fmt, ap);
	*strp = o.buf;
	return len;
}

/* Format into a malloc'd buffer, stored in *strp. */
TLH_EXPORT int
tlhelp32_w16_asprintf(char **strp, const char *fmt, ...)
{
	FORWARD(tlhelp32_w16_vasprintf(strp, fmt, ap));
}

/* --- narrow input, wchar16 mode ------------------------------------------- */

/*
 * Whether a scanf format has a wide text conversion (%ls, %lc, %l[, %S,
 * %C), which the C library would store as 32-bit units.
 */
static int
scan_has_wide(const char *fmt)
{
	const char *p = fmt;
	int l;

	while ((p = strchr(p, '%'))) {
		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		while (*p == '*' || *p == '$' || *p == 'm' ||
		       (*p >= '0' && *p <= '9'))
			p++;
		l = *p == 'l' && p[1] != 'l';
		while (*p && strchr("hlLqjzt", *p))
			p++;
		if (*p == 'S' || *p == 'C' ||
		    (l && (*p == 's' || *p == 'c' || *p == '[')))
			return 1;
		if (*p == '[') {
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
		}
		if (*p)
			p++;
	}
	return 0;
}

/* Refuse a format with wide conversions: EOF and EINVAL. */
static int
scan_refuse(const char *fmt)
{
	if (!fmt || scan_has_wide(fmt)) {
		errno = EINVAL;
		return 1;
	}
	return 0;
}

/* Read from s, as the C library's vsscanf(), without wide conversions. */
TLH_EXPORT int
tlhelp32_w16_vsscanf(const char *s, const char *fmt, va_list ap)
{
	return scan_refuse(fmt) ? EOF : vsscanf(s, fmt, ap);
}

/* Read from stream, as the C library's vfscanf(), without wide ones. */
TLH_EXPORT int
tlhelp32_w16_vfscanf(FILE *stream, const char *fmt, va_list ap)
{
	return scan_refuse(fmt) ? EOF : vfscanf(stream, fmt, ap);
}

/* Read from stdin, as the C library's vscanf(), without wide ones. */
TLH_EXPORT int
tlhelp32_w16_vscanf(const char *fmt, va_list ap)
{
	return scan_refuse(fmt) ? EOF : vscanf(fmt, ap);
}

/* Read from s. */
TLH_EXPORT int
tlhelp32_w16_sscanf(const char *s, const char *fmt, ...)
{
	FORWARD(tlhelp32_w16_vsscanf(s, fmt, ap));
}

/* Read from stream. */
TLH_EXPORT int
tlhelp32_w16_fscanf(FILE *stream, const char *fmt, ...)
{
	FORWARD(tlhelp32_w16_vfscanf(stream, fmt, ap));
}

/* Read from stdin. */
TLH_EXPORT int
tlhelp32_w16_scanf(const char *fmt, ...)
{
	FORWARD(tlhelp32_w16_vscanf(fmt, ap));
}
