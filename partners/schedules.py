"""Periodic jobs of the partners app, as django-celery-beat rows (created when missing)."""

from __future__ import annotations

from common.schedules import ensure_periodic_tasks

SCHEDULES = [
    ("Send webhook deliveries that are due", "partners.tasks.sweep_webhook_deliveries", {"minute": "*"}),
    ("Forget expired idempotency keys", "partners.tasks.prune_idempotency_keys", {"minute": "15"}),
]


def ensure_schedules(sender=None, using: str = "default", **kwargs) -> None:
    ensure_periodic_tasks(SCHEDULES, using)
