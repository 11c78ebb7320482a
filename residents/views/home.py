"""The company's home in /my/: its space, onboarding and compliance, and where to go next."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from campus.models import Allocation
from common.errors import DomainError
from tenants.choices import ComplianceKind, TaskOwner, TaskState
from tenants.forms import TaskCompleteForm
from tenants.models import ComplianceDocument, OnboardingTask
from tenants.services.onboarding import onboarding_task_complete

from ..access import resident_required
from ..choices import LeaseState, MemberRole
from ..models import Announcement, Lease
from .invoices import BILLING_READERS, balance_shown

LATEST_ANNOUNCEMENTS = 3


@resident_required
def home(request, task_forms: dict | None = None, status: int = 200):
    company = request.membership.company
    today = timezone.localdate()
    allocations = (
        Allocation.objects.filter(company=company)
        .exclude(ends_on__lt=today)
        .select_related("space__building__campus")
        .order_by("starts_on", "space__code")
    )
    tasks = list(
        OnboardingTask.objects.filter(plan__company=company).select_related("plan").order_by("state", "due_on", "pk")
    )
    task_forms = task_forms or {}
    for task in tasks:  # the company's own pending tasks are done here, with their document if one is needed
        if task.owner == TaskOwner.COMPANY and task.state == TaskState.PENDING:
            task.form = task_forms.get(task.pk) or TaskCompleteForm(task=task)
    # The residency agreement task points to the lease it is about, for those who may read the lease.
    if request.membership.role in (MemberRole.ADMIN, MemberRole.FINANCE) and any(
        task.requires_document == ComplianceKind.RESIDENCY_AGREEMENT for task in tasks
    ):
        has_lease = Lease.objects.filter(company=company).exclude(state=LeaseState.DRAFT).exists()
        for task in tasks:
            task.lease_link = has_lease and task.requires_document == ComplianceKind.RESIDENCY_AGREEMENT
    documents = ComplianceDocument.objects.filter(company=company).order_by("kind", "-uploaded_at")
    context = {
        "company": company,
        "membership": request.membership,
        "allocations": allocations,
        "tasks": tasks,
        "documents": documents,
        "announcements": Announcement.objects.for_reader(request.membership)[:LATEST_ANNOUNCEMENTS],
        "today": today,
        # The company's balance, for those who read its money.
        "balance": balance_shown(company) if request.membership.role in BILLING_READERS else None,
    }
    return render(request, "residents/home.html", context, status=status)


@never_cache
@require_POST
@resident_required
def onboarding_task_done(request, pk: int):
    """The company completes one of its own onboarding tasks from its home in /my/."""
    task = get_object_or_404(
        OnboardingTask,
        pk=pk,
        plan__company=request.membership.company,
        owner=TaskOwner.COMPANY,
        state=TaskState.PENDING,
    )
    form = TaskCompleteForm(request.POST, request.FILES, task=task)
    if not form.is_valid():
        return home.__wrapped__(request, task_forms={task.pk: form}, status=400)
    try:
        onboarding_task_complete(
            task=task,
            actor=request.user,
            upload=form.cleaned_data.get("file"),
            expires_on=form.cleaned_data.get("expires_on"),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: “%(task)s” is done.") % {"task": task.title})
    return redirect("residents:home")
