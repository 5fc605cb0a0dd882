"""Business-time arithmetic for SLA deadlines.

Pure on purpose: no Django, no database and no clock. Every "now" is passed
in, so deadlines are reproducible and the module can be property-tested.

All inputs must be timezone-aware; all outputs are aware datetimes in UTC.
Working hours are wall-clock times in the calendar's own time zone, turned
into real instants day by day, so a DST change yields days of their true
length.  Wall times that do not exist or occur twice on a DST change are
resolved with ``fold=0`` (the offset in force *before* the transition):

* a nonexistent time (02:30 on a spring-forward night in Berlin) lands one
  hour later in real time (03:30 CEST);
* an ambiguous time (02:30 on a fall-back night) means its first occurrence.

An interval that collapses to nothing under this rule is simply not worked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator, Optional, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "Interval", "Calendar", "iran_office_week", "IRAN_OFFICE_WEEK",
    "add_business_time", "business_time_between", "working_intervals",
    "deadline_and_warning",
]

UTC = timezone.utc
# Bounds the search for a deadline: a calendar whose holidays swallow every
# working day must fail loudly rather than loop forever.
SEARCH_LIMIT = timedelta(days=3653)

Pause = tuple[datetime, Optional[datetime]]


@dataclass(frozen=True)
class Interval:
    """Working hours within one day; ``end <= start`` runs into the next day
    (so ``time(0) -> time(0)`` is the whole day)."""
    start: time
    end: time

    def __post_init__(self) -> None:
        for t in (self.start, self.end):
            if not isinstance(t, time) or t.tzinfo is not None:
                raise ValueError(f"Interval bounds must be naive datetime.time, got {t!r}")


@dataclass(frozen=True)
class Calendar:
    tz: str
    # dicts are excluded from the hash so calendars stay hashable (frozen).
    weekly: dict[int, tuple[Interval, ...]] = field(hash=False)
    holidays: frozenset[date] = frozenset()
    half_days: dict[date, tuple[Interval, ...]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown time zone {self.tz!r}") from exc
        if any(k not in range(7) for k in self.weekly):
            raise ValueError("weekly keys must be weekday() numbers 0 (Monday) .. 6 (Sunday)")
        # Accept any iterable of dates (e.g. a `holidays` country object).
        object.__setattr__(self, "holidays", frozenset(self.holidays))

    @classmethod
    def always(cls, tz: str = "UTC") -> "Calendar":
        return cls(tz, {d: (Interval(time(0), time(0)),) for d in range(7)})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)  # ZoneInfo caches instances per key

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """Intervals that start on local `day`; a holiday beats a half day."""
        if day in self.holidays:
            return ()
        if day in self.half_days:
            return tuple(self.half_days[day])
        return tuple(self.weekly.get(day.weekday(), ()))

    def has_hours(self) -> bool:
        return any(self.weekly.values()) or any(self.half_days.values())


def iran_office_week(holidays: frozenset[date] = frozenset()) -> Calendar:
    """Saturday-Wednesday 08:00-17:00, Thursday 08:00-13:00, Friday off."""
    full, thursday = (Interval(time(8), time(17)),), (Interval(time(8), time(13)),)
    weekly = {5: full, 6: full, 0: full, 1: full, 2: full, 3: thursday}
    return Calendar("Asia/Tehran", weekly, frozenset(holidays))


IRAN_OFFICE_WEEK = iran_office_week()


def _aware(dt: datetime, name: str) -> datetime:
    if not isinstance(dt, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive datetime {dt!r}")
    return dt.astimezone(UTC)


def _day_periods(cal: Calendar, day: date) -> list[tuple[datetime, datetime]]:
    zone, out = cal.zone, []
    for iv in cal.intervals_on(day):
        end_day = day + timedelta(days=1) if iv.end <= iv.start else day
        s = datetime.combine(day, iv.start, tzinfo=zone).astimezone(UTC)  # fold=0
        e = datetime.combine(end_day, iv.end, tzinfo=zone).astimezone(UTC)
        if e > s:
            out.append((s, e))
    out.sort()
    return out


def _periods(cal: Calendar, a: datetime, limit: datetime,
             strict: bool) -> Iterator[tuple[datetime, datetime]]:
    """Non-overlapping, ordered working periods clipped to [a, limit).

    With `strict`, reaching `limit` means the search ran out: raise.
    """
    zone = cal.zone
    # Start one day early: yesterday's overnight shift may still be running.
    day = a.astimezone(zone).date() - timedelta(days=1)
    cursor = a
    while True:
        # No interval of `day` starts before its local midnight (fold=0 keeps
        # that true across DST gaps), so this is a safe place to stop.
        if datetime.combine(day, time(0), tzinfo=zone) >= limit:
            if strict:
                raise ValueError(f"no working time found within {SEARCH_LIMIT.days} days")
            return
        for s, e in _day_periods(cal, day):
            # Clipping to the cursor merges overlapping intervals (e.g. an
            # overnight shift running into the next morning's hours).
            s, e = max(s, cursor), min(e, limit)
            if e > s:
                yield s, e
                cursor = e
        day += timedelta(days=1)


def _normalise_pauses(pauses: Sequence[Pause]) -> list[tuple[datetime, Optional[datetime]]]:
    items = []
    for ps, pe in pauses:
        ps = _aware(ps, "pause start")
        pe = None if pe is None else _aware(pe, "pause end")
        if pe is not None and pe < ps:
            raise ValueError(f"pause ends before it starts: {ps} > {pe}")
        items.append((ps, pe))
    items.sort(key=lambda p: p[0])
    merged: list[tuple[datetime, Optional[datetime]]] = []
    for ps, pe in items:
        if merged and (merged[-1][1] is None or ps <= merged[-1][1]):
            last_s, last_e = merged[-1]
            merged[-1] = (last_s, None if last_e is None or pe is None else max(last_e, pe))
        else:
            merged.append((ps, pe))
    return merged


def _unpaused(periods: Iterator[tuple[datetime, datetime]], pauses) -> Iterator[tuple[datetime, datetime]]:
    """Subtract merged pauses; stop for good at an open-ended pause."""
    i = 0
    for s, e in periods:
        while s < e:
            while i < len(pauses) and pauses[i][1] is not None and pauses[i][1] <= s:
                i += 1
            if i == len(pauses) or pauses[i][0] >= e:
                yield s, e
                break
            ps, pe = pauses[i]
            if ps > s:
                yield s, ps
            if pe is None:
                return  # the clock stopped and was never restarted
            s = pe


def add_business_time(start: datetime, duration: timedelta, calendar: Calendar,
                      pauses: Sequence[Pause] = ()) -> Optional[datetime]:
    """Earliest instant (UTC) at which `duration` of unpaused business time has
    elapsed since `start`.

    Returns ``None`` when an open-ended pause (end ``None``) stops the clock
    before the duration is used up: the deadline does not exist yet.
    A zero duration returns `start` itself.
    """
    start = _aware(start, "start")
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    if duration == timedelta(0):
        return start
    if not calendar.has_hours():
        raise ValueError("calendar has no working hours at all")
    remaining = duration
    periods = _periods(calendar, start, start + SEARCH_LIMIT, strict=True)
    for s, e in _unpaused(periods, _normalise_pauses(pauses)):
        if remaining <= e - s:
            return s + remaining
        remaining -= e - s
    return None


def business_time_between(a: datetime, b: datetime, calendar: Calendar,
                          pauses: Sequence[Pause] = ()) -> timedelta:
    """Unpaused business time in [a, b); zero when b <= a."""
    a, b = _aware(a, "a"), _aware(b, "b")
    if b <= a:
        return timedelta(0)
    periods = _periods(calendar, a, b, strict=False)
    return sum((e - s for s, e in _unpaused(periods, _normalise_pauses(pauses))), timedelta(0))


def working_intervals(a: datetime, b: datetime, calendar: Calendar) -> Iterator[tuple[datetime, datetime]]:
    """Working periods within [a, b) as UTC pairs, clipped to [a, b), with
    touching or overlapping intervals merged (24x7 is a single period)."""
    a, b = _aware(a, "a"), _aware(b, "b")
    if b <= a:
        return
    pending = None
    for s, e in _periods(calendar, a, b, strict=False):
        if pending and s <= pending[1]:
            pending = (pending[0], max(pending[1], e))
            continue
        if pending:
            yield pending
        pending = (s, e)
    if pending:
        yield pending


def deadline_and_warning(start: datetime, target: timedelta, calendar: Calendar,
                         pauses: Sequence[Pause] = (), warn_fraction: Optional[float] = None,
                         warn_before: Optional[timedelta] = None,
                         ) -> tuple[Optional[datetime], Optional[datetime]]:
    """(due_at, warn_at).  warn_at is when ``target * warn_fraction`` business
    time has elapsed, or ``warn_before`` business time before due (clamped to
    `start`); ``None`` if neither is given or an open pause stops the clock."""
    if warn_fraction is not None and warn_before is not None:
        raise ValueError("give warn_fraction or warn_before, not both")
    due = add_business_time(start, target, calendar, pauses)
    if warn_fraction is not None:
        if not 0 <= warn_fraction <= 1:
            raise ValueError("warn_fraction must be between 0 and 1")
        return due, add_business_time(start, target * warn_fraction, calendar, pauses)
    if warn_before is not None:
        if warn_before < timedelta(0):
            raise ValueError("warn_before must not be negative")
        lead = max(target - warn_before, timedelta(0))
        return due, add_business_time(start, lead, calendar, pauses)
    return due, None
