"""The open backlog now, by state, team and priority, with age buckets: one query.

Age is counted in the reader's local days (today minus the local day it was created), so each
bucket is exactly a created_after/created_before range in the queue the cell links to.
"""
from datetime import timedelta

from django.db.models import BooleanField, DateField, ExpressionWrapper, F, Func, IntegerField, Q, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import states
from tickets.models import Priority, Status, Ticket
from tickets.reports.tables import Table, by_set, count, grouped, text, total

OPEN = [s for s in states.ALL_STATES if s in states.OPEN_STATES]  # in workflow order
# (low, high) local-day ages; None = no upper bound
BUCKETS = ((0, 0), (1, 2), (3, 6), (7, 29), (30, None))


class DaysSince(Func):
    """(today - local day of created_at), an integer number of days in PostgreSQL."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def bucket_labels():
    return [_("Today"), _("1–2 days"), _("3–6 days"), _("1–4 weeks"), _("30+ days")]


def _bucket_sql(low, high):
    cond = f"r.c_age >= {int(low)}" + (f" AND r.c_age <= {int(high)}" if high is not None else "")
    return f"count(*) FILTER (WHERE {cond})"


def backlog(scope, today=None) -> Table:
    today = today or timezone.localdate()
    qs = scope.tickets().filter(status__in=OPEN)
    now = timezone.now()
    columns = {"status": "status", "team": "team_id", "team_name": F("team__name"), "priority": "priority"}
    values = {"age": DaysSince(Value(today, output_field=DateField()), TruncDate("created_at")),
              "unassigned": ExpressionWrapper(Q(assignee__isnull=True), output_field=BooleanField()),
              "overdue": ExpressionWrapper(Q(next_due_at__lt=now), output_field=BooleanField())}
    aggregates = {"n": "count(*)", "unassigned": "count(*) FILTER (WHERE r.c_unassigned)",
                  "overdue": "count(*) FILTER (WHERE r.c_overdue)",
                  **{f"b{i}": _bucket_sql(lo, hi) for i, (lo, hi) in enumerate(BUCKETS)}}
    rows = grouped(qs, columns, [(), ("status",), ("team", "team_name"), ("priority",)], aggregates, values)

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
