"""Periodic jobs as django-celery-beat rows that staff can see and change in the admin."""

from __future__ import annotations

from django.conf import settings


def ensure_periodic_tasks(schedules: list[tuple[str, str, dict]], using: str = "default") -> None:
    """Create each (name, task, crontab fields) row when missing; a row staff changed is left alone."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for name, task, fields in schedules:
        if PeriodicTask.objects.using(using).filter(name=name).exists():
            continue
        crontab, _created = CrontabSchedule.objects.using(using).get_or_create(
            minute=fields.get("minute", "*"),
            hour=fields.get("hour", "*"),
            day_of_week="*",
            day_of_month=fields.get("day_of_month", "*"),
            month_of_year=fields.get("month_of_year", "*"),
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.using(using).create(name=name, task=task, crontab=crontab)
