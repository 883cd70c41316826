/*
 * fuzz_stat.c - tlh_stat_parse() and the priorities made from its result.
 *
 * Each input is used twice.  First as the text of a stat file, handed
 * over in a buffer of exactly its size: a parse that succeeds must have
 * taken the name from between the first '(' and the last ')', kept every
 * number in range (nice -20..19, rt_priority 0..99, policy 0..7), left the
 * name terminated, and must give the same answer when the result is
 * printed back as the kernel prints it.  Then as the name of a process in
 * a stat line made the kernel's way (do_task_stat()), with numbers drawn
 * from the input's hash: any bytes but NUL, ')', spaces and newlines
 * included; that line must parse, to exactly what was written.
 *
 * tlh_stat_class_base() must give one of 4, 6, 8, 10, 13, 24, and
 * tlh_stat_thread_base() 1..31; they are checked on every result and,
 * once, on every combination of nice, policy and rt_priority in range.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "fuzz.h"
#include "linux/stat.h"

const char fuzz_target_name[] = "stat";

#define LINE_MAX_LEN	4096

static void
check_priorities(const struct tlh_stat *st)
{
	int32_t c = tlh_stat_class_base(st), t = tlh_stat_thread_base(st);

	fuzz_check(c == 4 || c == 6 || c == 8 || c == 10 || c == 13 ||
		   c == 24);
	fuzz_check(t >= 1 && t <= 31);
}

static void
check_all_priorities(void)
{
	static int done;
	struct tlh_stat st;

	if (done)
		return;
	done = 1;
	memset(&st, 0, sizeof(st));
	for (st.nice = -20; st.nice <= 19; st.nice++)
		for (st.policy = 0; st.policy <= 7; st.policy++)
			for (st.rt_priority = 0; st.rt_priority <= 99;
			     st.rt_priority++)
				check_priorities(&st);
}

/* The 49 numbers of fields 4..52, as the kernel prints them. */
struct fields {
	int64_t v[49];
	size_t n;		/* how many are printed: 38 (to policy)..49 */
};

