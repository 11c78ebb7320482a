"""Signing in and out, resetting a password, and joining a team from an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from common.errors import DomainError
from common.signin import LimitedLoginView, SiteUrlPasswordResetView
from common.tokens import hash_token

from ..forms.members import JoinForm
from ..services.members import invitation_accept, invitation_find

JOIN_SESSION_KEY = "residents_join"


class LoginView(LimitedLoginView):
    """Sign-in for residents' people; attempts are limited per address and per user name."""

    template_name = "residents/account/login.html"
    rate_group = "resident-login"
    rate_setting = "RESIDENT_LOGIN_RATE"

    def get_default_redirect_url(self):
        return reverse("residents:home")


class ResidentPasswordResetForm(PasswordResetForm):
    """Reset links from the residents' page go to residents' accounts only; staff and committee
    members reset theirs on their own pages (and staff still owe their second factor)."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if hasattr(user, "membership"))


class PasswordResetView(SiteUrlPasswordResetView):
    form_class = ResidentPasswordResetForm
    template_name = "residents/account/password_reset.html"
    success_url = reverse_lazy("residents:password_reset_done")
    email_templates = "residents/email/"


def join_link(request, token: str):
    """The e-mailed invitation: keep its hash in the session and go on to a URL without the token."""
    request.session[JOIN_SESSION_KEY] = hash_token(token)
    response = redirect("residents:join")
    response.status_code = 303
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def join(request):
    """Create an account from the invitation this browser opened: a name and a password."""
    token_hash = request.session.get(JOIN_SESSION_KEY)
    try:
        if not token_hash:
            raise DomainError(_("Open the link in your invitation e-mail to join your company's team."))
        invitation = invitation_find(token_hash=token_hash)
    except DomainError as error:
        return render(request, "residents/account/join_invalid.html", {"message": error.message}, status=404)
    form = JoinForm(request.POST or None, email=invitation.email, initial={"name": invitation.name})
    if request.method == "POST" and form.is_valid():
        try:
            membership = invitation_accept(
                token_hash=token_hash, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            request.session.pop(JOIN_SESSION_KEY, None)
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to your company's area on the portal."))
            return redirect("residents:home")
    return render(request, "residents/account/join.html", {"form": form, "invitation": invitation})


logout = auth_views.LogoutView.as_view(next_page="residents:login")
