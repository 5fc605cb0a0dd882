"""One organisation's report: what it asked (by class), how well we kept the SLA, how satisfied it
was, and what is still open. The manager prints it or shares it; the organisation's admins see the
same figures in the portal (without links into the agent side).
"""
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from helpdesk.templatetags.jalali import when
from tickets.models import Status, TicketType
from tickets.reports import flow, people
from tickets.reports.backlog import OPEN
from tickets.reports.tables import Cell, Table, by_set, count, pct, text, total

OPEN_ITEMS = 100


def class_table(scope, created) -> Table:
    everything = total(created).get("n") or 0
    found = {r["type"]: r["n"] for r in by_set(created, 3)}
    rows = [[text(label), count(found.get(key), scope.link(created=True, type=key)), pct(found.get(key), everything)]
            for key, label in TicketType.choices]
    rows.append([text(_("All requests")), count(everything, scope.link(created=True)), pct(everything, everything)])
    chart = {"type": "doughnut", "labels": [r[0].text for r in rows[:-1]],
             "datasets": [{"label": str(_("Requests")), "data": [r[1].value for r in rows[:-1]]}]}
    table = Table("classes", _("Requests by class"), [_("Class"), _("Requests"), _("Share")], rows, chart)
    table.headline = {"total": rows[-1][1]}
    return table


def open_items(scope, *, portal=False):
    """The organisation's open tickets, oldest first (they are the ones to talk about), and how many."""
    qs = scope.tickets().filter(status__in=OPEN)
    n = qs.aggregate(n=Count("id"))["n"]
    items = list(qs.select_related("requester", "assignee").order_by("created_at", "id")[:OPEN_ITEMS])
    labels, types = dict(Status.choices), dict(TicketType.choices)
    rows = []
    for t in items:
        url = reverse("portal:ticket", args=[t.number]) if portal else reverse("agent:ticket", args=[t.number])
        rows.append([Cell(t.number, f"#{t.number}", url), text(t.subject), text(types.get(t.type, t.type)),
                     text(labels.get(t.status, t.status)), text(t.requester.name),
                     Cell(t.created_at.isoformat(), when(t.created_at, "date"), numeric=False)])
    table = Table("open_items", _("Open items"), [_("Number"), _("Subject"), _("Class"), _("State"), _("Requester"),
                                                  _("Created")], rows)
    table.headline = {"open": count(n, None if portal else scope.link(status=OPEN))}
    if n > len(items):
        table.note = _("The %(shown)s oldest of %(n)s open items.") % {"shown": len(items), "n": n}
    return table


def organization_report(scope, *, portal=False) -> dict:
    """Every table of the report; `portal` drops links into the agent side (customers cannot follow them)."""
    created, resolved = flow.created_figures(scope), flow.resolved_figures(scope)
    tables = {
        "classes": class_table(scope, created),
        "sla": flow.sla_table(scope, created, resolved),
        "times": flow.times_table(scope, created, resolved),
        "satisfaction": people.satisfaction_table(scope),
        "open_items": open_items(scope, portal=portal),
    }
    if portal:
        for name, table in tables.items():
            if name != "open_items":
                unlink(table)
    return tables


def unlink(table):
    for row in table.rows:
        for cell in row:
            cell.url = None
    for cell in table.headline.values():
        cell.url = None
    return table
