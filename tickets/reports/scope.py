"""What a report covers: a period of local days and optional team, organisation and product.

The period is typed by people, so it accepts Jalali dates in Persian or Latin digits
(۱۴۰۵/۰۹/۰۲, 1405-09-02) and Gregorian ISO dates (2026-11-23): a year below 1700 is Jalali.
Plain inputs rather than a JavaScript picker: they work without script, print, paste and
type fast, and keep one more third-party bundle out of a page under a strict CSP.

Every figure links to the tickets behind it through `link()`: the agent queue's own filters
(tickets/filters.py), so the list the manager lands on is the one the figure counted.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import urlencode

import jdatetime
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.templatetags.jalali import persian_digits
from tickets.models import Ticket

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years: beyond that a dashboard is an export job
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def parse_day(text: str) -> date | None:
    """A typed date in either calendar, or None when it is not one."""
    parts = re.split(r"[/\-.\s]+", (text or "").translate(_DIGITS).strip())
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    y, m, d = (int(p) for p in parts)
    try:
        if y < 1700:
            return jdatetime.date(y, m, d).togregorian()
        return date(y, m, d)
    except ValueError:
        return None


def show_day(day: date, persian: bool) -> str:
    """A day as the reader types it: ۱۴۰۵/۰۹/۰۲ for Persian readers, 2026-11-23 otherwise."""
    if persian:
        return persian_digits(jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d"))
    return day.isoformat()


@lru_cache(maxsize=8)
def _queue_path(prefix):
    """reverse() once per script prefix: a year's dashboard links ~1,000 figures to the queue."""
    return reverse("agent:queue")


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@dataclass
class Scope:
    start: date  # first local day, inclusive
    end: date  # last local day, inclusive
    team: int | None = None
    organization: int | None = None
    product: int | None = None
    errors: list = field(default_factory=list)

    @classmethod
    def from_query(cls, data, *, today=None, organization=None):
        """From request.GET; bad values are dropped with a message, never a 500.
        `organization` pins the organisation (the portal's own report)."""
        today = today or timezone.localdate()
        errors = []
        end = parse_day(data.get("to", "")) if data.get("to") else today
        start = parse_day(data.get("from", "")) if data.get("from") else None
        if end is None:
            errors.append(_("The end date is not a date; showing up to today."))
            end = today
        if data.get("from") and start is None:
            errors.append(_("The start date is not a date; showing the last 30 days."))
        if start is None:
            start = end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            start, end = end, start
        if (end - start).days >= MAX_DAYS:
            errors.append(_("The period is limited to two years."))
            start = end - timedelta(days=MAX_DAYS - 1)
        org = organization if organization is not None else _int(data.get("organization"))
        return cls(start=start, end=end, team=_int(data.get("team")), organization=org,
                   product=_int(data.get("product")), errors=errors)

    # --- time bounds: local midnights, so "a day" is the reader's day, not UTC's
    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    # --- querysets
    def tickets(self):
        qs = Ticket.objects.all()
        if self.team:
            qs = qs.filter(team_id=self.team)
        if self.organization:
            qs = qs.filter(organization_id=self.organization)
        if self.product:
            qs = qs.filter(product_id=self.product)
        return qs

    def created(self):
        return self.tickets().filter(created_at__gte=self.since, created_at__lt=self.until)

    def resolved(self):
        return self.tickets().filter(resolved_at__gte=self.since, resolved_at__lt=self.until)

    def ticket_q(self, prefix="ticket__"):
        """The same scope as filter kwargs through a relation (ratings, referrals)."""
        out = {}
        for name in ("team", "organization", "product"):
            if getattr(self, name):
                out[f"{prefix}{name}_id"] = getattr(self, name)
        return out

    # --- links and query strings
    def params(self) -> dict:
        out = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for name in ("team", "organization", "product"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out

    def query(self, **extra) -> str:
        return urlencode({**self.params(), **extra})

    def link(self, *, created=False, resolved=False, queue="all", **filters) -> str:
        """The agent queue listing exactly these tickets (lists repeat a key: status=a&status=b)."""
        pairs = [("queue", queue)]
        for name in ("team", "organization", "product"):
            if getattr(self, name):
                pairs.append((name, getattr(self, name)))
        if created:
            pairs += [("created_after", self.start.isoformat()), ("created_before", self.end.isoformat())]
        if resolved:
            pairs += [("resolved_after", self.start.isoformat()), ("resolved_before", self.end.isoformat())]
        for key, value in filters.items():
            if value is None:
                continue
            for v in value if isinstance(value, (list, tuple)) else [value]:
                pairs.append((key, v))
        return _queue_path(get_script_prefix()) + "?" + urlencode(pairs)
