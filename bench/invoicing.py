"""Monthly invoicing at scale: ``.venv/bin/python bench/invoicing.py [--leases 10000] [--workers 2]``.

1. A fresh PostgreSQL database (``DATABASE_URL``, default ``…/icampus_bench_invoicing``) with one
   campus, ``--leases`` companies, each with a space, an allocation and an active lease (a third
   with rent-free or half-rent months), written with bulk inserts.
2. The daily job ``invoices_issue`` publishes the month's batches onto Redis (``REDIS_URL``);
   ``--workers`` Celery workers (solo pool) start and issue them. The time runs from the job's
   start until the last invoice is written, worker start-up included.
3. The job runs again and the workers drain it: it must issue nothing.
4. Checks: one invoice per lease, numbers 1..N without gaps, the sequence at N.

The figures go to ``bench/results/invoicing.json``; the goal (under 60 s for 10,000 leases with two
workers) decides the exit status.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as harness

GOAL_SECONDS = 60
RESULT = harness.BENCH / "results" / "invoicing.json"


def fresh_database() -> None:
    import psycopg

    url = urllib.parse.urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    harness.manage("migrate", "--no-input", "-v0")


def leases(count: int, month: dt.date) -> int:
    from campus.models import Allocation, Building, Campus, Space
    from residents.choices import LeaseState
    from residents.models import Lease, LeaseSubsidy
    from tenants.models import Company

    campus = Campus.objects.create(
        slug="bench-campus", name="Bench campus", city="Wuxi", country="CN", rd_area_m2=300000, invoice_prefix="BEN"
    )
    building = Building.objects.create(campus=campus, code="B", name="Bench building", gross_floor_area_m2=10**6)
    starts_on, ends_on = month - dt.timedelta(days=400), month + dt.timedelta(days=700)
    companies = Company.objects.bulk_create(
        [
            Company(
                campus=campus, name=f"Bench company {i}", slug=f"bench-company-{i}", country="GB", status="resident"
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    spaces = Space.objects.bulk_create(
        [
            Space(building=building, code=f"S{i:05d}", kind="laboratory", area_m2=Decimal(50 + i % 400))
            for i in range(count)
        ],
        batch_size=2000,
    )
    allocations = Allocation.objects.bulk_create(
        [
            Allocation(space=space, company=company, starts_on=starts_on, ends_on=ends_on, area_m2=space.area_m2)
            for space, company in zip(spaces, companies, strict=True)
        ],
        batch_size=2000,
    )
    rows = Lease.objects.bulk_create(
        [
            Lease(
                company=company,
                campus=campus,
                starts_on=starts_on,
                ends_on=ends_on,
                state=LeaseState.ACTIVE,
                rent_rate=Decimal("95.50"),
                service_charge_rate=Decimal("18.00"),
                escalation_percent=Decimal("3"),
            )
            for company in companies
        ],
        batch_size=2000,
    )
    Lease.allocations.through.objects.bulk_create(
        [
            Lease.allocations.through(lease_id=lease.pk, allocation_id=allocation.pk)
            for lease, allocation in zip(rows, allocations, strict=True)
        ],
        batch_size=5000,
    )
    LeaseSubsidy.objects.bulk_create(
        [
            LeaseSubsidy(lease=lease, from_month=13, to_month=18, percent=Decimal(50 + 50 * (i % 2)))
            for i, lease in enumerate(rows)
            if i % 3 == 0
        ],
        batch_size=5000,
    )
    return campus.pk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leases", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/icampus_bench_invoicing")
    os.environ.setdefault("REDIS_URL", harness.DEFAULT_REDIS)
    fresh_database()
    harness.setup_django()

    from portal.celery import app
    from residents.models import Invoice, InvoiceSequence, Lease
    from residents.services.invoices import BATCH_SIZE, invoices_issue
    from residents.tasks import invoices_issue_batch

    today = dt.date.today().replace(day=1) + dt.timedelta(days=27)  # past any billing day
    started = time.monotonic()
    campus_id = leases(args.leases, today.replace(day=1))
    harness.log(f"{args.leases} leases written in {time.monotonic() - started:.1f} s")
    app.control.purge()

    started = time.monotonic()
    batches = invoices_issue(today=today)
    published = time.monotonic() - started
    harness.log(f"{batches} batches published in {published:.1f} s")
    first = harness.drain("issue", lambda: args.leases - Invoice.objects.count(), args.workers, 600)
    first["seconds"] = round(first["seconds"] + published, 1)

    app.control.purge()  # the e-mail and PDF jobs of the invoices: not part of issuing
    before = Invoice.objects.count()
    republished = invoices_issue(today=today)  # finds every lease billed: publishes nothing
    # A duplicate of every batch, as if a second run had published them before the first issued.
    ids = list(Lease.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        invoices_issue_batch.delay(
            campus_id, today.replace(day=1).isoformat(), ids[start : start + BATCH_SIZE], today.isoformat()
        )
    again = harness.drain("issue again", lambda: _queued(app), args.workers, 300)
    numbers = list(Invoice.objects.filter(campus_id=campus_id).order_by("number").values_list("number", flat=True))
    checks = {
        "one_invoice_per_lease": Invoice.objects.count() == args.leases,
        "second_run_published_nothing": republished == 0,
        "duplicate_batches_issued_nothing": Invoice.objects.count() == before,
        "numbers_without_gaps": numbers == list(range(1, args.leases + 1)),
        "sequence_at_count": InvoiceSequence.objects.get(campus_id=campus_id).last_number == args.leases,
    }
    app.control.purge()
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "leases": args.leases,
        "workers": args.workers,
        "batches": batches,
        "issue": first,
        "again": again,
        "checks": checks,
        "goal_seconds": GOAL_SECONDS,
        "cpus": os.cpu_count(),
    }
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    harness.log(json.dumps({"issue_seconds": first["seconds"], **checks}))
    ok = all(checks.values()) and first["left"] == 0 and first["seconds"] < GOAL_SECONDS
    return 0 if ok else 1


def _queued(app) -> int:
    """Jobs waiting on the default queue (a Redis list) and jobs a worker holds unacknowledged."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return client.llen(app.conf.task_default_queue) + client.hlen("unacked")


if __name__ == "__main__":
    sys.exit(main())
