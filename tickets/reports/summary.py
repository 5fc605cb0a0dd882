"""Read a period's figures from the summary tables for the days they cover, and live for the rest.

A day is read from the summary when its StatsDay marker says it was rebuilt after the day ended
(so nothing created or resolved that day can be missing) and it is before today; every other day of
the period (today, a day the beat task has not reached, every day in a test that never rebuilt) is
read from the tickets table with the very same aggregates. Each figure is ONE statement:
    <live GROUPING SETS over the live days' tickets> UNION ALL <summary rows of the rolled-up days>
summed per key here, so the page runs the same queries whichever way a day is read.

Percentiles are exact: both sources give (priority, minutes, count) bins; the SQL below finds the
two ranks percentile_cont would interpolate between and interpolates exactly as PostgreSQL does.

The summary holds each dimension alone and under a team or a product filter (rollup.py); a scope
filtered by organisation, or by team and product together, is read live (it is a narrow slice).
"""
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tickets.models_stats import DIMS, HIST_DIMS, DailyMinutesHistogram, DailyTicketStats, StatsDay
from tickets.reports.rollup import mask, midnight
from tickets.reports.tables import fetch, grouped_sql

FRACTIONS = (("p50", 0.5), ("p90", 0.9))


def summarised(scope) -> bool:
    return not scope.organization and not (scope.team and scope.product)


def rolled_days(scope) -> list:
    """Days of the period to read from the summary (one query, remembered on the scope)."""
    if "_rolled_days" not in scope.__dict__:
        days = []
        last = min(scope.end, timezone.localdate() - timedelta(days=1))
        if summarised(scope) and last >= scope.start:
            days = [row["day"] for row in fetch(
                f"SELECT day FROM {StatsDay._meta.db_table} WHERE day BETWEEN %s AND %s "
                "AND rebuilt_at >= ((day + 1)::timestamp AT TIME ZONE %s) ORDER BY day",
                [scope.start, last, settings.TIME_ZONE])]
        scope.__dict__["_rolled_days"] = days
    return scope.__dict__["_rolled_days"]


def live_q(scope, field) -> Q:
    """The period's days that are not in the summary, as ranges of `field` (local midnights)."""
    rolled, runs, day = set(rolled_days(scope)), [], scope.start
    while day <= scope.end:
        if day not in rolled:
            if runs and runs[-1][1] == day:
                runs[-1][1] = day + timedelta(days=1)
            else:
                runs.append([day, day + timedelta(days=1)])
        day += timedelta(days=1)
    if not runs:
        return Q(**{f"{field}__gte": scope.until})  # nothing: every day is in the summary
    q = Q()  # a plain range when there is one run (today), so the covering index is read alone
    for first, after in runs:
        q |= Q(**{f"{field}__gte": midnight(first), f"{field}__lt": midnight(after)})
    return q


def _context(scope, members=()):
    """(dimensions the summary rows are filtered on, SQL condition, params) for the scope's filter.

    A column outside the row's set is NULL; saying so lets the index range over all its columns."""
    ctx = ("team_id",) if scope.team else ("product_id",) if scope.product else ()
    where, params = [], []
    for column, value in (("team_id", scope.team), ("product_id", scope.product)):
        if column in ctx:
            where.append(f"{column} = %s")
            params.append(value)
        elif column not in members:
            where.append(f"{column} IS NULL")
    return ctx, " AND ".join(where), params


def _days(scope):
    """The rolled-up days as an indexable range plus the exact list (gaps are read live)."""
    days = rolled_days(scope)
    return "day BETWEEN %s AND %s AND day = ANY(%s::date[])", [days[0] if days else scope.start,
                                                              days[-1] if days else scope.start, days]


# the live aliases of flow.py's columns, in the order both sources select them
KEYS = ("priority", "channel", "type", "product", "organization", "day")
STORED = {"priority": "priority", "channel": "channel", "type": "type", "product": "product_id",
          "organization": "organization_id", "day": "day"}


