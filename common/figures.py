"""A generation for figures worked out from many tables (the staff dashboard), kept in the cache.

Pages that keep such figures key them on ``figures_generation()``; every write that can change them
calls ``figures_changed()``: ``save()`` and ``delete()`` of the tables they read through the
receivers the portal connects, bulk writes (``bulk_create``, ``update``) from the service that
makes them. Anything else (a fix in the database shell) shows once the kept figures expire.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

FIGURES_GENERATION = "figures:generation"


def figures_generation() -> int | None:
    """The current generation (0 before the first change, or while the cache holds nothing).

    None when figures must not be kept or read from the cache: inside a transaction that changed
    them and has not committed, and while the shared cache is down (each process would keep its
    own, which other processes' changes cannot replace).
    """
    if _pending():
        return None
    generation = cache.get(FIGURES_GENERATION, 0)
    return generation if getattr(cache, "reachable", True) else None


def figures_changed() -> None:
    """Move the generation on once the current transaction commits (at once without one): once a
    transaction, however many rows it writes."""
    if not _pending():
        transaction.on_commit(_move_on)


def _pending() -> bool:
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(func is _move_on for _sids, func, _robust in connection.run_on_commit)


def _move_on() -> None:
    try:
        cache.incr(FIGURES_GENERATION)
    except ValueError:  # not there yet (or the cache was emptied): any new value will do
        cache.set(FIGURES_GENERATION, time.time_ns(), None)
