"""The open backlog now, by state, team and priority, with age buckets: one query.

Age is counted in the reader's local days (today minus the local day it was created), so each
bucket is exactly a created_after/created_before range in the queue the cell links to.
"""
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import states
from tickets.models import Priority, Status, Ticket
from tickets.reports.tables import Table, by_set, count, text, total

OPEN = [s for s in states.ALL_STATES if s in states.OPEN_STATES]  # in workflow order
# (low, high) local-day ages; None = no upper bound
BUCKETS = ((0, 0), (1, 2), (3, 6), (7, 29), (30, None))


def bucket_labels():
    return [_("Today"), _("1–2 days"), _("3–6 days"), _("1–4 weeks"), _("30+ days")]


def _bucket_case(today):
    """The age bucket as ranges of created_at between local midnights: the same days as
    (today - local day created) but compared on the stored timestamp, with no per-row time zone maths."""
    def at(day):
        return f"'{timezone.make_aware(datetime.combine(day, time.min)).isoformat()}'::timestamptz"

    whens = [f"WHEN r.created_at >= {at(today + timedelta(days=1))} THEN NULL"]  # created "tomorrow": no bucket
    for i, (low, high) in enumerate(BUCKETS):
        whens.append(f"WHEN r.created_at >= {at(today - timedelta(days=high))} THEN {i}" if high is not None else f"ELSE {i}")
    return "CASE " + " ".join(whens) + " END"


def _rows(qs, today, now):
    """Open tickets counted by (state, team, priority, age bucket, unassigned, overdue) first, then the
    grouping sets over those few hundred groups: one scan, one statement."""
    from tickets.models import Team
    from tickets.reports.tables import fetch

    inner, params = qs.order_by().values("status", "team_id", "priority", "created_at", "assignee_id",
                                          "next_due_at").query.sql_with_params()
    buckets = ", ".join(f"sum(n) FILTER (WHERE bucket = {i}) AS b{i}" for i in range(len(BUCKETS)))
    sql = f"""
        WITH g AS (SELECT r.status, r.team_id, r.priority, {_bucket_case(today)} AS bucket,
                          r.assignee_id IS NULL AS unassigned, coalesce(r.next_due_at < %s, false) AS overdue,
                          count(*) AS n
                     FROM ({inner}) r GROUP BY 1, 2, 3, 4, 5, 6)
        SELECT CASE GROUPING(g.status, g.team_id, g.priority) WHEN 7 THEN 0 WHEN 3 THEN 1 WHEN 5 THEN 2 WHEN 6 THEN 3 END
                   AS "set", g.status, g.team_id AS team, t.name AS team_name, g.priority, sum(n) AS n,
               sum(n) FILTER (WHERE unassigned) AS unassigned, sum(n) FILTER (WHERE overdue) AS overdue, {buckets}
          FROM g LEFT JOIN {Team._meta.db_table} t ON t.id = g.team_id
         GROUP BY GROUPING SETS ((), (g.status), (g.team_id, t.name), (g.priority))"""
    return fetch(sql, [now, *params])  # in the order they appear: overdue, then the scope


def backlog(scope, today=None) -> Table:
    today = today or timezone.localdate()
    qs = scope.tickets().filter(status__in=OPEN)
    rows = _rows(qs, today, timezone.now())
    def ranges(low, high):
        return {"created_after": (today - timedelta(days=high)).isoformat() if high is not None else None,
                "created_before": (today - timedelta(days=low)).isoformat()}

    def line(label, row, filters, kind):
        link = (lambda **extra: scope.link(**filters, **extra)) if filters is not None else (lambda **extra: None)
        cells = [text(label), text(kind), count(row.get("n"), link())]
        cells += [count(row.get(f"b{i}"), link(**ranges(lo, hi))) for i, (lo, hi) in enumerate(BUCKETS)]
        return cells

    labels = dict(Status.choices)
    found = {r["status"]: r for r in by_set(rows, 1)}
    out = [line(labels[s], found.get(s, {}), {"status": s}, _("State")) for s in OPEN]
    for r in sorted(by_set(rows, 2), key=lambda r: (r["team_name"] is None, r["team_name"] or "")):
        filters = {"status": OPEN, "team": r["team"]} if r["team"] and not scope.team else (
            {"status": OPEN} if scope.team else None)
        out.append(line(r["team_name"] or _("No team"), r, filters, _("Team")))
    prio = {r["priority"]: r for r in by_set(rows, 3)}
    out += [line(label, prio.get(p, {}), {"status": OPEN, "priority": p}, _("Priority"))
            for p, label in reversed(Priority.choices)]
    out.append(line(_("All open"), total(rows), {"status": OPEN}, ""))
    table = Table("backlog", _("Open backlog by age"), [_("Group"), _("By"), _("Open"), *bucket_labels()], out)
    head = total(rows)
    table.headline = {"open": count(head.get("n"), scope.link(status=OPEN)),
                      "unassigned": count(head.get("unassigned"), scope.link(status=OPEN, unassigned="true")),
                      "overdue": count(head.get("overdue"), scope.link(queue="breached"))}
    return table


def backlog_figures(now=None):
    """The headline numbers of the open backlog (kept for callers of the first version)."""
    from django.db.models import Count

    now = now or timezone.now()
    return Ticket.objects.filter(status__in=OPEN).aggregate(
        open=Count("id"),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        breached=Count("id", filter=Q(next_due_at__lt=now)),
        waiting=Count("id", filter=Q(status=states.PENDING_CUSTOMER)),
        on_hold=Count("id", filter=Q(status=states.ON_HOLD)),
    )
