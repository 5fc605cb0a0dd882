"""Simulated time for the demo data.

The services take `now` for the times they compute (first response, resolution, referral due
dates ...), but the rows they write are stamped by Django with the real clock (auto_now_add /
auto_now). So that the demo shows ninety days of history, `Timeline.step()` calls a service with
the simulated `now`, and the rows that call wrote are then moved back to that moment with
UPDATE statements (`step()`, `settle()`, `finish()`). This rewriting of history is acceptable for demo data only; no real code path does it.
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


def _q(model, name=None):
    ops = connection.ops
    return ops.quote_name(model._meta.get_field(name).column if name else model._meta.db_table)


@lru_cache(maxsize=1)
def _stamped():
    """(model, timestamp field) of every row a ticket service writes, except the ticket itself."""
    moved = [(Message, "created_at"), (TicketEvent, "at"), (Referral, "created_at"), (TicketLink, "created_at")]
    try:
        moved.append((apps.get_model("tickets", "Notification"), "created_at"))
    except LookupError:  # in-app notifications are optional
        pass
    return moved


def _move_sql(steps):
    """One statement (data-modifying CTEs, one round trip) moving each row stamped in step k,
    i.e. at or after marks[k] and before marks[k+1], to whens[k]. Returns (sql, params)."""
    parts, params = [], []
    for model, name in _stamped():
        col = _q(model, name)
        branches = " ".join(f"WHEN {col} >= %s THEN %s" for _ in steps)
        parts.append(f"UPDATE {_q(model)} SET {col} = CASE {branches} END WHERE {col} >= %s")
        for mark, when in reversed(steps):  # latest first: the first matching branch wins
            params += [mark, when]
        params.append(steps[0][0])
    # PostgreSQL runs every data-modifying WITH clause to completion, whether or not it is read.
    sql = "WITH " + ", ".join(f"m{i} AS ({part} RETURNING 1)" for i, part in enumerate(parts)) + " SELECT 1"
    return sql, params


@lru_cache(maxsize=None)
def _takes_now(fn):
    return "now" in inspect.signature(fn).parameters


class Timeline:
    """Runs service calls at simulated moments (see the module docstring)."""

    def __init__(self, real_now):
        self.real_now = real_now
        # Nothing may be stamped later than this: the demo ends just before the load starts.
        self.limit = real_now - timedelta(minutes=5)
        self.steps = []  # (mark, when) of the service calls not yet settled

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
        # The SLA code reads a ticket's creation time, so that one moves at once; the rest
        # (messages, events ...) is read by no service and moves once per story in settle().
        Ticket.objects.filter(created_at__gte=mark).update(created_at=when)
        self.steps.append((mark, when))
        return result

    def settle(self):
        """Move the rows written since the last settle() to their simulated moments."""
        if self.steps:
            with connection.cursor() as cursor:
                cursor.execute(*_move_sql(self.steps))
            self.steps = []

    def finish(self, orgs_since):
        """A ticket was last updated at its latest event (a merge may touch an older ticket later)."""
        self.settle()
        latest = TicketEvent.objects.filter(ticket=OuterRef("pk")).values("ticket").annotate(m=Max("at")).values("m")
        Ticket.objects.update(updated_at=Subquery(latest))
        Organization.objects.update(created_at=orgs_since)
        Contact.objects.update(created_at=orgs_since)
