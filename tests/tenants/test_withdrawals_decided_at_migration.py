"""Applications withdrawn before withdrawals set decided_at get it, so retention erases them in time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tenants.choices import ApplicationStatus as S
from tenants.models import Application

# The campus as it was then too: its table must match the Campus model of that state.
BEFORE = [("tenants", "0009_domain_event_outbox_and_email_claims"), ("campus", "0009_shared_spaces")]
AFTER = [("tenants", "0010_withdrawals_decided_at")]

WITHDRAWN_AT = dt.datetime(2024, 5, 6, 7, 8, tzinfo=dt.UTC)
REJECTED_AT = dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_past_withdrawals_are_dated_by_their_withdrawal():
    MigrationExecutor(connection).migrate(BEFORE)
    # The models as they were at BEFORE (later migrations may have added or removed columns); what
    # migrate() returns when it goes backwards is not that state, hence the loader.
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    campus = old.get_model("campus", "Campus").objects.create(
        slug="wuxi", name="Campus", name_zh="园区", city="Wuxi", country="CN", rd_area_m2=1
    )

    companies = old.get_model("tenants", "Company").objects

    def application(status, **fields):
        number = companies.count() + 1
        company = companies.create(campus=campus, name=f"Company {number}", slug=f"company-{number}", country="GB")
        return old.get_model("tenants", "Application").objects.create(
            campus=campus, company=company, status=status, **fields
        )

    withdrawn = application(S.WITHDRAWN)
    old.get_model("tenants", "ApplicationTransition").objects.create(
        application=withdrawn, from_status=S.SUBMITTED, to_status=S.WITHDRAWN, created_at=WITHDRAWN_AT
    )
    untraced = application(S.WITHDRAWN)  # withdrawn with no transition on record
    rejected = application(S.REJECTED, decided_at=REJECTED_AT)
    undecided = application(S.SUBMITTED)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    decided = dict(Application.objects.values_list("pk", "decided_at"))
    assert decided[withdrawn.pk] == WITHDRAWN_AT
    assert decided[untraced.pk] == Application.objects.get(pk=untraced.pk).updated_at  # never before the withdrawal
    assert decided[rejected.pk] == REJECTED_AT and decided[undecided.pk] is None
