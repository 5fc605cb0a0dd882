"""Rebuild the dashboard's summary tables (tickets/models_stats.py) for a range of local days.

Set-based and idempotent: in one transaction, DELETE the days' rows, INSERT ... SELECT ... GROUP BY
GROUPING SETS from the tickets table (one statement per cohort and per histogram), and mark the
days rebuilt. A transaction-scoped advisory lock serialises rebuilds, so the beat task and a
backfill never interleave their DELETE and INSERT (which would double rows).

The sets are what the panels read (summary.py): each dimension alone, and again under a team or a
product filter. Local days are Asia/Tehran (settings.TIME_ZONE), computed exactly as TruncDate does.
"""
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tickets.models import Ticket
from tickets.models_stats import DIMS, HIST_DIMS, DailyMinutesHistogram, DailyTicketStats, StatsDay

LOCK = 0x5354415453  # "STATS": pg_advisory_xact_lock key of this module
CONTEXTS = ((), ("team_id",), ("product_id",))  # the filters a reader may apply to the summary
MARGINS = ("priority", "channel", "type", "product_id", "organization_id")


def created_sets():
    """Every (context + one dimension) set, without repeats ((product) is both a margin and a context)."""
    out = []
    for ctx in CONTEXTS:
        for margin in MARGINS:
            members = tuple(dict.fromkeys(ctx + (margin,)))
            if members not in out:
                out.append(members)
    return out


def resolved_sets():
    return [ctx + ("priority",) for ctx in CONTEXTS]


def mask(members, dims=DIMS) -> int:
    """The GROUPING() value PostgreSQL gives a row of this set: bit (n-1-i) set when dims[i] is absent."""
    return sum(1 << (len(dims) - 1 - i) for i, name in enumerate(dims) if name not in members)


def midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _local_day(column):
    # the same expression Django's TruncDate("created_at") compiles to under USE_TZ
    return f"({column} AT TIME ZONE %(tz)s)::date"


def _sets_sql(sets, always=("day",)):
    return ", ".join("(" + ", ".join((*always, *members)) + ")" for members in sets)


def _grouping(sets, dims):
    """The GROUPING() mask over `dims` as an expression PostgreSQL accepts: GROUPING() may only name
    columns some set groups by, so a column no set uses contributes a constant bit (and NULL)."""
    used = {c for members in sets for c in members}
    bits = [f"(GROUPING({c}) << {len(dims) - 1 - i})" if c in used else str(1 << (len(dims) - 1 - i))
            for i, c in enumerate(dims)]
    return " + ".join(bits), ", ".join(c if c in used else "NULL" for c in dims)


def _counts_sql(cohort, at, flag):
    stats, tickets = DailyTicketStats._meta.db_table, Ticket._meta.db_table
    sets = created_sets() if cohort == "c" else resolved_sets()
    g, values = _grouping(sets, DIMS)
    cols = ", ".join(DIMS)
    return f"""
        INSERT INTO {stats} (day, cohort, g, {cols}, n, measured, met)
        SELECT day, '{cohort}', {g}, {values}, count(*), count(flag), count(*) FILTER (WHERE NOT flag)
          FROM (SELECT {_local_day(at)} AS day, {cols}, {flag} AS flag FROM {tickets}
                 WHERE {at} >= %(since)s AND {at} < %(until)s) t
         GROUP BY GROUPING SETS ({_sets_sql(sets)})
         ORDER BY 3, 4, 5, 1"""  # stored in read order: a set's days sit together on disk


def _histogram_sql(metric, at, minutes):
    hist, tickets = DailyMinutesHistogram._meta.db_table, Ticket._meta.db_table
    cols = ", ".join(HIST_DIMS)
    return f"""
        INSERT INTO {hist} (day, metric, g, {cols}, priority, minutes, n)
        SELECT day, '{metric}', GROUPING({cols}), {cols}, priority, minutes, count(*)
          FROM (SELECT {_local_day(at)} AS day, {cols}, priority, {minutes} AS minutes FROM {tickets}
                 WHERE {at} >= %(since)s AND {at} < %(until)s AND {minutes} IS NOT NULL) t
         GROUP BY GROUPING SETS ({_sets_sql([c for c in CONTEXTS], ('day', 'priority', 'minutes'))})
         ORDER BY 3, 4, 5, 1"""


