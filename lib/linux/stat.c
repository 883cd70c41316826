/*
 * stat.c - the few fields of a stat file a snapshot needs.
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "stat.h"

#ifndef SCHED_IDLE
#define SCHED_IDLE	5
#endif
#define TLH_SCHED_DEADLINE	6

/* Parse a decimal that fits 64 bits, then one space, newline or end. */
static int
field(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	unsigned int d;
	int digits = 0, neg = 0;

	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	while (s < end && *s >= '0' && *s <= '9') {
		d = (unsigned int)(*s++ - '0');
		if (v > UINT64_MAX / 10 ||
		    (v == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return -EINVAL;
		v = v * 10 + d;
		digits++;
	}
	if (!digits || (s < end && *s != ' ' && *s != '\n'))
		return -EINVAL;
	if (s < end)
		s++;
	*p = s;
	*out = neg ? 0 - v : v;	/* two's complement, without overflow */
	return 0;
}

int
tlh_stat_parse(const char *buf, size_t len, struct tlh_stat *st)
{
	const char *end = buf + len, *p = buf, *open, *close;
	uint64_t v[50];
	size_t n, i;

	for (close = end; close > buf && close[-1] != ')'; close--)
		;
	open = memchr(buf, '(', len);
	if (!open || close == buf || --close < open)
		return -EINVAL;
	if (field(&p, open, &v[0]) || p != open || v[0] > UINT32_MAX)
		return -EINVAL;
	st->pid = (uint32_t)v[0];
	n = (size_t)(close - open - 1);
	if (n >= sizeof(st->comm))
		n = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, n);
	st->comm[n] = '\0';

	/* ") S ppid ...": state is field 3; the numbers start at field 4. */
	p = close + 1;
	if (end - p < 4 || p[0] != ' ' || p[2] != ' ')
		return -EINVAL;
	st->state = p[1];
	p += 3;
	/* Fields 4..41 (ppid .. policy); later kernels append more. */
	for (i = 0; i < 38; i++)
		if (p >= end || field(&p, end, &v[i]))
			return -EINVAL;
	/* v[i] is field i + 4 */
	if (v[0] > UINT32_MAX || (int64_t)v[15] < -20 || (int64_t)v[15] > 19 ||
	    v[16] > UINT32_MAX || v[36] > 99 || v[37] > 7)
		return -EINVAL;
	st->ppid = (uint32_t)v[0];
	st->nice = (int32_t)(int64_t)v[15];
	st->threads = (uint32_t)v[16];
	st->starttime = v[18];
	st->rt_priority = (uint32_t)v[36];
	st->policy = (uint32_t)v[37];
	return 0;
}

static int
realtime(const struct tlh_stat *st)
{
	return st->policy == SCHED_FIFO || st->policy == SCHED_RR ||
	       st->policy == TLH_SCHED_DEADLINE;
}

/*
 * Windows priority classes: idle 4, below normal 6, normal 8, above normal
 * 10, high 13, realtime 24.  Nice values map in bands of ten around 0.
 */
int32_t
tlh_stat_class_base(const struct tlh_stat *st)
{
	if (realtime(st))
		return 24;
	if (st->policy == SCHED_IDLE || st->nice >= 15)
		return 4;
	if (st->nice >= 5)
		return 6;
	if (st->nice > -5)
		return 8;
	if (st->nice > -15)
		return 10;
	return 13;
}

/*
 * Thread base priorities: 1..15 for ordinary threads (nice 0 is 8, each 3
 * nice steps one level), 16..31 for real-time ones by rt_priority.
 */
int32_t
tlh_stat_thread_base(const struct tlh_stat *st)
{
	int32_t p;

	if (realtime(st))
		return 16 + (int32_t)((st->rt_priority * 15 + 49) / 99);
	if (st->policy == SCHED_IDLE)
		return 1;
	p = 8 - st->nice / 3;
	return p < 1 ? 1 : p > 15 ? 15 : p;
}
