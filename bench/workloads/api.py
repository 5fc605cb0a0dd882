"""`api`: GET /api/v1/tickets/ as an agent with a bearer token, through the Django test client
(middleware, token authentication, throttle in Redis, serializer), server time only.

For each queue: the first page 20 times, then 20 deeper pages by following `next` (keyset
pagination: page 21 must cost what page 1 costs). Query counts are recorded on every request.
The token is created for the run and deleted afterwards, so the dataset stays what the seed loaded.
"""
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import seed
from bench.workloads.queue import _busiest_agent

GOALS = {"list_p95_ms": ("<", 30, "ms"), "list_queries_constant": ("is", True, "")}
QUEUES = ("open", "mine", "recent")
FIRST_PAGE_REPEATS = 20
DEEP_PAGES = 20


def _p(values, pct):
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 2) if len(values) > 1 else round(values[0], 2)


def _get(client, url, key):
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
        body = response.json()
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code, body)
    return elapsed, len(ctx), body


def run(scale: int) -> dict:
    from django.conf import settings

    from tickets.models import ApiToken

    # The test client speaks plain HTTP as "testserver"; production-like settings would refuse it.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    info = seed.ensure(scale)
    agent = _busiest_agent()
    token, key = ApiToken.issue(agent, "bench")
    client = Client()
    timings, queries, by_queue, selector_ms = [], [], {}, []
    try:
        for queue in QUEUES:
            url = f"/api/v1/tickets/?queue={queue}"
            _get(client, url, key)  # warm-up (and the token's last-used write)
            first = []
            for _ in range(FIRST_PAGE_REPEATS):
                ms, n, body = _get(client, url, key)
                first.append(ms)
                queries.append(n)
            deep, pages, next_url = [], 1, body["next"]
            while next_url and pages <= DEEP_PAGES:
                ms, n, body = _get(client, next_url, key)
                deep.append(ms)
                queries.append(n)
                next_url, pages = body["next"], pages + 1
            timings += first + deep
            by_queue[queue] = {"first_p95_ms": _p(first, 95), "deep_p95_ms": _p(deep, 95) if deep else None, "pages": pages}
        # The same first pages through the selector alone: what the API adds on top (auth,
        # throttle, rows, JSON), separated from the machine's load that moves both.
        from tickets import selectors

        for queue in QUEUES:
            sort = "updated" if queue == "recent" else "due"
            for _ in range(FIRST_PAGE_REPEATS):
                started = time.perf_counter()
                list(selectors.ticket_list_for_agent(agent, queue=queue, sort=sort).items)
                selector_ms.append((time.perf_counter() - started) * 1000)
    finally:
        token.delete()
    return {
        "list_p50_ms": _p(timings, 50), "list_p95_ms": _p(timings, 95), "list_max_ms": round(max(timings), 2),
        # The most queries any request took (token lookup included), and whether all took the same.
        "list_queries": max(queries), "list_queries_constant": min(queries) == max(queries),
        "selector_p50_ms": _p(selector_ms, 50), "selector_p95_ms": _p(selector_ms, 95),
        "api_overhead_p50_ms": round(_p(timings, 50) - _p(selector_ms, 50), 2),
        "calls": len(timings), "dataset_tickets": info["tickets"], "by_queue": by_queue,
    }