def stats_rebuild(day_from: date, day_to: date) -> int:
    """Recompute every summary row of the local days day_from..day_to (inclusive); returns the days."""
    if day_to < day_from:
        return 0
    params = {"tz": settings.TIME_ZONE, "since": midnight(day_from), "until": midnight(day_to + timedelta(days=1)),
              "day_from": day_from, "day_to": day_to}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        for model in (DailyTicketStats, DailyMinutesHistogram):
            cur.execute(f"DELETE FROM {model._meta.db_table} WHERE day BETWEEN %(day_from)s AND %(day_to)s", params)
        cur.execute(_counts_sql("c", "created_at", "first_response_breached"), params)
        cur.execute(_counts_sql("r", "resolved_at", "resolution_breached"), params)
        cur.execute(_histogram_sql("fr", "created_at", "first_response_minutes"), params)
        cur.execute(_histogram_sql("res", "resolved_at", "resolution_minutes"), params)
        # rebuilt_at is the statement's clock: a day counts as complete only if rebuilt after it ended
        cur.execute(f"""INSERT INTO {StatsDay._meta.db_table} (day, rebuilt_at)
                        SELECT d::date, now() FROM generate_series(%(day_from)s::date, %(day_to)s::date, '1 day') d
                        ON CONFLICT (day) DO UPDATE SET rebuilt_at = EXCLUDED.rebuilt_at""", params)
    return (day_to - day_from).days + 1


def days_touched(since: datetime) -> list[date]:
    """Local days whose figures tickets changed since `since` may have moved (created or resolved day).

    A first response recorded, a priority or team changed, a resolution: the service saves the ticket
    (updated_at moves), so the days to rebuild are those of the tickets updated since the last run.
    """
    tickets = Ticket._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"""SELECT DISTINCT d FROM {tickets} t,
                        LATERAL (VALUES ({_local_day('t.created_at')}), ({_local_day('t.resolved_at')})) v(d)
                        WHERE t.updated_at >= %(since)s AND d IS NOT NULL ORDER BY d""",
                    {"tz": settings.TIME_ZONE, "since": since})
        return [row[0] for row in cur.fetchall()]


def stats_rebuild_days(days) -> int:
    """Rebuild a set of days, one statement group per run of consecutive days."""
    done, run = 0, []
    for day in sorted(set(days)):
        if run and day != run[-1] + timedelta(days=1):
            done += stats_rebuild(run[0], run[-1])
            run = []
        run.append(day)
    if run:
        done += stats_rebuild(run[0], run[-1])
    return done


def ticket_day_range() -> tuple[date, date] | None:
    """The first and last local day with a ticket created or resolved (the backfill's range)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT min(created_at), max(greatest(created_at, resolved_at)) FROM {Ticket._meta.db_table}")
        first, last = cur.fetchone()
    return (timezone.localdate(first), timezone.localdate(last)) if first else None


def stats_rebuild_all(chunk_days=92) -> int:
    """Backfill every day with tickets, a quarter per transaction (short locks, bounded memory)."""
    found = ticket_day_range()
    if not found:
        return 0
    done, day = 0, found[0]
    while day <= found[1]:
        last = min(found[1], day + timedelta(days=chunk_days - 1))
        done += stats_rebuild(day, last)
        day = last + timedelta(days=1)
    if not connection.in_atomic_block:
        # a backfill rewrote the tables: mark pages all-visible (index-only reads) and refresh statistics
        with connection.cursor() as cur:
            for model in (DailyTicketStats, DailyMinutesHistogram, StatsDay):
                cur.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    return done
