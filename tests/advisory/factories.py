from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from advisory.models import AdvisoryCommittee, AdvisoryMember
from tests.campus.factories import CampusFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"member{n}")


class AdvisoryCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisoryCommittee
        django_get_or_create = ("campus",)

    campus = factory.SubFactory(CampusFactory)


class AdvisoryMemberFactory(factory.django.DjangoModelFactory):
    """A committee member with a user account of their own."""

    class Meta:
        model = AdvisoryMember

    committee = factory.SubFactory(AdvisoryCommitteeFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Member {n}")
    email = factory.Sequence(lambda n: f"member{n}@example.org")
    organisation = "Demo Hospital"
    sector = "medical_institution"
    origin = "overseas"
    term_starts_on = dt.date(2020, 1, 1)
