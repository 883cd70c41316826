/*
 * th32-main.c - th32, the command-line face of libtlhelp32: list the
 * processes, threads, modules and heaps a Tool Help snapshot holds, walk
 * a heap's blocks, map, search, read and write another process's memory.
 *
 * Only the library's public API (<tlhelp32.h>, <windows.h>) and the C
 * library are used, so th32 is also a worked example of a client.  This
 * file reads the command line; each command has its own file.  See th32(1).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th32.h"

const char th32_usage_text[] =
	"usage: th32 [--json] ps [NAME...]\n"
	"       th32 [--json] threads [PID]\n"
	"       th32 [--json] modules PID\n"
	"       th32 [--json] heaps PID\n"
	"       th32 [--json] heap PID HEAPID [--free] [--min-size N]\n"
	"       th32 [--json] regions PID\n"
	"       th32 [--json] find PID PATTERN [--module NAME | "
	"--range ADDR-ADDR]\n"
	"                 [--max N]\n"
	"       th32 [--json] read PID ADDRESS LENGTH [TYPE]\n"
	"       th32 [--json] read PID ADDRESS TYPE\n"
	"       th32 read PID ADDRESS LENGTH -o FILE\n"
	"       th32 [--json] write PID ADDRESS VALUE\n"
	"       th32 -h | --help | --version\n";

static const char help_text[] =
	"\n"
	"  ps [NAME...]        list processes: PID PPID THREADS PRI NAME;\n"
	"                      with NAMEs only those (exit 1 if none)\n"
	"  threads [PID]       list the threads, of one process or all:\n"
	"                      TID PID PRI\n"
	"  modules PID         list a process's modules: BASE SIZE NAME PATH\n"
	"  heaps PID           list a process's malloc heaps: HEAPID FLAGS\n"
	"  heap PID HEAPID     list the blocks of one heap, read live:\n"
	"                      ADDRESS SIZE STATE; HEAPID is hex\n"
	"  --free              heap: only the free blocks\n"
	"  --min-size N        heap: only blocks of at least N bytes\n"
	"  regions PID         the address space as VirtualQueryEx walks it:\n"
	"                      BASE SIZE STATE PROTECT TYPE PATH\n"
	"  find PID PATTERN    every match in the committed, readable memory:\n"
	"                      ADDRESS NAME+OFFSET (exit 1 if none)\n"
	"  --module NAME       find: only in that module\n"
	"  --range A-B         find: only in [A, B)\n"
	"  --max N             find: stop after N matches\n"
	"  read PID ADDRESS LENGTH\n"
	"                      read LENGTH bytes (decimal or 0x hex, K, M, G\n"
	"                      suffixes, at most 1G) at ADDRESS, all or\n"
	"                      nothing, and print a hex dump, or with a TYPE\n"
	"                      the values (LENGTH: one value)\n"
	"  write PID ADDRESS VALUE\n"
	"                      write VALUE at ADDRESS, all or nothing\n"
	"  ADDRESS             hex (0x optional) or MODULE[+OFFSET], OFFSET hex\n"
	"  PATTERN, VALUE      --hex \"48 8b ?? 05\" (?? any byte: find only),\n"
	"                      --string TEXT, --wstring TEXT (UTF-16LE),\n"
	"                      --u8 --u16 --u32 --u64 --i8 --i16 --i32 --i64\n"
	"                      --f32 --f64 N (little-endian)\n"
	"  TYPE                read: --u8 ... --f64, without a value\n"
	"  --json              print JSON instead of text\n"
	"  -o FILE             read: write the raw bytes to FILE\n"
	"                      (- for standard output)\n"
	"  -h, --help          print this help\n"
	"  --version           print the version\n"
	"\n"
	"PID 0 is th32 itself.  Exit status: 0 success, 1 failure, 2 usage.\n"
	"See th32(1).\n";

enum {
	OPT_FREE = 256, OPT_HELP, OPT_JSON, OPT_MIN_SIZE, OPT_VERSION,
	OPT_MODULE, OPT_RANGE, OPT_MAX,
	OPT_KIND = 512,		/* + enum value_kind */
};

#define OPTIONS(number_arg) \
	{ "free", no_argument, NULL, OPT_FREE }, \
	{ "help", no_argument, NULL, OPT_HELP }, \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "min-size", required_argument, NULL, OPT_MIN_SIZE }, \
	{ "version", no_argument, NULL, OPT_VERSION }, \
	{ "module", required_argument, NULL, OPT_MODULE }, \
	{ "range", required_argument, NULL, OPT_RANGE }, \
	{ "max", required_argument, NULL, OPT_MAX }, \
	{ "hex", required_argument, NULL, OPT_KIND + VAL_HEX }, \
	{ "string", required_argument, NULL, OPT_KIND + VAL_STRING }, \
	{ "wstring", required_argument, NULL, OPT_KIND + VAL_WSTRING }, \
	{ "u8", number_arg, NULL, OPT_KIND + VAL_U8 }, \
	{ "u16", number_arg, NULL, OPT_KIND + VAL_U16 }, \
	{ "u32", number_arg, NULL, OPT_KIND + VAL_U32 }, \
	{ "u64", number_arg, NULL, OPT_KIND + VAL_U64 }, \
	{ "i8", number_arg, NULL, OPT_KIND + VAL_I8 }, \
	{ "i16", number_arg, NULL, OPT_KIND + VAL_I16 }, \
	{ "i32", number_arg, NULL, OPT_KIND + VAL_I32 }, \
	{ "i64", number_arg, NULL, OPT_KIND + VAL_I64 }, \
	{ "f32", number_arg, NULL, OPT_KIND + VAL_F32 }, \
	{ "f64", number_arg, NULL, OPT_KIND + VAL_F64 }, \
	{ NULL, 0, NULL, 0 }

