"""The people of the product, as the root conftest's fixtures build them.

Staff hold a role (a permission group, portal/roles.py), not superuser rights; an applicant is
a browser whose session follows its own application, as after the form or an e-mailed link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from portal.roles import group_name

# Committee members sign in at /advisory/login/ with their username and this password.
MEMBER_PASSWORD = "member-Passw0rd!"


def staff_in_role(role: str, username: str | None = None):
    """A staff account (no superuser) in the group ``ensure_roles`` made for ``role`` after migrate."""
    username = username or role.replace("_", "-")
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@campus.example.org", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name(role)))
    return user


@dataclass
class Applicant:
    """A browser following its application: what /apply/status/ and the applicant's forms see."""

    client: Client
    application: object
    email: str


def applicant_following(application, email: str = "", client: Client | None = None) -> Applicant:
    """Put ``application`` in a browser's session under ``email``, as opening a status link does."""
    client = client or Client()
    session = client.session
    session["applicant"] = {"application": application.pk, "email": email}
    session.save()
    return Applicant(client=client, application=application, email=email)


# Residents' people sign in at /my/login/ with their e-mail address and this password.
RESIDENT_PASSWORD = "resident-Passw0rd!"


@dataclass
class Resident:
    """A person of a resident company, signed in: what /my/ sees."""

    client: Client
    user: object
    membership: object

    @property
    def company(self):
        return self.membership.company


def resident_of(company, role: str, name: str) -> Resident:
    """A signed-in account of ``company`` in ``role`` (admin, member or finance), as after joining."""
    from residents.models import Membership

    email = f"{name.lower()}@{company.pk}.example.com"
    user = get_user_model().objects.create_user(
        username=email, email=email, password=RESIDENT_PASSWORD, first_name=name
    )
    membership = Membership.objects.create(user=user, company=company, role=role)
    client = Client()
    client.force_login(user)
    return Resident(client=client, user=user, membership=membership)
