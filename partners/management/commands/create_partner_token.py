"""Issue an API token for a partner and print it once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from partners.models import ALL_SCOPES, Partner
from partners.tokens import partner_token_create


class Command(BaseCommand):
    help = "Create an API token for the partner with slug PARTNER_SLUG and print it once."

    def add_arguments(self, parser):
        parser.add_argument("partner_slug")
        parser.add_argument("--name", default="default", help="A label to recognise the token by.")
        parser.add_argument("--expires-in-days", type=int, default=None, help="Days until the token expires.")
        parser.add_argument(
            "--scopes",
            default=",".join(ALL_SCOPES),
            help=f"Comma-separated scopes (default: all): {', '.join(ALL_SCOPES)}",
        )

    def handle(self, *args, partner_slug: str, name: str, expires_in_days, scopes: str, **options):
        try:
            partner = Partner.objects.get(slug=partner_slug)
        except Partner.DoesNotExist as exc:
            known = ", ".join(Partner.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No partner with slug {partner_slug!r}. Known partners: {known}.") from exc
        if expires_in_days is not None and expires_in_days < 1:
            raise CommandError("--expires-in-days must be at least 1.")
        try:
            token, secret = partner_token_create(
                partner=partner,
                name=name,
                scopes=[s.strip() for s in scopes.split(",") if s.strip()],
                expires_in_days=expires_in_days,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Token for {partner} ({', '.join(token.scopes)}):")
        self.stdout.write(secret)
        self.stdout.write(self.style.WARNING("It is shown only now and stored only as a hash. Keep it safe."))
