"""Building blocks for driving the application form through the test client."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def pdf(name: str = "deck.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def company_data(campus, **overrides) -> dict:
    data = {
        "campus": campus.pk,
        "name": "Helix Diagnostics",
        "country": "GB",
        "website": "https://helix.example.com",
        "founded_year": "2016",
        "size": "11-50",
        "description": "Blood tests for early cancer detection.",
    }
    data.update(overrides)
    return data


def contacts_data(*contacts: tuple[str, str]) -> dict:
    contacts = contacts or (("Ada Lovelace", "ada@helix.example.com"),)
    data = {
        "contacts-TOTAL_FORMS": str(len(contacts)),
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "1",
        "contacts-MAX_NUM_FORMS": "5",
    }
    for index, (name, email) in enumerate(contacts):
        data.update({f"contacts-{index}-name": name, f"contacts-{index}-email": email, f"contacts-{index}-role": "CEO"})
    return data


def profile_data() -> dict:
    from campus.models import BusinessArea
    from tenants.models import DiseaseStage, FocusArea

    return {
        "business_areas": [BusinessArea.objects.get(code="diagnosis").pk],
        "focus_areas": [FocusArea.objects.get(code="early_cancer_diagnosis").pk],
        "disease_stages": [DiseaseStage.objects.get(code="screening").pk],
    }


def needs_data(**overrides) -> dict:
    data = {
        "platform_stage": "incubation",
        "space_kind": "laboratory",
        "space_area_m2": "120",
        "space_from": (dt.date.today() + dt.timedelta(days=60)).isoformat(),
        "biosafety_level": "bsl2",
        "cleanroom_class": "",
        "fume_hoods": "1",
    }
    data.update(overrides)
    return data


def fill_draft(client, campus, prefix: str = "") -> None:
    """Complete every step up to the review page."""
    assert client.post(f"{prefix}/apply/", company_data(campus)).status_code == 302
    assert client.post(f"{prefix}/apply/step/contacts/", contacts_data()).status_code == 302
    assert client.post(f"{prefix}/apply/step/profile/", profile_data()).status_code == 302
    assert client.post(f"{prefix}/apply/step/needs/", needs_data()).status_code == 302
    response = client.post(
        f"{prefix}/apply/step/documents/", {"pitch_deck": pdf(), "business_licence": pdf("licence.pdf")}
    )
    assert response.status_code == 302, response.context and response.context["form"].errors


def link_from(message) -> str:
    return re.search(r"https?://\S+/apply/(?:resume|status)/\S+/", message.body).group(0)


def last_mail_to(address: str):
    return [m for m in mail.outbox if address in m.to][-1]


def use_link(client, url: str):
    """Open an e-mailed link as a browser does: the link, the confirmation page it leads to, its button."""
    from urllib.parse import urlparse

    opened = client.get(urlparse(url).path)
    if opened.status_code != 303:
        return opened
    page = client.get(opened["Location"])
    if page.status_code != 200:
        return page
    return client.post(opened["Location"], {"link": page.context["code"]})
