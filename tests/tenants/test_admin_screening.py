"""Campus staff screen applications in the admin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campus.choices import SpaceKind
from campus.models import BusinessArea
from common.admin import EstimatedCountPaginator
from tenants.choices import ApplicationStatus as S
from tenants.models import IntakeBatch
from tests.caches import redis_caches
from tests.campus.factories import AllocationFactory, SpaceFactory
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _transition_url(application) -> str:
    return reverse("admin:tenants_application_transition", args=[application.pk])


def test_staff_move_an_application_and_see_it_in_the_history(staff_client, staff_user):
    application = ApplicationFactory(status=S.SUBMITTED)

    response = staff_client.post(_transition_url(application), {"to": "screening", "reason": "Complete file."})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.SCREENING
    page = staff_client.get(reverse("admin:tenants_application_change", args=[application.pk])).content.decode()
    assert "Complete file." in page and "staff" in page


def test_illegal_move_through_the_admin_is_refused_with_a_clear_message(staff_client):
    application = ApplicationFactory(status=S.SUBMITTED)

    response = staff_client.post(_transition_url(application), {"to": "approved"})

    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["form"].errors["to"])
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_deciding_without_reviews_asks_for_the_override_reason(staff_client):
    application = ApplicationFactory(status=S.COMMITTEE_REVIEW)

    response = staff_client.post(_transition_url(application), {"to": "approved"})

    assert "2 more completed advisory review" in str(response.context["form"].errors["override_reason"])
    response = staff_client.post(_transition_url(application), {"to": "approved", "override_reason": "Urgent."})
    assert response.status_code == 302
    assert application.transitions.get().override_reason == "Urgent."


def test_only_allowed_moves_are_offered(staff_client):
    application = ApplicationFactory(status=S.SCREENING)

    choices = dict(staff_client.get(_transition_url(application)).context["form"].fields["to"].choices)

    assert set(choices) == {"committee_review", "rejected", "withdrawn"}


def test_application_under_screening_shows_matching_free_spaces(staff_client):
    application = ApplicationFactory(
        status=S.SCREENING,
        space_kind=SpaceKind.LABORATORY,
        space_area_m2=Decimal("100"),
        space_from=dt.date(2030, 1, 1),
        biosafety_level="bsl2",
    )
    campus = application.campus
    good = SpaceFactory(building__campus=campus, code="GOOD", area_m2=Decimal("150"), biosafety_level="bsl3")
    SpaceFactory(building__campus=campus, code="SMALL", area_m2=Decimal("50"), biosafety_level="bsl2")
    SpaceFactory(building__campus=campus, code="LOWBSL", area_m2=Decimal("150"), biosafety_level="bsl1")
    taken = SpaceFactory(building__campus=campus, code="TAKEN", area_m2=Decimal("150"), biosafety_level="bsl2")
    AllocationFactory(space=taken, starts_on=dt.date(2029, 1, 1), ends_on=None)

    page = staff_client.get(reverse("admin:tenants_application_change", args=[application.pk])).content.decode()

    assert str(good) in page
    for code in ["SMALL", "LOWBSL", "TAKEN"]:
        assert f"-{code}<" not in page


def test_application_list_filters_and_searches(staff_client):
    wanted = ApplicationFactory(status=S.SCREENING, company__name="Needle Bio", company__country="HK")
    ApplicationFactory(status=S.DRAFT, company__name="Haystack Ltd")

    by_state = staff_client.get(reverse("admin:tenants_application_changelist"), {"status__exact": "screening"})
    by_country = staff_client.get(reverse("admin:tenants_application_changelist"), {"company__country": "HK"})
    by_search = staff_client.get(reverse("admin:tenants_application_changelist"), {"q": "Needle"})

    for response in (by_state, by_country, by_search):
        assert list(response.context["cl"].result_list) == [wanted]


def test_application_list_filters_by_business_area_without_repeating_rows(staff_client):
    diagnosis, other = (
        BusinessArea.objects.get(code="diagnosis"),
        BusinessArea.objects.exclude(code="diagnosis").first(),
    )
    wanted = ApplicationFactory()
    wanted.company.business_areas.set([diagnosis, other])
    without = ApplicationFactory()
    ApplicationFactory().company.business_areas.set([other])

    by_area = staff_client.get(reverse("admin:tenants_application_changelist"), {"business_area": diagnosis.pk})
    by_none = staff_client.get(reverse("admin:tenants_application_changelist"), {"business_area": "none"})

    assert list(by_area.context["cl"].result_list) == [wanted]
    assert list(by_none.context["cl"].result_list) == [without]
    assert str(diagnosis) in by_area.content.decode()


@pytest.mark.parametrize("term", ["needle bio", "contact{pk}@applicant", '"Needle Bio" applicant.example'])
def test_application_search_finds_each_word_in_the_company_or_a_contact(staff_client, term):
    wanted = ApplicationFactory(company__name="Needle Bio")
    ApplicationFactory(company__name="Haystack Ltd")

    page = staff_client.get(reverse("admin:tenants_application_changelist"), {"q": term.format(pk=wanted.pk)})

    assert list(page.context["cl"].result_list) == [wanted]


def _statements(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("count", [3, 60])
@pytest.mark.parametrize(
    "params", [{}, {"status__exact": "submitted", "campus__id__exact": "1"}, {"business_area": "1"}, {"q": "contact"}]
)
def test_application_list_runs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries, count, params):
    for _ in range(count):
        ApplicationFactory(status=S.SUBMITTED)

    with django_assert_max_num_queries(10) as captured:
        page = staff_client.get(reverse("admin:tenants_application_changelist"), params)

    assert page.status_code == 200
    statements = _statements(captured)
    # Counted up to a limit (EstimatedCountPaginator), never whole; filter choices without DISTINCT over the rows.
    assert [sql for sql in statements if "COUNT(" in sql and "LIMIT" not in sql] == []
    assert [sql for sql in statements if "DISTINCT" in sql and "tenants_application" in sql] == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_application_rows_show_their_company_campus_batch_and_country_in_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries, language
):
    applications = [ApplicationFactory(status=S.SUBMITTED, company__country="GB") for _ in range(12)]
    for application in applications:
        application.intake_batch = IntakeBatch.objects.create(
            campus=application.campus, name_en=f"Batch {application.pk}", name_zh_hans=f"第{application.pk}批"
        )
        application.save()
    prefix = "" if language == "en" else "/zh-hans"

    with django_assert_max_num_queries(10):
        page = staff_client.get(f"{prefix}/admin/tenants/application/").content.decode()

    campus = applications[0].campus
    assert (campus.name_en if language == "en" else campus.name_zh_hans) in page
    assert ("United Kingdom" if language == "en" else "英国") in page
    for application in applications:
        assert f'<a href="{prefix}/admin/tenants/application/{application.pk}/change/">' in page
        assert application.company.name in page
        assert (f"Batch {application.pk}" if language == "en" else f"第{application.pk}批") in page


def test_the_campus_batch_and_area_filters_offer_a_new_or_renamed_row_on_the_next_page(
    staff_client, django_capture_on_commit_callbacks
):
    application, _elsewhere = ApplicationFactory(), ApplicationFactory()
    IntakeBatch.objects.create(campus=application.campus, name_en="Spring batch")
    url = reverse("admin:tenants_application_changelist")
    first = staff_client.get(url).content.decode()
    with CaptureQueriesContext(connection) as again:
        staff_client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        IntakeBatch.objects.create(campus=application.campus, name_en="Autumn batch")
        application.campus.name_en, application.campus.short_name = "Renamed Campus", ""
        application.campus.save()
        area = BusinessArea.objects.create(code="space-medicine", position=99)
    changed = staff_client.get(url).content.decode()

    assert "Spring batch" in first and "Autumn batch" not in first
    assert not [
        query
        for query in again.captured_queries
        if "tenants_intakebatch" in query["sql"] or "campus_businessarea" in query["sql"]
    ]
    assert f'href="?business_area={area.pk}">space-medicine<' in changed
    assert "Autumn batch" in changed and "Spring batch (Renamed Campus)" in changed
    assert f'href="?campus__id__exact={application.campus.pk}">Renamed Campus<' in changed


def test_with_the_cache_unreachable_the_application_list_still_shows_its_filters(staff_client):
    application = ApplicationFactory()
    for name in ["Spring batch", "Autumn batch"]:
        IntakeBatch.objects.create(campus=application.campus, name_en=name)
    with override_settings(CACHES=redis_caches("redis://127.0.0.1:1/0")):
        pages = [staff_client.get(reverse("admin:tenants_application_changelist")) for _ in range(2)]

    for page in pages:
        assert page.status_code == 200
        assert "Spring batch" in page.content.decode() and "Autumn batch" in page.content.decode()


@pytest.mark.postgres
def test_a_long_application_list_shows_its_count_as_an_estimate(staff_client, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 2)
    for _ in range(4):
        ApplicationFactory(status=S.SUBMITTED)

    page = staff_client.get(reverse("admin:tenants_application_changelist"))
    searched = staff_client.get(reverse("admin:tenants_application_changelist"), {"q": "contact"})

    for response in (page, searched):
        assert response.context["cl"].paginator.is_estimate
        assert response.context["cl"].result_count >= 3
        assert "about " in response.content.decode()
    assert len(page.context["cl"].result_list) == 4


def test_a_short_application_list_is_counted_exactly(staff_client):
    for _ in range(3):
        ApplicationFactory(status=S.SUBMITTED)

    page = staff_client.get(reverse("admin:tenants_application_changelist"))

    assert page.context["cl"].result_count == 3 and not page.context["cl"].paginator.is_estimate
    assert "3 applications" in page.content.decode() and "about " not in page.content.decode()


def test_staff_cannot_create_applications_in_the_admin(staff_client):
    assert staff_client.get(reverse("admin:tenants_application_add")).status_code == 403
