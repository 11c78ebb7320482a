"""Finance staff pages at /staff/finance/: the payments received, recording one by hand, and
importing a bank statement (upload, preview with a proposal per line, apply the lines confirmed).

Reading needs ``residents.view_payment``; recording and importing ``residents.add_payment``
(portal/roles.py gives both to the finance role). A statement read at upload is kept in the
database (``StatementImport``) and opens only for the staff member who uploaded it.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from common.errors import DomainError
from common.staff import staff_required

from ..exceptions import SentTwice
from ..forms.payments import PaymentFilter, PaymentForm, StatementUploadForm
from ..models import Payment, PaymentAllocation, StatementImport
from ..services.bank_statements import (
    billed_companies,
    statement_import_create,
    statement_lines_apply,
    statement_proposals,
)
from ..services.ledger import ZERO
from ..services.payments import payment_record
from .requests import PAGE_SIZE, add_error

VIEW = "residents.view_payment"
ADD = "residents.add_payment"
#: Lines of a statement's preview on one page.
PREVIEW_LINES = 200


@staff_required
@permission_required(VIEW, raise_exception=True)
def staff_payments(request):
    """Payments received, the latest first, with what each settled and the credit it carries."""
    filters = PaymentFilter(request.GET or None)
    payments = (
        filters.apply(Payment.objects.all())
        .select_related("company", "campus", "recorded_by")
        .annotate(allocated=Coalesce(Sum("allocations__amount"), ZERO))
        .annotate(credit_carried=F("amount") - F("allocated"))
        .prefetch_related(
            Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("invoice__campus").order_by("pk"))
        )
        .order_by("-received_on", "-pk")
    )
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "can_add": request.user.has_perm(ADD)}
    return render(request, "residents/staff/payments/list.html", context)


@staff_required
@permission_required(ADD, raise_exception=True)
def staff_payment_new(request):
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payment_record(
                company=data["company"],
                amount=data["amount"],
                received_on=data["received_on"],
                reference=data["reference"],
                invoices=data["invoices"] or None,
                note=data["note"],
                submission_key=data["submission"] or None,
                actor=request.user,
            )
        except SentTwice as error:
            form.add_error(None, ValidationError(error.message, code="sent_twice"))
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(
                request,
                _("Payment of %(amount)s %(currency)s from %(company)s recorded.")
                % {"amount": payment.amount, "currency": payment.currency, "company": payment.company.name},
            )
            return redirect(f"{reverse('residents:staff_payments')}?company={payment.company_id}")
    if form.has_error(NON_FIELD_ERRORS, "sent_twice"):
        # Sent before (a double click, a reload): the payment stands once, as the list shows.
        messages.warning(request, " ".join(form.non_field_errors()))
        return redirect(f"{reverse('residents:staff_payments')}?company={form.cleaned_data['company'].pk}")
    status = 400 if form.errors else 200
    return render(request, "residents/staff/payments/new.html", {"form": form}, status=status)


# --- Bank statements --------------------------------------------------------------------------


@staff_required
@permission_required(ADD, raise_exception=True)
def staff_statement_import(request):
    """Upload a statement (POST) and go to its preview; lists the statements this person uploaded."""
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            statement = statement_import_create(
                campus=form.cleaned_data["campus"], data=upload.read(), file_name=upload.name, actor=request.user
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("residents:staff_statement", pk=statement.pk)
    recent = StatementImport.objects.filter(uploaded_by=request.user).select_related("campus").defer("lines")[:10]
    status = 400 if form.errors else 200
    return render(request, "residents/staff/payments/import.html", {"form": form, "recent": recent}, status=status)


def _statement(request, pk: int) -> StatementImport:
    return get_object_or_404(StatementImport.objects.select_related("campus"), pk=pk, uploaded_by=request.user)


@staff_required
@permission_required(ADD, raise_exception=True)
def staff_statement(request, pk: int):
    """Each credit line with its proposal; staff tick the lines to record and choose the companies."""
    statement = _statement(request, pk)
    companies = list(billed_companies(statement.campus))
    proposals = statement_proposals(statement, companies)
    imported = sum(1 for proposal in proposals if proposal.status == "imported")
    # Each line offers every billed company: a page at a time, or 5,000 lines make tens of megabytes.
    page = Paginator(proposals, PREVIEW_LINES).get_page(request.GET.get("page"))
    context = {
        "statement": statement,
        "proposals": proposals,
        "page": page,
        "companies": companies,
        "imported": imported,
        "to_apply": len(proposals) - imported,
    }
    return render(request, "residents/staff/payments/preview.html", context)


@staff_required
@require_POST
@permission_required(ADD, raise_exception=True)
def staff_statement_apply(request, pk: int):
    """Record the ticked lines, each for the company chosen on its row."""
    statement = _statement(request, pk)
    companies = {str(company.pk): company for company in billed_companies(statement.campus)}
    # A line's own number as the preview wrote it, nothing else ("²" and "٣" pass isdigit()).
    indexes = {str(index): index for index in range(len(statement.lines))}
    chosen = {}
    for value in request.POST.getlist("line"):
        if value in indexes:
            chosen[indexes[value]] = companies.get(request.POST.get(f"company-{value}", ""))
    # Back to the page of the preview the lines were ticked on.
    back = reverse("residents:staff_statement", args=[statement.pk])
    if re.fullmatch(r"[1-9][0-9]{0,3}", request.POST.get("page", ""), flags=re.ASCII):
        back += f"?page={request.POST['page']}"
    if not chosen:
        messages.error(request, _("Tick the lines to record."))
        return redirect(back)
    outcome = statement_lines_apply(statement_import=statement, chosen=chosen, actor=request.user)
    if outcome.recorded:
        count = len(outcome.recorded)
        messages.success(
            request, ngettext("%(count)s payment recorded.", "%(count)s payments recorded.", count) % {"count": count}
        )
    if outcome.already:
        messages.warning(
            request,
            ngettext(
                "%(count)s line was already imported and is not recorded again.",
                "%(count)s lines were already imported and are not recorded again.",
                outcome.already,
            )
            % {"count": outcome.already},
        )
    for row, why in outcome.refused:
        messages.error(request, _("Row %(row)s: %(why)s") % {"row": row, "why": why})
    return redirect(back)
