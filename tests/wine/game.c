/*
 * game.c - the Windows program test-wine.sh runs under Wine (built with
 * MinGW).  After it starts it loads its DLLs with LoadLibrary: first.dll
 * and second.dll share a preferred base, so Wine must move second.dll;
 * liar.dll then claims a SizeOfImage far larger than its image, and
 * nosig.dll loses its "PE\0\0" signature, both in its own memory, as
 * programs that guard themselves do.  Then it prints where each module
 * lies, as Windows tells it (GetModuleHandle), and waits to be killed.
 */
#include <windows.h>
#include <stdio.h>

static const char *const dlls[] = {
	"first.dll", "second.dll", "liar.dll", "nosig.dll", "trunc.dll",
};

/* Make the header page of @m writable and return its PE header. */
static unsigned char *
pe_header(HMODULE m)
{
	unsigned char *base = (unsigned char *)m;
	DWORD old;

	if (!VirtualProtect(base, 4096, PAGE_READWRITE, &old))
		return NULL;
	return base + *(DWORD *)(base + 0x3c);
}

int
main(void)
{
	HMODULE m[sizeof(dlls) / sizeof(dlls[0])];
	unsigned char *pe;
	unsigned int i;

	for (i = 0; i < sizeof(dlls) / sizeof(dlls[0]); i++) {
		m[i] = LoadLibraryA(dlls[i]);
		if (!m[i]) {
			printf("error LoadLibrary %s %lu\n", dlls[i],
			       (unsigned long)GetLastError());
			return 1;
		}
	}
	/* liar.dll: SizeOfImage (optional header + 56) of 2 GiB - 1 MiB */
	pe = pe_header(m[2]);
	if (!pe)
		return 2;
	*(DWORD *)(pe + 24 + 56) = 0x7ff00000;
	/* nosig.dll: no "PE\0\0" any more */
	pe = pe_header(m[3]);
	if (!pe)
		return 3;
	memset(pe, 0, 4);
	printf("exe %p\n", (void *)GetModuleHandleA(NULL));
	for (i = 0; i < sizeof(dlls) / sizeof(dlls[0]); i++)
		printf("dll %s %p\n", dlls[i], (void *)m[i]);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		Sleep(1000);
}
