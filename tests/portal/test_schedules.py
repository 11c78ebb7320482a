"""The periodic jobs staff see in the admin name tasks a worker knows, whichever module holds them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_every_scheduled_job_names_a_task_the_worker_has_registered():
    from django_celery_beat.models import PeriodicTask

    from portal.celery import app

    app.loader.import_default_modules()  # what a worker imports: each app's tasks module
    scheduled = set(PeriodicTask.objects.values_list("task", flat=True))

    assert {"tenants.tasks.relay_pending_notifications", "tenants.tasks.draft_reminders"} <= scheduled
    assert scheduled - set(app.tasks) == set()
    # The outboxes' jobs keep the names the messages already on the broker carry.
    assert {"tenants.tasks.deliver_notification", "partners.tasks.deliver_webhook"} <= set(app.tasks)
