"""Onboarding: the company's own tasks on its status page, and the staff board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from common.staff import staff_required

from ..applicants import applicant_email
from ..choices import TaskOwner, TaskState
from ..exceptions import InvalidTransition
from ..forms import StaffTaskForm, TaskCompleteForm
from ..models import OnboardingTask
from ..services.onboarding import onboarding_task_complete, onboarding_task_waive, plans_for_board
from ._common import session_application
from .applications import apply_status


@never_cache
@require_POST
def onboarding_task_done(request, pk: int):
    """The company completes one of its own onboarding tasks from its status page."""
    application = session_application(request)
    if application is None:
        raise Http404
    task = get_object_or_404(
        OnboardingTask, pk=pk, plan__application=application, owner=TaskOwner.COMPANY, state=TaskState.PENDING
    )
    form = TaskCompleteForm(request.POST, request.FILES, task=task)
    if not form.is_valid():
        return apply_status(request, task_forms={task.pk: form}, status=400)
    try:
        onboarding_task_complete(
            task=task,
            actor=applicant_email(request),
            upload=form.cleaned_data.get("file"),
            expires_on=form.cleaned_data.get("expires_on"),
        )
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: “%(task)s” is done.") % {"task": task.title})
    return redirect("tenants:apply_status")


# --- Staff onboarding board ---------------------------------------------------------------


@staff_required
@permission_required("tenants.view_onboardingplan", raise_exception=True)
def staff_onboarding(request):
    """Every onboarding plan, those with overdue tasks first."""
    page = Paginator(plans_for_board(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "tenants/staff/onboarding.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "can_change": request.user.has_perm("tenants.change_onboardingtask"),
        },
    )


@staff_required
@require_POST
@permission_required("tenants.change_onboardingtask", raise_exception=True)
def staff_onboarding_task(request, pk: int):
    task = get_object_or_404(OnboardingTask, pk=pk)
    form = StaffTaskForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "waive":
                onboarding_task_waive(task=task, actor=request.user, reason=form.cleaned_data["reason"])
            else:
                onboarding_task_complete(task=task, actor=request.user, upload=None)
        except InvalidTransition as exc:
            messages.error(request, f"{task.title}: {exc.message}")
        else:
            messages.success(request, _("“%(task)s” updated.") % {"task": task.title})
    return redirect(reverse("tenants:staff_onboarding") + f"#plan-{task.plan_id}")
