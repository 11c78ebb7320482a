"""Single sign-on for campus staff through OpenID Connect (mozilla-django-oidc).

Off unless OIDC_CLIENT_ID is set. Only existing, active staff accounts whose e-mail address the
identity provider vouches for may sign in this way; nobody is created, and roles stay in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


class StaffOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=claims.get("email", ""), is_staff=True, is_active=True)


def start(request):
    """Send the browser to the identity provider (with state, nonce and PKCE)."""
    if not sso_enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request):
    """The identity provider sends the browser back here with a code; sign the staff member in."""
    if not sso_enabled():
        raise Http404
    return OIDCAuthenticationCallbackView.as_view()(request)


def context(request) -> dict:
    return {"sso_enabled": sso_enabled()}
