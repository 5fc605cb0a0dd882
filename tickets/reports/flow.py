"""Tickets in the period: volume, SLA compliance, response and resolution times, flow per day.

Two cohorts, each read in one query:
- created in the period: volume (channel, type, product, organisation, day) and first response
  (a first response belongs to the ticket's first day: it is due within hours);
- resolved in the period: resolution compliance and times, resolved per day.
Times are the stored business minutes (paused time already left out when they were stored), so
the medians here are exactly what the ticket pages showed. Past days come from the summary
tables when they have been rolled up (summary.py), so a year costs about what a month does.
"""
from dataclasses import replace
from datetime import timedelta

from django.db.models.functions import TruncDate
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from helpdesk.templatetags.jalali import when
from tickets.models import Channel, Priority, TicketType
from tickets.reports import summary
from tickets.reports.tables import Cell, Table, by_set, count, hours, pct, text, total

CREATED_SETS = [(), ("priority",), ("channel",), ("type",), ("product",), ("organization",), ("day",)]
RESOLVED_SETS = [(), ("priority",), ("day",)]
TOP_ORGANIZATIONS = 15


def created_figures(scope) -> list[dict]:
    """Counts only, so PostgreSQL can hash every grouping set in one pass (no sort per set); days
    already in the summary tables are read from there (summary.py), the rest from the tickets."""
    columns = {"priority": "priority", "channel": "channel", "type": "type", "product": "product_id",
               "organization": "organization_id", "day": TruncDate("created_at")}
    aggregates = {"fr_measured": "count(r.c_fr_breached)", "fr_met": "count(*) FILTER (WHERE NOT r.c_fr_breached)"}
    live = scope.created().filter(summary.live_q(scope, "created_at"))
    rows = summary.counts(scope, "c", live, columns, CREATED_SETS, {"n": "count(*)", **aggregates},
                          {"fr_breached": "first_response_breached"}, ("n", "fr_measured", "fr_met"))
    # percentiles need sorted input: one more query, over the two sets that show them
    times = summary.percentiles(scope, "fr", live, "first_response_minutes")
    for r in rows:
        if r["set"] in (0, 1):
            found = times.get((r["set"], r["priority"] if r["set"] else None), {})
            r.update({"fr_p50": found.get("p50"), "fr_p90": found.get("p90")})
    return rows


def resolved_figures(scope) -> list[dict]:
    columns = {"priority": "priority", "day": TruncDate("resolved_at")}
    aggregates = {"n": "count(*)", "res_measured": "count(r.c_res_breached)",
                  "res_met": "count(*) FILTER (WHERE NOT r.c_res_breached)"}
    live = scope.resolved().filter(summary.live_q(scope, "resolved_at"))
    rows = summary.counts(scope, "r", live, columns, RESOLVED_SETS, aggregates, {"res_breached": "resolution_breached"},
                          ("n", "res_measured", "res_met"))
    times = summary.percentiles(scope, "res", live, "resolution_minutes")
    for r in rows:
        if r["set"] in (0, 1):
            found = times.get((r["set"], r["priority"] if r["set"] else None), {})
            r.update({"res_p50": found.get("p50"), "res_p90": found.get("p90")})
    return rows


def _priorities():
    return list(reversed(Priority.choices))


def sla_table(scope, created, resolved) -> Table:
    c_prio = {r["priority"]: r for r in by_set(created, 1)}
    r_prio = {r["priority"]: r for r in by_set(resolved, 1)}
    rows = []
    for key, label in _priorities() + [(None, _("All priorities"))]:
        c = c_prio.get(key, {}) if key else total(created)
        r = r_prio.get(key, {}) if key else total(resolved)
        fr_link = lambda **f: scope.link(created=True, priority=key, **f)  # noqa: E731
        res_link = lambda **f: scope.link(resolved=True, priority=key, **f)  # noqa: E731
        rows.append([
            text(label),
            count(c.get("fr_measured"), fr_link(first_response_breached=["true", "false"])),
            count(c.get("fr_met"), fr_link(first_response_breached="false")),
            pct(c.get("fr_met"), c.get("fr_measured"), fr_link(first_response_breached="true")),
            count(r.get("res_measured"), res_link(resolution_breached=["true", "false"])),
            count(r.get("res_met"), res_link(resolution_breached="false")),
            pct(r.get("res_met"), r.get("res_measured"), res_link(resolution_breached="true")),
        ])
    head_c, head_r = total(created), total(resolved)
    table = Table("sla", _("SLA compliance"), [
        _("Priority"), _("First responses"), _("Met"), _("First response % met"),
        _("Resolutions"), _("Met"), _("Resolution % met")], rows,
        note=_("First response: tickets created in the period. Resolution: tickets resolved in the period."))
    table.headline = {"fr_pct": rows[-1][3], "res_pct": rows[-1][6]}
    table.headline["fr_breached"] = count((head_c.get("fr_measured") or 0) - (head_c.get("fr_met") or 0),
                                          scope.link(created=True, first_response_breached="true"))
    table.headline["res_breached"] = count((head_r.get("res_measured") or 0) - (head_r.get("res_met") or 0),
                                           scope.link(resolved=True, resolution_breached="true"))
    return table


