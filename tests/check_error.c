/*
 * check_error.c - GetLastError and SetLastError: any DWORD round-trips,
 * and the last error belongs to the thread that set it, whether it was
 * set with SetLastError or by a failing Tool Help call.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>

#include <tlhelp32.h>

#include "suites.h"

/* A pid no process can have (above PID_MAX_LIMIT): ERROR_INVALID_PARAMETER. */
#define NO_SUCH_PID	0xFFFFFFFFu

#define ROUNDS		200

START_TEST(round_trip)
{
	static const DWORD values[] = {
		0, 1, ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER,
		ERROR_PARTIAL_COPY, ERROR_NOACCESS, 0x7FFFFFFFu, 0x80000000u,
		0xFFFFFFFEu, 0xFFFFFFFFu, 0
	};
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		SetLastError(values[i]);
		ck_assert_uint_eq(GetLastError(), values[i]);
		/* Reading it does not reset it. */
		ck_assert_uint_eq(GetLastError(), values[i]);
	}
}
END_TEST

/* SetLastError: each thread sets its own value, then waits for the other. */
struct setter {
	pthread_barrier_t *barrier;
	DWORD value;
	DWORD bad_rounds;	/* rounds in which it saw another value */
};

static void *
set_and_check(void *arg)
{
	struct setter *t = arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		SetLastError(t->value + (DWORD)i);
		pthread_barrier_wait(t->barrier);
		if (GetLastError() != t->value + (DWORD)i)
			t->bad_rounds++;
		pthread_barrier_wait(t->barrier);
	}
	return NULL;
}

START_TEST(per_thread_set)
{
	pthread_barrier_t barrier;
	struct setter t[2] = {
		{ &barrier, 1000, 0 },
		{ &barrier, 0xFFFF0000u, 0 },
	};
	pthread_t th[2];
	int i;

	SetLastError(0x12345678u);
	ck_assert_int_eq(pthread_barrier_init(&barrier, NULL, 2), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, set_and_check,
						&t[i]), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&barrier);

	ck_assert_uint_eq(t[0].bad_rounds, 0);
	ck_assert_uint_eq(t[1].bad_rounds, 0);
	/* Neither thread touched the main thread's value. */
	ck_assert_uint_eq(GetLastError(), 0x12345678u);
}
END_TEST

/*
 * Toolhelp32ReadProcessMemory: one thread names a process that cannot
 * exist (ERROR_INVALID_PARAMETER), the other reads address 0 of its own
 * process (ERROR_PARTIAL_COPY); both calls are made before either thread
 * looks at its last error.
 */
struct reader {
	pthread_barrier_t *barrier;
	DWORD pid;
	DWORD expected;
	DWORD bad_rounds;
	DWORD last_seen;
	BOOL succeeded;		/* the call should never succeed */
};

static void *
fail_and_check(void *arg)
{
	struct reader *t = arg;
	unsigned char buf[8];
	SIZE_T got;
	DWORD err;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		SetLastError(0);
		if (Toolhelp32ReadProcessMemory(t->pid, NULL, buf, sizeof(buf),
						&got))
			t->succeeded = TRUE;
		pthread_barrier_wait(t->barrier);
		err = GetLastError();
		if (err != t->expected) {
			t->bad_rounds++;
			t->last_seen = err;
		}
		pthread_barrier_wait(t->barrier);
	}
	return NULL;
}

START_TEST(per_thread_readmem)
{
	pthread_barrier_t barrier;
	struct reader t[2] = {
		{ &barrier, NO_SUCH_PID, ERROR_INVALID_PARAMETER, 0, 0, FALSE },
		{ &barrier, 0, ERROR_PARTIAL_COPY, 0, 0, FALSE },
	};
	pthread_t th[2];
	int i;

	SetLastError(ERROR_NOACCESS);
	ck_assert_int_eq(pthread_barrier_init(&barrier, NULL, 2), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, fail_and_check,
						&t[i]), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&barrier);

	for (i = 0; i < 2; i++) {
		ck_assert_msg(!t[i].succeeded, "thread %d: read succeeded", i);
		ck_assert_msg(t[i].bad_rounds == 0,
			      "thread %d: %lu rounds wrong, last error %lu, "
			      "expected %lu", i, (unsigned long)t[i].bad_rounds,
			      (unsigned long)t[i].last_seen,
			      (unsigned long)t[i].expected);
	}
	ck_assert_uint_eq(GetLastError(), ERROR_NOACCESS);
}
END_TEST

static void *
report_initial(void *arg)
{
	*(DWORD *)arg = GetLastError();
	return NULL;
}

START_TEST(new_thread_starts_at_zero)
{
	DWORD seen = 0xDEADBEEFu;
	pthread_t th;

	SetLastError(ERROR_PARTIAL_COPY);
	ck_assert_int_eq(pthread_create(&th, NULL, report_initial, &seen), 0);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_uint_eq(seen, ERROR_SUCCESS);
	ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
}
END_TEST

/* A successful call leaves the last error as it was, as on Windows. */
START_TEST(success_keeps_last_error)
{
	static const char src[] = "abcdefgh";
	char dst[sizeof(src)];
	SIZE_T got = 0;

	SetLastError(0xFEEDu);
	ck_assert(Toolhelp32ReadProcessMemory(0, src, dst, sizeof(src), &got));
	ck_assert_uint_eq(got, sizeof(src));
	ck_assert_uint_eq(GetLastError(), 0xFEEDu);
}
END_TEST

/* A failure overwrites whatever the thread had set. */
START_TEST(failure_overwrites_last_error)
{
	char dst[8];

	SetLastError(0xFFFFFFFFu);
	ck_assert(!Toolhelp32ReadProcessMemory(NO_SUCH_PID, dst, dst,
					       sizeof(dst), NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_INVALID_PARAMETER);
	SetLastError(ERROR_SUCCESS);
	ck_assert(!Toolhelp32ReadProcessMemory(0, NULL, dst, sizeof(dst),
					       NULL));
	ck_assert_uint_eq(GetLastError(), ERROR_PARTIAL_COPY);
}
END_TEST

Suite *
error_suite(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("last_error");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, per_thread_set);
	tcase_add_test(tc, per_thread_readmem);
	tcase_add_test(tc, new_thread_starts_at_zero);
	tcase_add_test(tc, success_keeps_last_error);
	tcase_add_test(tc, failure_overwrites_last_error);
	suite_add_tcase(s, tc);
	return s;
}
