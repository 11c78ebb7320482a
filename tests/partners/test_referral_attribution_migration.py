"""Referrals made before attribution existed: only those that started their application stay linked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.campus.factories import CampusFactory
from tests.tenants.factories import ApplicationFactory

BEFORE = [("partners", "0002_audit_history")]
AFTER = [("partners", "0003_referral_attribution")]


def before_attribution():
    """The database migrated back to before attribution: its Partner and Referral models."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    return apps.get_model("partners", "Partner"), apps.get_model("partners", "Referral")


def old_partner(Partner, slug: str, country: str = "GB"):
    return Partner.objects.create(
        slug=slug, name=slug.upper(), country=country, kind="investor", relationship="cooperation_agreement"
    )


@pytest.mark.django_db(transaction=True)
def test_existing_referrals_that_joined_an_application_wait_for_its_applicant():
    Partner, Referral = before_attribution()

    campus = CampusFactory()
    partner_a = old_partner(Partner, "a", country="RU")
    partner_b = old_partner(Partner, "b")

    def application(name: str):
        return ApplicationFactory(campus=campus, company__campus=campus, company__name=name)

    def referral(partner, app, late: bool):
        made = Referral.objects.create(
            partner=partner, application_id=app.pk, company_id=app.company_id, contact_name="C", contact_email="c@e.org"
        )
        if late:
            Referral.objects.filter(pk=made.pk).update(created_at=app.created_at + dt.timedelta(days=3))
        return made.pk

    referred = application("Referred Bio")
    started = referral(partner_a, referred, late=False)
    second = referral(partner_b, referred, late=True)
    joined = referral(partner_a, application("Own Application Bio"), late=True)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    Referral = executor.loader.project_state(AFTER).apps.get_model("partners", "Referral")
    attribution = dict(Referral.objects.values_list("pk", "attribution"))

    assert attribution == {started: "started", second: "pending", joined: "pending"}
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_contact_a_joining_referral_added_loses_its_way_into_the_application():
    from django.test import Client

    from tenants.links import access_link_issue
    from tenants.models import AccessLink, ApplicationContact

    Partner, Referral = before_attribution()
    campus = CampusFactory()
    victim = ApplicationFactory(campus=campus, company__campus=campus, company__name="Helix Diagnostics")
    partner = old_partner(Partner, "m")
    # What the old code did when a referral named a company that had applied already:
    ApplicationContact.objects.create(application=victim, name="Mallory", email="mallory@partner.example.com")
    access_link_issue(application=victim, email="mallory@partner.example.com")
    made = Referral.objects.create(
        partner=partner,
        application_id=victim.pk,
        company_id=victim.company_id,
        contact_name="Mallory",
        contact_email="Mallory@partner.example.com",
    )
    Referral.objects.filter(pk=made.pk).update(created_at=victim.created_at + dt.timedelta(days=3))

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    Client().post("/apply/link/", {"email": "mallory@partner.example.com"})

    assert not ApplicationContact.objects.filter(application=victim, email="mallory@partner.example.com").exists()
    assert victim.contacts.filter(is_primary=True).exists()  # the applicant's own contact stays
    usable = AccessLink.objects.filter(application=victim, email="mallory@partner.example.com", used_at=None)
    assert not [link for link in usable if link.expires_at > dt.datetime.now(tz=dt.UTC)]
