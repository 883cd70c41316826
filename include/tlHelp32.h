/* tlHelp32.h - the spelling some Windows code uses: see tlhelp32.h. */
#include "tlhelp32.h"
