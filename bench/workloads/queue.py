"""`queue`: the agent queue selector over the large dataset.

For each queue: the first page 20 times, then 20 deeper pages by following the cursor (keyset
pagination must make page 21 cost what page 1 costs). Every call is timed with its result
materialised, and its queries counted: the count must not depend on the data.
"""
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import rows, seed

GOALS = {"p95_ms": ("<", 20, "ms")}
# (queue, sort) as the agent's queue page asks for them (tickets/views/agent.py: "recent" sorts by update).
QUEUES = (("mine", "due"), ("open", "due"), ("team_unassigned", "due"), ("breached", "due"), ("recent", "updated"))
FIRST_PAGE_REPEATS = 20
DEEP_PAGES = 20


def _busiest_agent():
    """The agent with the most open tickets: the heaviest "mine" queue is the worst case."""
    from django.db.models import Count

    from customers.models import User
    from tickets.models import OPEN_Q, Ticket

    top = (Ticket.objects.filter(OPEN_Q, assignee__isnull=False).values("assignee")
           .annotate(n=Count("id")).order_by("-n").first())
    return User.objects.get(pk=top["assignee"]) if top else User.objects.filter(username__startswith=rows.AGENT_PREFIX).first()


def _timed(user, queue, sort, cursor):
    from tickets.selectors import ticket_list_for_agent

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        page = ticket_list_for_agent(user, queue=queue, sort=sort, cursor=cursor)
        list(page.items)  # materialised, whatever the selector returns
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(captured), page.next_cursor


def _p(values, pct):
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 2) if len(values) > 1 else round(values[0], 2)


def run(scale: int) -> dict:
    info = seed.ensure(scale)
    user = _busiest_agent()
    timings, queries, by_queue = [], [], {}
    for queue, sort in QUEUES:
        _timed(user, queue, sort, None)  # warm-up: connection, catalog caches, shared buffers
        first = []
        for _ in range(FIRST_PAGE_REPEATS):
            ms, n, cursor = _timed(user, queue, sort, None)
            first.append(ms)
            queries.append(n)
        deep, pages = [], 1
        while cursor and pages <= DEEP_PAGES:
            ms, n, cursor = _timed(user, queue, sort, cursor)
            deep.append(ms)
            queries.append(n)
            pages += 1
        timings += first + deep
        by_queue[queue] = {"first_p95_ms": _p(first, 95), "deep_p95_ms": _p(deep, 95) if deep else None, "pages": pages}
    return {
        "p50_ms": _p(timings, 50), "p95_ms": _p(timings, 95), "max_ms": round(max(timings), 2),
        # The most and fewest queries any page took: the bound must not grow with the data.
        "queries": max(queries), "queries_min": min(queries),
        "calls": len(timings), "dataset_tickets": info["tickets"], "by_queue": by_queue,
    }
