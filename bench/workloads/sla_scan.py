"""`sla_scan`: the escalation scan with N open tickets of which 1,000 are due.

Its cost must follow what is due, not what is open: the scan is timed at N/10 and at N open
tickets, with the same 1,000 due. The open tickets live in their own database
(`poshtiban_bench_sla`), loaded with COPY, so the shared 1M dataset is left as it is.
"""
import io
import os
import random
import time
from datetime import timedelta

import bench

GOALS = {"scan_ms": ("<", 1000, "ms"), "ratio_to_tenth": ("<=", 1.5, "x")}
DUE = 1_000
DB = "poshtiban_bench_sla"


def _switch_database(name=DB):
    """Point the connection at `name`; returns the previous name so run() can switch back (the
    workloads after this one must find the shared dataset again)."""
    from django.core.management import call_command
    from django.db import connections

    conn = connections["default"]
    previous = conn.settings_dict["NAME"]
    conn.close()
    conn.settings_dict["NAME"] = name
    if name == DB:
        bench.create_database(bench.with_database(os.environ["DATABASE_URL"], DB))
        call_command("migrate", verbosity=0, interactive=False)
    return previous


def _fixtures():
    from customers.models import Contact, Organization, SlaPolicy, User
    from tickets.models import Team

    org, _ = Organization.objects.get_or_create(name="SLA bench")
    contact, _ = Contact.objects.get_or_create(organization=org, name="Bench contact", email="sla@bench.example")
    lead, _ = User.objects.get_or_create(username="sla-lead", defaults={"role": "manager"})
    agent, _ = User.objects.get_or_create(username="sla-agent", defaults={"role": "agent"})
    team, _ = Team.objects.get_or_create(name="SLA bench", defaults={"lead": lead})
    return org, contact, team, agent, SlaPolicy.objects.get(is_default=True)


def _load(n, now, org, contact, team, agent, policy):
    """n open tickets: DUE of them with a breach due now, the rest checked weeks from now."""
    from django.db import connection

    rng = random.Random(n)
    cols = ("subject", "organization_id", "requester_id", "team_id", "assignee_id", "status", "type", "priority",
            "channel", "tags", "created_at", "updated_at", "version", "sla_flags", "sla_policy_id",
            "first_response_due_at", "resolution_due_at", "next_due_at", "sla_next_check_at")
    with connection.cursor() as cur:
        cur.execute("TRUNCATE tickets_ticket CASCADE")
        for start in range(0, n, 100_000):
            buf = io.StringIO()
            for i in range(start, min(n, start + 100_000)):
                if i < DUE:
                    created = now - timedelta(hours=6)
                    due = now - timedelta(minutes=1)
                    check = now - timedelta(minutes=1)
                else:
                    created = now - timedelta(minutes=rng.randint(0, 600))
                    due = now + timedelta(days=rng.randint(1, 30))
                    check = due - timedelta(hours=2)
                row = (f"Ticket {i}", org.pk, contact.pk, team.pk, agent.pk, "open", "question", "normal", "email", "{}",
                       created.isoformat(), created.isoformat(), 1, "{}", policy.pk, due.isoformat(),
                       (due + timedelta(days=3)).isoformat(), due.isoformat(), check.isoformat())
                buf.write("\t".join(str(v) for v in row) + "\n")
            buf.seek(0)
            cur.cursor.copy_expert(f"COPY tickets_ticket ({', '.join(cols)}) FROM STDIN", buf)
        cur.execute("ANALYZE tickets_ticket")


def _reset_due(now):
    """Put the DUE tickets back to "nothing emitted yet", so a scan has exactly the same work."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM tickets_ticketevent; DELETE FROM tickets_notification;")
        cur.execute("UPDATE tickets_ticket SET sla_flags = '{}', sla_next_check_at = %s WHERE subject = ANY(%s)",
                    [now - timedelta(minutes=1), [f"Ticket {i}" for i in range(DUE)]])


def _timed_scan(now):
    from helpdesk.celery import app
    from tickets.services.escalation import sla_scan

    # Email goes to a broker queue nobody reads (as in production the worker sends it later);
    # eager mode would time sending thousands of emails inside the scan.
    app.conf.task_always_eager, app.conf.task_default_queue = False, "bench-sla-scan"
    sla_scan(now=now - timedelta(days=365))  # warm-up: imports, broker connection; nothing is due then
    try:
        profiler = None
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        emitted = sla_scan(now=now)
        elapsed = (time.perf_counter() - started) * 1000
        if profiler:
            import pstats
            import sys

            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        return elapsed, emitted
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("bench-sla-scan")


def run(scale: int) -> dict:
    previous = _switch_database()
    try:
        return _measure(scale)
    finally:
        _switch_database(previous)


def _measure(scale):
    from django.utils import timezone

    fixtures = _fixtures()
    now = timezone.now()
    figures = {}
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM tickets_ticket WHERE status = 'open'")
        have = cur.fetchone()[0]
    t0 = time.perf_counter()
    if have != scale:
        _load(scale, now, *fixtures)
    load_s = time.perf_counter() - t0
    for label, n in (("full", scale), ("tenth", max(DUE * 2, scale // 10))):
        if n < scale:  # keep the due ones and the first n of the others
            with connection.cursor() as cur:
                cur.execute("DELETE FROM tickets_ticket WHERE id > (SELECT min(id) FROM tickets_ticket) + %s", [n - 1])
                cur.execute("ANALYZE tickets_ticket")
        _reset_due(now)
        ms, emitted = _timed_scan(now)
        figures[label] = {"open": n, "scan_ms": round(ms, 1), "emitted": emitted, "load_s": round(load_s, 1)}
    return {
        "scan_ms": figures["full"]["scan_ms"], "scan_ms_tenth": figures["tenth"]["scan_ms"],
        "ratio_to_tenth": round(figures["full"]["scan_ms"] / max(figures["tenth"]["scan_ms"], 0.001), 2),
        "open_tickets": figures["full"]["open"], "due": DUE, "emitted": figures["full"]["emitted"],
        "load_s": figures["full"]["load_s"],
    }
