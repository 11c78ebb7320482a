"""The campus's announcements to the company: the list, and one of them (opening it marks it read)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from ..access import resident_required
from ..models import Announcement
from ..services.announcements import announcement_read

PAGE_SIZE = 20


@resident_required
def announcements(request):
    page = Paginator(Announcement.objects.for_reader(request.membership), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "residents/announcements/list.html", {"page": page})


@resident_required
def announcement(request, pk: int):
    """One announcement to the company; another company's, a draft or an ended one is 404."""
    item = get_object_or_404(Announcement.objects.for_reader(request.membership), pk=pk)
    announcement_read(announcement=item, actor=request.user, company=request.membership.company)
    return render(request, "residents/announcements/detail.html", {"announcement": item})
