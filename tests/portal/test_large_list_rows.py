"""The long admin lists (LargeListMixin) show the same table rows and filters Django itself writes.

Their rows are written once per page and column (common/admin_rows.py), their filters in Python
(common/admin_filters.py): each page below is compared, row by row and filter by filter, with what
Django writes for the same rows and filters, in English and in Chinese, with filters, counts and
sorting kept in the rows' links.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import trans_real

from campus.choices import PlatformStages
from common.admin_filters import _template_is_djangos
from partners.choices import Attribution, DeliveryState, EventType
from partners.models import Referral, WebhookDelivery, WebhookEndpoint
from tenants.choices import ApplicationStatus
from tenants.models import IntakeBatch
from tests.partners.factories import PartnerFactory
from tests.tenants.factories import ApplicationFactory, CompanyFactory, ComplianceDocumentFactory

pytestmark = pytest.mark.django_db

LISTS = [
    ("tenants/application", ["", "?status__exact=submitted", "?o=6.-1&is_demo__exact=1", "?p=2", "?_facets=1&q=Co"]),
    ("tenants/company", ["", "?listed__exact=1", "?o=-7", "?_facets=1&country__exact=GB"]),
    ("partners/referral", ["", "?attribution__exact=pending"]),
    ("partners/webhookdelivery", ["", "?state__exact=failed&o=5"]),
]


@pytest.fixture
def rows_of_every_kind(campus):
    """Rows with each column filled and empty: choices, booleans, dates, related rows, text to escape."""
    batch = IntakeBatch.objects.create(campus=campus, name="Spring <cohort> & co")
    submitted = timezone.now() - dt.timedelta(days=3, hours=5)
    partner = PartnerFactory(name='Partner "A" <&>')
    endpoint = WebhookEndpoint.objects.create(partner=partner, url="https://example.org/hook?a=1&b=2", secret="s")
    statuses = [ApplicationStatus.SUBMITTED, ApplicationStatus.DRAFT, ApplicationStatus.SCREENING]
    for i in range(60):  # more than a page (50)
        company = CompanyFactory(
            campus=campus,
            name=f"Company <{i}> & “Sons”" if i % 2 else f"Plain {i}",
            country=["GB", "CN", "DE"][i % 3],
            listed=bool(i % 2),
            resident_since=dt.date(2024, 1 + i % 12, 1 + i % 28) if i % 3 else None,
            platform_stage=PlatformStages.INCUBATION if i % 2 else "",
            intake_batch=batch if i % 4 else None,
        )
        if i % 5 == 0:
            ComplianceDocumentFactory(company=company, expires_on=dt.date(2020, 1, 1))
        application = ApplicationFactory(
            company=company,
            status=statuses[i % 3],
            submitted_at=submitted - dt.timedelta(hours=i) if i % 3 != 1 else None,
            platform_stage=PlatformStages.DEMONSTRATION if i % 2 else "",
            intake_batch=batch if i % 4 else None,
            is_demo=bool(i % 2),
        )
        if i < 20:
            Referral.objects.create(
                partner=partner,
                application=application,
                company=company,
                contact_name="Ann",
                contact_email=f"ann{i}@example.org",
                attribution=[Attribution.STARTED, Attribution.PENDING][i % 2],
            )
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                event_id=f"evt-{i}",
                event_type=[EventType.PING, EventType.REFERRAL_STATUS_CHANGED][i % 2],
                payload={},
                state=[DeliveryState.PENDING, DeliveryState.FAILED, DeliveryState.SUCCEEDED][i % 3],
                attempts=i * 150,
                next_attempt_at=submitted + dt.timedelta(minutes=i) if i % 2 else None,
            )


def _table_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("path", "queries"), LISTS)
def test_rows_and_filters_are_those_django_writes(staff_client, rows_of_every_kind, language, path, queries):
    prefix = "" if language == "en" else f"/{language}"
    for query in queries:
        response = staff_client.get(f"{prefix}/admin/{path}/{query}")
        assert response.status_code == 200
        assert "admin/large_change_list.html" in [t.name for t in response.templates]
        cl = response.context["cl"]
        with translation.override(language):
            # Django's own list page for the same list: its rows (items_for_result) and filters.
            djangos = get_template("admin/change_list.html").render(response.context_data, response.wsgi_request)
        page = response.content.decode()

        assert _table_rows(page) == _table_rows(djangos), f"{language} {path}{query}"
        assert len(_table_rows(page)) == len(cl.result_list) > 0
        assert _filters(page) == _filters(djangos), f"{language} {path}{query}"
        assert _filters(djangos).count("<details") == len(cl.filter_specs) > 0


def _filters(page: str) -> str:
    return page.split('<nav id="changelist-filter"', 1)[1].split("</nav>", 1)[0]


def test_a_filter_whose_heading_is_mistranslated_falls_back_as_djangos(staff_client, rows_of_every_kind, monkeypatch):
    """As Django's {% blocktranslate %} does (the block again in English), rather than failing the page."""
    catalog = trans_real.translation("zh-hans")._catalog
    monkeypatch.setitem(catalog, " By %(filter_title)s ", "按 %(title)s")

    response = staff_client.get("/zh-hans/admin/tenants/application/")
    with translation.override("zh-hans"):
        djangos = get_template("admin/change_list.html").render(response.context_data, response.wsgi_request)

    assert _filters(response.content.decode()) == _filters(djangos)
    assert "<summary>\n     By status \n  </summary>" in _filters(djangos)


