"""The Celery application. Workers and beat run with ``celery -A portal ...`` (see Makefile)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

# DjangoTask adds ``delay_on_commit()``: tasks are published only after the surrounding
# transaction commits, never for work that was rolled back.
app = Celery("portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
