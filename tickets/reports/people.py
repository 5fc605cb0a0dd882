"""People and what they did in the period: agents, referral units, customers' satisfaction, and the
knowledge base deflecting tickets. One query per panel.
"""
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tickets.models import Referral, SatisfactionRating, TicketEvent, Unit
from tickets.reports.tables import Cell, Percentile, Table, count, decimal, hours, pct, text

SATISFIED = 4  # scores 4 and 5 count as satisfied (CSAT)


def reopened_q():
    """A ticket was reopened: by the customer writing after resolution, or by an agent's action."""
    return Q(kind="reopened") | Q(kind="status_changed", data__action="reopen")


def agents_table(scope) -> Table:
    """Per current assignee over the tickets resolved in the period, in one statement.

    The median is taken from (assignee, minutes) bins rather than percentile_cont over every ticket:
    a year of resolutions would otherwise be sorted by assignee (on disk past work_mem) to group it."""
    from tickets.reports.summary import interpolated
    from tickets.reports.tables import fetch

    base = scope.resolved().filter(assignee__isnull=False).order_by().values("id", "assignee_id", "first_response_minutes")
    base_sql, base_params = base.query.sql_with_params()
    reopened_sql, reopened_params = (TicketEvent.objects.filter(reopened_q(), at__lt=scope.until).order_by()
                                     .values("ticket_id").query.sql_with_params())
    users, ratings = get_user_model()._meta.db_table, SatisfactionRating._meta.db_table
    # IN (subquery): PostgreSQL hashes the few reopened tickets once instead of probing per ticket
    rows = fetch(f"""
        WITH t AS MATERIALIZED ({base_sql}),
        a AS (SELECT assignee_id, count(*) AS handled, count(*) FILTER (WHERE id IN ({reopened_sql})) AS reopened
                FROM t GROUP BY assignee_id),
        r AS (SELECT t.assignee_id, avg(s.score) AS csat, count(*) AS rated FROM t JOIN {ratings} s ON s.ticket_id = t.id
               GROUP BY t.assignee_id),
        bins AS (SELECT assignee_id, first_response_minutes AS minutes, count(*) AS n FROM t
                  WHERE first_response_minutes IS NOT NULL GROUP BY 1, 2),
        ranked AS (SELECT assignee_id, minutes, sum(n) OVER (PARTITION BY assignee_id ORDER BY minutes) AS cum,
                          sum(n) OVER (PARTITION BY assignee_id) AS total FROM bins),
        p AS (SELECT assignee_id, {interpolated(0.5)} AS fr_p50 FROM ranked GROUP BY assignee_id)
        SELECT a.assignee_id AS assignee, u.first_name AS assignee__first_name, u.last_name AS assignee__last_name,
               u.username AS assignee__username, a.handled, p.fr_p50, r.csat, coalesce(r.rated, 0) AS rated, a.reopened
          FROM a JOIN {users} u ON u.id = a.assignee_id
          LEFT JOIN p ON p.assignee_id = a.assignee_id LEFT JOIN r ON r.assignee_id = a.assignee_id
         ORDER BY a.handled DESC, a.assignee_id""", [*base_params, *reopened_params])
    out = []
    for r in rows:
        name = f"{r['assignee__first_name']} {r['assignee__last_name']}".strip() or r["assignee__username"]
        mine = scope.link(resolved=True, assignee=r["assignee"])
        out.append([text(name), count(r["handled"], mine), hours(r["fr_p50"], mine),
                    decimal(r["csat"], 2, scope.link(resolved=True, assignee=r["assignee"], rated="true")),
                    count(r["rated"], scope.link(resolved=True, assignee=r["assignee"], rated="true")),
                    pct(r["reopened"], r["handled"], scope.link(resolved=True, assignee=r["assignee"], reopened="true"))])
    return Table("agents", _("Agent performance"), [
        _("Agent"), _("Resolved"), _("First response, median (business hours)"), _("Satisfaction (1–5)"),
        _("Ratings"), _("Reopened")], out,
        note=_("Tickets resolved in the period, by their assignee."))


