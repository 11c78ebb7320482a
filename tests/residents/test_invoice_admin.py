"""Invoices in the admin: found by their number, shown as issued, never deleted, corrected by a
credit note on their own page, which only staff allowed to issue invoices may use."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from residents.choices import InvoiceKind
from residents.models import Invoice
from residents.services.invoices import invoices_issue
from tests.personas import staff_in_role
from tests.residents.leases_setup import leased

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(campus, resident_company, other_company):
    campus.invoice_prefix = "ICW"
    campus.save()
    leased(other_company)
    leased(resident_company)
    invoices_issue(today=dt.date(2026, 1, 5))
    return Invoice.objects.get(company=resident_company)


@pytest.fixture
def finance_client(client):
    client.force_login(staff_in_role("finance"))
    return client


def test_finance_staff_find_an_invoice_by_its_number_and_cannot_delete_it(finance_client, invoice):
    changelist = reverse("admin:residents_invoice_changelist")

    for term in ("ICW-2026-000002", "icw-2026-2", "2026-000002"):
        page = finance_client.get(changelist, {"q": term}).content.decode()
        assert "ICW-2026-000002" in page and "ICW-2026-000001" not in page, term
    assert finance_client.get(reverse("admin:residents_invoice_add")).status_code == 403
    assert (
        finance_client.post(reverse("admin:residents_invoice_delete", args=[invoice.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_a_credit_note_is_issued_from_the_invoice_page_and_a_refusal_keeps_what_was_typed(finance_client, invoice):
    page = reverse("admin:residents_invoice_credit_note", args=[invoice.pk])
    assert page in finance_client.get(reverse("admin:residents_invoice_change", args=[invoice.pk])).content.decode()

    refused = finance_client.post(page, {"amount": "99999999", "tax_percent": "9", "reason": "Wrong area billed"})

    assert refused.status_code == 200
    body = refused.content.decode()
    assert "can still be credited" in body and "Wrong area billed" in body and "99999999" in body
    assert not Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).exists()

    done = finance_client.post(page, {"amount": "", "tax_percent": "", "reason": "Wrong area billed"}, follow=True)

    note = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    assert (note.credits, note.total, note.display_number) == (invoice, -invoice.total, "ICW-2026-000003")
    assert "Credit note ICW-2026-000003 issued against ICW-2026-000002." in done.content.decode()


def test_staff_who_may_not_issue_invoices_cannot_reach_the_credit_note_page(client, invoice):
    client.force_login(staff_in_role("front_desk"))

    assert (
        client.post(reverse("admin:residents_invoice_credit_note", args=[invoice.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert not Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).exists()


def test_the_credit_note_form_sent_twice_issues_one_credit_note(finance_client, invoice):
    page = reverse("admin:residents_invoice_credit_note", args=[invoice.pk])
    (key,) = re.findall(
        r'<input type="hidden" name="submission" value="([^"]+)"', finance_client.get(page).content.decode()
    )
    form = {"submission": key, "amount": "109.00", "tax_percent": "9.00", "reason": "Lift out of order"}

    first, second = finance_client.post(page, form), finance_client.post(page, form, follow=True)

    assert first.status_code == 302
    assert second.redirect_chain[-1][0] == reverse("admin:residents_invoice_change", args=[invoice.pk])
    assert "issued already" in second.content.decode()
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1


def test_an_issued_number_keeps_the_prefix_it_was_issued_with(finance_client, invoice):
    invoice.campus.invoice_prefix = "WX"
    invoice.campus.save()

    invoice.refresh_from_db()
    assert invoice.display_number == "ICW-2026-000002"
    page = finance_client.get(reverse("admin:residents_invoice_changelist"), {"q": "ICW-2026-000002"})
    assert "ICW-2026-000002" in page.content.decode()


def test_staff_set_the_campus_billing_terms_in_its_admin_page(admin_client, campus):
    page = reverse("admin:campus_campus_change", args=[campus.pk])
    form = admin_client.get(page).content.decode()
    assert 'name="billing_day"' in form and 'name="invoice_prefix"' in form

    refused = admin_client.post(page, {"billing_day": "31", "invoice_prefix": "icw!"})

    body = refused.content.decode()
    assert "Ensure this value is less than or equal to 28." in body
    assert "Use 2 to 8 capital letters or digits." in body
