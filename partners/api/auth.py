"""Who is calling the API: a partner with a bearer token, or a staff member with a session."""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from common.staff import is_staff_session

from ..models import Partner, PartnerToken
from ..tokens import partner_token_authenticate


@dataclass
class PartnerPrincipal:
    """Stands in for ``request.user`` on token requests."""

    partner: Partner
    token: PartnerToken
    is_authenticated: bool = True
    is_staff: bool = False
    is_active: bool = True

    def __str__(self) -> str:
        return f"partner:{self.partner.slug}"


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``. Unknown, expired, revoked or malformed tokens get 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        secret = secret.strip()
        if not secret or " " in secret:
            raise exceptions.AuthenticationFailed("Malformed bearer token.")
        token = partner_token_authenticate(secret)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return PartnerPrincipal(partner=token.partner, token=token), token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class StaffSessionAuthentication(authentication.SessionAuthentication):
    """Campus staff may use the API with their admin session (CSRF-checked for writes; two-factor when owed)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None or not is_staff_session(result[0]):
            return None  # not staff, or the second factor is still owed, as for the admin
        return result


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "partners.api.auth.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A partner API token (icp_…)."}


class StaffSessionScheme(OpenApiAuthenticationExtension):
    target_class = "partners.api.auth.StaffSessionAuthentication"
    name = "staffSession"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


def partner_of(request) -> Partner | None:
    return getattr(request.user, "partner", None)


class HasScope(permissions.BasePermission):
    """The token carries ``scope`` (staff sessions have every scope). Written ``HasScope.of("spaces:read")``."""

    scope = ""

    @classmethod
    def of(cls, scope: str) -> type[HasScope]:
        return type(f"HasScope_{scope.replace(':', '_')}", (cls,), {"scope": scope})

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if isinstance(user, PartnerPrincipal):
            if not user.token.has_scope(self.scope):
                self.message = f"This token lacks the {self.scope} scope."
                return False
            return True
        return is_staff_session(user)