def counts(scope, cohort, live_qs, columns, sets, live_aggregates, values, names) -> list[dict]:
    """Rows like tables.grouped's (`set` + columns + `names` = n, measured, met) over the whole period."""
    live_sql, live_params = grouped_sql(live_qs, columns, sets, live_aggregates, values)
    keys = [k for k in KEYS if k in columns]
    live_sql = f"SELECT \"set\", {', '.join(keys)}, {', '.join(names)} FROM ({live_sql}) live"
    ctx = _context(scope)[0]
    table = DailyTicketStats._meta.db_table
    parts, params = [live_sql], list(live_params)
    day_sql, day_params = _days(scope)
    for index, members in enumerate(sets):
        # a total and the per-day series are sums of the per-priority rows (every ticket has a priority)
        member = members[0] if members else None
        stored = tuple(dict.fromkeys(ctx + ((STORED[member],) if member not in (None, "day") else ("priority",))))
        _, where, ctx_params = _context(scope, stored)
        select = ", ".join(f"{STORED[k]}" if k == member else "NULL" for k in keys)
        group = f"GROUP BY {STORED[member]}" if member else "HAVING count(*) > 0"
        parts.append(f"SELECT {index}, {select}, sum(n), sum(measured), sum(met) FROM {table} "
                     f"WHERE cohort = %s AND g = %s AND {where} AND {day_sql} {group}")
        params += [cohort, mask(stored), *ctx_params, *day_params]
    found = {}
    for row in fetch(" UNION ALL ".join(parts), params):
        key = (row["set"], *(row[k] for k in keys))
        if key in found:
            for name in names:
                found[key][name] = (found[key][name] or 0) + (row[name] or 0)
        else:
            found[key] = row
    return list(found.values())


def interpolated(fraction) -> str:
    """percentile_cont(fraction) over bins (minutes, cum = running count, total), as an aggregate:
    rank f*(n-1) (0-based) interpolated between its floor and ceiling rows, in PostgreSQL's float8
    arithmetic (first + (pos - floor(pos)) * (second - first)), so the value is the same to the bit."""
    pos = f"({float(fraction)}::float8 * (total - 1)::float8)"
    lo = f"min(minutes) FILTER (WHERE cum > floor({pos}))"
    hi = f"min(minutes) FILTER (WHERE cum > ceil({pos}))"
    return f"({lo}::float8 + ((max({pos}) - floor(max({pos}))) * ({hi}::float8 - {lo}::float8)))"


def percentiles(scope, metric, live_qs, minutes_field) -> dict:
    """{(set, priority): {"p50": .., "p90": ..}} for set 0 (all) and 1 (per priority), exact."""
    ctx, where, ctx_params = _context(scope)  # histogram sets never group team or product beyond ctx
    day_sql, day_params = _days(scope)
    live_sql, live_params = (live_qs.filter(**{f"{minutes_field}__isnull": False}).order_by()
                             .values("priority", minutes_field).query.sql_with_params())
    picks = [f"{interpolated(fraction)} AS {name}" for name, fraction in FRACTIONS]
    sql = f"""
        WITH bins AS (
            SELECT priority, minutes, n FROM {DailyMinutesHistogram._meta.db_table}
             WHERE metric = %s AND g = %s AND {where} AND {day_sql}
            UNION ALL
            SELECT live.priority, live.{minutes_field}, count(*) FROM ({live_sql}) live GROUP BY 1, 2
        ), merged AS (
            SELECT CASE WHEN GROUPING(priority) = 1 THEN 0 ELSE 1 END AS s, priority, minutes, sum(n) AS n
              FROM bins GROUP BY GROUPING SETS ((priority, minutes), (minutes))
        ), ranked AS (
            SELECT s, priority, minutes, sum(n) OVER (PARTITION BY s, priority ORDER BY minutes) AS cum,
                   sum(n) OVER (PARTITION BY s, priority) AS total
              FROM merged
        )
        SELECT s, priority, {', '.join(picks)} FROM ranked GROUP BY s, priority"""
    params = [metric, mask(ctx, HIST_DIMS), *ctx_params, *day_params, *live_params]
    return {(r["s"], r["priority"]): r for r in fetch(sql, params)}
