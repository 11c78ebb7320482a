"""The public page of partner organisations."""

from __future__ import annotations

from django.shortcuts import render

from .choices import PartnerStatus
from .models import Partner


def partner_list(request):
    partners = Partner.objects.filter(status=PartnerStatus.ACTIVE).order_by("name")
    return render(request, "partners/list.html", {"partners": partners})
