"""Accounts of a resident company's people: invitations, joining, roles, leaving."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.actors import Actor, actor_user
from common.errors import DomainError
from common.tokens import hash_token, new_token
from tenants.models import Application, Company
from tenants.notifications import notify

from ..choices import MemberRole
from ..exceptions import InvalidInvitation, LastAdmin
from ..models import Invitation, Membership


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("residents:join_link", args=[token])


def _former_resident(email: str):
    """The account a company closed when it removed the person: joining a team opens it again.

    Only an account that served a company (its membership is in the history) and nothing else:
    an inactive staff, superuser or committee member account is never handed to an invitation.
    """
    return (
        get_user_model()
        .objects.filter(email__iexact=email, is_active=False, is_staff=False, is_superuser=False)
        .filter(membership__isnull=True, advisory_member__isnull=True)
        .filter(pk__in=Membership.history.values("user_id"))
        .first()
    )


def _address_taken(email: str) -> bool:
    """One address, one account: a person belongs to one company and has no other portal account
    (a person a company removed may be invited again, by it or by another company)."""
    former = _former_resident(email)
    return get_user_model().objects.filter(email__iexact=email).exclude(pk=getattr(former, "pk", None)).exists()


@transaction.atomic
def invitation_send(
    *,
    company: Company,
    email: str,
    role: str = MemberRole.MEMBER,
    name: str = "",
    actor: Actor = None,
    language: str | None = None,
) -> Invitation:
    """Invite ``email`` to the company's team, replacing an open invitation to the same address."""
    email = email.strip().lower()
    # One refusal for every kind of existing account, so that inviting tells a company nothing about
    # who else uses the portal (another company's person, staff, a committee member).
    if Membership.objects.filter(user__email__iexact=email).exists() or _address_taken(email):
        raise DomainError(
            _("This address already has an account on the portal; invite another address."), field="email"
        )
    now = timezone.now()
    Invitation.objects.filter(company=company, email=email, accepted_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    token = new_token()
    inviter = actor_user(actor)
    invitation = Invitation.objects.create(
        company=company,
        email=email,
        name=name.strip(),
        role=role,
        language=language or settings.LANGUAGE_CODE,
        token_hash=hash_token(token),
        invited_by=inviter,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.RESIDENT_INVITATION_DAYS),
    )
    notify(
        kind="team_invitation",
        recipient=email,
        template="residents/email/invitation",
        context={"invitation": invitation, "link": invitation_url(token), "inviter": inviter},
        company=company,
        language=invitation.language,
    )
    return invitation


def contacts_invite(*, application: Application) -> list[Invitation]:
    """On approval: invite the application's contacts, the primary contact as company admin.

    Safe to run again (the approval event is delivered at least once): an address already
    invited to, or a member of, the company is skipped.
    """
    company = application.company
    invited = []
    contacts = sorted(application.contacts.all(), key=lambda contact: not contact.is_primary)
    for position, contact in enumerate(contacts):
        email = contact.email.strip().lower()
        if not email or company.invitations.filter(email=email).exists() or _address_taken(email):
            continue
        role = MemberRole.ADMIN if position == 0 else MemberRole.MEMBER
        invited.append(
            invitation_send(company=company, email=email, role=role, name=contact.name, language=application.language)
        )
    return invited


def invitation_find(*, token_hash: str) -> Invitation:
    invitation = Invitation.objects.open().select_related("company").filter(token_hash=token_hash).first()
    if invitation is None:
        raise InvalidInvitation(
            _("This invitation is not valid any more. Ask your company admin, or the campus, for a new one.")
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token_hash: str, name: str, password: str) -> Membership:
    """Create the person's account and membership; the invitation is used up."""
    invitation = (
        Invitation.objects.select_for_update().open().select_related("company").filter(token_hash=token_hash).first()
    )
    if invitation is None:
        raise InvalidInvitation(
            _("This invitation is not valid any more. Ask your company admin, or the campus, for a new one.")
        )
    taken = DomainError(_("This address already has an account on the portal; sign in instead."), field="email")
    if _address_taken(invitation.email):
        raise taken
    try:
        with transaction.atomic():  # another invitation to the address, accepted at the same moment, wins
            user = _account_for(invitation, name=name, password=password)
            membership = Membership.objects.create(
                user=user, company=invitation.company, role=invitation.role, language=invitation.language
            )
    except IntegrityError:
        raise taken from None
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def _account_for(invitation: Invitation, *, name: str, password: str):
    """A new account for the invited address, or the one a company closed when it removed the person."""
    user = _former_resident(invitation.email)
    if user is None:
        return get_user_model().objects.create_user(
            username=invitation.email, email=invitation.email, password=password, first_name=name.strip()[:150]
        )
    TOTPDevice.objects.filter(user=user).delete()  # the old authenticator went with the old team
    user.first_name, user.last_name, user.is_active = name.strip()[:150], "", True
    user.set_password(password)  # also ends any session the account still had
    user.save()
    return user


