"""Load the demonstration campus. Running it again changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from advisory.demo import demo_committee_load
from advisory.demo_activity import committee_review_hook, consultations_load, meetings_load
from campus.demo import campus_load_demo_buildings, campus_load_facts, chinese_texts_load
from partners.demo import partners_load
from partners.demo_activity import referral_hook, webhooks_load
from residents.demo import announcements as resident_announcements
from residents.demo import bookings as resident_bookings
from residents.demo import frontdesk as resident_frontdesk
from residents.demo import invoices as resident_invoices
from residents.demo import leases as resident_leases
from residents.demo import members as resident_members
from residents.demo import profile as resident_profiles
from residents.demo import requests as resident_requests
from residents.demo import requests_history as resident_requests_history
from residents.demo import stages as resident_stages
from tenants.choices import CompanyStatus
from tenants.demo import demo_applications_load, first_batch_load
from tenants.demo_history import STORIES, applications_history_load, demo_staff
from tenants.services.onboarding import onboarding_template_for

SEED_DIR = Path(__file__).resolve().parent.parent.parent / "seed"
FACTS_FILE = SEED_DIR / "icampus-2019.json"
CHINESE_FILE = SEED_DIR / "icampus-2019.zh-hans.json"  # the facts' texts in Simplified Chinese
LAYOUT_FILE = SEED_DIR / "demo-buildings.json"
APPLICATIONS_FILE = SEED_DIR / "demo-applications.json"


class Command(BaseCommand):
    help = (
        "Load I·Campus from its published facts, with its first intake batch, and illustrative "
        "buildings, spaces and applications. Creates an 'admin' superuser when none exists and prints its "
        "password once. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-admin", action="store_true", help="Do not create the demo superuser.")

    def handle(self, *args, no_admin: bool = False, **options):
        facts = json.loads(FACTS_FILE.read_text(encoding="utf-8"))
        layout = json.loads(LAYOUT_FILE.read_text(encoding="utf-8"))
        demo_applications = json.loads(APPLICATIONS_FILE.read_text(encoding="utf-8"))["applications"]
        with transaction.atomic():
            campus = campus_load_facts(facts=facts["campus"], business_areas=facts.get("business_areas", []))
            buildings = campus_load_demo_buildings(campus=campus, layout=layout)
            batch = first_batch_load(
                campus=campus, batch_facts=facts["first_intake_batch"], companies=facts.get("companies", [])
            )
            applications = demo_applications_load(campus=campus, specs=demo_applications)
            onboarding_template_for(campus)
            partners = partners_load(campus=campus, partners=facts.get("partners", []))
            self._load_chinese(campus, batch, partners)
            committee = demo_committee_load(campus=campus, starts_on=campus.opened_on or dt.date.today())
            history = self._load_history(campus, committee)
            residents = list(batch.companies.filter(status=CompanyStatus.RESIDENT).order_by("name"))
            invitations = resident_members.seed(campus=campus, companies=residents)
            resident_profiles.seed(campus, residents)
            resident_frontdesk.seed(campus, residents)
            resident_announcements.seed(campus, residents)
            resident_stages.seed(campus, residents)
            resident_requests.seed(campus, residents)
            resident_leases.seed(campus, residents)
            resident_invoices.seed(campus, residents)
            resident_bookings.seed(campus, residents)
            self._load_activity(campus, committee, residents)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {campus} with {len(buildings)} demo buildings and the {batch.name.lower()} "
                f"({batch.companies.count()} named companies), {len(partners)} partners "
                f"and {len(applications)} demo applications."
            )
        )
        self.stdout.write(
            f"The campus has {history} more demo applications from the last two years, with the committee's reviews, "
            "partners' referrals, onboarding and outcome surveys."
        )
        if invitations:
            self.stdout.write(
                f"Invited an admin for each of {len(invitations)} residents: open the link in an invitation "
                "e-mail above to join as that company and see /my/."
            )
        if not no_admin:
            self._ensure_admin()

    def _load_chinese(self, campus, batch, partners) -> None:
        """The Chinese texts of what the facts loaded, from the project's own translations file."""
        chinese = json.loads(CHINESE_FILE.read_text(encoding="utf-8"))
        chinese_texts_load(campus, chinese["campus"])
        chinese_texts_load(batch, chinese["first_intake_batch"])
        for company in batch.companies.all():
            chinese_texts_load(company, chinese["companies"].get(company.name, {}))
        for partner in partners:
            chinese_texts_load(partner, chinese["partners"].get(partner.name_en, {}))

    @staticmethod
    def _load_history(campus, committee) -> int:
        """Two years of demo applications, referred by the partners and reviewed by the committee."""
        hooks = {"started": referral_hook(campus), "committee_review": committee_review_hook(demo_staff())}
        applications_history_load(campus=campus, hooks=hooks)
        return len(STORIES)

    @staticmethod
    def _load_activity(campus, committee, residents) -> None:
        """The committee's meetings and counsel, past service requests, and the partners' webhooks (last:
        it announces the seed's events before the demo endpoints exist, so nothing is sent)."""
        meetings_load(committee)
        consultations_load(committee, residents)
        resident_requests_history.seed(campus, residents)
        webhooks_load(campus)

    def _ensure_admin(self) -> None:
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already; no demo account created.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username="admin", email="admin@localhost", password=password)
        self.stdout.write(
            self.style.WARNING(
                "Created the demo superuser. Sign in at /admin/ with\n"
                f"    username: admin\n    password: {password}\n"
                "This password is shown only once; change it with `python manage.py changepassword admin`."
            )
        )
