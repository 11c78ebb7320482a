"""The benchmark harness: ``make bench`` (or ``.venv/bin/python bench/run.py --help``).

One run, side by side on this machine:
1. a PostgreSQL database with the generated data set (``generate_data``), reused while seed and
   scale are unchanged;
2. gunicorn (2 sync workers) on 127.0.0.1 with ``bench.settings``, driven by ``wrk`` against each
   target and against the reference endpoints, twice, interleaved; figures become ratios to the
   reference endpoints of the same run;
3. ``EXPLAIN`` of the queries the filters use (a sequential scan of a large table fails the run);
4. two Celery workers draining reminder e-mails and webhook deliveries to a local receiver;
5. the results table written into ``bench/README.md`` and ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/icampus_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
HISTORY = BENCH / "results" / "history.json"
# As many connections as gunicorn has workers: latency is the time to serve, not time queued.
CONNECTIONS = 2
# Rounds of each target (each right after its reference) and seconds per wrk window; figures are
# the medians of the rounds. This many made two consecutive runs agree within 0.05 on every ratio.
ROUNDS = 7
SECONDS = 3
MARK_START, MARK_END = "<!-- results:start -->", "<!-- results:end -->"


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", flush=True)


def env_for_django() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ["REDIS_URL"],
    )
    return env


def manage(*args: str, env: dict | None = None) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env={**env_for_django(), **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


# --- 1. Data -------------------------------------------------------------------------------


def prepare_database(seed: int, scale: float) -> int | None:
    """A fresh database with the generated set, copied from a kept template database.

    Every run changes data (it posts referrals and sends reminders), so each starts from a copy.
    The template (``<name>_template``) is generated again only when its fingerprint changes: seed,
    scale, the day (dates are relative to today), the generator and the migrations. Returns the
    seconds generation took, or None when the kept template was used.
    """
    import psycopg

    url = urllib.parse.urlparse(os.environ["DATABASE_URL"])
    if url.scheme not in {"postgres", "postgresql"}:
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    name = url.path.lstrip("/")
    template = f"{name}_template"
    fingerprint = data_fingerprint(seed, scale)
    admin_url = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        kept = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
        ).fetchone()
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        generated_in = None
        if not kept or kept[0] != fingerprint:
            log(f"generating the data set into {template} (seed {seed}, scale {scale})")
            conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{template}"')
            template_env = {"DATABASE_URL": url._replace(path=f"/{template}").geturl()}
            manage("migrate", "--no-input", "-v0", env=template_env)
            started = time.monotonic()
            print(manage("generate_data", "--seed", str(seed), "--scale", str(scale), env=template_env), end="")
            generated_in = round(time.monotonic() - started)
            conn.execute(f"COMMENT ON DATABASE \"{template}\" IS '{fingerprint}'")
        log(f"creating database {name} from {template}")
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return generated_in


def data_fingerprint(seed: int, scale: float) -> str:
    import hashlib

    digest = hashlib.sha256(f"{seed}|{scale}|{dt.date.today()}".encode())
    for path in sorted([ROOT / "portal" / "generate.py", *ROOT.glob("*/migrations/0*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def setup_django():
    os.environ.update(env_for_django())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fixtures() -> dict:
    """A partner token, staff and resident session cookies and the ids the targets name.

    The resident pages are asked for two people (and two resources and buildings) with different
    amounts of data: their SQL statement counts must be the same.
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from campus.models import Building, Campus
    from partners.models import Partner
    from partners.tokens import partner_token_create
    from residents.models import Membership, Resource

    partner = Partner.objects.filter(slug__startswith="gen-").order_by("slug").first()
    _token, secret = partner_token_create(partner=partner, name="bench")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.com"}
    )
    campus = Campus.objects.get(slug="gen-campus-01")
    # Two company admins with different amounts of data (a member sees fewer sections).
    members = Membership.objects.filter(company__campus=campus, company__status="resident", role="admin").order_by("pk")
    residents = [members.first(), members.last()]
    resources = list(Resource.objects.filter(campus=campus).annotate(n=Count("bookings")).order_by("-n", "pk")[:2])
    buildings = list(Building.objects.filter(campus=campus).annotate(n=Count("spaces")).order_by("-n", "pk")[:2])
    found = (("residents", residents), ("resources", resources))
    missing = [label for label, rows in found if None in rows or not rows]
    if missing:
        sys.exit(f"The generated data set has no {' or '.join(missing)} on {campus.slug}: generate it again.")
    return {
        "token": secret,
        "cookie": session_cookie(user),
        "partner": partner,
        "campus": campus,
        "residents": [session_cookie(m.user) for m in residents],
        "resources": [r.pk for r in resources],
        "buildings": [b.pk for b in buildings],
    }


