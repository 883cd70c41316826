/* Windows.h - the spelling some Windows code uses: see windows.h. */
#include "windows.h"
