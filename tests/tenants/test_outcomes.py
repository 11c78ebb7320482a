"""Residents report their yearly outcomes through their status link; the dashboard shows them with their space."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from tenants.choices import CompanyStatus
from tenants.models import OutcomeSurvey
from tenants.services.outcomes import outcome_surveys_send
from tests.campus.factories import AllocationFactory
from tests.tenants.factories import ApplicationFactory, CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident_application():
    application = ApplicationFactory(status="approved")
    application.company.status = CompanyStatus.RESIDENT
    application.company.save()
    return application


def test_the_yearly_job_asks_each_resident_once(resident_application, django_capture_on_commit_callbacks):
    CompanyFactory(status=CompanyStatus.RESIDENT)  # on record without a portal application: nobody to ask

    with django_capture_on_commit_callbacks(execute=True):
        first = outcome_surveys_send(2026)
        second = outcome_surveys_send(2026)

    assert (first, second) == (1, 0)
    assert OutcomeSurvey.objects.get().company == resident_application.company
    assert "/apply/status/" in mail.outbox[-1].body and "2026" in mail.outbox[-1].subject


def test_the_company_answers_on_its_status_page_and_staff_see_it_with_its_space(
    client, staff_client, resident_application
):
    outcome_surveys_send(2026)
    AllocationFactory(
        company=resident_application.company,
        space__building__campus=resident_application.campus,
        starts_on=dt.date(2020, 1, 1),
        ends_on=None,
        area_m2=120,
    )
    session = client.session
    session["applicant"] = {"application": resident_application.pk, "email": ""}
    session.save()
    survey = OutcomeSurvey.objects.get()

    assert "Your outcomes in 2026" in client.get("/apply/status/").content.decode()
    incomplete = client.post(f"/apply/outcomes/{survey.pk}/", {"head_count": "12"})
    assert incomplete.status_code == 400
    client.post(
        f"/apply/outcomes/{survey.pk}/",
        {
            "head_count": "12",
            "funding_raised": "3000000",
            "patents_filed": "2",
            "clinical_trials_started": "1",
            "products_launched": "0",
        },
    )

    survey.refresh_from_db()
    assert survey.answered_at is not None and survey.head_count == 12
    table = next(
        t
        for t in staff_client.get(
            "/staff/dashboard/", {"campus": resident_application.campus.pk, "start": "2020-01-01", "end": "2030-01-01"}
        ).context["tables"]
        if t.key == "outcomes"
    )
    assert table.rows == [[resident_application.company.name, "2026", 12, 3000000, 2, 1, 0, 120]]
