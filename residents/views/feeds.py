"""Calendar feeds: the secret .ics address calendar apps fetch, and the pages that give it out.

- ``/calendar/<token>.ics``: no session (calendar apps have none); an unknown or revoked address
  is a 404. The token in the path is redacted from every log (``common.logging``).
- ``/my/calendar/``: a resident's own address; ``/advisory/calendar/``: a committee member's
  (the same feed, with their meetings); ``/staff/bookings/resources/<pk>/calendar/``: a resource's,
  for staff who may change resources. Each page issues a new address (the old one stops working)
  or turns it off, by POST; the address is shown once, in the answer to that POST.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from advisory.access import member_required
from common.staff import staff_required

from ..access import resident_required
from ..feeds import feed_calendar
from ..models import Resource
from ..services.feeds import feed_for_token, feed_issue, feed_live, feed_read, feed_revoke, feed_url

#: Per client address; calendar apps fetch every few minutes to hours, a guesser far more often.
FEED_RATE = "240/h"
CHANGE_RESOURCE = "residents.change_resource"


@require_safe
def calendar_feed(request, token: str):
    """The feed's .ics file; 404 for an address that is unknown, revoked or its person's account closed."""
    if is_ratelimited(request, group="calendar_feed", key="ip", rate=FEED_RATE, method=("GET", "HEAD"), increment=True):
        response = HttpResponse(_("Too many requests."), status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "3600"
        return response
    feed = feed_for_token(token)
    if feed is None:
        raise Http404
    feed_read(feed)
    response = HttpResponse(feed_calendar(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _address_page(request, *, template: str, context: dict, user=None, resource=None):
    """Show the owner's address state; POST ``action=issue`` makes a new address, ``action=revoke`` turns it off."""
    owner = {"user": user} if user is not None else {"resource": resource}
    address = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            _feed, token = feed_issue(**owner, actor=request.user)
            address = feed_url(token)
        elif action == "revoke":
            if feed_revoke(**owner, actor=request.user):
                messages.success(request, _("The calendar address is turned off; calendar apps can no longer read it."))
            return redirect(request.path)
        else:
            messages.error(request, _("Choose to make a new address or to turn it off."))
            return redirect(request.path)
    context = {**context, "feed": feed_live(**owner), "address": address}
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"  # the address is in the page once
    return response


@require_http_methods(["GET", "POST"])
@resident_required
def my_calendar(request):
    """A resident's calendar address: their own bookings (and committee meetings, if they are a member)."""
    return _address_page(request, template="residents/calendar/mine.html", context={}, user=request.user)


@require_http_methods(["GET", "POST"])
@member_required
def advisory_calendar(request):
    """A committee member's calendar address: the meetings they are invited to (and bookings they made)."""
    context = {"member": request.member}
    return _address_page(request, template="residents/calendar/advisory.html", context=context, user=request.user)


@require_http_methods(["GET", "POST"])
@staff_required
@permission_required(CHANGE_RESOURCE, raise_exception=True)
def staff_resource_calendar(request, pk: int):
    """A resource's calendar address: when it is booked, never by whom."""
    resource = get_object_or_404(Resource.objects.select_related("campus"), pk=pk)
    context = {"resource": resource}
    return _address_page(request, template="residents/staff/resource_calendar.html", context=context, resource=resource)
