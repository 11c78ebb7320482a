"""Publishing background jobs only after the surrounding transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Publish ``task(*args)`` once the transaction commits; nothing if it rolls back.

    If the broker cannot be reached the request still succeeds: the work is recorded in the
    database by the caller (e.g. an unsent Notification row) and is published again later.
    """

    def publish() -> None:
        try:
            task.apply_async(args=args)
        except Exception:
            logger.exception("Could not publish %s%r; it stays pending in the database", task.name, args)

    transaction.on_commit(publish)


def enqueue_batches_on_commit(task, ids: Sequence[int], size: int) -> None:
    """Publish ``task(chunk)`` for each ``size`` of ``ids`` once the transaction commits.

    One message per chunk, not one per id: ten thousand rows cost a hundred messages. When the
    broker cannot be reached the remaining chunks are not tried (each try would wait for it);
    their rows stay pending in the database and are published again later, as above.
    """
    if not ids:
        return
    chunks = [list(ids[start : start + size]) for start in range(0, len(ids), size)]

    def publish() -> None:
        for done, chunk in enumerate(chunks):
            try:
                task.apply_async(args=[chunk])
            except Exception:
                left = sum(len(c) for c in chunks[done:])
                logger.exception("Could not publish %s for %d ids; they stay pending in the database", task.name, left)
                return

    transaction.on_commit(publish)