def invitation_withdraw(*, invitation: Invitation, actor: Actor = None) -> Invitation:
    if invitation.accepted_at is None and invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])
    return invitation


def _lock_team(company_id: int) -> list[Membership]:
    """The company's memberships, locked: two admins changing each other at once wait in turn."""
    return list(Membership.objects.select_for_update().filter(company_id=company_id))


def _would_leave_no_admin(team: list[Membership], changed: Membership) -> bool:
    return not any(member.is_admin for member in team if member.pk != changed.pk)


@transaction.atomic
def member_role_change(*, membership: Membership, role: str, actor: Actor = None) -> Membership:
    team = _lock_team(membership.company_id)
    current = next(member for member in team if member.pk == membership.pk)
    if current.is_admin and role != MemberRole.ADMIN and _would_leave_no_admin(team, current):
        raise LastAdmin(_("The company needs at least one company admin; make someone else admin first."), field="role")
    if current.role != role:
        current.role = role
        current.save(update_fields=["role"])
    return current


@transaction.atomic
def member_remove(*, membership: Membership, actor: Actor = None) -> None:
    """Take the person off the team; their account, which served only this company, is closed."""
    team = _lock_team(membership.company_id)
    current = next((member for member in team if member.pk == membership.pk), None)
    if current is None:
        return
    if current.is_admin and _would_leave_no_admin(team, current):
        raise LastAdmin(_("The company needs at least one company admin; make someone else admin first."))
    user = current.user
    current.delete()
    user.is_active = False
    user.save(update_fields=["is_active"])


def person_export(*, membership: Membership) -> dict:
    """The personal data the portal keeps about one person of a company (their right of access)."""
    user = membership.user
    return {
        "name": user.get_full_name(),
        "email": user.email,
        "company": membership.company.name,
        "role": membership.role,
        "joined_at": membership.joined_at.isoformat(),
        "last_sign_in": user.last_login.isoformat() if user.last_login else None,
        "invitations_sent": [
            {"email": invitation.email, "role": invitation.role, "created_at": invitation.created_at.isoformat()}
            for invitation in Invitation.objects.filter(invited_by=user).order_by("created_at")
        ],
    }


@transaction.atomic
def person_erase(*, membership: Membership, actor: Actor = None) -> None:
    """Close the person's account and erase what identifies them; the last company admin cannot."""
    team = _lock_team(membership.company_id)
    current = next((member for member in team if member.pk == membership.pk), None)
    if current is None:
        return
    if current.is_admin and _would_leave_no_admin(team, current):
        raise LastAdmin(_("The company needs at least one company admin; make someone else admin first."))
    user = current.user
    Invitation.objects.filter(email__iexact=user.email).update(email=f"erased-{user.pk}@invalid", name="")
    current.delete()
    user.username = user.email = f"erased-{user.pk}@invalid"
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    TOTPDevice.objects.filter(user=user).delete()


def people_of(company: Company, *, admins_only: bool = False, roles: tuple[str, ...] = ()) -> list[Membership]:
    """The company's active people with an address (only company admins, or only ``roles``, if
    asked), each with the language of their e-mails (``Membership.language``: the one they joined
    in, until staff change it)."""
    memberships = Membership.objects.filter(company=company, user__is_active=True).select_related("user")
    if admins_only:
        roles = (MemberRole.ADMIN,)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return [membership for membership in memberships if membership.user.email]
