"""`agent_pages`: the agent's two busiest pages, rendered whole through the Django test client
(middleware, session, template), server time only.

- queue: the "open" and "mine" queues, first page and deep pages by cursor;
- ticket: a ticket with 200 messages (the seed marks a few).
Query counts are recorded on every request: the bound must not grow with the data.
"""
import re
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import seed
from bench.static import client_settings
from bench.workloads.queue import _busiest_agent

GOALS = {"queue_p95_ms": ("<", 50, "ms"), "queue_queries": ("<=", 12, ""), "ticket_p95_ms": ("<", 80, "ms")}
REPEATS = 30


def _p(values, pct):
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 2)


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(ctx), response


def _next_cursor(response):
    found = re.search(r"cursor=([A-Za-z0-9_-]+)", response.content.decode())
    return found.group(1) if found else None


def run(scale: int) -> dict:
    with client_settings():
        return _run(scale)


def _run(scale: int) -> dict:
    from tickets.models import Ticket

    info = seed.ensure(scale)
    agent = _busiest_agent()
    client = Client()
    client.force_login(agent)
    queue_ms, queue_q = [], []
    for queue in ("open", "mine"):
        _get(client, f"/agent/?queue={queue}")  # warm-up
        for _ in range(REPEATS):
            ms, n, response = _get(client, f"/agent/?queue={queue}")
            queue_ms.append(ms)
            queue_q.append(n)
        cursor = _next_cursor(response)
        for _ in range(REPEATS // 2):
            if not cursor:
                break
            ms, n, response = _get(client, f"/agent/?queue={queue}&cursor={cursor}")
            queue_ms.append(ms)
            queue_q.append(n)
            cursor = _next_cursor(response)
    big = (info.get("big_tickets") or [None])[0]
    number = Ticket.objects.filter(pk=big).values_list("number", flat=True).first() if big else None
    ticket_ms, ticket_q, messages = [], [], 0
    if number:
        manager_like = Client()
        from customers.models import User

        manager_like.force_login(User.objects.filter(role__in=["manager", "admin"]).first() or agent)
        _get(manager_like, f"/agent/tickets/{number}/")
        for _ in range(REPEATS):
            ms, n, _ = _get(manager_like, f"/agent/tickets/{number}/")
            ticket_ms.append(ms)
            ticket_q.append(n)
        messages = Ticket.objects.get(number=number).messages.count()
    return {
        "queue_p50_ms": _p(queue_ms, 50), "queue_p95_ms": _p(queue_ms, 95), "queue_queries": max(queue_q),
        "ticket_p50_ms": _p(ticket_ms, 50) if ticket_ms else None, "ticket_p95_ms": _p(ticket_ms, 95) if ticket_ms else None,
        "ticket_queries": max(ticket_q) if ticket_q else None, "ticket_messages": messages,
        "dataset_tickets": info["tickets"],
    }