def referrals_table(scope, now=None) -> Table:
    """Per unit over the referrals sent in the period: how many, how many answered, how fast."""
    now = now or timezone.now()
    took = ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
    labels = dict(Unit.choices)
    found = {r["unit"]: r for r in (
        Referral.objects.filter(created_at__gte=scope.since, created_at__lt=scope.until, **scope.ticket_q())
        .values("unit")
        .annotate(n=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)),
                  waiting=Count("id", filter=Q(state=Referral.State.OPEN)),
                  late=Count("id", filter=Q(state=Referral.State.OPEN, due_at__lt=now)),
                  p50=Percentile(took, 0.5, output_field=DurationField()),
                  p90=Percentile(took, 0.9, output_field=DurationField()))
        .order_by())}
    out = []
    for unit in Unit.values:
        r = found.get(unit, {})
        link = scope.link(referred_to=unit, referred_after=scope.start.isoformat(), referred_before=scope.end.isoformat())
        out.append([text(labels[unit]), count(r.get("n"), link), count(r.get("answered"), link),
                    count(r.get("waiting"), link), count(r.get("late"), link),
                    hours(_minutes(r.get("p50"))), hours(_minutes(r.get("p90")))])
    return Table("referrals", _("Referral turnaround per unit"), [
        _("Unit"), _("Referred"), _("Answered"), _("Waiting"), _("Late"),
        _("Answer time, median (hours)"), _("Answer time, 90th percentile (hours)")], out,
        note=_("Referrals sent in the period; answer times in calendar hours."))


def _minutes(delta):
    return None if delta is None else delta.total_seconds() / 60


def satisfaction_table(scope) -> Table:
    """Average score and the share of satisfied customers, by day, week or month of the rating."""
    kind = "day" if scope.days <= 31 else ("week" if scope.days <= 180 else "month")
    rows = (SatisfactionRating.objects.filter(created_at__gte=scope.since, created_at__lt=scope.until, **scope.ticket_q())
            .annotate(bucket=Trunc("created_at", kind)).values("bucket")
            .annotate(n=Count("id"), avg=Avg("score"), happy=Count("id", filter=Q(score__gte=SATISFIED)))
            .order_by("bucket"))
    persian = (get_language() or "fa").startswith("fa")
    from tickets.reports.flow import day_label

    out, n, happy, score_sum = [], 0, 0, 0.0
    for r in rows:
        first = timezone.localtime(r["bucket"]).date() if hasattr(r["bucket"], "hour") else r["bucket"]
        last = min(_bucket_end(first, kind), scope.end)
        link = scope.link(rated="true", rated_after=max(first, scope.start).isoformat(), rated_before=last.isoformat())
        out.append([Cell(first.isoformat(), day_label(first, persian), numeric=False), count(r["n"], link),
                    decimal(r["avg"], 2), pct(r["happy"], r["n"])])
        n, happy, score_sum = n + r["n"], happy + r["happy"], score_sum + float(r["avg"]) * r["n"]
    mean = score_sum / n if n else None
    chart = {"type": "line", "labels": [r[0].text for r in out], "datasets": [
        {"label": str(_("Average score")), "data": [r[2].value for r in out], "yAxisID": "y"},
        {"label": str(_("Satisfied %")), "data": [r[3].value for r in out], "yAxisID": "y1"}]}
    table = Table("satisfaction", _("Satisfaction trend"), [
        {"day": _("Day"), "week": _("Week of"), "month": _("Month of")}[kind], _("Ratings"),
        _("Average (1–5)"), _("Satisfied (4–5)")], out, chart)
    table.headline = {"csat": decimal(mean, 2, scope.link(rated="true", rated_after=scope.start.isoformat(),
                                                            rated_before=scope.end.isoformat())),
                      "ratings": count(n), "satisfied": pct(happy, n)}
    return table


def _bucket_end(first, kind):
    if kind == "day":
        return first
    if kind == "week":
        return first + timedelta(days=6)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def deflection_table(scope, portal_tickets: int) -> Table:
    """What the knowledge base saved: tickets not written because an article answered first.

    Rate = deflected / (deflected + tickets created in the portal), over the period. Articles belong to
    no team or product, so only the organisation filter applies (through the reader's contact).
    """
    columns = [_("Figure"), _("Count")]
    try:
        from knowledge.models import ArticleEvent
    except ImportError:  # the knowledge base is not installed: say so, do not fail
        table = Table("deflection", _("Knowledge base deflection"), columns, [])
        table.headline = {"rate": Cell(None, "—")}
        return table
    qs = ArticleEvent.objects.filter(created_at__gte=scope.since, created_at__lt=scope.until)
    if scope.organization:
        qs = qs.filter(user__contact__organization_id=scope.organization)
    kinds = ("view", "suggested", "suggest_click", "helpful", "not_helpful", "deflected")
    got = qs.aggregate(**{k: Count("id", filter=Q(kind=k)) for k in kinds})
    labels = dict(ArticleEvent.Kind.choices)
    rows = [[text(labels.get(k, k)), count(got[k])] for k in kinds]
    rows.append([text(_("Tickets created in the portal")), count(portal_tickets, scope.link(created=True, channel="portal"))])
    rate = pct(got["deflected"], got["deflected"] + portal_tickets)
    rows.append([text(_("Deflection rate")), rate])
    table = Table("deflection", _("Knowledge base deflection"), columns, rows,
                  note=_("Deflected: a reader found the answer in an article suggested while writing a request."))
    table.headline = {"rate": rate}
    return table
