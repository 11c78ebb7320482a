"""The company's home in /my/: its space, onboarding and compliance, and where to go next."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from campus.models import Allocation
from tenants.models import ComplianceDocument, OnboardingTask

from ..access import resident_required
from ..models import Announcement

LATEST_ANNOUNCEMENTS = 3


@resident_required
def home(request):
    company = request.membership.company
    today = timezone.localdate()
    allocations = (
        Allocation.objects.filter(company=company)
        .exclude(ends_on__lt=today)
        .select_related("space__building__campus")
        .order_by("starts_on", "space__code")
    )
    tasks = (
        OnboardingTask.objects.filter(plan__company=company).select_related("plan").order_by("state", "due_on", "pk")
    )
    documents = ComplianceDocument.objects.filter(company=company).order_by("kind", "-uploaded_at")
    context = {
        "company": company,
        "membership": request.membership,
        "allocations": allocations,
        "tasks": tasks,
        "documents": documents,
        "announcements": Announcement.objects.for_reader(request.membership)[:LATEST_ANNOUNCEMENTS],
        "today": today,
    }
    return render(request, "residents/home.html", context)
