"""The staff dashboard: KPIs from aggregate queries, shown by role, each table downloadable as CSV."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import dateformat

from campus.models import CampusTarget
from portal.roles import group_name
from tenants.choices import CompanyStatus
from tests.campus.factories import AllocationFactory, CampusFactory, SpaceFactory
from tests.tenants.factories import ApplicationFactory, CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campus(db):
    campus = CampusFactory(slug="icampus", name="Wuxi Campus")
    CampusTarget.objects.create(
        campus=campus, metric="resident_companies", comparison="more_than", value=2, due_on=dt.date(2022, 9, 20)
    )
    for day, country in [(dt.date(2020, 1, 1), "GB"), (dt.date(2021, 1, 1), "GB"), (dt.date(2022, 1, 1), "HK")]:
        CompanyFactory(campus=campus, country=country, status=CompanyStatus.RESIDENT, resident_since=day)
    return campus


def test_targets_show_the_date_reached(staff_client, campus):
    page = staff_client.get("/staff/dashboard/").content.decode()

    assert "3 resident companies" in page
    assert "reached on Jan. 1, 2022" in page


def test_shortfall_when_a_target_is_not_reached(staff_client, campus):
    CampusTarget.objects.filter(campus=campus).update(value=10)

    assert "8 companies short" in staff_client.get("/staff/dashboard/").content.decode()


def test_occupancy_and_residents_by_country(staff_client, campus):
    space = SpaceFactory(building__campus=campus, building__code="A", area_m2=100)
    SpaceFactory(building=space.building, area_m2=100)
    AllocationFactory(space=space, starts_on=dt.date(2020, 1, 1), ends_on=None, area_m2=50)

    response = staff_client.get("/staff/dashboard/")
    tables = {t.key: t for t in response.context["tables"]}

    assert tables["occupancy_by_building"].rows[0][0] == "A" and tables["occupancy_by_building"].rows[0][-1] == 25.0
    assert tables["residents_by_country"].rows[0] == ["United Kingdom", 3]  # two residents and the allocation's
    assert len(tables["occupancy_by_month"].rows) == 12
    assert "<svg" in response.content.decode() and "<table" in response.content.decode()


def test_funnel_counts_how_far_applications_got(staff_client, campus, staff_user, settings):
    from tenants.services.applications import application_transition

    settings.APPLICATION_MIN_REVIEWS = 0
    a = ApplicationFactory(campus=campus, company__campus=campus, status="submitted")
    b = ApplicationFactory(campus=campus, company__campus=campus, status="submitted")
    for application in (a, b):
        application.submitted_at = dt.datetime.now(tz=dt.UTC)
        application.save()
    application_transition(application=a, to="screening", actor=staff_user)
    application_transition(application=a, to="committee_review", actor=staff_user)
    application_transition(application=a, to="approved", actor=staff_user)

    funnel = next(t for t in staff_client.get("/staff/dashboard/").context["tables"] if t.key == "funnel")

    assert funnel.rows[0][1:] == [2, 1, 1, 1, 50.0]


def test_each_table_downloads_as_csv(staff_client, campus):
    response = staff_client.get("/staff/dashboard/", {"export": "residents_by_country"})

    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Country or region,Residents"
    assert "United Kingdom,2" in text


def test_sections_follow_the_role(client, django_user_model, campus):
    user = django_user_model.objects.create_user(username="space", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name("space_manager")))
    client.force_login(user)

    keys = {t.key for t in client.get("/staff/dashboard/").context["tables"]}

    assert "occupancy_by_building" in keys
    assert "funnel" not in keys and "referrals" not in keys
    assert client.get("/staff/dashboard/", {"export": "funnel"}).status_code == 404


def test_dashboard_is_for_staff_only(client):
    assert client.get("/staff/dashboard/").status_code == 302


def test_invalid_period_names_the_field(staff_client, campus):
    response = staff_client.get("/staff/dashboard/", {"campus": campus.pk, "start": "2026-05-01", "end": "2026-01-01"})

    assert "end" in response.context["form"].errors


def _add_residents(campus, first: int, count: int) -> None:
    from django.utils import timezone

    from tenants.models import OutcomeSurvey

    for index in range(first, first + count):
        company = CompanyFactory(
            campus=campus, name=f"C{index}", status=CompanyStatus.RESIDENT, resident_since=dt.date(2023, 1, 1)
        )
        AllocationFactory(space__building__campus=campus, company=company)
        ApplicationFactory(campus=campus, company=company, status="submitted")
        OutcomeSurvey.objects.create(company=company, year=2025, answered_at=timezone.now(), head_count=index)


def test_dashboard_runs_the_same_queries_whatever_the_number_of_rows(staff_client, campus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for first, count in [(0, 3), (3, 40)]:
        _add_residents(campus, first, count)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get("/staff/dashboard/").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1] <= 39


def test_period_fields_show_their_default_dates_to_the_browser(staff_client, campus):
    page = staff_client.get("/staff/dashboard/").content.decode()

    assert 'type="date"' in page
    assert f'value="{dt.date.today().isoformat()}"' in page


def test_median_time_to_decision_counts_decisions_not_withdrawals(staff_client, campus, staff_user, settings):
    from tenants.services.applications import application_transition, application_withdraw

    settings.APPLICATION_MIN_REVIEWS = 0
    submitted = dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=10)
    decided = ApplicationFactory(campus=campus, company__campus=campus, status="screening", submitted_at=submitted)
    withdrawn = ApplicationFactory(
        campus=campus, company__campus=campus, status="screening", submitted_at=submitted - dt.timedelta(days=90)
    )
    application_transition(application=decided, to="rejected", actor=staff_user, reason="Out of scope.")
    application_withdraw(application=withdrawn, actor="contact@applicant.example.com")

    assert staff_client.get("/staff/dashboard/").context["median_days"] == 10.0


def _section(page: str, key: str) -> str:
    return re.search(rf'<section id="{key}"(.*?)</section>', page, re.DOTALL).group(1)


def test_each_chart_names_its_categories_values_unit_scale_and_period(staff_client, campus):
    page = staff_client.get("/staff/dashboard/").content.decode()

    chart = _section(page, "residents_by_country")
    today = dt.date.today()
    assert ">United Kingdom</text>" in chart and ">2 companies</text>" in chart
    assert ">Hong Kong SAR China</text>" in chart or ">Hong Kong</text>" in chart
    assert '<line x1="0" x2="60%"' in chart and ">0 companies</text>" in chart  # the scale, zero to the top
    assert f"on {dateformat.format(today, 'N j, Y')}" in chart  # the period
    name = re.search(r'<svg role="img" aria-label="([^"]+)"', chart).group(1)
    assert name.startswith("Residents by country or region, on ") and "United Kingdom: 2 companies" in name


def test_headline_figures_of_a_known_campus(staff_client, campus, staff_user, settings):
    from tenants.services.applications import application_transition

    settings.APPLICATION_MIN_REVIEWS = 0
    space = SpaceFactory(building__campus=campus, area_m2=300)
    AllocationFactory(space=space, starts_on=dt.date(2020, 1, 1), ends_on=None, area_m2=75)
    now = dt.datetime.now(tz=dt.UTC)
    ApplicationFactory(campus=campus, company__campus=campus, status="submitted", submitted_at=now)
    decided = ApplicationFactory(
        campus=campus, company__campus=campus, status="screening", submitted_at=now - dt.timedelta(days=4)
    )
    application_transition(application=decided, to="rejected", actor=staff_user, reason="Out of scope.")

    response = staff_client.get("/staff/dashboard/")
    figures = {figure["label"]: figure for figure in response.context["headlines"]}

    residents = figures["Resident companies"]
    assert residents["value"] == 4  # three residents and the allocation's company
    assert residents["detail"] == CampusTarget.objects.get(campus=campus).sentence
    assert figures["Occupancy today"]["value"] == "25.0 %"
    assert figures["Applications this quarter"]["value"] == 2
    assert figures["Median days to decision"]["value"] == 4.0
    headlines = _section(response.content.decode(), "headlines")
    assert 'href="#targets"' in headlines and 'href="#occupancy_by_building"' in headlines


def test_the_table_of_contents_links_to_every_section(staff_client, campus):
    page = staff_client.get("/staff/dashboard/").content.decode()
    toc = re.search(r'<nav class="toc"(.*?)</nav>', page, re.DOTALL).group(1)

    anchors = re.findall(r'href="#([a-z_-]+)"', toc)
    assert {"targets", "funnel", "occupancy_by_month", "arrears"} <= set(anchors)
    for anchor in anchors:
        assert f'<section id="{anchor}"' in page, anchor


def test_headlines_follow_the_role(client, django_user_model, campus):
    user = django_user_model.objects.create_user(username="space", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name("space_manager")))
    client.force_login(user)

    labels = {figure["label"] for figure in client.get("/staff/dashboard/").context["headlines"]}

    assert "Applications this quarter" not in labels and "Arrears (overdue)" not in labels


def test_the_dashboard_prints_without_navigation_and_keeps_charts_whole():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "staff.css").read_text()
    rules = css[css.index("@media print") :]

    assert ".staff-header" in rules and "display: none" in rules
    assert "break-inside: avoid" in rules and "figure.chart" in rules


def test_outcomes_chart_head_count_and_the_table_groups_large_figures(staff_client, campus):
    from django.utils import timezone

    from tenants.models import OutcomeSurvey

    moved_out = CompanyFactory(campus=campus, name="Alumna Bio", status=CompanyStatus.ALUMNI)
    OutcomeSurvey.objects.create(
        company=moved_out, year=2026, answered_at=timezone.now(), head_count=23, funding_raised=6_000_000
    )

    chart = _section(staff_client.get("/staff/dashboard/").content.decode(), "outcomes")

    # A company that left occupies no m²: the bars count people, whom every answer gives.
    assert ">Alumna Bio</text>" in chart and ">23 people</text>" in chart
    assert ">6,000,000</td>" in chart and ">2026</td>" in chart


def test_every_table_exports_alone_what_the_page_shows(staff_client, campus):
    import csv
    import io

    _add_residents(campus, 0, 3)
    tables = staff_client.get("/staff/dashboard/").context["tables"]
    assert {"funnel", "occupancy_by_month", "rent_roll", "arrears", "paying_occupancy"} <= {t.key for t in tables}
    for table in tables:
        response = staff_client.get("/staff/dashboard/", {"export": table.key})
        assert response.status_code == 200, table.key
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == 1 + len(getattr(table, "csv_rows", table.rows)), table.key
