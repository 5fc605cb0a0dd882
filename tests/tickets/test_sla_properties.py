"""Property tests for tickets.sla (pure: no database, no Django)."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.sla import (
    Calendar,
    Interval,
    add_business_time,
    business_time_between,
    iran_office_week,
    working_intervals,
)

UTC = timezone.utc
ZONES = [ZoneInfo(k) for k in ("UTC", "Asia/Tehran", "Europe/Berlin", "America/New_York")]
NINE_TO_FIVE = (Interval(time(9), time(17)),)
LUNCH = (Interval(time(9), time(12)), Interval(time(13), time(17)))
NIGHT = (Interval(time(22), time(6)),)

CALENDARS = {
    "iran": iran_office_week(frozenset(
        [date(2025, 3, d) for d in range(19, 25)] + [date(2026, 3, d) for d in range(20, 25)]
        + [date(2025, 4, 1), date(2025, 4, 2)])),
    "berlin": Calendar("Europe/Berlin", {d: NINE_TO_FIVE for d in range(5)},
                       holidays=frozenset({date(2025, 12, 25), date(2026, 1, 1)}),
                       half_days={date(2025, 12, 24): (Interval(time(9), time(12)),)}),
    "new_york_lunch": Calendar("America/New_York", {d: LUNCH for d in range(5)}),
    "always_utc": Calendar.always(),
    # Every night, in a DST zone, so spring-forward/fall-back nights get hit.
    "berlin_night": Calendar("Europe/Berlin", {d: NIGHT for d in range(7)},
                             holidays=frozenset({date(2025, 3, 29)})),
}
DST_DAYS = [date(2025, 3, 30), date(2025, 10, 26), date(2025, 3, 9), date(2025, 11, 2),
            date(2026, 3, 29), date(2026, 10, 25)]

calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)
anywhere = st.datetimes(datetime(2024, 1, 1), datetime(2027, 12, 31),
                        timezones=st.sampled_from(ZONES), allow_imaginary=False)
near_dst = st.builds(lambda d, minutes: datetime.combine(d, time(0), tzinfo=UTC) + timedelta(minutes=minutes),
                     st.sampled_from(DST_DAYS), st.integers(-3 * 24 * 60, 2 * 24 * 60))
starts = st.one_of(anywhere, near_dst)
durations = st.timedeltas(timedelta(0), timedelta(hours=200))


@st.composite
def pauses_after(draw, start, allow_open=True, grid=timedelta(seconds=1)):
    """A few unordered, possibly overlapping pauses around `start`."""
    # Offsets are added in UTC: adding to a zoned datetime is wall-clock
    # arithmetic and could produce nonexistent times across a DST change.
    start, out = start.astimezone(UTC), []
    for _ in range(draw(st.integers(0, 4))):
        ps = start + grid * draw(st.integers(-2 * 86400 // grid.seconds, 20 * 86400 // grid.seconds))
        if allow_open and draw(st.integers(0, 9)) == 0:
            out.append((ps, None))
        else:
            out.append((ps, ps + grid * draw(st.integers(0, 3 * 86400 // grid.seconds))))
    return out


def at_most(a, b):
    """a <= b, where None means 'never' (an open pause stopped the clock)."""
    return b is None or (a is not None and a <= b)


PROPS = settings(max_examples=200, deadline=None)


@PROPS
@given(st.data(), calendars, starts, durations)
def test_business_time_until_deadline_is_the_duration(data, cal, start, d):
    pauses = data.draw(pauses_after(start))
    due = add_business_time(start, d, cal, pauses)
    if due is None:
        open_start = min(ps for ps, pe in pauses if pe is None)
        assert business_time_between(start, open_start, cal, pauses) < d
        assert business_time_between(start, open_start + timedelta(days=60), cal, pauses) < d
    else:
        assert due.tzinfo is UTC and due >= start
        assert business_time_between(start, due, cal, pauses) == d


@PROPS
@given(st.data(), calendars, starts, durations, durations)
def test_longer_duration_never_gives_an_earlier_deadline(data, cal, start, d1, d2):
    d1, d2 = sorted((d1, d2))
    pauses = data.draw(pauses_after(start))
    assert at_most(add_business_time(start, d1, cal, pauses), add_business_time(start, d2, cal, pauses))


@PROPS
@given(st.data(), calendars, starts, durations)
def test_pauses_never_make_a_deadline_earlier(data, cal, start, d):
    pauses = data.draw(pauses_after(start))
    unpaused = add_business_time(start, d, cal)
    assert unpaused is not None
    assert at_most(unpaused, add_business_time(start, d, cal, pauses))
    # ... and neither does adding one more pause.
    assert at_most(add_business_time(start, d, cal, pauses[:-1]), add_business_time(start, d, cal, pauses))


@PROPS
@given(st.data(), calendars, starts)
def test_time_inside_a_pause_never_counts(data, cal, start):
    pauses = data.draw(pauses_after(start))
    for ps, pe in pauses:
        assert business_time_between(ps, pe or ps + timedelta(days=30), cal, pauses) == timedelta(0)


@PROPS
@given(st.data(), calendars, starts, durations.filter(bool))
def test_deadline_lies_inside_or_at_the_end_of_unpaused_working_time(data, cal, start, d):
    pauses = data.draw(pauses_after(start))
    due = add_business_time(start, d, cal, pauses)
    if due is None:
        return
    periods = working_intervals(due - timedelta(days=2), due + timedelta(days=2), cal)
    assert any(s < due <= e for s, e in periods)
    assert not any(ps < due and (pe is None or due <= pe) for ps, pe in pauses)


# --- an independent oracle: sample a 15-minute grid ---------------------------
# Every calendar boundary and every UTC offset used here is a multiple of
# 15 minutes, so counting working grid points measures business time exactly.

QUARTER = timedelta(minutes=15)


def is_working(t, cal):
    zone = ZoneInfo(cal.tz)
    today = t.astimezone(zone).date()
    for day in (today - timedelta(days=1), today):
        if day in cal.holidays:
            continue
        for iv in cal.half_days.get(day, cal.weekly.get(day.weekday(), ())):
            end_day = day + timedelta(days=1) if iv.end <= iv.start else day
            if (datetime.combine(day, iv.start, tzinfo=zone) <= t
                    < datetime.combine(end_day, iv.end, tzinfo=zone)):
                return True
    return False


@settings(max_examples=100, deadline=None)
@given(st.data(), calendars, starts, st.integers(0, 4 * 24 * 4))
def test_business_time_matches_a_quarter_hour_sampling_oracle(data, cal, start, quarters):
    a = start.astimezone(UTC).replace(second=0, microsecond=0)
    a -= timedelta(minutes=a.minute % 15)
    b = a + quarters * QUARTER
    pauses = data.draw(pauses_after(a, grid=QUARTER))

    def counts(t):
        return is_working(t, cal) and not any(ps <= t and (pe is None or t < pe) for ps, pe in pauses)

    expected = QUARTER * sum(counts(a + i * QUARTER) for i in range(quarters))
    assert business_time_between(a, b, cal, pauses) == expected
    worked = [a + i * QUARTER for i in range(quarters) if is_working(a + i * QUARTER, cal)]
    assert sum((e - s for s, e in working_intervals(a, b, cal)), timedelta(0)) == QUARTER * len(worked)