def test_a_filter_with_unusual_choices_is_left_to_django(staff_client, rows_of_every_kind, monkeypatch):
    """Choices Django's template can show but that are not a plain dict each: Django writes that filter."""
    from django.contrib.admin import BooleanFieldListFilter

    def choices(self, changelist):
        for choice in real_choices(self, changelist):
            yield {**choice, "display": (lambda label=choice["display"]: f"{label}!")}

    real_choices = BooleanFieldListFilter.choices
    monkeypatch.setattr(BooleanFieldListFilter, "choices", choices)

    page = staff_client.get("/admin/tenants/application/").content.decode()

    assert '<a href="?is_demo__exact=1">Yes!</a>' in page


def test_filters_with_counts_in_chinese(staff_client, rows_of_every_kind):
    page = staff_client.get("/zh-hans/admin/tenants/application/?_facets=1&status__exact=submitted").content.decode()

    assert "按 状态" in page  # Django's own "By status", translated
    assert '<li class="selected">\n    <a href="?_facets=1&amp;status__exact=submitted">已提交 (20)</a></li>' in page


def test_a_project_template_for_filters_is_used(staff_client, rows_of_every_kind, settings, tmp_path):
    """Where ``admin/filter.html`` is the project's own, Django renders each filter with it."""
    (tmp_path / "admin").mkdir()
    (tmp_path / "admin" / "filter.html").write_text("<p>filter {{ title }}: {{ choices|length }} choices</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    _template_is_djangos.cache_clear()
    try:
        page = staff_client.get("/admin/tenants/application/").content.decode()
    finally:
        _template_is_djangos.cache_clear()

    assert "<p>filter status: 8 choices</p>" in page
    assert "<details data-filter-title" not in page


def test_rows_show_labels_icons_and_links_in_the_readers_language(staff_client, rows_of_every_kind):
    page = staff_client.get("/zh-hans/admin/tenants/application/?status__exact=submitted").content.decode()

    rows = _table_rows(page)
    assert len(rows) == 20
    assert "icon-yes.svg" in page and "icon-no.svg" in page
    assert "Company &lt;1&gt; &amp;" not in page  # status filter: odd rows are drafts or screening
    assert 'aria-label="选择此对象执行操作 - ' in rows[0]
    assert "?_changelist_filters=status__exact%3Dsubmitted" in rows[0]


def test_a_list_django_writes_itself_is_still_shown(staff_client, rows_of_every_kind):
    """A popup (choosing a row for another form) is left to Django's own rows."""
    response = staff_client.get("/admin/tenants/company/?_to_field=id&_popup=1")

    assert response.status_code == 200
    assert 'data-popup-opener="' in response.content.decode()


@pytest.mark.parametrize(("path", "queries"), LISTS)
def test_rows_read_nothing_more_than_the_page(
    staff_client, rows_of_every_kind, path, queries, django_assert_max_num_queries
):
    """Their campuses, batches, partners and endpoints come with the page's rows: no query per row.

    (Counts asked for, ``_facets``, are one more query per filter, as Django reads them.)"""
    for query in [query for query in queries if "_facets" not in query]:
        with django_assert_max_num_queries(14):
            assert staff_client.get(f"/zh-hans/admin/{path}/{query}").status_code == 200
