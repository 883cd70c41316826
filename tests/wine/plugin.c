/*
 * plugin.c - the DLLs game.c loads (first.dll, second.dll, liar.dll,
 * nosig.dll, trunc.dll are all this, built with the same preferred base).
 */
#include <windows.h>

__declspec(dllexport) int
plugin_value(void)
{
	return 42;
}

BOOL WINAPI
DllMain(HINSTANCE h, DWORD reason, LPVOID reserved)
{
	(void)h;
	(void)reason;
	(void)reserved;
	return TRUE;
}
