"""The yearly outcome survey of residents: sent by a scheduled job, answered through the status link."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..choices import ApplicationStatus
from ..models import Company, OutcomeSurvey
from ..notifications import notify_contacts


def outcome_surveys_send(year: int | None = None) -> int:
    """Ask each resident for this year's figures, once a year, however often the job runs."""
    year = year or timezone.localdate().year
    sent = 0
    residents = Company.objects.residents().prefetch_related("applications__contacts")
    for company in residents:
        application = next(
            (a for a in company.applications.all() if a.status == ApplicationStatus.APPROVED and a.contacts.all()),
            None,
        )
        if application is None:
            continue  # no one to ask: residents on record without an application through the portal
        with transaction.atomic():
            _survey, created = OutcomeSurvey.objects.get_or_create(
                company=company, year=year, defaults={"application": application}
            )
            if not created:
                continue  # asked this year already
            notify_contacts(
                application=application,
                kind="outcome_survey",
                template="outcome_survey",
                context={"year": year},
                link="status",
            )
            sent += 1
    return sent


@transaction.atomic
def outcome_survey_answer(*, survey: OutcomeSurvey, answers: dict) -> OutcomeSurvey:
    survey = OutcomeSurvey.objects.select_for_update().get(pk=survey.pk)
    for name in OutcomeSurvey.ANSWER_FIELDS:
        setattr(survey, name, answers.get(name))
    survey.answered_at = timezone.now()
    survey.save()
    return survey
