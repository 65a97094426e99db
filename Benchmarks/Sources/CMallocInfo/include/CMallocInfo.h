#ifndef C_MALLOC_INFO_H
#define C_MALLOC_INFO_H

#include <stddef.h>

/// Bytes currently handed out by malloc: glibc's mallinfo2() uordblks (in-use bytes in the arenas)
/// plus hblkhd (bytes in blocks malloc got straight from mmap, such as a large queue's buffer).
/// Returns 0 where mallinfo2 is not available (not glibc).
size_t cmi_allocated_bytes(void);

/// 1 when cmi_allocated_bytes() measures anything on this platform.
int cmi_is_supported(void);

#endif
