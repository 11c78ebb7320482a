"""One scheduler, however many machines: two beats started by mistake send each job once.

The beats here are real ``portal.schedulers.BeatScheduler`` instances reading the schedule from
the database and publishing to the broker; the lock lives on a Redis server of the test's own.
Their jobs go to a queue no worker reads, and every publication is counted.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from celery import signals
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the schedulers close connections as beat does
    pytest.mark.filterwarnings("ignore:task_always_eager has no effect on send_task"),  # beat never runs jobs
]


@pytest.fixture
def published():
    """The names of the jobs published while the test runs."""
    names: list[str] = []

    def count(sender=None, **kwargs):
        names.append(sender)

    signals.before_task_publish.connect(count, weak=False)
    yield names
    signals.before_task_publish.disconnect(count)


@pytest.fixture
def due_job(db):
    """The only job in the schedule: due now and every hour, sent to a queue no worker reads."""
    PeriodicTask.objects.all().delete()
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    return PeriodicTask.objects.create(
        name="Probe of the one-beat test",
        task="tests.beat.probe",
        interval=every_hour,
        last_run_at=timezone.now() - dt.timedelta(hours=2),
        queue=f"unread-{uuid.uuid4().hex}",
    )


@pytest.fixture
def beat(settings, own_redis):
    """Start a beat (as ``celery beat`` does) whose lock is on the test's own Redis."""
    from portal.celery import app
    from portal.schedulers import BeatScheduler

    settings.CELERY_BROKER_URL = own_redis.url
    started = []

    def start():
        started.append(BeatScheduler(app=app))
        return started[-1]

    yield start
    for scheduler in started:
        scheduler.lock.release()


def probes(published: list[str]) -> int:
    return published.count("tests.beat.probe")


def test_a_second_beat_sends_nothing_while_the_first_holds_the_lock(beat, due_job, published):
    first, second = beat(), beat()

    for _ in range(3):
        first.tick()
        sent = probes(published)
        second.tick()
        assert probes(published) == sent, "the second beat sent a job"

    assert probes(published) >= 1
    assert first.lock.held and not second.lock.held


def test_the_standby_beat_takes_over_at_once_when_the_first_stops(beat, due_job, published):
    first, second = beat(), beat()
    first.tick()
    second.tick()
    first.close()  # stopped: its lock is released
    sent = probes(published)

    PeriodicTask.objects.filter(pk=due_job.pk).update(last_run_at=timezone.now() - dt.timedelta(hours=2))
    second.tick()

    assert second.lock.held
    assert probes(published) == sent + 1


def test_the_standby_beat_takes_over_when_the_first_dies_holding_the_lock(beat, settings, published, due_job):
    settings.BEAT_LOCK_SECONDS = 1
    first, second = beat(), beat()
    first.tick()
    assert not second.lock.hold()

    time.sleep(1.2)  # the first beat was killed: it never renews or releases its lock

    assert second.lock.hold()
    assert not first.lock.hold(), "a beat that comes back finds the lock taken"


def test_a_beat_that_cannot_reach_redis_sends_nothing(beat, own_redis, due_job, published):
    scheduler = beat()
    own_redis.kill()

    interval = scheduler.tick()

    assert probes(published) == 0
    assert 0 < interval <= scheduler.max_interval
