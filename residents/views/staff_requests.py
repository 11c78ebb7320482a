"""The staff queue of service requests at /staff/requests/: filters, a request's whole history, and work on it.

Reading needs ``residents.view_servicerequest``; replying, notes, moves and assignment need
``residents.change_servicerequest`` (portal/roles.py gives them to the service desk).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.downloads import private_download
from common.errors import DomainError
from common.staff import staff_required

from ..forms.requests import AssignForm, MoveForm, NoteForm, QueueFilter, ReplyForm
from ..models import ServiceRequest, ServiceRequestAttachment
from ..services.requests import (
    moves_for,
    service_request_assign,
    service_request_note,
    service_request_reply,
    service_request_transition,
)
from .requests import PAGE_SIZE, add_error

VIEW = "residents.view_servicerequest"
CHANGE = "residents.change_servicerequest"


@staff_required
@permission_required(VIEW, raise_exception=True)
def staff_requests(request):
    """The queue: open requests by default, the oldest target first."""
    filters = QueueFilter(request.GET or None)
    queryset = filters.apply(ServiceRequest.objects.for_list(), user=request.user)
    page = Paginator(queryset.order_by("resolution_due_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "now": timezone.now()}
    return render(request, "residents/staff/requests.html", context)


def _staff_detail(request, service_request: ServiceRequest, status: int = 200, **forms):
    events = (
        service_request.events.select_related("actor")
        .prefetch_related(Prefetch("attachments", queryset=ServiceRequestAttachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )
    moves = moves_for(service_request, by_company=False)
    context = {
        "service_request": service_request,
        "events": events,
        "can_change": request.user.has_perm(CHANGE),
        "overdue": service_request.is_overdue(),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "move_form": forms.get("move_form") or (MoveForm(moves=moves) if moves else None),
        "assign_form": forms.get("assign_form") or AssignForm(initial={"assignee": service_request.assignee_id}),
    }
    return render(request, "residents/staff/request.html", context, status=status)


def _request(pk: int) -> ServiceRequest:
    return get_object_or_404(ServiceRequest.objects.for_list(), pk=pk)


@staff_required
@permission_required(VIEW, raise_exception=True)
def staff_request(request, pk: int):
    return _staff_detail(request, _request(pk))


def _act(request, pk: int, form_class, form_name: str, act, done: str, **form_kwargs):
    """Validate the form and ``act(service_request, cleaned_data)``; back to the request, or its page with the error."""
    service_request = _request(pk)
    form = form_class(request.POST, request.FILES, **form_kwargs)
    if form.is_valid():
        try:
            act(service_request, form.cleaned_data)
        except DomainError as error:
            add_error(form, error)
        else:
            messages.success(request, done)
            return redirect(service_request.get_staff_url())
    service_request.refresh_from_db()
    return _staff_detail(request, service_request, status=400, **{form_name: form})


@staff_required
@require_POST
@permission_required(CHANGE, raise_exception=True)
def staff_request_reply(request, pk: int):
    def act(service_request, data):
        service_request_reply(
            service_request=service_request, actor=request.user, body=data["body"], uploads=data["files"]
        )

    return _act(request, pk, ReplyForm, "reply_form", act, _("Reply sent to the company."))


@staff_required
@require_POST
@permission_required(CHANGE, raise_exception=True)
def staff_request_note(request, pk: int):
    def act(service_request, data):
        service_request_note(service_request=service_request, actor=request.user, body=data["body"])

    return _act(request, pk, NoteForm, "note_form", act, _("Note added."))


@staff_required
@require_POST
@permission_required(CHANGE, raise_exception=True)
def staff_request_move(request, pk: int):
    def act(service_request, data):
        service_request_transition(
            service_request=service_request, to=data["to"], actor=request.user, reason=data["reason"]
        )

    everything = [state for state, _label in ServiceRequest._meta.get_field("state").choices]
    return _act(request, pk, MoveForm, "move_form", act, _("State changed."), moves=everything)


@staff_required
@require_POST
@permission_required(CHANGE, raise_exception=True)
def staff_request_assign(request, pk: int):
    def act(service_request, data):
        service_request_assign(service_request=service_request, assignee=data["assignee"], actor=request.user)

    return _act(request, pk, AssignForm, "assign_form", act, _("Assignment saved."))


@staff_required
@permission_required(VIEW, raise_exception=True)
def staff_request_attachment(request, pk: int):
    return private_download(get_object_or_404(ServiceRequestAttachment, pk=pk))
