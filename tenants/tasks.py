"""Background jobs of the tenants app: thin, they take ids and call services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=8, default_retry_delay=60, acks_late=True)
def deliver_notification(self, notification_id: int) -> bool:
    """Send a pending e-mail; retried with backoff when the mail server fails."""
    try:
        return services.deliver(notification_id)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=min(3600, 60 * 2**self.request.retries)) from exc