def session_cookie(user) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# --- 2. HTTP targets -----------------------------------------------------------------------


def targets(fx: dict, day: str) -> list[dict]:
    """What is measured. ``goal`` is a ratio to the reference ``vs`` or a p50 in milliseconds;
    ``same_sql_as`` names other requests of the same page whose SQL statement count must be equal."""
    api = {"Authorization": f"Bearer {fx['token']}"}
    staff = {"Cookie": fx["cookie"]}
    resident = {"Cookie": fx["residents"][0]}
    campus = fx["campus"]
    from portal.kpis import default_period

    # The dashboard's default period and month (the view staff open, whose sections are kept).
    start, today = default_period()
    period = f"campus={campus.pk}&start={start}&end={today}"
    resource, building = fx["resources"], fx["buildings"]
    return [
        {"name": "hello", "path": "/bench/hello", "reference": True},
        {"name": "raw50", "path": "/bench/raw?page_size=50", "reference": True},
        {"name": "raw200", "path": "/bench/raw?page_size=200", "reference": True},
        {"name": "companies50", "path": "/api/v1/companies/?page_size=50", "headers": api, "vs": "raw50", "goal": 0.60},
        {"name": "companies200", "path": "/api/v1/companies/?page_size=200", "headers": api, "vs": "raw200"},
        {
            "name": "spaces available",
            "path": f"/api/v1/spaces/?available_on={day}&min_area=100&campus={campus.slug}",
            "headers": api,
            "vs": "raw50",
            "goal": 0.40,
        },
        {"name": "referrals (one partner)", "path": "/api/v1/referrals/", "headers": api, "vs": "raw50"},
        {
            "name": "residents (HTML)",
            "path": "/residents/",
            "vs": "raw50",
            "goal": 0.25,
            "same_sql_as": ["/residents/?page=2", f"/residents/?country={campus.country}"],
        },
        {"name": "residents search (HTML, never cached)", "path": "/residents/?q=bio", "vs": "raw50"},
        {
            "name": "admin applications",
            "path": "/admin/tenants/application/",
            "headers": staff,
            "vs": "raw50",
            "goal": 0.10,
            "same_sql_as": ["/admin/tenants/application/?p=2", "/admin/tenants/application/?status__exact=submitted"],
        },
        {
            "name": "staff dashboard",
            "path": f"/staff/dashboard/?{period}&month={today:%Y-%m}",
            "headers": staff,
            "vs": "raw50",
            "goal_p50_ms": 150,
            "cold": True,
        },
        {
            "name": "POST referral (Idempotency-Key)",
            "path": "/api/v1/referrals/",
            "headers": {**api, "Content-Type": "application/json"},
            "post": {
                "campus": campus.slug,
                "company_name": "Bench Referral Biotech",
                "country": "GB",
                "contact_name": "Bench Contact",
                "contact_email": "contact@bench.example.com",
            },
            "vs": "raw50",
            "goal": 0.25,
            "max_sql": 6,
        },
        {"name": "staff today", "path": "/staff/", "headers": staff, "vs": "raw50", "goal_p50_ms": 100},
        {
            "name": "rent roll (CSV)",
            "path": f"/staff/dashboard/?{period}&month={today:%Y-%m}&export=rent_roll",
            "headers": staff,
            "vs": "raw50",
            "goal_p50_ms": 100,
            "cold": True,
        },
        {
            "name": "space timeline",
            "path": f"/staff/space/buildings/{building[0]}/timeline/",
            "headers": staff,
            "vs": "raw50",
            "goal_p50_ms": 100,
            "same_sql_as": [f"/staff/space/buildings/{building[-1]}/timeline/"],
        },
        {
            "name": "resident home /my/",
            "path": "/my/",
            "headers": resident,
            "vs": "raw50",
            "goal_p50_ms": 100,
            "same_sql_as": [("/my/", {"Cookie": fx["residents"][-1]})],
        },
        {
            "name": "resource week view",
            "path": f"/my/bookings/resources/{resource[0]}/",
            "headers": resident,
            "vs": "raw50",
            "goal_p50_ms": 100,
            "same_sql_as": [f"/my/bookings/resources/{resource[-1]}/"],
        },
    ]


