"""The residents' jobs (Celery registers this module); each job's function sits with its feature."""

from __future__ import annotations

from celery import shared_task

from .services import requests


@shared_task(name="residents.tasks.service_request_escalations", acks_late=True)
def overdue_requests_escalate() -> int:
    """Every 15 minutes: tell campus staff of requests past a target (once per request and target)."""
    return requests.overdue_requests_escalate()


@shared_task(name="residents.tasks.service_request_closing", acks_late=True)
def resolved_requests_close() -> int:
    """Daily: close requests resolved longer ago than SERVICE_REQUEST_REOPEN_DAYS."""
    return requests.resolved_requests_close()
