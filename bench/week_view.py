"""How long a resource's week view takes with years of bookings: ``.venv/bin/python bench/week_view.py``.

Migrates a throwaway SQLite database (about 20 s; or uses ``DATABASE_URL`` if set, e.g. a fresh
PostgreSQL database), writes a campus, a resident company with one person, a meeting room open
08:00-20:00 every day and ``--past`` bookings before this week (back to back, 10,000 by default)
plus a full working week of bookings to come, then requests ``/my/bookings/resources/<pk>/``
``--count`` times through Django's test client, signed in, and prints the server time per page
(median and 95th percentile) and the queries one page runs. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(folder: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def world(past: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from campus.models import Campus
    from residents.choices import ResourceKind
    from residents.models import Booking, Membership, OpeningHours, Resource
    from residents.services.bookings import at
    from tenants.models import Company

    campus = Campus.objects.create(slug="bench", name="Bench campus", city="Wuxi", country="CN", rd_area_m2=1000)
    company = Company.objects.create(campus=campus, name="Helix Therapeutics", country="CN", status="resident")
    user = get_user_model().objects.create_user(username="p@bench.example", email="p@bench.example", password=None)
    Membership.objects.create(user=user, company=company)
    room = Resource.objects.create(campus=campus, name="Room", kind=ResourceKind.ROOM, horizon_days=60)
    OpeningHours.objects.bulk_create(
        [OpeningHours(resource=room, weekday=day, opens=dt.time(8), closes=dt.time(20)) for day in range(7)]
    )
    today = timezone.localtime(timezone.now(), campus.tz).date()
    monday = today - dt.timedelta(days=today.weekday())
    rows, day, hour = [], monday - dt.timedelta(days=1), 19
    for _ in range(past):  # back to back, backwards from last Sunday evening
        start = at(room, day, dt.time(hour))
        rows.append(
            Booking(
                resource=room, company=company, booked_by=user, starts_at=start, ends_at=start + dt.timedelta(hours=1)
            )
        )
        hour -= 1
        if hour < 8:
            day, hour = day - dt.timedelta(days=1), 19
    for offset in range(7):  # this week, every other hour
        for hour in range(8, 20, 2):
            start = at(room, monday + dt.timedelta(days=offset), dt.time(hour))
            rows.append(
                Booking(
                    resource=room,
                    company=company,
                    booked_by=user,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=1),
                )
            )
    Booking.objects.bulk_create(rows, batch_size=2000)
    return user, room


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--past", type=int, default=10_000, help="bookings before this week")
    parser.add_argument("--count", type=int, default=200, help="pages to request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        settings.ALLOWED_HOSTS = ["testserver"]
        user, room = world(args.past)
        client = Client()
        client.force_login(user)
        url = reverse("residents:resource", args=[room.pk])
        first = client.get(url)
        assert first.status_code == 200, (first.status_code, first.get("Location"))
        queries = []  # counted by a wrapper: each request empties the connection's own query log
        with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
            client.get(url)
        times = []
        for _ in range(args.count):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        print(f"{connection.vendor}: week view of a room with {args.past} past bookings, {args.count} requests")
        print(f"  median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms")
        print(f"  {len(queries)} queries per page")


if __name__ == "__main__":
    main()
