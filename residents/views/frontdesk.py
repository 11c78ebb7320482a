"""Visitors and deliveries: the company's own at /my/visitors/ and /my/deliveries/, and the front
desk's day at /staff/frontdesk/ (today's visitors, walk-ins, the deliveries it holds)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campus.models import Campus
from common.errors import DomainError
from common.staff import staff_required

from ..access import resident_required
from ..choices import VisitStatus
from ..forms.frontdesk import CollectForm, DeliveryForm, DeskFilterForm, VisitForm, WalkInForm, person_label
from ..models import Delivery, Visit
from ..services.frontdesk import (
    deliveries_for_desk,
    delivery_collect,
    delivery_log,
    visit_cancel,
    visit_cancellable_by,
    visit_check_in,
    visit_check_out,
    visit_register,
    visit_walk_in,
    visits_for_desk,
)

PAGE_SIZE = 25

# --- The company's visitors and deliveries (/my/) -------------------------------------------------


@resident_required
def visitors(request):
    """The company's visits, upcoming or past, and the form to announce one (POST)."""
    membership = request.membership
    form = VisitForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            visit = visit_register(company=membership.company, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is expected on %(day)s.")
                % {"name": visit.visitor_name, "day": formats.date_format(visit.visit_date)},
            )
            return redirect("residents:visitors")
    today = timezone.localdate()
    past = request.GET.get("when") == "past"
    visits = Visit.objects.filter(company=membership.company).select_related("host", "registered_by")
    if past:
        visits = visits.filter(visit_date__lt=today).order_by("-visit_date", "-expected_time", "-pk")
    else:
        visits = visits.filter(visit_date__gte=today)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    for visit in page:
        visit.may_cancel = visit.status == VisitStatus.EXPECTED and not past and visit_cancellable_by(visit, membership)
    context = {"form": form, "page": page, "past": past, "today": today}
    return render(request, "residents/visitors.html", context, status=400 if form.errors else 200)