/* Print a stat line; returns its length. */
static size_t
print_stat(char *buf, size_t cap, uint32_t pid, const char *comm,
	   size_t comm_len, char state, const struct fields *f)
{
	size_t len, i;
	int n;

	n = snprintf(buf, cap, "%" PRIu32 " (", pid);
	fuzz_check(n > 0 && (size_t)n + comm_len + 8 < cap);
	len = (size_t)n;
	memcpy(buf + len, comm, comm_len);
	len += comm_len;
	n = snprintf(buf + len, cap - len, ") %c", state);
	fuzz_check(n > 0);
	len += (size_t)n;
	for (i = 0; i < f->n; i++) {
		n = snprintf(buf + len, cap - len, " %" PRId64, f->v[i]);
		fuzz_check(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
	}
	fuzz_check(len + 1 < cap);
	buf[len++] = '\n';
	return len;
}

/* v[i] is field i + 4: ppid 4, nice 19, num_threads 20, starttime 22,
 * rt_priority 40, policy 41. */
#define F_PPID		0
#define F_NICE		15
#define F_THREADS	16
#define F_START		18
#define F_RTPRIO	36
#define F_POLICY	37

static void
same_result(const struct tlh_stat *a, const struct tlh_stat *b)
{
	fuzz_check(a->pid == b->pid && a->ppid == b->ppid);
	fuzz_check(a->state == b->state && a->nice == b->nice);
	fuzz_check(a->threads == b->threads && a->starttime == b->starttime);
	fuzz_check(a->rt_priority == b->rt_priority &&
		   a->policy == b->policy);
	fuzz_check(!strcmp(a->comm, b->comm));
}

/* The input as a stat file. */
static void
parse_as_is(const uint8_t *data, size_t size, char *buf)
{
	const char *text = (const char *)data;
	const char *open, *close;
	struct tlh_stat st, again;
	struct fields f;
	size_t n, len;
	int ret;

	memset(&st, 0x5a, sizeof(st));
	ret = tlh_stat_parse(text, size, &st);
	fuzz_check(ret == 0 || ret == -EINVAL);
	if (ret)
		return;

	/* the name: between the first '(' and the last ')' */
	open = memchr(text, '(', size);
	for (close = text + size - 1; close > text && *close != ')'; close--)
		;
	fuzz_check(open && *close == ')' && close > open);
	fuzz_check(memchr(st.comm, '\0', sizeof(st.comm)));
	n = (size_t)(close - open - 1);
	if (n > sizeof(st.comm) - 1)
		n = sizeof(st.comm) - 1;
	fuzz_check(!memcmp(st.comm, open + 1, n) && st.comm[n] == '\0');
	fuzz_check(close + 2 < text + size && st.state == close[2]);

	fuzz_check(st.nice >= -20 && st.nice <= 19);
	fuzz_check(st.rt_priority <= 99 && st.policy <= 7);
	check_priorities(&st);

	/* printed back and parsed again: the same */
	memset(&f, 0, sizeof(f));
	f.n = 38;
	f.v[F_PPID] = st.ppid;
	f.v[F_NICE] = st.nice;
	f.v[F_THREADS] = st.threads;
	f.v[F_START] = (int64_t)st.starttime;
	f.v[F_RTPRIO] = st.rt_priority;
	f.v[F_POLICY] = st.policy;
	if (st.starttime > INT64_MAX)
		return;		/* printed unsigned: not this printer's */
	len = print_stat(buf, LINE_MAX_LEN, st.pid, st.comm, strlen(st.comm),
			 st.state, &f);
	fuzz_check(!tlh_stat_parse(buf, len, &again));
	same_result(&st, &again);
}

/* A line the kernel could print, with the input as the name. */
static void
parse_made(const uint8_t *data, size_t size, char *buf)
{
	static const char states[] = "RSDTtXZPI";
	uint64_t rng = fuzz_hash(data, size);
	char comm[80];
	struct tlh_stat want, got;
	struct fields f;
	size_t comm_len, i, len;

	comm_len = size < sizeof(comm) ? size : sizeof(comm);
	for (i = 0; i < comm_len; i++)
		comm[i] = data[i] ? (char)data[i] : '@';

	memset(&want, 0, sizeof(want));
	want.pid = (uint32_t)fuzz_next(&rng);
	want.state = states[fuzz_next(&rng) % (sizeof(states) - 1)];
	f.n = 38 + (size_t)(fuzz_next(&rng) % 12);
	for (i = 0; i < f.n; i++) {
		f.v[i] = (int64_t)(fuzz_next(&rng) >>
				   (1 + fuzz_next(&rng) % 63));
		if (fuzz_next(&rng) % 8 == 0)
			f.v[i] = -f.v[i];
	}
	f.v[F_PPID] = (uint32_t)fuzz_next(&rng);
	f.v[F_NICE] = (int64_t)(fuzz_next(&rng) % 40) - 20;
	f.v[F_THREADS] = (uint32_t)fuzz_next(&rng);
	f.v[F_START] = (int64_t)(fuzz_next(&rng) >> 1);
	f.v[F_RTPRIO] = (int64_t)(fuzz_next(&rng) % 100);
	f.v[F_POLICY] = (int64_t)(fuzz_next(&rng) % 8);
	want.ppid = (uint32_t)f.v[F_PPID];
	want.nice = (int32_t)f.v[F_NICE];
	want.threads = (uint32_t)f.v[F_THREADS];
	want.starttime = (uint64_t)f.v[F_START];
	want.rt_priority = (uint32_t)f.v[F_RTPRIO];
	want.policy = (uint32_t)f.v[F_POLICY];
	i = comm_len < sizeof(want.comm) ? comm_len : sizeof(want.comm) - 1;
	memcpy(want.comm, comm, i);
	want.comm[i] = '\0';

	len = print_stat(buf, LINE_MAX_LEN, want.pid, comm, comm_len,
			 want.state, &f);
	fuzz_check(!tlh_stat_parse(buf, len, &got));
	same_result(&want, &got);
	check_priorities(&got);
	/* without its newline, too */
	fuzz_check(!tlh_stat_parse(buf, len - 1, &got));
	same_result(&want, &got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[LINE_MAX_LEN];

	check_all_priorities();
	parse_as_is(data, size, buf);
	parse_made(data, size, buf);
	return 0;
}
