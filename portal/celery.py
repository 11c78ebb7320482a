"""The Celery application. Workers and beat run with ``celery -A portal ...`` (see Makefile)."""

from __future__ import annotations

import os

from celery import Celery, signals

from . import heartbeats  # noqa: F401 - connects the worker's heartbeat for /readyz

# Workers and beat: production settings unless told otherwise (`make worker`/`make beat` name the
# development ones), so a worker never signs with a development key next to a production web.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

# DjangoTask adds ``delay_on_commit()``: tasks are published only after the surrounding
# transaction commits, never for work that was rolled back.
app = Celery("portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Database connections in workers follow the web's rules (CONN_MAX_AGE, health checks, closed
# after an error) instead of Celery's default of a new connection for every job, which costs
# more than a short job itself. Celery's own recycling is pushed far out; Django's decides.
app.conf.CELERY_DB_REUSE_MAX = 10_000


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(task=None, **kwargs) -> None:
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run inline by the caller (tests, no broker): its connection is not ours to close
    from django.db import close_old_connections

    close_old_connections()


@signals.task_failure.connect
def _record_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **extra) -> None:
    """A job failed for good (retries raise Retry, not a failure): keep a row staff can see."""
    from django_guid import get_guid

    from common.logging import redact
    from portal.models import FailedJob

    FailedJob.objects.create(
        task=getattr(sender, "name", str(sender))[:200],
        task_id=task_id or "",
        request_id=get_guid() or "",
        arguments=redact(f"{args!r} {kwargs!r}")[:2000],
        exception=redact(f"{type(exception).__name__}: {exception}")[:500],
        traceback=redact(str(einfo or ""))[:20000],
    )
