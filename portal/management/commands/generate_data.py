"""``python manage.py generate_data --seed 1 --scale 1.0``: the large data set for measurements."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.generate import FULL, generate


class Command(BaseCommand):
    help = (
        "Write a reproducible campus-network data set into an empty database: "
        + ", ".join(f"{value:,} {name}" for name, value in FULL.items())
        + " at --scale 1; then a lease of its current space for each resident, its invoices and payments"
        " of the last 12 months, and 2–4 people per leased company."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Same seed and anchor, same rows.")
        parser.add_argument("--scale", type=float, default=1.0, help="Multiplies every count (e.g. 0.01).")
        parser.add_argument(
            "--anchor", type=dt.date.fromisoformat, default=None, help="Dates are relative to this day (today)."
        )

    def handle(self, *args, seed, scale, anchor, **options):
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        started = time.monotonic()
        try:
            generate(seed=seed, scale=scale, anchor=anchor, log=lambda line: self.stdout.write(f"  {line}"))
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Planner statistics now, and no autovacuum during measurements (VACUUM only
                # outside a transaction, e.g. not inside a test).
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Generated in {time.monotonic() - started:.0f} s."))
