"""Python's cyclic garbage collector held off while a large report is built from its rows.

Building the gender balance by module makes about 150,000 objects (a row's nested counts, then
its validated models), all alive until the response is written, none of them in a reference
cycle. While they are made the collector keeps running, and a full collection traverses every
object the process holds (the application's own few hundred thousand): measured at scale 1, two
or three full collections added 200 to 450 ms to the 60 ms the building itself takes. Reference
counting frees everything as usual while the collector is held off; it resumes at the end, whose
next young-generation pass looks once at what is still alive.

Only for synchronous, bounded work (no await inside, so no other request runs meanwhile); a caller
that has turned the collector off itself keeps it off."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def held_off() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
