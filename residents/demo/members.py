"""Demo accounts of the first-batch residents: an invitation waiting for each company's admin."""

from __future__ import annotations

from django.utils.text import slugify

from ..choices import MemberRole
from ..models import Invitation, Membership
from ..services.members import invitation_send


def demo_address(company) -> str:
    """An illustrative address (the .example domain never delivers) for a demo company's admin."""
    return f"admin@{slugify(company.name) or company.pk}.example"


def seed(campus, companies) -> list[Invitation]:
    """Invite an admin for each resident without people or an invitation yet; idempotent."""
    invited = []
    for company in companies:
        has_people = Membership.objects.filter(company=company).exists()
        if has_people or Invitation.objects.filter(company=company).exists():
            continue
        invited.append(invitation_send(company=company, email=demo_address(company), role=MemberRole.ADMIN))
    return invited
