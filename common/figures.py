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
    """The current generation.

    None when figures must not be kept or read from the cache: inside a transaction that changed
    them and has not committed, and while the shared cache is down (each process would keep its
    own, which other processes' changes cannot replace).
    """
    if _pending():
        return None
    reachable = getattr(cache, "reachable", True)
    generation = cache.get(FIGURES_GENERATION)
    if not getattr(cache, "reachable", True):
        return None
    if generation is None or not reachable:
        # None: never moved, or the cache lost it, so entries kept under an earlier missing one
        # must not match; not reachable before this read: the outage ended with it, and
        # ``figures_move_on`` moved the generation on after the read.
        cache.add(FIGURES_GENERATION, time.time_ns(), None)
        generation = cache.get(FIGURES_GENERATION)
    return generation


def figures_changed() -> None:
    """Move the generation on once the current transaction commits (at once without one): once a
    transaction, however many rows it writes."""
    if not _pending():
        transaction.on_commit(figures_move_on, robust=True)


def figures_move_on(**kwargs) -> None:
    """Move the generation on now (also connected to ``common.cache.redis_back``: a change
    committed while Redis did not answer moved only this process's copy)."""
    try:
        cache.incr(FIGURES_GENERATION)
    except ValueError:  # not there yet (or the cache was emptied): any new value will do
        cache.set(FIGURES_GENERATION, time.time_ns(), None)


def _pending() -> bool:
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        func is figures_move_on for _sids, func, _robust in connection.run_on_commit
    )
