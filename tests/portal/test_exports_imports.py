"""Admin lists export to CSV and Excel within the user's permissions; spaces import with a preview."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from campus.models import Space
from portal.roles import group_name
from tests.campus.factories import BuildingFactory, CampusFactory
from tests.tenants.factories import ApplicationFactory, CompanyFactory

pytestmark = pytest.mark.django_db

APPLICATION_FIELDS = ["reference", "company", "country", "campus", "status", "submitted_at"]


SPACE_COLUMNS = (
    "campus,building,code,floor,kind,area_m2,biosafety_level,cleanroom_class,fume_hoods,has_cold_room,description"
)


def _import_spaces(client, *rows: str):
    """Upload a CSV of spaces with these rows to the admin's import: the preview page."""
    csv = "\n".join([SPACE_COLUMNS, *rows]) + "\n"
    return client.post(
        "/admin/campus/space/import/",
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("spaces.csv", csv.encode())},
    )


def _export(client, url: str, prefix: str, fields: list[str], fmt: str):
    data = {"resource": "0", "format": fmt, **{f"{prefix}_{name}": "on" for name in fields}}
    return client.post(url, data)


def test_staff_export_applications_to_csv_and_excel(staff_client):
    ApplicationFactory(status="submitted", company__name="Helix Diagnostics", company__country="HK")

    csv_response = _export(
        staff_client, "/admin/tenants/application/export/", "applicationresource", APPLICATION_FIELDS, "0"
    )
    xlsx_response = _export(
        staff_client, "/admin/tenants/application/export/", "applicationresource", APPLICATION_FIELDS, "1"
    )

    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("reference,company,country")
    assert "Helix Diagnostics,Hong Kong" in text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["reference", "company", "country"]
    assert sheet.cell(row=2, column=2).value == "Helix Diagnostics"


def _staff_with(client, django_user_model, role):
    user = django_user_model.objects.create_user(username=role, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name(role)))
    client.force_login(user)
    return client


def test_exports_respect_permissions(client, django_user_model):
    ApplicationFactory(status="submitted")

    auditor = _staff_with(client, django_user_model, "auditor")
    assert auditor.get("/admin/tenants/application/export/").status_code == 200
    space_manager = _staff_with(client.__class__(), django_user_model, "space_manager")
    assert space_manager.get("/admin/tenants/application/export/").status_code == 403
    assert space_manager.get("/admin/campus/space/import/").status_code == 200
    assert auditor.get("/admin/campus/space/import/").status_code == 403


@pytest.fixture
def building_g():
    """The building the CSV rows name: G on the campus "icampus"."""
    return BuildingFactory(campus=CampusFactory(slug="icampus"), code="G")


@pytest.mark.usefixtures("building_g")
def test_spaces_import_from_csv_with_a_preview_and_row_errors(staff_client):
    preview = _import_spaces(
        staff_client,
        "icampus,G,101,1,laboratory,250,bsl2,,2,1,New lab",
        "icampus,G,102,1,office,80,bsl2,,0,0,Office with a biosafety level",
        "icampus,Z,103,1,office,80,,,0,0,Unknown building",
    )

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Only laboratories, clean rooms and pilot plants have a biosafety level." in page
    assert "No building" in page and "Z" in page
    assert not Space.objects.exists()  # nothing is written before the preview is confirmed


@pytest.mark.usefixtures("building_g")
def test_a_clean_space_file_imports_after_confirmation(staff_client):
    preview = _import_spaces(staff_client, "icampus,G,101,1,laboratory,250,bsl2,,2,1,New lab")
    confirm = preview.context["confirm_form"]
    staff_client.post("/admin/campus/space/process_import/", {**confirm.initial, "resource": "0"})

    space = Space.objects.get()
    assert (space.building.code, space.code, space.biosafety_level, space.area_m2) == ("G", "101", "bsl2", 250)


COMPANY_FIELDS = ["name", "country", "status"]


