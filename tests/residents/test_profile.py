"""The public profile: company admins edit the directory entry in two languages, with a logo the
portal redraws; the company chooses whether it is listed; every change is in the audit history."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from common.storage import private_storage
from partners.api.serializers import CompanySerializer
from residents.demo import profile as demo_profile
from residents.services.profile import profile_update
from tenants.choices import CompanyStatus
from tenants.models import Company, FocusArea
from tests.tenants.factories import CompanyFactory
from tests.tenants.files import image_bytes, pixel_bomb_png

pytestmark = pytest.mark.django_db

ENGLISH = "Antibodies against resistant infections."
CHINESE = "针对耐药感染的抗体。"


def entry(**overrides) -> dict:
    data = {
        "description_en": ENGLISH,
        "description_zh_hans": CHINESE,
        "website": "https://helix.example.com",
        "focus_areas": [FocusArea.objects.get(code="clinical_trials").pk],
        "listed": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def upload(content: bytes, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def error_next_to(response, field: str) -> str:
    """The error list rendered with the field, which the field names among its descriptions."""
    html = response.content.decode()
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error"', html), "the field does not point to its error"
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert found, "no error next to the field"
    return found.group(1)


def photo_with_exif() -> bytes:
    """A JPEG, 300 wide and 200 high, turned a quarter by its EXIF, naming the camera that took it."""
    image = Image.effect_noise((300, 200), 64).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to show
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def stored_logo(company: Company) -> Image.Image:
    company.refresh_from_db()
    with private_storage.open(company.logo.name) as stored:
        return Image.open(io.BytesIO(stored.read()))


# --- Editing ---------------------------------------------------------------------------------


def test_a_company_admin_edits_the_entry_in_both_languages_and_each_page_shows_its_own(resident_admin, client):
    company = resident_admin.company

    response = resident_admin.client.post("/my/profile/", entry())

    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.description_en, company.description_zh_hans, company.website) == (
        ENGLISH,
        CHINESE,
        "https://helix.example.com",
    )
    assert company.focus_area_codes == ["clinical_trials"]
    english = client.get(f"/residents/{company.slug}/").content.decode()
    chinese = client.get(f"/zh-hans/residents/{company.slug}/").content.decode()
    assert ENGLISH in english and CHINESE not in english
    assert f'lang="zh-Hans">{CHINESE}' in chinese and ENGLISH not in chinese
    assert CHINESE in client.get("/zh-hans/residents/").content.decode()


def test_chinese_pages_show_the_english_description_while_there_is_no_chinese_one(resident_admin, client):
    resident_admin.client.post("/my/profile/", entry(description_zh_hans=""))

    page = client.get("/zh-hans/residents/").content.decode()

    assert f'lang="en">{ENGLISH}' in page


def test_the_change_is_in_the_audit_history_with_who_made_it(resident_admin, staff_client):
    company = resident_admin.company

    resident_admin.client.post("/my/profile/", entry())

    latest = company.history.first()
    assert latest.history_user == resident_admin.user
    changes = {change.field for change in latest.diff_against(latest.prev_record).changes}
    assert {"description_en", "description_zh_hans", "website", "focus_area_codes"} <= changes
    page = staff_client.get(f"/admin/tenants/company/{company.pk}/history/").content.decode()
    assert resident_admin.user.email in page and CHINESE in page


def test_saving_without_a_change_writes_nothing(resident_admin):
    resident_admin.client.post("/my/profile/", entry())
    rows = resident_admin.company.history.count()

    response = resident_admin.client.post("/my/profile/", entry(), follow=True)

    assert "Nothing was changed." in response.content.decode()
    assert resident_admin.company.history.count() == rows


def test_a_website_is_checked_and_the_rest_kept(resident_admin):
    response = resident_admin.client.post("/my/profile/", entry(website="not a web address"))

    assert response.status_code == 400
    assert "Enter a valid URL." in error_next_to(response, "website")
    assert CHINESE in response.content.decode()


# --- The logo ----------------------------------------------------------------------------------


def test_a_logo_is_redrawn_as_a_png_without_what_the_file_carried(resident_admin, client):
    response = resident_admin.client.post("/my/profile/", entry(logo=upload(photo_with_exif(), "photo.jpg")))

    assert response.status_code == 302
    logo = stored_logo(resident_admin.company)
    assert logo.format == "PNG" and logo.size == (200, 300), "turned upright as the EXIF said"
    assert "exif" not in logo.info and "icc_profile" not in logo.info
    with private_storage.open(resident_admin.company.logo.name) as stored:
        assert b"SecretCam" not in stored.read()
    public = client.get(resident_admin.company.logo_url)
    assert public.status_code == 200 and public["Content-Type"] == "image/png"
    assert public["X-Content-Type-Options"] == "nosniff" and public["Cache-Control"].startswith("public")
    assert resident_admin.company.logo_url in client.get("/residents/").content.decode()


def test_a_large_logo_is_scaled_down_to_512_pixels_a_side(resident_admin):
    resident_admin.client.post("/my/profile/", entry(logo=upload(image_bytes("PNG", size=(1200, 600)))))

    assert stored_logo(resident_admin.company).size == (512, 256)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a picture", "is not a PNG, JPEG or WebP image"),
        (image_bytes("PNG")[:-200], "is damaged or incomplete and cannot be opened as an image"),
        (pixel_bomb_png(), "has too many pixels; images may have at most 25 million pixels"),
    ],
    ids=["not-an-image", "cut-off", "decompression-bomb"],
)
def test_a_bad_logo_is_named_next_to_the_field_and_nothing_typed_is_lost(resident_admin, content, message):
    response = resident_admin.client.post("/my/profile/", entry(logo=upload(content, "logo.png")))

    assert response.status_code == 400
    assert message in error_next_to(response, "logo")
    html = response.content.decode()
    assert ENGLISH in html and CHINESE in html and "https://helix.example.com" in html
    resident_admin.company.refresh_from_db()
    assert resident_admin.company.description == "" and not resident_admin.company.logo


def test_a_logo_file_over_the_size_limit_is_refused(resident_admin, settings):
    settings.LOGO_UPLOAD_MAX_BYTES = 1000

    response = resident_admin.client.post("/my/profile/", entry(logo=upload(image_bytes("PNG", size=(200, 200)))))

    assert response.status_code == 400
    assert "files may be at most 1000" in error_next_to(response, "logo")
    assert CHINESE in response.content.decode()


def test_a_new_logo_replaces_the_old_one_whose_address_stops_working(
    resident_admin, client, django_capture_on_commit_callbacks
):
    resident_admin.client.post("/my/profile/", entry(logo=upload(image_bytes("PNG"))))
    resident_admin.company.refresh_from_db()
    old_name, old_url = resident_admin.company.logo.name, resident_admin.company.logo_url

    with django_capture_on_commit_callbacks(execute=True):
        resident_admin.client.post("/my/profile/", entry(logo=upload(image_bytes("PNG"))))

    resident_admin.company.refresh_from_db()
    assert resident_admin.company.logo_url != old_url
    assert not private_storage.exists(old_name)
    assert client.get(old_url).status_code == 404
    assert client.get(resident_admin.company.logo_url).status_code == 200


def test_a_company_admin_removes_the_logo(resident_admin, django_capture_on_commit_callbacks):
    resident_admin.client.post("/my/profile/", entry(logo=upload(image_bytes("PNG"))))
    resident_admin.company.refresh_from_db()
    name = resident_admin.company.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        resident_admin.client.post("/my/profile/", entry(logo_remove="on"))

    resident_admin.company.refresh_from_db()
    assert not resident_admin.company.logo and not private_storage.exists(name)
    assert resident_admin.client.get("/my/profile/logo/").status_code == 404


def test_the_directory_reads_as_few_rows_with_logos_as_without(client, django_assert_max_num_queries, campus):
    def fill(count: int) -> None:
        for _ in range(count):
            company = CompanyFactory(campus=campus, name=f"Resident {Company.objects.count()}")
            profile_update(
                company=company,
                description_en=ENGLISH,
                description_zh_hans=CHINESE,
                website="",
                listed=True,
                focus_areas=FocusArea.objects.all()[:2],
                logo=upload(image_bytes("PNG", size=(8, 8))),
            )

    fill(1)
    with django_assert_max_num_queries(8):
        assert client.get("/residents/").status_code == 200
    fill(19)
    with django_assert_max_num_queries(8):
        page = client.get("/residents/").content.decode()
    assert page.count('class="logo"') == 20


# --- Listed or not -----------------------------------------------------------------------------


def test_opting_out_leaves_the_company_out_of_the_directory_and_the_api(resident_admin, client, api_a):
    company = resident_admin.company
    resident_admin.client.post("/my/profile/", entry(logo=upload(image_bytes("PNG"))))
    company.refresh_from_db()
    logo_url = company.logo_url

    resident_admin.client.post("/my/profile/", entry(listed=None))

    company.refresh_from_db()
    assert company.listed is False and company.history.first().history_user == resident_admin.user
    assert "Helix Therapeutics" not in client.get("/residents/").content.decode()
    assert client.get(f"/residents/{company.slug}/").status_code == 404
    assert client.get(logo_url).status_code == 404
    assert "Helix Therapeutics" not in [c["name"] for c in api_a.get("/api/v1/companies/").json()["results"]]
    assert resident_admin.client.get("/my/profile/logo/").status_code == 200, "the team still sees its own"

    resident_admin.client.post("/my/profile/", entry())

    assert "Helix Therapeutics" in client.get("/residents/").content.decode()
    assert "Helix Therapeutics" in [c["name"] for c in api_a.get("/api/v1/companies/").json()["results"]]


def test_the_api_gives_both_descriptions_and_the_logos_address(resident_admin, api_a, client, settings):
    settings.SITE_URL = "https://portal.example.org"
    resident_admin.client.post("/my/profile/", entry(logo=upload(image_bytes("PNG"))))

    listed = next(c for c in api_a.get("/api/v1/companies/").json()["results"] if c["name"] == "Helix Therapeutics")

    assert (listed["description"], listed["description_zh"]) == (ENGLISH, CHINESE)
    assert listed["focus_areas"] == ["clinical_trials"]
    assert listed["logo"].startswith("https://portal.example.org/residents/")
    assert client.get(listed["logo"].removeprefix("https://portal.example.org")).status_code == 200
    assert api_a.get("/api/v1/companies/", {"search": "耐药"}).json()["results"][0]["name"] == "Helix Therapeutics"
    documented = CompanySerializer(Company.objects.get(pk=resident_admin.company.pk)).data
    assert listed == dict(documented)


def test_a_company_not_yet_resident_is_not_shown_even_when_listed(resident_admin, client):
    Company.objects.filter(pk=resident_admin.company.pk).update(status=CompanyStatus.ONBOARDING)

    resident_admin.client.post("/my/profile/", entry(logo=upload(image_bytes("PNG"))))

    page = resident_admin.client.get("/my/profile/").content.decode()
    assert "once it is a resident" in page
    assert client.get(Company.objects.get(pk=resident_admin.company.pk).logo_url).status_code == 404


# --- Who may see and change it ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["resident_member", "resident_finance"])
def test_members_and_finance_see_the_profile_but_cannot_change_it(persona, resident_admin, request):
    resident_admin.client.post("/my/profile/", entry(logo=upload(image_bytes("PNG"))))
    person = request.getfixturevalue(persona)

    page = person.client.get("/my/profile/")

    assert page.status_code == 200
    assert CHINESE in page.content.decode() and "Only your company's admins" in page.content.decode()
    assert person.client.get("/my/profile/logo/").status_code == 200
    assert person.client.post("/my/profile/", entry(description_en="Changed")).status_code == 403
    resident_admin.company.refresh_from_db()
    assert resident_admin.company.description == ENGLISH


def test_another_companys_admin_sees_and_changes_only_its_own(resident_admin, other_resident):
    resident_admin.client.post("/my/profile/", entry(logo=upload(image_bytes("PNG"))))

    page = other_resident.client.get("/my/profile/").content.decode()
    assert ENGLISH not in page and CHINESE not in page
    assert other_resident.client.get("/my/profile/logo/").status_code == 404, "company B has no logo"
    other_resident.client.post("/my/profile/", entry(description_en="Company B's own words."))

    resident_admin.company.refresh_from_db()
    other_resident.company.refresh_from_db()
    assert resident_admin.company.description == ENGLISH
    assert other_resident.company.description == "Company B's own words."


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ["/my/profile/", "/my/profile/logo/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/my/login/")
    assert client.post("/my/profile/", entry())["Location"].startswith("/my/login/")


def test_staff_and_committee_members_get_404_and_applicants_are_sent_to_sign_in(
    screening_officer, alice, applicant, resident_admin
):
    staff, member = Client(), Client()
    staff.force_login(screening_officer)
    member.force_login(alice.user)
    for browser in [staff, member]:
        for path in ["/my/profile/", "/my/profile/logo/"]:
            assert browser.get(path).status_code == 404, path
        assert browser.post("/my/profile/", entry()).status_code == 404
    # An applicant's session follows an application, not an account.
    assert applicant.client.post("/my/profile/", entry())["Location"].startswith("/my/login/")
    resident_admin.company.refresh_from_db()
    assert resident_admin.company.description == ""


# --- Demo data ---------------------------------------------------------------------------------


def test_the_demo_gives_first_batch_residents_their_reported_descriptions_once(campus):
    import json

    reported = json.loads(demo_profile.facts_file().read_text(encoding="utf-8"))["companies"][0]
    company = CompanyFactory(campus=campus, name=reported["name"], description="")
    elsewhere = CompanyFactory(name=reported["name"] + " (elsewhere)", description="")

    demo_profile.seed(campus, [company, elsewhere])
    rows = company.history.count()
    demo_profile.seed(campus, Company.objects.filter(pk=company.pk))

    company.refresh_from_db()
    assert company.description_en == reported["description"] and not company.description_zh_hans
    assert company.history.count() == rows, "running it again changes nothing"
    assert Company.objects.get(pk=elsewhere.pk).description == ""
