"""Two-factor sign-in for staff with time-based one-time passwords (django-otp's TOTP devices).

- A staff member with a confirmed device must enter a code after the password before the admin
  or the staff pages open (the session then counts as verified until it ends).
- With TWO_FACTOR_REQUIRED_FOR_MANAGERS on, campus managers (and superusers) without a device are
  sent to set one up first.
- Setting up: /staff/two-factor/ shows a QR code for an authenticator app; the device counts once
  a code from it has been entered.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from common.otp import second_factor_page
from common.staff import second_factor_owed


def _protected(path: str) -> bool:
    """The admin and the staff pages, in any language, except signing out and the two-factor page."""
    from django.utils.translation import get_language_from_path

    language = get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        path = path[len(language) + 1 :]
    if path.startswith(("/admin/logout/", "/staff/two-factor/")):
        return False
    return path.startswith(("/admin/", "/staff/"))


class RequireTwoFactorMiddleware:
    """Sends a session that owes its second factor from the admin and staff pages to the code page.

    Elsewhere the same rule (``common.staff.is_staff_session``) makes such a session count as
    no staff at all, so a staff-only view outside these paths answers as to a stranger.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and _protected(request.path) and second_factor_owed(user):
            return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("admin:index")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Enter a code (device confirmed), or set up a device (none yet, or adding a first one)."""
    if not request.user.is_staff:
        return redirect("home")
    return second_factor_page(request, template="portal/two_factor.html", next_url=_next_url(request))
