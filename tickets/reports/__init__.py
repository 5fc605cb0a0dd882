"""Manager dashboards and reports. Every figure is aggregated in SQL, one query per panel at most,
never in a Python loop over tickets; the page runs the same number of queries for ten tickets or
a million. Panels return Tables (tables.py) that the page, the charts and the exports share.

    scope.py     the period and filters, parsing Jalali dates, links into the agent queue
    backlog.py   open backlog by state, team, priority and age
    flow.py      volume, SLA compliance, times (exact percentiles of stored business minutes), per day
    summary.py   reads past days from the summary tables (models_stats.py) and the rest live
    rollup.py    rebuilds the summary tables for a range of local days (beat task, stats_rebuild)
    people.py    agents, referral units, satisfaction, knowledge-base deflection
    customer.py  one organisation's report (manager's and the portal's)
"""
from django.utils.translation import gettext as _

from tickets.reports import backlog as _backlog
from tickets.reports import flow, people
from tickets.reports.backlog import backlog_figures  # noqa: F401  (the first version's API)
from tickets.reports.customer import organization_report  # noqa: F401
from tickets.reports.scope import Scope, parse_day, show_day  # noqa: F401
from tickets.reports.tables import Cell, Table, by_set, text

BREACHES_SHOWN = 20


def filter_names() -> dict:
    """id -> name of teams, products and organisations: the filter menus and the panels' labels."""
    from customers.models import Organization, Product
    from tickets.models import Team

    return {
        "team": dict(Team.objects.values_list("id", "name")),
        "product": dict(Product.objects.values_list("id", "name")),
        "organization": dict(Organization.objects.values_list("id", "name")),
    }


def breaches_table(scope) -> Table:
    """The newest SLA breaches of the period, each linking to its ticket; the header links to all."""
    from django.urls import reverse

    from helpdesk.templatetags.jalali import when
    from tickets.models import Priority

    # The newest N of a union are among the newest N of each part: two LIMITed subqueries, each
    # walking its partial index (migration 0008) newest first; IN (a UNION b) fetches just those rows,
    # where an OR of the two would have the planner walk the whole ticket_created index filtering.
    newest = ("-created_at", "-id")
    created = scope.created().filter(first_response_breached=True).order_by(*newest).values("id")[:BREACHES_SHOWN]
    resolved = scope.resolved().filter(resolution_breached=True).order_by(*newest).values("id")[:BREACHES_SHOWN]
    qs = (scope.tickets().filter(pk__in=created.union(resolved)).select_related("organization", "assignee")
          .only("number", "subject", "priority", "created_at", "first_response_breached", "resolution_breached",
                "resolved_at", "organization__name", "assignee__first_name", "assignee__last_name", "assignee__username")
          .order_by("-created_at", "-id")[:BREACHES_SHOWN])
    priorities = dict(Priority.choices)
    rows = []
    for t in qs:
        which = []
        if t.first_response_breached and scope.since <= t.created_at < scope.until:
            which.append(_("first response"))
        if t.resolution_breached and t.resolved_at and scope.since <= t.resolved_at < scope.until:
            which.append(_("resolution"))
        rows.append([Cell(t.number, f"#{t.number}", reverse("agent:ticket", args=[t.number])), text(t.subject),
                     text(t.organization.name), text(priorities.get(t.priority, t.priority)), text("، ".join(which)),
                     text(t.assignee.display_name if t.assignee else ""),
                     Cell(t.created_at.isoformat(), when(t.created_at, "date"), numeric=False)])
    return Table("breaches", _("Newest SLA breaches"), [
        _("Number"), _("Subject"), _("Organisation"), _("Priority"), _("Breached"), _("Assignee"), _("Created")], rows,
        note=_("The %(n)s newest; the SLA table links to every breach.") % {"n": BREACHES_SHOWN})


def dashboard(scope, names=None) -> dict:
    """Every panel of /manager/, in page order, and the headline cards."""
    names = names if names is not None else filter_names()
    backlog = _backlog.backlog(scope)
    created, resolved = flow.created_figures(scope), flow.resolved_figures(scope)
    sla, times = flow.sla_table(scope, created, resolved), flow.times_table(scope, created, resolved)
    portal = next((r["n"] for r in by_set(created, 2) if r["channel"] == "portal"), 0)
    satisfaction = people.satisfaction_table(scope)
    deflection = people.deflection_table(scope, portal)
    tables = [backlog, sla, breaches_table(scope), times, flow.flow_table(scope, created, resolved),
              *flow.volume_tables(scope, created, names), people.agents_table(scope),
              people.referrals_table(scope), satisfaction, deflection]
    headline = {**backlog.headline, **sla.headline, **times.headline, **satisfaction.headline,
                "deflection": deflection.headline["rate"]}
    return {"tables": tables, "headline": headline, "names": names}


def export_table(name, scope) -> Table | None:
    """One table of the dashboard for export, computing only the queries it needs."""
    if name == "backlog":
        return _backlog.backlog(scope)
    if name in ("sla", "times", "flow"):
        created, resolved = flow.created_figures(scope), flow.resolved_figures(scope)
        return getattr(flow, f"{name}_table")(scope, created, resolved)
    if name.startswith("by_"):
        tables = flow.volume_tables(scope, flow.created_figures(scope), filter_names())
        return next((t for t in tables if t.name == name), None)
    if name == "breaches":
        return breaches_table(scope)
    if name in ("agents", "referrals", "satisfaction"):
        return getattr(people, f"{name}_table")(scope)
    if name == "deflection":
        created = flow.created_figures(scope)
        return people.deflection_table(scope, next((r["n"] for r in by_set(created, 2) if r["channel"] == "portal"), 0))
    if name in ("classes", "open_items"):
        return organization_report(scope)[name] if scope.organization else None
    return None