def times_table(scope, created, resolved) -> Table:
    c_prio = {r["priority"]: r for r in by_set(created, 1)}
    r_prio = {r["priority"]: r for r in by_set(resolved, 1)}
    rows = []
    for key, label in _priorities() + [(None, _("All priorities"))]:
        c = c_prio.get(key, {}) if key else total(created)
        r = r_prio.get(key, {}) if key else total(resolved)
        fr = scope.link(created=True, priority=key)
        res = scope.link(resolved=True, priority=key)
        rows.append([text(label), hours(c.get("fr_p50"), fr), hours(c.get("fr_p90"), fr),
                     hours(r.get("res_p50"), res), hours(r.get("res_p90"), res)])
    table = Table("times", _("Response and resolution times (business hours)"), [
        _("Priority"), _("First response, median"), _("First response, 90th percentile"),
        _("Resolution, median"), _("Resolution, 90th percentile")], rows,
        note=_("Business hours of the contract's calendar; time waiting on the customer is not counted."))
    table.headline = {"fr_p50": rows[-1][1], "res_p50": rows[-1][3]}
    return table


def day_label(day, persian):
    return when(day, "date") if persian else day.isoformat()


def flow_table(scope, created, resolved) -> Table:
    incoming = {r["day"]: r["n"] for r in by_set(created, 6)}
    done = {r["day"]: r["n"] for r in by_set(resolved, 2)}
    persian = (get_language() or "fa").startswith("fa")
    rows, labels = [], []
    for offset in range(scope.days):
        day = scope.start + timedelta(days=offset)
        that_day = replace(scope, start=day, end=day)
        label = day_label(day, persian)
        labels.append(label)
        rows.append([Cell(day.isoformat(), label, numeric=False), count(incoming.get(day), that_day.link(created=True)),
                     count(done.get(day), that_day.link(resolved=True))])
    chart = {"type": "line", "labels": labels, "datasets": [
        {"label": str(_("Incoming")), "data": [r[1].value for r in rows]},
        {"label": str(_("Resolved")), "data": [r[2].value for r in rows]}]}
    return Table("flow", _("Incoming and resolved per day"), [_("Day"), _("Incoming"), _("Resolved")], rows, chart)


def volume_tables(scope, created, names) -> list[Table]:
    everything = total(created).get("n") or 0
    specs = [
        ("channel", _("By channel"), 2, dict(Channel.choices)),
        ("type", _("By type"), 3, dict(TicketType.choices)),
        ("product", _("By product"), 4, names["product"]),
        ("organization", _("By organisation"), 5, names["organization"]),
    ]
    tables = []
    for key, title, index, labels in specs:
        found = sorted(by_set(created, index), key=lambda r: -r["n"])
        if key == "type":  # the five classes and other, always in the same order
            counted = {r["type"]: r for r in found}
            found = [counted.get(k, {"type": k, "n": 0}) for k in TicketType.values]
        note = ""
        if key == "organization" and len(found) > TOP_ORGANIZATIONS:
            note = _("The %(n)s organisations with most tickets.") % {"n": TOP_ORGANIZATIONS}
            found = found[:TOP_ORGANIZATIONS]
        rows = []
        for r in found:
            value = r[key]
            label = labels.get(value, value) if value is not None else _("None")
            link = scope.link(created=True, **{key: value}) if value is not None and not getattr(scope, key, None) else (
                scope.link(created=True) if value is not None else None)
            rows.append([text(label), count(r["n"], link), pct(r["n"], everything)])
        chart = {"type": "bar", "labels": [r[0].text for r in rows],
                 "datasets": [{"label": str(_("Tickets")), "data": [r[1].value for r in rows]}]}
        tables.append(Table(f"by_{key}", title, [title, _("Tickets"), _("Share")], rows, chart, note=note))
    return tables
