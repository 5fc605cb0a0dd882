"""`dashboard`: the manager's dashboard over the large dataset, rendered whole through the Django
test client as a manager (middleware, session, every panel's SQL, template), server time only.

Two periods: the default last 30 days and a whole year. Every request's queries are counted: the
number must not depend on the period or the data. The seeded dataset stores no achieved SLA
minutes, ratings or referrals, so the percentile panels read few rows here (see BENCHMARKS.md).

Before timing, the summary tables are backfilled for every day (`stats_rebuild --all`, as a
deployment does once; the beat task keeps them current after): its time is `rollup_s`.
"""
import statistics
import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import seed
from bench.static import client_settings

GOALS = {"p95_30d_ms": ("<", 500, "ms"), "p95_365d_ms": ("<", 500, "ms"), "queries_constant": ("is", True, "")}
REPEATS = 10


def _p(values, pct):
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 2) if len(values) > 1 else round(values[0], 2)


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(ctx)


def run(scale: int) -> dict:
    with client_settings():
        return _run(scale)


def _run(scale: int) -> dict:
    from customers.models import User

    info = seed.ensure(scale)
    from tickets.reports.rollup import stats_rebuild_all

    started = time.perf_counter()
    stats_rebuild_all()
    rollup_s = round(time.perf_counter() - started, 1)
    client = Client()
    client.force_login(User.objects.filter(role__in=["manager", "admin"]).order_by("id").first())
    today = timezone.localdate()
    figures, queries = {"dataset_tickets": info["tickets"], "rollup_s": rollup_s}, []
    for days in (30, 365):
        url = f"/manager/?from={today - timedelta(days=days - 1)}&to={today}"
        _get(client, url)  # warm-up: connection, catalog caches, shared buffers
        timings = []
        for _ in range(REPEATS):
            ms, n = _get(client, url)
            timings.append(ms)
            queries.append(n)
        figures[f"p50_{days}d_ms"] = _p(timings, 50)
        figures[f"p95_{days}d_ms"] = _p(timings, 95)
    figures["queries"] = max(queries)
    figures["queries_constant"] = min(queries) == max(queries)
    return figures