def probe(base: str, target: dict) -> dict:
    """One request: status and SQL statements (the X-Queries header of ``bench.settings``)."""
    data = json.dumps(target["post"]).encode() if "post" in target else None
    headers = dict(target.get("headers", {}))
    if data:
        headers["Idempotency-Key"] = f"probe-{time.time_ns()}"
    request = urllib.request.Request(base + target["path"], data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.url != base + target["path"]:
                sys.exit(f"{target['path']} was redirected to {response.url}")
            return {"status": response.status, "queries": int(response.headers.get("X-Queries", -1))}
    except urllib.error.HTTPError as exc:
        sys.exit(f"{target['path']} answered {exc.code}: {exc.read()[:2000].decode(errors='replace')}")


POST_SCRIPT = """
local counter = 0
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%d-%d-%d", STAMP, math.random(1, 1e9), counter)
  return wrk.format("POST", nil, nil, BODY)
end
"""


def wrk(base: str, target: dict, seconds: int, connections: int) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in target.get("headers", {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if "post" in target:
        script = ROOT / "var" / "bench-post.lua"
        body = json.dumps(json.dumps(target["post"]))
        script.write_text(POST_SCRIPT.replace("STAMP", str(time.time_ns() // 1000)).replace("BODY", body))
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, base + target["path"]], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: _ms(re.search(rf"^\s+{p}%\s+([\d.]+\w+)", out, re.M).group(1)) for p in ("50", "99")}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def start_gunicorn(port: int) -> subprocess.Popen:
    gunicorn = Path(PY).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "portal.wsgi", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env_for_django(),
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def first_view_ms(base: str, target: dict, times: int = 3) -> float:
    """The median time of a page kept in the cache when a change has just replaced it: the figures'
    generation is moved on (as a committed change does) before each request."""
    from common.figures import figures_changed

    spent = []
    for _ in range(times):
        figures_changed()  # outside a transaction: at once
        started = time.perf_counter()
        probe(base, target)
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def run_http(fx: dict, seconds: int, rounds: int, port: int) -> dict:
    base = f"http://127.0.0.1:{port}"
    day = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    plan = targets(fx, day)
    proc = start_gunicorn(port)
    try:
        results: dict[str, dict] = {}
        for target in plan:
            cold = first_view_ms(base, target) if target.get("cold") else None
            wrk(base, target, 1, 2)  # warm both workers (and the caches) first
            results[target["name"]] = {"probe": probe(base, target), "runs": [], "cold_ms": cold}
            # The same page for other objects or pages: the SQL count must not change.
            others = []
            for other in target.get("same_sql_as", []):
                path, headers = other if isinstance(other, tuple) else (other, target.get("headers", {}))
                probe(base, {"path": path, "headers": headers})  # warm, as the target is
                others.append(probe(base, {"path": path, "headers": headers})["queries"])
            results[target["name"]]["other_queries"] = others
        by_name = {target["name"]: target for target in plan}
        results["_rounds"] = []

        def reference(name: str) -> dict:
            run = wrk(base, by_name[name], seconds, CONNECTIONS)
            results[name]["runs"].append(run)
            return run

        for number in range(rounds):
            # References first (raw ÷ hello of this round). Then each target between two windows of
            # its reference, compared with their mean: a machine that speeds up or slows down during
            # the round moves both alike. A window after one target is the one before the next.
            hello = reference("hello")
            results["_rounds"].append(reference("raw50")["rps"] / hello["rps"])
            before = None
            for target in plan:
                if target.get("reference"):
                    continue
                if before is None or before[0] != target["vs"]:
                    before = (target["vs"], reference(target["vs"]))
                run = wrk(base, target, seconds, CONNECTIONS)
                after = (target["vs"], reference(target["vs"]))
                run["ratio"] = run["rps"] / ((before[1]["rps"] + after[1]["rps"]) / 2)
                results[target["name"]]["runs"].append(run)
                before = after
                log(
                    f"round {number + 1} {target['name']}: {run['rps']:.0f} req/s ({run['ratio']:.2f}× "
                    f"{target['vs']}), p50 {run['p50_ms']:.1f} ms"
                )
        # Same list, other page size: the SQL statement count must not change.
        for name, path in (
            ("companies", "/api/v1/companies/?page_size={}"),
            ("referrals", "/api/v1/referrals/?page_size={}"),
            ("spaces", f"/api/v1/spaces/?available_on={day}&page_size={{}}"),
        ):
            counts = {}
            for size in (10, 50, 200):
                page = {"path": path.format(size), "headers": plan[3]["headers"]}
                probe(base, page)  # warm: the token's cache entry may have expired during the rounds
                counts[size] = probe(base, page)["queries"]
            results.setdefault("_constant_queries", {})[name] = counts
    finally:
        stop(proc)
    return {"targets": plan, "results": results}


# --- 3. Query plans ------------------------------------------------------------------------


def explain_filters() -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from campus.selectors import spaces_available
    from partners.api.views import CompanyFilter
    from portal.today import RULES
    from tenants.models import Application, Company

    today = dt.date.today()
    residents = Company.objects.residents()
    queries = {
        "companies by country": CompanyFilter({"country": "SE"}, queryset=residents).qs,
        "companies by business area": CompanyFilter({"business_area": "equipment"}, queryset=residents).qs,
        "companies by focus area": CompanyFilter({"focus_area": "ai_diagnosis"}, queryset=residents).qs,
        "applications by status": Application.objects.filter(status="committee_review").order_by("-pk"),
        "applications by campus": Application.objects.filter(campus__slug="gen-campus-02").order_by("-pk"),
        "spaces free for a date range": spaces_available(on=today, until=today + dt.timedelta(days=90)).order_by("-pk"),
    }
    # A page of each list; and the counts of the queues the staff today page shows, as it runs them.
    statements = {label: qs[:50].query.sql_with_params() for label, qs in queries.items()}
    now = timezone.localtime()
    for rule in RULES:
        with CaptureQueriesContext(connection) as counted:
            rule.rows(now).count()
        statements[f"today: {rule.key}"] = (counted.captured_queries[-1]["sql"], None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        sizes = dict(cursor.fetchall())
    report = []
    for label, (sql, params) in statements.items():
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
        nodes = list(_walk(plan[0]["Plan"]))
        seq = sorted(
            {
                n["Relation Name"]
                for n in nodes
                if n["Node Type"] == "Seq Scan" and sizes.get(n["Relation Name"], 0) > 10000
            }
        )
        scans = sorted(
            {f"{n['Node Type']} on {n.get('Index Name') or n['Relation Name']}" for n in nodes if "Relation Name" in n}
        )
        report.append({"query": label, "scans": scans, "large_seq_scans": seq})
        log(f"EXPLAIN {label}: {'; '.join(scans)}" + (f"  <-- sequential scan of {seq}" if seq else ""))
    return report


def _walk(node):
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


# --- 4. Jobs -------------------------------------------------------------------------------


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def start_workers(count: int) -> list[subprocess.Popen]:
    celery = Path(PY).with_name("celery")
    return [
        subprocess.Popen(
            [str(celery), "-A", "portal", "worker", "--pool=solo", "-n", f"bench{i}@%h", "--loglevel=WARNING"],
            cwd=ROOT,
            env=env_for_django(),
            start_new_session=True,
        )
        for i in range(count)
    ]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def drain(label: str, pending, workers: int, timeout: float) -> dict:
    """Start the workers on a filled queue and time until ``pending()`` is 0."""
    procs = start_workers(workers)
    started = time.monotonic()
    peak = [0.0] * workers
    try:
        while True:
            left = pending()
            for i, proc in enumerate(procs):
                peak[i] = max(peak[i], rss_mb(proc.pid))
            if left == 0 or time.monotonic() - started > timeout:
                break
            time.sleep(0.25)
        elapsed = time.monotonic() - started
    finally:
        for proc in procs:
            stop(proc)
    log(f"{label}: {elapsed:.1f} s, {left} left, worker memory {', '.join(f'{m:.0f}' for m in peak)} MB")
    return {"seconds": round(elapsed, 1), "left": left, "worker_rss_mb": [round(m) for m in peak]}


def run_jobs(reminders: int, webhooks: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from partners import services
    from partners.models import Partner, WebhookDelivery, WebhookEndpoint
    from portal.celery import app
    from tenants.choices import ApplicationStatus, TaskOwner
    from tenants.models import Application, Notification, OnboardingPlan, OnboardingTask
    from tenants.services import onboarding

    app.control.purge()
    # Reminders: overdue company tasks on approved applications; the daily job writes one e-mail
    # each and publishes its delivery job; two workers then drain the queue.
    today = timezone.localdate()
    apps = list(
        Application.objects.filter(status=ApplicationStatus.APPROVED, onboarding_plan__isnull=True)
        .select_related("company")
        .order_by("pk")[:reminders]
    )
    plans = OnboardingPlan.objects.bulk_create(
        [
            OnboardingPlan(
                application=a, company=a.company, campus_id=a.campus_id, approved_on=today - dt.timedelta(days=30)
            )
            for a in apps
        ],
        batch_size=5000,
    )
    OnboardingTask.objects.bulk_create(
        [
            OnboardingTask(
                plan=p,
                title_en="Send the signed residency agreement",
                title_zh="提交已签署的入驻协议",
                owner=TaskOwner.COMPANY,
                due_on=today - dt.timedelta(days=3),
            )
            for p in plans
        ],
        batch_size=5000,
    )
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.monotonic()
    written = onboarding.overdue_tasks_remind()
    enqueue_s = time.monotonic() - started
    log(f"reminders: {written} e-mails written and published in {enqueue_s:.1f} s")
    reminders_pending = Notification.objects.filter(kind="onboarding:reminder", sent_at__isnull=True, pk__gt=before)
    result = {
        "reminders": {
            "jobs": written,
            "publish_seconds": round(enqueue_s, 1),
            **drain("reminders", reminders_pending.count, 2, 300),
        }
    }

    # Webhooks: 1,000 signed deliveries to a receiver on 127.0.0.1.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    partner = Partner.objects.filter(slug__startswith="gen-").order_by("slug").first()
    endpoint = WebhookEndpoint.objects.create(
        partner=partner,
        url=f"http://127.0.0.1:{server.server_port}/hook",
        event_types=["ping"],
        secret="whsec_" + "b" * 40,
    )
    started = time.monotonic()
    with transaction.atomic():
        for _ in range(webhooks):
            services.webhook_ping(endpoint=endpoint)
    publish_s = time.monotonic() - started
    pending = WebhookDelivery.objects.filter(endpoint=endpoint, delivered_at__isnull=True)
    result["webhooks"] = {
        "jobs": webhooks,
        "publish_seconds": round(publish_s, 1),
        **drain("webhooks", pending.count, 2, 300),
    }
    server.shutdown()
    return result


# --- 5. Report -----------------------------------------------------------------------------


def summarise(http_run: dict, plans: list[dict], jobs: dict | None, previous: dict | None) -> dict:
    """Medians over the rounds, the goals, and whether the run is valid.

    A run is valid when its reference (raw ÷ hello) is within 20% of its usual value, and every
    ratio agrees within 0.05 with the previous run of the same settings (the run before it).
    """
    res = http_run["results"]
    rows = []
    for target in http_run["targets"]:
        name = target["name"]
        runs = res[name]["runs"]
        row = {
            "name": name,
            "rps": statistics.median(r["rps"] for r in runs),
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "queries": res[name]["probe"]["queries"],
            "other_queries": res[name].get("other_queries", []),
            "errors": sum(r["errors"] for r in runs),
        }
        if res[name].get("cold_ms") is not None:
            row["first_view_ms"] = res[name]["cold_ms"]
        if not target.get("reference"):
            ratios = [run["ratio"] for run in runs]
            row.update(vs=target["vs"], ratio=statistics.median(ratios), ratio_runs=ratios)
        rows.append(row)
    by_name = {r["name"]: r for r in rows}
    raw_hello = statistics.median(res["_rounds"])
    history = json.loads(HISTORY.read_text()) if HISTORY.exists() else []
    usual = statistics.median(history) if history else raw_hello
    reference_ok = abs(raw_hello - usual) <= 0.2 * usual
    before = {r["name"]: r.get("ratio") for r in (previous or {}).get("rows", [])}
    differences = {
        r["name"]: abs(r["ratio"] - before[r["name"]]) for r in rows if before.get(r["name"]) and "ratio" in r
    }
    compared = bool(differences) and all("ratio" not in r or r["name"] in differences for r in rows)
    agree = compared and max(differences.values()) <= 0.05
    goals = []
    for target in http_run["targets"]:
        row = by_name[target["name"]]
        counts = [row["queries"], *row["other_queries"]]
        sql = f"SQL {'/'.join(str(c) for c in counts)}"
        if "goal" in target:
            label = f"{target['name']} ≥ {target['goal']:.2f}× {target['vs']}"
            goals.append((label, f"{row['ratio']:.2f}×", row["ratio"] >= target["goal"]))
        if "goal_p50_ms" in target:
            goals.append(
                (
                    f"{target['name']} p50 ≤ {target['goal_p50_ms']} ms",
                    f"p50 {row['p50_ms']:.0f} ms",
                    row["p50_ms"] <= target["goal_p50_ms"],
                )
            )
        if "max_sql" in target:
            label = f"{target['name']}: at most {target['max_sql']} SQL"
            goals.append((label, sql, row["queries"] <= target["max_sql"]))
        if row["other_queries"]:
            goals.append((f"{target['name']}: constant SQL (other objects or pages)", sql, len(set(counts)) == 1))
    c50 = by_name["companies50"]["ratio"]
    c200 = by_name["companies200"]["ratio"]
    constant = res["_constant_queries"]
    goals += [
        ("page 200 ratio ≥ 0.9 × page-50 ratio", f"{c200:.2f}× ({c200 / c50:.2f} of page 50)", c200 >= 0.9 * c50),
        (
            "constant SQL per API list (page 10 / 50 / 200)",
            "; ".join(f"{k}: {'/'.join(str(v) for v in counts.values())}" for k, counts in constant.items()),
            all(len(set(counts.values())) == 1 for counts in constant.values()),
        ),
        (
            "p99 partner list ≤ 4× raw p99",
            f"{by_name['referrals (one partner)']['p99_ms']:.1f} ms vs {by_name['raw50']['p99_ms']:.1f} ms",
            by_name["referrals (one partner)"]["p99_ms"] <= 4 * by_name["raw50"]["p99_ms"],
        ),
        (
            "filters index-backed (no sequential scan of a large table)",
            ", ".join(p["query"] for p in plans if p["large_seq_scans"]) or "all index scans",
            not any(p["large_seq_scans"] for p in plans),
        ),
        ("no failed requests", str(sum(r["errors"] for r in rows)), all(r["errors"] == 0 for r in rows)),
    ]
    if jobs:
        rem, hooks = jobs["reminders"], jobs["webhooks"]
        goals += [
            ("10,000 reminder e-mails published ≤ 10 s", f"{rem['publish_seconds']} s", rem["publish_seconds"] <= 10),
            (
                "… drained by two workers ≤ 20 s",
                f"{rem['seconds']} s",
                rem["seconds"] <= 20 and rem["left"] == 0,
            ),
            (
                "1,000 webhook deliveries < 60 s",
                f"{hooks['seconds']} s",
                hooks["seconds"] < 60 and hooks["left"] == 0,
            ),
            (
                "worker memory < 200 MB each",
                f"{max(rem['worker_rss_mb'] + hooks['worker_rss_mb'])} MB at most",
                max(rem["worker_rss_mb"] + hooks["worker_rss_mb"]) < 200,
            ),
        ]
    if not compared:
        agreement = "no previous run of these settings to compare with (run it again)"
    else:
        worst = max(differences, key=differences.get)
        agreement = (
            f"ratios {'agree' if agree else 'DISAGREE'} with the previous run within 0.05 "
            f"(largest difference {differences[worst]:.3f}, {worst})"
        )
    return {
        "rows": rows,
        "raw_over_hello": raw_hello,
        "usual_raw_over_hello": usual,
        "valid": reference_ok and agree,
        "validity": (
            f"raw ÷ hello = {raw_hello:.3f} (usual {usual:.3f}, {'within' if reference_ok else 'OUTSIDE'} 20%); "
            + agreement
        ),
        "goals": [{"goal": g, "measured": m, "met": ok} for g, m, ok in goals],
        "plans": plans,
        "jobs": jobs,
    }


def machine() -> dict:
    import django
    import rest_framework
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = (
        int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
            ).split()[1]
        )
        // 1024**2
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]
    import redis

    redis_version = redis.Redis.from_url(os.environ["REDIS_URL"]).info()["redis_version"]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{cpu}, {os.cpu_count()} cores, {mem} GiB",
        "kernel": platform.release(),
        "versions": f"Python {platform.python_version()}, Django {django.get_version()}, DRF {rest_framework.VERSION}, "
        f"PostgreSQL {pg}, Redis {redis_version}, wrk {wrk_version}",
    }


def render(summary: dict, info: dict, args) -> str:
    lines = [
        f"Run {info['date']} on {info['cpu']} (Linux {info['kernel']}); {info['versions']}.",
        f"Data set: seed {args.seed}, scale {args.scale}"
        + (
            f", generated in {summary['generated_in_s']} s"
            if summary["generated_in_s"] is not None
            else ", copied from the kept template"
        )
        + f"; wrk {args.seconds} s × {args.rounds} rounds per target (medians of the rounds), "
        f"{CONNECTIONS} connections, gunicorn 2 sync workers.",
        "",
        f"**{'Valid run' if summary['valid'] else 'NOT a valid run'}**: {summary['validity']}.",
        "",
        "| target | req/s | ratio | vs | rounds' ratios | p50 ms | p99 ms | SQL/request |",
        "|---|---:|---:|---|---|---:|---:|---:|",
    ]
    for r in summary["rows"]:
        ratio = f"{r['ratio']:.2f}×" if "ratio" in r else "reference"
        spread = f"{min(r['ratio_runs']):.2f}–{max(r['ratio_runs']):.2f}" if "ratio_runs" in r else ""
        sql = "/".join(str(c) for c in [r["queries"], *r["other_queries"]])
        lines.append(
            f"| {r['name']} | {r['rps']:.0f} | {ratio} | {r.get('vs', '')} | {spread} "
            f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {sql} |"
        )
    lines += ["", "| goal | measured | met |", "|---|---|---|"]
    lines += [f"| {g['goal']} | {g['measured']} | {'yes' if g['met'] else '**no**'} |" for g in summary["goals"]]
    cold = [r for r in summary["rows"] if "first_view_ms" in r]
    if cold:
        lines += [
            "",
            "Kept in the cache until a change commits; the first view after one (median of three): "
            + ", ".join(f"{r['name']} {r['first_view_ms']:.0f} ms" for r in cold)
            + ".",
        ]
    lines += ["", "Query plans of the filters:", ""]
    lines += [f"- {p['query']}: {'; '.join(p['scans'])}" for p in summary["plans"]]
    if summary["jobs"]:
        j = summary["jobs"]
        lines += [
            "",
            f"Jobs: {j['reminders']['jobs']:,} reminder e-mails published in {j['reminders']['publish_seconds']} s, "
            f"drained in {j['reminders']['seconds']} s; {j['webhooks']['jobs']:,} webhook deliveries published in "
            f"{j['webhooks']['publish_seconds']} s, delivered in {j['webhooks']['seconds']} s "
            "(times include worker start-up).",
        ]
    return "\n".join(lines)


def settings_of(args) -> dict:
    return {"seed": args.seed, "scale": args.scale, "seconds": args.seconds, "rounds": args.rounds}


def previous_run(args) -> dict | None:
    """The last run's results when it measured with the same settings."""
    latest = BENCH / "results" / "latest.json"
    if not latest.exists():
        return None
    previous = json.loads(latest.read_text())
    return previous if previous.get("settings") == settings_of(args) else None


def write_report(summary: dict, info: dict, args) -> None:
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(
        json.dumps({"machine": info, "settings": settings_of(args), **summary}, indent=2, default=str)
    )
    if summary["valid"] or not HISTORY.exists():
        history = json.loads(HISTORY.read_text()) if HISTORY.exists() else []
        HISTORY.write_text(json.dumps(([*history, round(summary["raw_over_hello"], 4)])[-10:]))
    readme = BENCH / "README.md"
    text = readme.read_text()
    start, end = text.index(MARK_START) + len(MARK_START), text.index(MARK_END)
    readme.write_text(text[:start] + "\n" + render(summary, info, args) + "\n" + text[end:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=int, default=SECONDS, help="wrk duration per target and round")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds per target; figures are their medians")
    parser.add_argument("--no-jobs", action="store_true", help="skip the Celery measurements")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:
        sys.exit("wrk is missing: apt-get install -y wrk")
    started = time.monotonic()
    previous = previous_run(args)
    generated_in = prepare_database(args.seed, args.scale)
    manage("collectstatic", "--no-input", "-v0")
    setup_django()
    fx = fixtures()
    http_run = run_http(fx, args.seconds, args.rounds, args.port)
    plans = explain_filters()
    jobs = None if args.no_jobs else run_jobs(reminders=round(10000 * min(args.scale, 1) or 1), webhooks=1000)
    summary = {**summarise(http_run, plans, jobs, previous), "generated_in_s": generated_in}
    info = machine()
    write_report(summary, info, args)
    print(render(summary, info, args))
    log(f"done in {time.monotonic() - started:.0f} s")
    return 0 if summary["valid"] and all(g["met"] for g in summary["goals"]) else 1


if __name__ == "__main__":
    sys.exit(main())
