"""Public campus pages. They present every campus from the database, in the visitor's language."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from campus.selectors import campuses_for_display
from partners.choices import PartnerStatus
from partners.models import Partner
from tenants.choices import CompanyStatus
from tenants.models import IntakeBatch


def _partner_count() -> int:
    return Partner.objects.filter(status=PartnerStatus.ACTIVE).count()


def _campuses():
    return (
        campuses_for_display()
        .prefetch_related(Prefetch("intake_batches", queryset=IntakeBatch.objects.order_by("signed_on", "name")))
        .annotate(resident_count=Count("companies", filter=Q(companies__status=CompanyStatus.RESIDENT), distinct=True))
    )


def home(request):
    campuses = list(_campuses())
    return render(request, "portal/home.html", {"campuses": campuses, "partner_count": _partner_count()})


def campus_detail(request, slug: str):
    campus = get_object_or_404(_campuses(), slug=slug)
    return render(request, "portal/campus_detail.html", {"campus": campus, "partner_count": _partner_count()})
