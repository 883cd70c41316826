/*
 * messages.c - the system message table that FormatMessage searches with
 * FORMAT_MESSAGE_FROM_SYSTEM: the en-US text Windows gives for every error
 * code the library can set, and for the codes FormatMessage itself sets.
 * Every ERROR_ constant of <tlhelp32.h> and <windows.h> has its entry
 * (tests/check_format.c checks the headers against this table).
 *
 * As in Windows' own table, each text ends with CR LF, and a text may hold
 * insert sequences (%1, %2) that FormatMessage fills in unless told to
 * ignore them.
 */
#include "config.h"

#include "internal.h"

static const struct {
	DWORD id;
	const char *text;
} messages[] = {
	{ 0, "The operation completed successfully.\r\n" },
	{ 4, "The system cannot open the file.\r\n" },
	{ 5, "Access is denied.\r\n" },
	{ 6, "The handle is invalid.\r\n" },
	{ 8, "Not enough memory resources are available to process this "
	     "command.\r\n" },
	{ 13, "The data is invalid.\r\n" },
	{ 18, "There are no more files.\r\n" },
	{ 24, "The program issued a command but the command length is "
	      "incorrect.\r\n" },
	{ 31, "A device attached to the system is not functioning.\r\n" },
	{ 50, "The request is not supported.\r\n" },
	{ 87, "The parameter is incorrect.\r\n" },
	{ 120, "This function is not supported on this system.\r\n" },
	{ 122, "The data area passed to a system call is too small.\r\n" },
	{ 235, "The action requested resulted in no work being done. "
	       "Error-style clean-up has been performed.\r\n" },
	{ 299, "Only part of a ReadProcessMemory or WriteProcessMemory "
	       "request was completed.\r\n" },
	{ 317, "The system cannot find message text for message number 0x%1 "
	       "in the message file for %2.\r\n" },
	{ 487, "Attempt to access invalid address.\r\n" },
	{ 998, "Invalid access to memory location.\r\n" },
	{ 1813, "The specified resource type cannot be found in the image "
		"file.\r\n" },
	{ 1815, "The specified resource language ID cannot be found in the "
		"image file.\r\n" },
	{ 15100, "The resource loader failed to find MUI file.\r\n" },
};

/* HRESULT_FROM_WIN32(code): severity error, facility 7 (FACILITY_WIN32). */
#define HRESULT_WIN32_MASK	0xFFFF0000u
#define HRESULT_WIN32		0x80070000u

const char *
tlh_message_find(DWORD id)
{
	size_t lo = 0, hi = sizeof(messages) / sizeof(messages[0]), mid;

	/* An HRESULT that wraps a Win32 code has that code's text. */
	if ((id & HRESULT_WIN32_MASK) == HRESULT_WIN32)
		id &= ~HRESULT_WIN32_MASK;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (messages[mid].id == id)
			return messages[mid].text;
		if (messages[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
