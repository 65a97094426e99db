#include "CMallocInfo.h"

#include <limits.h> /* pulls in <features.h>, which defines __GLIBC__ on glibc */

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>

size_t cmi_allocated_bytes(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

int cmi_is_supported(void) { return 1; }
#else
size_t cmi_allocated_bytes(void) { return 0; }
int cmi_is_supported(void) { return 0; }
#endif