/* The numbers' options take a value, but not with read: two tables. */
static const struct option value_options[] = { OPTIONS(required_argument) };
static const struct option type_options[] = { OPTIONS(no_argument) };

/* Close standard output and report a failed write; returns @ret or 1. */
static int
finish(int ret)
{
	int failed = ferror(stdout);

	if (fclose(stdout) != 0 || failed) {
		fprintf(stderr, "th32: write error: %s\n",
			failed ? "output failed" : strerror(errno));
		return EXIT_FAIL;
	}
	return ret;
}

/* The name of the long option @c, for messages. */
static const char *
option_name(int c)
{
	const struct option *p;

	for (p = value_options; p->name; p++)
		if (p->val == c)
			return p->name;
	return "?";
}

/*
 * Read the command line into @o and @args (@nargs operands, the command
 * first) with @table.  Returns -1 to go on, or the exit status.  A @dry
 * run only finds the operands: it neither acts nor complains.
 */
static int
parse(int argc, char *argv[], const struct option *table, int dry,
      struct options *o, char **args, int *nargs)
{
	int c;

	*nargs = 0;
	memset(o, 0, sizeof(*o));
	optind = 0;		/* glibc: start over */
	opterr = 0;
	/* Options may come anywhere; '-' keeps the operands in order. */
	while ((c = getopt_long(argc, argv, "-:ho:", table, NULL)) != -1) {
		if (dry && c != 1)
			continue;
		if (c >= OPT_KIND) {
			if (o->kind != VAL_NONE)
				return usage_error("only one of --hex, "
						   "--string, ... --f64 may "
						   "be given");
			o->kind = (enum value_kind)(c - OPT_KIND);
			o->value = optarg;
			continue;
		}
		switch (c) {
		case 1:
			args[(*nargs)++] = optarg;
			break;
		case 'h':
		case OPT_HELP:
			fputs(th32_usage_text, stdout);
			fputs(help_text, stdout);
			return finish(EXIT_OK);
		case OPT_VERSION:
			printf("th32 (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return finish(EXIT_OK);
		case OPT_JSON:
			o->json = 1;
			break;
		case 'o':
			o->out = optarg;
			break;
		case OPT_FREE:
			o->free_only = 1;
			break;
		case OPT_MIN_SIZE:
			o->min_size = optarg;
			break;
		case OPT_MODULE:
			o->module = optarg;
			break;
		case OPT_RANGE:
			o->range = optarg;
			break;
		case OPT_MAX:
			o->max = optarg;
			break;
		case ':':
			if (optopt == 'o')
				return usage_error("option '-o' needs an "
						   "argument");
			return usage_error("option '--%s' needs an argument",
					   option_name(optopt));
		default:
			/* A long option, or a short one that is not ours. */
			if (!optopt || optopt >= 256)
				return usage_error("unknown option '%s'",
						   argv[optind - 1]);
			return usage_error("unknown option '-%c'", optopt);
		}
	}
	while (optind < argc)
		args[(*nargs)++] = argv[optind++];
	return -1;
}

/* Options given to a command they are not for. */
static int
misplaced(const char *cmd, const struct options *o)
{
	int read = !strcmp(cmd, "read"), heap = !strcmp(cmd, "heap");
	int find = !strcmp(cmd, "find"), write = !strcmp(cmd, "write");

	if (o->out && !read)
		return usage_error("option -o is for the read command only");
	if (o->out && o->json)
		return usage_error("options -o and --json cannot be combined");
	if ((o->free_only || o->min_size) && !heap)
		return usage_error("options --free and --min-size are for the "
				   "heap command only");
	if ((o->module || o->range || o->max) && !find)
		return usage_error("options --module, --range and --max are "
				   "for the find command only");
	if (o->kind != VAL_NONE && !read && !find && !write)
		return usage_error("option %s is for the find, write and read "
				   "commands only", value_option(o->kind));
	return 0;
}

int
main(int argc, char *argv[])
{
	struct options o;
	char **args;
	int nargs = 0, ret;
	const char *cmd;

	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args)
		return out_of_memory();
	/* read's types take no value, find's and write's do: find the
	 * command first. */
	parse(argc, argv, type_options, 1, &o, args, &nargs);
	ret = parse(argc, argv, nargs && !strcmp(args[0], "read") ?
		    type_options : value_options, 0, &o, args, &nargs);
	if (ret >= 0) {
		free(args);
		return ret;
	}

	if (!nargs) {
		free(args);
		return usage_error("no command given");
	}
	cmd = args[0];
	ret = misplaced(cmd, &o);
	if (ret)
		;
	else if (!strcmp(cmd, "ps"))
		ret = cmd_ps(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "threads"))
		ret = cmd_threads(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "modules"))
		ret = cmd_modules(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "heaps"))
		ret = cmd_heaps(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "heap"))
		ret = cmd_heap(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "regions"))
		ret = cmd_regions(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "find"))
		ret = cmd_find(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "read"))
		ret = cmd_read(&o, args + 1, nargs - 1);
	else if (!strcmp(cmd, "write"))
		ret = cmd_write(&o, args + 1, nargs - 1);
	else
		ret = usage_error("unknown command '%s'", cmd);
	free(args);
	if (ret == EXIT_USAGE)
		return ret;
	return finish(ret);
}
