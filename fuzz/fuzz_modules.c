/*
 * fuzz_modules.c - the module list's reading of maps text: collect(),
 * which turns the mappings into objects, clean_path(), which undoes the
 * kernel's escapes in a name ("\012" for a newline, " (deleted)" for a
 * file that is gone), add_object(), which makes the snapshot's record, and
 * run_end(), which finds where the mappings around an address end.
 *
 * They are static in lib/linux/modules.c, so this file includes it; the
 * rest of the library it calls is fuzz/snapstub.c.  Nothing here opens the
 * paths the input names.
 *
 * The input is the text of a maps file, split as read_lines() splits it
 * (fuzz_maps_text checks that) and parsed with tlh_maps_parse_line()
 * (fuzz_maps_line checks that).  Each object must start at a mapping at
 * offset 0 of a file (inode != 0, a name starting with '/'), end at or
 * after where that mapping ends, and carry the name unescaped, as a
 * second, simpler unescaping here gives it; each record the name's last
 * component, the path, and a size that is the object's.
 */
#include "config.h"

#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "fuzz.h"
#include "linux/modules.c"

const char fuzz_target_name[] = "modules";

#define HEAD_MAX	8192	/* read_lines()'s buffer */

/* The name with "\012" turned into newlines and " (deleted)" cut. */
static char *
unescape(const char *name, size_t len)
{
	static const char gone[] = " (deleted)";
	char *out = malloc(len + 1), *hit;
	size_t n = 0, k;
	const char *p = name, *end = name + len;

	fuzz_check(out != NULL);
	while (p < end) {
		if (end - p >= 4 && p[0] == '\\' && p[1] == '0' &&
		    p[2] == '1' && p[3] == '2') {
			out[n++] = '\n';
			p += 4;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	/* the mark ends the whole name; a NUL in it (which the kernel never
	 * writes) just ends the path early */
	k = sizeof(gone) - 1;
	hit = n > k ? out + n - k : NULL;
	if (hit && !memcmp(hit, gone, k))
		*hit = '\0';
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct objects os = { NULL, 0, 0, NULL, 0, 0 };
	struct tlh_snapshot snap;
	const struct tlh_module_rec *rec;
	const char *text = (const char *)data, *nl, *slash, *name, *path;
	size_t pos = 0, len, i, files = 0;
	struct tlh_vma v;
	uintptr_t last_end = 0;
	int sorted = 1;
	char *want;

	while (pos < size) {
		nl = memchr(text + pos, '\n', size - pos);
		len = nl ? (size_t)(nl - (text + pos)) : size - pos;
		if (!tlh_maps_parse_line(text + pos,
					 len < HEAD_MAX ? len : HEAD_MAX, &v)) {
			fuzz_check(collect(&v, &os) == 0);
			sorted = sorted && v.start >= last_end;
			last_end = v.end;
			files += v.inode && v.name_len && v.name[0] == '/' &&
				 !v.offset;
			/* the newest object: this mapping's, if it made one */
			if (v.inode && v.name_len && v.name[0] == '/' &&
			    !v.offset) {
				fuzz_check(os.n == files);
				fuzz_check(os.o[os.n - 1].base == v.start);
				fuzz_check(os.o[os.n - 1].end == v.end);
				want = unescape(v.name, v.name_len);
				fuzz_check(!strcmp(os.o[os.n - 1].path, want));
				fuzz_check(os.o[os.n - 1].path[0] == '/');
				fuzz_check(!strstr(os.o[os.n - 1].path,
						   "\\012"));
				free(want);
			}
		}
		pos += len + (nl ? 1 : 0);
	}
	fuzz_check(os.n == files);
	/* the runs of mappings without a hole: in order, apart, and each
	 * object's first mapping inside one where the input's mappings came
	 * in address order, as the kernel's do, (find_images() cuts an image
	 * at its run's end) */
	for (i = 0; i < os.nruns; i++) {
		fuzz_check(os.runs[i].start < os.runs[i].end);
		fuzz_check(!i || os.runs[i - 1].end < os.runs[i].start);
	}
	for (i = 0; sorted && i < os.n; i++)
		fuzz_check(run_end(&os, os.o[i].base) >= os.o[i].first_end);

	memset(&snap, 0, sizeof(snap));
	for (i = 0; i < os.n; i++) {
		fuzz_check(os.o[i].base < os.o[i].end);
		fuzz_check(os.o[i].inode != 0);
		os.o[i].elf_class = 2;
		fuzz_check(add_object(&snap, &os.o[i]) == 0);
		fuzz_check(snap.modules.count == i + 1);
		rec = (const struct tlh_module_rec *)snap.modules.items + i;
		fuzz_check(rec->base == os.o[i].base);
		fuzz_check(rec->size == os.o[i].end - os.o[i].base);
		fuzz_check(rec->name < snap.pool_len &&
			   rec->path < snap.pool_len);
		name = snap.pool + rec->name;
		path = snap.pool + rec->path;
		fuzz_check(!strcmp(path, os.o[i].path));
		slash = strrchr(path, '/');
		fuzz_check(slash && !strcmp(name, slash + 1));
	}

	fuzz_snap_clear(&snap);
	for (i = 0; i < os.n; i++)
		free(os.o[i].path);
	free(os.o);
	free(os.runs);
	return 0;
}
