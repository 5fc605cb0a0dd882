"""Simulated time for the demo data.

The services take `now` for the times they compute (first response, resolution, referral due
dates ...), but the rows they write are stamped by Django with the real clock (auto_now_add /
auto_now). So that the demo shows ninety days of history, `Timeline.step()` calls a service with
the simulated `now` and then moves the rows that call wrote back to that moment with a queryset
update. This rewriting of history is acceptable for demo data only; no real code path does it.
"""
import inspect
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import connection
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from customers.models import Contact, Organization
from tickets.models import Message, Referral, Ticket, TicketEvent, TicketLink

TEHRAN = ZoneInfo("Asia/Tehran")
# Python weekday numbers: Monday 0 ... Thursday 3, Friday 4, Saturday 5, Sunday 6.
THURSDAY, FRIDAY = 3, 4


def _close_of(day):
    if day.weekday() == FRIDAY:
        return None
    return time(13, 0) if day.weekday() == THURSDAY else time(17, 0)


def business(moment, rng=None):
    """The moment itself if the support office is open then, else the next opening (about 08:30)."""
    local = moment.astimezone(TEHRAN)
    for _ in range(8):
        close = _close_of(local.date())
        if close is not None and time(8, 0) <= local.time() < close:
            return local
        if close is not None and local.time() < time(8, 0):
            start_day = local.date()
        else:
            start_day = local.date() + timedelta(days=1)
            while _close_of(start_day) is None:
                start_day += timedelta(days=1)
        minutes = 30 + (rng.randint(0, 50) if rng else 0)
        local = datetime.combine(start_day, time(8, 0), TEHRAN) + timedelta(minutes=minutes)
    return local


@lru_cache(maxsize=1)
def _move_sql():
    """One statement (data-modifying CTEs, one round trip) that moves every row stamped at or
    after %(mark)s to %(when)s; table and column names come from the models."""
    def column(model, name):
        return connection.ops.quote_name(model._meta.get_field(name).column)

    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    created, updated = column(Ticket, "created_at"), column(Ticket, "updated_at")
    parts = [
        f"UPDATE {table(Ticket)} SET {created} = CASE WHEN {created} >= %(mark)s THEN %(when)s ELSE {created} END, "
        f"{updated} = CASE WHEN {updated} >= %(mark)s THEN %(when)s ELSE {updated} END "
        f"WHERE {created} >= %(mark)s OR {updated} >= %(mark)s"
    ]
    moved = [(Message, "created_at"), (TicketEvent, "at"), (Referral, "created_at"), (TicketLink, "created_at")]
    try:
        moved.append((apps.get_model("tickets", "Notification"), "created_at"))
    except LookupError:  # in-app notifications are optional
        pass
    for model, name in moved:
        col = column(model, name)
        parts.append(f"UPDATE {table(model)} SET {col} = %(when)s WHERE {col} >= %(mark)s")
    # PostgreSQL runs every data-modifying WITH clause to completion, whether or not it is read.
    return "WITH " + ", ".join(f"m{i} AS ({sql} RETURNING 1)" for i, sql in enumerate(parts)) + " SELECT 1"


@lru_cache(maxsize=None)
def _takes_now(fn):
    return "now" in inspect.signature(fn).parameters


class Timeline:
    """Runs service calls at simulated moments (see the module docstring)."""

    def __init__(self, real_now):
        self.real_now = real_now
        # Nothing may be stamped later than this: the demo ends just before the load starts.
        self.limit = real_now - timedelta(minutes=5)

    def clamp(self, previous, wanted):
        """`wanted`, unless that is in the future; then a moment between `previous` and the limit."""
        if wanted < self.limit:
            return wanted
        return previous + (self.limit - previous) * 0.4

    def step(self, when, fn, *args, **kwargs):
        if _takes_now(fn):
            kwargs["now"] = when
        mark = timezone.now()
        result = fn(*args, **kwargs)
        # Every row written by this call carries a real timestamp >= mark; every older row has
        # already been moved into the past, so `>= mark` selects exactly this call's rows.
        with connection.cursor() as cursor:
            cursor.execute(_move_sql(), {"mark": mark, "when": when})
        return result

    def finish(self, orgs_since):
        """A ticket was last updated at its latest event (a merge may touch an older ticket later)."""
        latest = TicketEvent.objects.filter(ticket=OuterRef("pk")).values("ticket").annotate(m=Max("at")).values("m")
        Ticket.objects.update(updated_at=Subquery(latest))
        Organization.objects.update(created_at=orgs_since)
        Contact.objects.update(created_at=orgs_since)
