"""Service requests in /my/: the company raises them, reads the campus's replies, replies, reopens or closes.

Every request is looked up through ``request.membership.company`` (another company's is a 404),
and only its public history is shown: internal notes, assignments and escalations never are.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from common.downloads import private_download
from common.errors import DomainError

from ..access import resident_required
from ..choices import RequestState
from ..forms.requests import MoveForm, ReplyForm, RequestForm
from ..models import ServiceRequest, ServiceRequestAttachment
from ..services.requests import moves_for, service_request_raise, service_request_reply, service_request_transition

PAGE_SIZE = 25
#: What the company's moves mean to it.
COMPANY_MOVE_LABELS = {
    RequestState.IN_PROGRESS: _lazy("Reopen it"),
    RequestState.CLOSED: _lazy("Close it: it is resolved"),
}


def add_error(form, error: DomainError) -> None:
    """Show a refusal next to its field when the form has it, above the form otherwise."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


@resident_required
def request_list(request):
    company = request.membership.company
    requests = ServiceRequest.objects.filter(company=company).order_by("-created_at", "-pk")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "residents/requests/list.html", {"page": page})


@resident_required
def request_new(request):
    form = RequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            service_request = service_request_raise(
                company=request.membership.company,
                actor=request.user,
                category=form.cleaned_data["category"],
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                uploads=form.cleaned_data["files"],
                language=get_language(),
            )
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(
                request, _("Request %(reference)s sent to the campus.") % {"reference": service_request.reference}
            )
            return redirect(service_request)
    status = 400 if request.method == "POST" else 200
    return render(request, "residents/requests/new.html", {"form": form}, status=status)


def _company_request(request, pk: int) -> ServiceRequest:
    return get_object_or_404(ServiceRequest.objects.select_related("campus"), pk=pk, company=request.membership.company)


def _detail(request, service_request: ServiceRequest, *, reply_form=None, move_form=None, status: int = 200):
    events = (
        service_request.events.public()
        .select_related("actor")
        .prefetch_related(Prefetch("attachments", queryset=ServiceRequestAttachment.objects.order_by("pk")))
    )
    moves = moves_for(service_request, by_company=True)
    context = {
        "service_request": service_request,
        "events": events,
        "reply_form": reply_form or ReplyForm(),
        "move_form": move_form or (MoveForm(moves=moves, labels=COMPANY_MOVE_LABELS) if moves else None),
        "moves": moves,
        "closed": service_request.state == RequestState.CLOSED,
    }
    return render(request, "residents/requests/detail.html", context, status=status)


@resident_required
def request_detail(request, pk: int):
    return _detail(request, _company_request(request, pk))


@require_POST
@resident_required
def request_reply(request, pk: int):
    service_request = _company_request(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            service_request_reply(
                service_request=service_request,
                actor=request.user,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["files"],
            )
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Reply sent to the campus."))
            return redirect(service_request)
    return _detail(request, service_request, reply_form=form, status=400)


@require_POST
@resident_required
def request_move(request, pk: int):
    """Reopen a resolved request (within the reopening window) or close it."""
    service_request = _company_request(request, pk)
    form = MoveForm(request.POST, moves=[state for state, _label in RequestState.choices])
    if form.is_valid():
        try:
            service_request_transition(
                service_request=service_request,
                to=form.cleaned_data["to"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Request %(reference)s updated.") % {"reference": service_request.reference})
            return redirect(service_request)
    service_request.refresh_from_db()
    return _detail(request, service_request, move_form=form, status=400)


@resident_required
def request_attachment(request, pk: int):
    """A file of one of the company's requests, for the company's people (staff download theirs from the queue)."""
    attachment = get_object_or_404(
        ServiceRequestAttachment.objects.filter(Q(event__isnull=True) | Q(event__internal=False)),
        pk=pk,
        service_request__company=request.membership.company,
    )
    return private_download(attachment)
