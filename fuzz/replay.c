/*
 * replay.c - runs a fuzz target without libFuzzer, so that make check can
 * build it with any compiler and replay its corpus.
 *
 *	replay_<target> [FILE|DIR]...
 *
 * With no arguments it replays $top_srcdir/fuzz/corpus/<target>/ (the
 * current directory's fuzz/corpus/<target>/ without top_srcdir), which
 * must hold at least one file.  Each file is run whole, cut short (at
 * every length up to 256, at and after its newlines, and at 64 lengths
 * beyond), and changed in REPLAY_MUTATIONS (default 64) ways chosen by a
 * fixed generator, so that a run is the same every time.  Then come
 * inputs no seed file holds: the empty input, every single byte, and
 * 64 KiB of junk, of newlines, of one long line and of a real line
 * repeated.  Each input is handed over in a buffer of
 * exactly its size, so that a read past its end is caught by
 * AddressSanitizer where the build has it.
 *
 * The name of each file is printed before it is run, so that the last
 * name in the log is the culprit when an invariant aborts.  Exit status
 * 0 when every input ran, 99 when the corpus cannot be read.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define MAX_FILE	((size_t)1 << 20)
#define BIG		((size_t)64 << 10)

static unsigned long inputs;

/* Run the target on @size bytes at @data, copied to a buffer that size. */
static void
run(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy) {
		perror("replay: malloc");
		exit(99);
	}
	if (size)
		memcpy(copy, data, size);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
	inputs++;
}

/* Bytes worth putting into kernel text: separators, digits, escapes. */
static const uint8_t interesting[] = {
	' ', '\n', '(', ')', '-', ':', '/', '\\', '[', ']', '0', '9', 'f',
	'r', 'w', 'x', 'p', 's', 0x00, 0x7f, 0x80, 0xc0, 0xe0, 0xed, 0xf0,
	0xf4, 0xff,
};

/* Replay one change to @data, chosen by the generator at @rng. */
static void
mutate(const uint8_t *data, size_t size, uint64_t *rng, uint8_t *work)
{
	uint64_t r = fuzz_next(rng);
	size_t len = size, pos = size ? (size_t)(r >> 8) % size : 0;
	size_t k;

	memcpy(work, data, size);
	switch (r % 6) {
	case 0:		/* flip a bit */
		if (len)
			work[pos] ^= (uint8_t)(1u << ((r >> 40) % 8));
		break;
	case 1:		/* an interesting byte */
		if (len)
			work[pos] = interesting[(r >> 40) %
						sizeof(interesting)];
		break;
	case 2:		/* insert one */
		memmove(work + pos + 1, work + pos, len - pos);
		work[pos] = interesting[(r >> 40) % sizeof(interesting)];
		len++;
		break;
	case 3:		/* delete a run */
		k = len - pos ? 1 + (size_t)(r >> 40) % (len - pos) : 0;
		memmove(work + pos, work + pos + k, len - pos - k);
		len -= k;
		break;
	case 4:		/* repeat a digit: numbers too long for their field */
		k = 1 + (size_t)(r >> 40) % 24;
		memmove(work + pos + k, work + pos, len - pos);
		memset(work + pos, (r >> 32) & 1 ? '9' : 'f', k);
		len += k;
		break;
	default:	/* duplicate the whole, as a second line */
		if (len && len <= size) {
			memcpy(work + len, data, size);
			len += size;
		}
		break;
	}
	run(work, len);
}

static void
replay_buffer(const char *name, const uint8_t *data, size_t size)
{
	const char *env = getenv("REPLAY_MUTATIONS");
	long mutations = env ? strtol(env, NULL, 10) : 64;
	size_t cut, step, lines;
	uint64_t rng = fuzz_hash(data, size);
	uint8_t *work;
	long i;

	printf("%s: %zu bytes\n", name, size);
	fflush(stdout);
	run(data, size);
	/* cut short: at each of the first 256 lengths, at and after each of
	 * the first 256 newlines, and at 64 lengths spread over the rest */
	for (cut = 0; cut < size && cut < 256; cut++)
		run(data, cut);
	for (cut = 256, lines = 0; cut < size && lines < 256; cut++) {
		if (data[cut] != '\n')
			continue;
		run(data, cut);
		run(data, cut + 1);
		lines++;
	}
	step = size / 64 + 1;
	for (cut = 256 + step / 2; cut < size; cut += step)
		run(data, cut);
	work = malloc(2 * size + 32);
	if (!work) {
		perror("replay: malloc");
		exit(99);
	}
	for (i = 0; i < mutations; i++)
		mutate(data, size, &rng, work);
	free(work);
}

static int
replay_file(const char *path)
{
	uint8_t *data;
	ssize_t got;
	size_t size = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	data = malloc(MAX_FILE);
	if (!data) {
		close(fd);
		return -1;
	}
	while (size < MAX_FILE) {
		got = read(fd, data + size, MAX_FILE - size);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		size += (size_t)got;
	}
	close(fd);
	if (got < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		free(data);
		return -1;
	}
	replay_buffer(path, data, size);
	free(data);
	return 0;
}

static int
visible(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Replay @path, a file or a directory of files; returns the files run. */
static long
replay_path(const char *path)
{
	char file[PATH_MAX];
	struct dirent **list;
	struct stat st;
	long files = 0;
	int n, i;

	if (stat(path, &st)) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path) ? -1 : 1;
	n = scandir(path, &list, visible, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (files >= 0 &&
		    (size_t)snprintf(file, sizeof(file), "%s/%s", path,
				     list[i]->d_name) < sizeof(file) &&
		    !stat(file, &st) && S_ISREG(st.st_mode))
			files = replay_file(file) ? -1 : files + 1;
		free(list[i]);
	}
	free(list);
	return files;
}

/* Inputs that no seed file holds. */
static void
replay_edges(void)
{
	static const char line[] =
		"7f0000000000-7f0000001000 r--p 00000000 fe:00 1234    "
		"/usr/lib/x86_64-linux-gnu/libc.so.6\n";
	uint8_t *big = malloc(BIG);
	uint64_t rng = 1;
	size_t i;
	int b;

	if (!big) {
		perror("replay: malloc");
		exit(99);
	}
	printf("built-in: empty, single bytes, 64 KiB inputs\n");
	fflush(stdout);
	run(big, 0);
	for (b = 0; b < 256; b++) {
		big[0] = (uint8_t)b;
		run(big, 1);
	}
	for (i = 0; i < BIG; i++)
		big[i] = (uint8_t)fuzz_next(&rng);
	run(big, BIG);
	memset(big, '\n', BIG);
	run(big, BIG);
	memset(big, 'a', BIG);
	run(big, BIG);
	for (i = 0; i < BIG; i++)
		big[i] = (uint8_t)line[i % (sizeof(line) - 1)];
	run(big, BIG);
	free(big);
}

int
main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	char corpus[PATH_MAX];
	long files = 0, n;
	int i;

	if (argc < 2) {
		if ((size_t)snprintf(corpus, sizeof(corpus),
				     "%s/fuzz/corpus/%s", top ? top : ".",
				     fuzz_target_name) >= sizeof(corpus))
			return 99;
		files = replay_path(corpus);
		if (files == 0)
			fprintf(stderr, "replay: %s: no seed files\n", corpus);
		if (files <= 0)
			return 99;
	}
	for (i = 1; i < argc; i++) {
		n = replay_path(argv[i]);
		if (n < 0)
			return 99;
		files += n;
	}
	replay_edges();
	printf("replay %s: %ld files, %lu inputs: PASS\n", fuzz_target_name,
	       files, inputs);
	return 0;
}
