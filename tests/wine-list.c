/*
 * wine-list.c - what the library says about one process, printed for
 * test-wine.sh to hold against what it learns elsewhere (the PE files,
 * /proc/<pid>/maps, the Windows program's own word):
 *
 *   wine-list PID
 *
 * prints, tab-separated:
 *   P  name                          Process32First/Next's entry for PID
 *   PW name                          Process32FirstW/NextW's (ASCII only)
 *   M  base size name path           Module32First/Next, TH32CS_SNAPMODULE
 *   MW base size name                Module32FirstW/NextW, the same list
 *   M32 base size name               TH32CS_SNAPMODULE32 alone
 *   R  hex                           the first 2 bytes of the first module,
 *                                    by Toolhelp32ReadProcessMemory
 * and exits 1 if a call fails that should not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tlhelp32.h>

/* @w as ASCII, '?' for anything else. */
static const char *
ascii(const WCHAR *w)
{
	static char buf[MAX_PATH + 1];
	size_t i;

	for (i = 0; w[i] && i < MAX_PATH; i++)
		buf[i] = w[i] < 0x80 ? (char)w[i] : '?';
	buf[i] = '\0';
	return buf;
}

static int
processes(DWORD pid)
{
	PROCESSENTRY32 pe;
	PROCESSENTRY32W pw;
	HANDLE s = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	BOOL ok;

	if (s == INVALID_HANDLE_VALUE)
		return 1;
	pe.dwSize = sizeof(pe);
	for (ok = Process32First(s, &pe); ok; ok = Process32Next(s, &pe))
		if (pe.th32ProcessID == pid)
			printf("P\t%s\n", pe.szExeFile);
	pw.dwSize = sizeof(pw);
	for (ok = Process32FirstW(s, &pw); ok; ok = Process32NextW(s, &pw))
		if (pw.th32ProcessID == pid)
			printf("PW\t%s\n", ascii(pw.szExeFile));
	CloseHandle(s);
	return 0;
}

static int
modules(DWORD pid, DWORD flags, const char *tag, BYTE **first)
{
	MODULEENTRY32 me;
	MODULEENTRY32W mw;
	HANDLE s = CreateToolhelp32Snapshot(flags, pid);
	BOOL ok;

	if (s == INVALID_HANDLE_VALUE)
		return 1;
	me.dwSize = sizeof(me);
	for (ok = Module32First(s, &me); ok; ok = Module32Next(s, &me)) {
		if (me.hModule != (HMODULE)me.modBaseAddr)
			return 1;
		if (first && !*first)
			*first = me.modBaseAddr;
		printf("%s\t%p\t0x%lx\t%s\t%s\n", tag, (void *)me.modBaseAddr,
		       (unsigned long)me.modBaseSize, me.szModule,
		       me.szExePath);
	}
	if (first) {
		mw.dwSize = sizeof(mw);
		for (ok = Module32FirstW(s, &mw); ok;
		     ok = Module32NextW(s, &mw))
			printf("%sW\t%p\t0x%lx\t%s\n", tag,
			       (void *)mw.modBaseAddr,
			       (unsigned long)mw.modBaseSize,
			       ascii(mw.szModule));
	}
	CloseHandle(s);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned char two[2];
	BYTE *first = NULL;
	SIZE_T got = 0;
	DWORD pid;

	if (argc != 2)
		return 2;
	pid = (DWORD)strtoul(argv[1], NULL, 10);
	if (processes(pid) || modules(pid, TH32CS_SNAPMODULE, "M", &first) ||
	    modules(pid, TH32CS_SNAPMODULE32, "M32", NULL))
		return 1;
	if (first && Toolhelp32ReadProcessMemory(pid, first, two, 2, &got) &&
	    got == 2)
		printf("R\t%02x%02x\n", two[0], two[1]);
	return 0;
}
