"""Freed memory kept in the process for the next large array (glibc's allocator only).

An analysis makes and drops arrays of a few MB to a few tens of MB, one after another
(transforms, resampled columns, filtered bands). By default glibc hands each array over
128 kB to 32 MB (its threshold rises with the largest freed) straight from the system and
gives it back when freed, and gives back the top of its heap once 2x that threshold is free:
the next array's memory then comes from the system again, zeroed a 4 kB page at a time, one
page fault each. Six minutes at 400 Hz never leaves the heap it grew; an hour took 12,500
faults and 30-90 ms of system time on top of 300 ms of work (a tenth of the hour's cost,
and none of six minutes'). With arrays under 32 MB taken from the heap, and up to 256 MB of
freed heap kept, the hour takes a handful of faults; memory already used is reused, so the
peak stays what the arrays need.
"""

from __future__ import annotations

import ctypes
import functools
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_FROM_BYTES = 32 * 2**20
"""Arrays from 32 MB on (glibc's largest threshold) still come from the system each time."""
KEEP_FREE_BYTES = 256 * 2**20
"""Freed memory at the top of the heap that is kept for the next arrays."""


@functools.cache
def keep_freed_memory() -> bool:
    """Ask glibc to keep freed memory for reuse (once a process: the setting is the
    process's); False where the allocator is another. Called where an analysis starts
    (``analyse_leg``), so only processes that analyse are tuned."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library to ask, or not glibc's
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_FROM_BYTES)) and bool(
        mallopt(M_TRIM_THRESHOLD, KEEP_FREE_BYTES)
    )