@require_POST
@resident_required
def visitor_cancel(request, pk: int):
    visit = get_object_or_404(Visit, pk=pk, company=request.membership.company)
    try:
        visit_cancel(visit=visit, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The visit of %(name)s is cancelled.") % {"name": visit.visitor_name})
    return redirect("residents:visitors")


@resident_required
def deliveries(request):
    """What the front desk holds for the company, or what was collected already."""
    collected = request.GET.get("show") == "collected"
    rows = Delivery.objects.filter(company=request.membership.company, collected_at__isnull=not collected)
    rows = rows.order_by("-collected_at", "-pk") if collected else rows.order_by("logged_at", "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "residents/deliveries.html", {"page": page, "collected": collected})


# --- The front desk (/staff/frontdesk/) ---------------------------------------------------------

DESK_CAMPUS = "frontdesk_campus"


def _desk_campus(request) -> Campus | None:
    """The campus this desk serves: chosen in the filters, then kept in the session."""
    chosen = request.GET.get("campus") or request.session.get(DESK_CAMPUS)
    campus = Campus.objects.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    campus = campus or Campus.objects.order_by("name").first()
    if campus is not None and request.session.get(DESK_CAMPUS) != campus.pk:
        request.session[DESK_CAMPUS] = campus.pk
    return campus


def _filters(request, campus: Campus) -> DeskFilterForm:
    data = request.GET.copy()
    data.setdefault("campus", str(campus.pk))
    return DeskFilterForm(data, campus=campus)


def _back(request, name: str):
    """Back to the desk page ``name`` with the filters it showed (a query string, never another address)."""
    query = QueryDict(request.POST.get("back", "")).urlencode()
    return redirect(reverse(name) + (f"?{query}" if query else ""))


def _desk_page(request, *, walk_in_form: WalkInForm | None = None):
    campus = _desk_campus(request)
    if campus is None:
        return render(request, "residents/staff/frontdesk.html", {"campus": None})
    filters = _filters(request, campus)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    today = timezone.localdate()
    visits = visits_for_desk(campus=campus, day=today, building=chosen.get("building"), text=chosen.get("q", ""))
    counts = visits.aggregate(
        expected=Count("pk", filter=Q(status=VisitStatus.EXPECTED)),
        inside=Count("pk", filter=Q(status=VisitStatus.CHECKED_IN)),
    )
    context = {
        "campus": campus,
        "filters": filters,
        "page": Paginator(visits, 50).get_page(request.GET.get("page")),
        "counts": counts,
        "today": today,
        "walk_in_form": walk_in_form or WalkInForm(campus=campus),
        "can_change": request.user.has_perm("residents.change_visit"),
        "can_add": request.user.has_perms(["residents.add_visit", "residents.change_visit"]),
    }
    return render(request, "residents/staff/frontdesk.html", context, status=400 if walk_in_form else 200)


@staff_required
@permission_required("residents.view_visit", raise_exception=True)
def desk(request):
    """Today's visitors at the desk's campus: who is expected, who is in, who has left."""
    return _desk_page(request)


@staff_required
@require_POST
@permission_required(["residents.add_visit", "residents.change_visit"], raise_exception=True)
def desk_walk_in(request):
    campus = _desk_campus(request)
    form = WalkInForm(request.POST, campus=campus)
    if form.is_valid():
        try:
            visit = visit_walk_in(
                host_membership=form.cleaned_data["host"],
                visitor_name=form.cleaned_data["visitor_name"],
                organisation=form.cleaned_data["organisation"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _arrived(visit))
            return redirect("residents:frontdesk")
    return _desk_page(request, walk_in_form=form)


def _arrived(visit: Visit) -> str:
    return _("%(name)s is checked in; %(host)s has been told.") % {
        "name": visit.visitor_name,
        "host": person_label(visit.host),
    }


@staff_required
@require_POST
@permission_required("residents.change_visit", raise_exception=True)
def desk_check_in(request, pk: int):
    visit = get_object_or_404(Visit.objects.select_related("host"), pk=pk)
    try:
        visit_check_in(visit=visit, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _arrived(visit))
    return _back(request, "residents:frontdesk")


@staff_required
@require_POST
@permission_required("residents.change_visit", raise_exception=True)
def desk_check_out(request, pk: int):
    visit = get_object_or_404(Visit, pk=pk)
    try:
        visit_check_out(visit=visit, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s has checked out.") % {"name": visit.visitor_name})
    return _back(request, "residents:frontdesk")


def _deliveries_page(request, *, form: DeliveryForm | None = None):
    campus = _desk_campus(request)
    if campus is None:
        return render(request, "residents/staff/frontdesk_deliveries.html", {"campus": None})
    filters = _filters(request, campus)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    deliveries = deliveries_for_desk(campus=campus, building=chosen.get("building"), text=chosen.get("q", ""))
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    context = {
        "campus": campus,
        "filters": filters,
        "page": page,
        "form": form or DeliveryForm(campus=campus),
        "overdue_before": timezone.now() - dt.timedelta(hours=settings.FRONTDESK_FLAGGED_COLLECT_HOURS),
        "can_add": request.user.has_perm("residents.add_delivery"),
        "can_change": request.user.has_perm("residents.change_delivery"),
    }
    return render(request, "residents/staff/frontdesk_deliveries.html", context, status=400 if form else 200)


@staff_required
@permission_required("residents.view_delivery", raise_exception=True)
def desk_deliveries(request):
    """Deliveries waiting at the desk's campus, and the form to log one."""
    return _deliveries_page(request)


@staff_required
@require_POST
@permission_required("residents.add_delivery", raise_exception=True)
def desk_delivery_log(request):
    form = DeliveryForm(request.POST, campus=_desk_campus(request))
    if form.is_valid():
        try:
            delivery = delivery_log(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("Delivery for %(company)s logged; the company has been told.") % {"company": delivery.company},
            )
            return redirect("residents:frontdesk_deliveries")
    return _deliveries_page(request, form=form)


@staff_required
@require_POST
@permission_required("residents.change_delivery", raise_exception=True)
def desk_delivery_collect(request, pk: int):
    delivery = get_object_or_404(Delivery.objects.select_related("company"), pk=pk)
    form = CollectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the name of the person collecting the delivery."))
        return _back(request, "residents:frontdesk_deliveries")
    try:
        delivery_collect(
            delivery=delivery, collected_by_name=form.cleaned_data["collected_by_name"], actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Delivery for %(company)s collected by %(name)s.")
            % {"company": delivery.company, "name": delivery.collected_by_name},
        )
    return _back(request, "residents:frontdesk_deliveries")