@pytest.mark.parametrize(
    ("prefix", "country", "status", "stage"),
    [("", "United Kingdom", "Resident", "Submitted"), ("/zh-hans", "英国", "已入驻", "已提交")],
)
def test_exports_say_labels_in_the_staff_members_language_not_codes(staff_client, prefix, country, status, stage):
    ApplicationFactory(status="submitted", company__name="Kelvin Optics", company__country="GB")
    CompanyFactory(name="Lister Labs", country="GB", status="resident")

    applications = _export(
        staff_client, f"{prefix}/admin/tenants/application/export/", "applicationresource", APPLICATION_FIELDS, "0"
    ).content.decode("utf-8-sig")
    companies = _export(staff_client, f"{prefix}/admin/tenants/company/export/", "companyresource", COMPANY_FIELDS, "1")

    assert f"Kelvin Optics,{country}," in applications and f",{stage}," in applications
    sheet = openpyxl.load_workbook(io.BytesIO(companies.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert ["Lister Labs", country, status] in rows


@pytest.mark.usefixtures("building_g")
@pytest.mark.parametrize(("kind", "level"), [("Laboratory", "BSL-2"), ("实验室", "bsl2"), ("LABORATORY", "BSL2")])
def test_spaces_import_a_kind_given_by_its_label_in_either_language(staff_client, kind, level):
    preview = _import_spaces(staff_client, f"icampus,G,101,1,{kind},250,{level},,2,1,New lab")
    confirm = preview.context["confirm_form"]
    staff_client.post("/admin/campus/space/process_import/", {**confirm.initial, "resource": "0"})

    assert Space.objects.values_list("kind", "biosafety_level").get() == ("laboratory", "bsl2")


@pytest.mark.usefixtures("building_g")
def test_exported_spaces_read_as_labels_and_import_back_unchanged(staff_client):
    preview = _import_spaces(staff_client, "icampus,G,101,1,laboratory,250,bsl2,,2,1,New lab")
    staff_client.post(
        "/admin/campus/space/process_import/", {**preview.context["confirm_form"].initial, "resource": "0"}
    )
    fields = SPACE_COLUMNS.split(",")

    exported = _export(staff_client, "/admin/campus/space/export/", "spaceresource", fields, "0")
    text = exported.content.decode("utf-8-sig")
    assert "icampus,G,101,1,Laboratory," in text
    rows = text.splitlines()[1:]
    again = _import_spaces(staff_client, *rows)

    assert again.status_code == 200 and "Errors" not in again.content.decode()
    assert Space.objects.values_list("kind", "biosafety_level").get() == ("laboratory", "bsl2")


def test_text_a_spreadsheet_would_run_is_exported_as_text_in_csv_and_excel(staff_client):
    # A company name comes from the public apply form.
    hostile = '=HYPERLINK("http://evil.example/x","click")'
    ApplicationFactory(status="submitted", company__name=hostile)

    csv_text = _export(
        staff_client, "/admin/tenants/application/export/", "applicationresource", APPLICATION_FIELDS, "0"
    ).content.decode("utf-8-sig")
    xlsx = _export(staff_client, "/admin/tenants/application/export/", "applicationresource", APPLICATION_FIELDS, "1")

    assert f"'{hostile}".replace('"', '""') in csv_text and ",=HYPERLINK" not in csv_text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=2).value == f"'{hostile}"
    assert sheet.cell(row=2, column=2).data_type == "s"  # text, not a formula


@pytest.mark.usefixtures("building_g")
def test_a_space_exported_with_formula_like_text_imports_back_as_it_was(staff_client):
    preview = _import_spaces(staff_client, "icampus,G,-1,-1,laboratory,250,bsl2,,2,1,=2+3 floor plan")
    staff_client.post(
        "/admin/campus/space/process_import/", {**preview.context["confirm_form"].initial, "resource": "0"}
    )
    exported = _export(staff_client, "/admin/campus/space/export/", "spaceresource", SPACE_COLUMNS.split(","), "0")
    row = exported.content.decode("utf-8-sig").splitlines()[1]

    assert row.startswith("icampus,G,'-1,-1,") and row.endswith(",'=2+3 floor plan")  # a code is text; floor a number
    again = _import_spaces(staff_client, row)
    staff_client.post("/admin/campus/space/process_import/", {**again.context["confirm_form"].initial, "resource": "0"})

    assert Space.objects.values_list("code", "floor", "description").get() == ("-1", -1, "=2+3 floor plan")
