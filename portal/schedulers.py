"""Celery beat's scheduler (CELERY_BEAT_SCHEDULER): the schedules in the database, plus a heartbeat."""

from __future__ import annotations

from django_celery_beat.schedulers import DatabaseScheduler

from .heartbeats import heartbeat_record


class BeatScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, recording a heartbeat on every tick (see ``portal.heartbeats``)."""

    def tick(self, *args, **kwargs):
        heartbeat_record("beat")
        return super().tick(*args, **kwargs)
