"""Publishing background jobs only after the surrounding transaction commits."""

from __future__ import annotations

import logging

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
