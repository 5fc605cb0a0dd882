"""Example tests for tickets.sla (pure: no database, no Django)."""
import time as perf
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tickets.sla import (
    IRAN_OFFICE_WEEK,
    Calendar,
    Interval,
    add_business_time,
    business_time_between,
    deadline_and_warning,
    iran_office_week,
    working_intervals,
)

UTC = timezone.utc
TEHRAN = ZoneInfo("Asia/Tehran")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)

NINE_TO_FIVE = (Interval(time(9), time(17)),)
BERLIN_WEEKDAYS = Calendar("Europe/Berlin", {d: NINE_TO_FIVE for d in range(5)})
BERLIN_EVERY_DAY = Calendar("Europe/Berlin", {d: NINE_TO_FIVE for d in range(7)})
NIGHT_SHIFT = (Interval(time(22), time(6)),)


def local(tz, *args):
    return datetime(*args, tzinfo=tz)


# --- Iran office week -------------------------------------------------------

def test_ticket_opened_wednesday_evening_in_tehran_is_due_saturday_morning():
    # Thursday gives only 08:00-13:00 and Friday is off.
    opened = local(TEHRAN, 2025, 1, 15, 18)  # Wednesday
    due = add_business_time(opened, 6 * H, IRAN_OFFICE_WEEK)
    assert due == local(TEHRAN, 2025, 1, 18, 9)  # Saturday
    assert due.tzinfo is UTC


def test_ticket_opened_wednesday_afternoon_in_tehran_is_due_thursday_before_noon():
    due = add_business_time(local(TEHRAN, 2025, 1, 15, 16), 4 * H, IRAN_OFFICE_WEEK)
    assert due == local(TEHRAN, 2025, 1, 16, 11)


def test_iran_office_week_has_50_business_hours():
    saturday = local(TEHRAN, 2025, 1, 11)
    assert business_time_between(saturday, saturday + timedelta(days=7), IRAN_OFFICE_WEEK) == 50 * H


def test_nowruz_holidays_are_skipped():
    # 1403/12/29 .. 1404/01/04: 19 to 24 March 2025.
    nowruz = frozenset(date(2025, 3, d) for d in range(19, 25))
    cal = iran_office_week(nowruz)
    due = add_business_time(local(TEHRAN, 2025, 3, 18, 16), 3 * H, cal)  # Tuesday
    assert due == local(TEHRAN, 2025, 3, 25, 10)
    assert due == datetime(2025, 3, 25, 6, 30, tzinfo=UTC)  # Tehran is UTC+03:30


def test_holidays_accept_any_iterable_of_dates():
    cal = iran_office_week([date(2025, 3, 21)])
    assert cal.holidays == frozenset({date(2025, 3, 21)})


# --- calendar shapes --------------------------------------------------------

def test_half_day_replaces_the_weekly_hours():
    cal = Calendar("Europe/Berlin", BERLIN_WEEKDAYS.weekly,
                   half_days={date(2025, 12, 24): (Interval(time(9), time(12)),)})
    due = add_business_time(local(BERLIN, 2025, 12, 24, 11), 2 * H, cal)  # Wednesday
    assert due == local(BERLIN, 2025, 12, 25, 10)


def test_holiday_wins_over_half_day_on_the_same_date():
    day = date(2025, 12, 24)
    cal = Calendar("UTC", {d: NINE_TO_FIVE for d in range(7)}, holidays=frozenset({day}),
                   half_days={day: (Interval(time(9), time(12)),)})
    assert business_time_between(local(UTC, 2025, 12, 24), local(UTC, 2025, 12, 25), cal) == timedelta(0)


def test_year_boundary_skips_new_years_day():
    cal = Calendar("Europe/Berlin", BERLIN_WEEKDAYS.weekly, holidays=frozenset({date(2026, 1, 1)}))
    due = add_business_time(local(BERLIN, 2025, 12, 31, 16), 2 * H, cal)
    assert due == local(BERLIN, 2026, 1, 2, 10)
    assert due == datetime(2026, 1, 2, 9, tzinfo=UTC)


def test_weekend_is_skipped():
    due = add_business_time(local(BERLIN, 2025, 1, 17, 16), 2 * H, BERLIN_WEEKDAYS)  # Friday
    assert due == local(BERLIN, 2025, 1, 20, 10)


def test_lunch_break_is_not_business_time():
    lunch = (Interval(time(9), time(12)), Interval(time(13), time(17)))
    cal = Calendar("America/New_York", {d: lunch for d in range(5)})
    assert add_business_time(local(NEW_YORK, 2025, 1, 15, 11), 2 * H, cal) == local(NEW_YORK, 2025, 1, 15, 14)
    assert business_time_between(local(NEW_YORK, 2025, 1, 15), local(NEW_YORK, 2025, 1, 16), cal) == 7 * H


def test_overlapping_intervals_on_one_day_count_once():
    cal = Calendar("UTC", {2: (Interval(time(11), time(14)), Interval(time(9), time(12)))})
    day = local(UTC, 2025, 1, 15)
    assert business_time_between(day, day + timedelta(days=1), cal) == 5 * H
    assert list(working_intervals(day, day + timedelta(days=1), cal)) == [
        (local(UTC, 2025, 1, 15, 9), local(UTC, 2025, 1, 15, 14))]


def test_overnight_shift_belongs_to_the_day_it_starts():
    cal = Calendar("UTC", {4: NIGHT_SHIFT})  # Friday night only
    friday = local(UTC, 2025, 1, 17)
    assert list(working_intervals(friday, friday + timedelta(days=3), cal)) == [
        (local(UTC, 2025, 1, 17, 22), local(UTC, 2025, 1, 18, 6))]
    assert add_business_time(local(UTC, 2025, 1, 17, 12), 3 * H, cal) == local(UTC, 2025, 1, 18, 1)


def test_holiday_removes_shift_starting_that_day_but_not_the_one_running_into_it():
    cal = Calendar("UTC", {d: NIGHT_SHIFT for d in range(5)}, holidays=frozenset({date(2025, 1, 17)}))
    thursday_noon = local(UTC, 2025, 1, 16, 12)
    assert list(working_intervals(thursday_noon, thursday_noon + timedelta(days=3), cal)) == [
        (local(UTC, 2025, 1, 16, 22), local(UTC, 2025, 1, 17, 6))]


def test_overnight_shift_already_running_at_start_is_counted():
    cal = Calendar("UTC", {d: NIGHT_SHIFT for d in range(7)})
    assert add_business_time(local(UTC, 2025, 1, 16, 3), 2 * H, cal) == local(UTC, 2025, 1, 16, 5)


def test_always_calendar_is_plain_clock_time():
    start = local(TEHRAN, 2025, 1, 15, 18, 7)
    cal = Calendar.always()
    assert add_business_time(start, 100 * H, cal) == start + 100 * H
    assert list(working_intervals(start, start + 100 * H, cal)) == [
        (start.astimezone(UTC), (start + 100 * H).astimezone(UTC))]


# --- DST --------------------------------------------------------------------

@pytest.mark.parametrize("tz, day", [
    (BERLIN, date(2025, 3, 30)), (BERLIN, date(2025, 10, 26)),
    (NEW_YORK, date(2025, 3, 9)), (NEW_YORK, date(2025, 11, 2)),
])
def test_nine_to_five_on_a_dst_change_day_is_eight_hours(tz, day):
    cal = Calendar(tz.key, {d: NINE_TO_FIVE for d in range(7)})
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    assert business_time_between(midnight, midnight + timedelta(days=1), cal) == 8 * H
    assert add_business_time(midnight, 8 * H, cal) == datetime.combine(day, time(17), tzinfo=tz)


@pytest.mark.parametrize("tz, night_before, real_hours", [
    (BERLIN, date(2025, 3, 29), 7), (BERLIN, date(2025, 10, 25), 9),
    (NEW_YORK, date(2025, 3, 8), 7), (NEW_YORK, date(2025, 11, 1), 9),
])
def test_overnight_shift_on_dst_night_has_its_real_length(tz, night_before, real_hours):
    cal = Calendar(tz.key, {d: NIGHT_SHIFT for d in range(7)})
    noon = datetime.combine(night_before, time(12), tzinfo=tz)
    assert business_time_between(noon, noon + timedelta(days=1), cal) == real_hours * H
    (shift,) = working_intervals(noon, noon + timedelta(days=1), cal)
    assert shift[1] - shift[0] == real_hours * H


@pytest.mark.parametrize("day, hours", [(date(2025, 3, 30), 23), (date(2025, 10, 26), 25)])
def test_whole_day_in_berlin_lasts_as_long_as_the_real_day(day, hours):
    midnight = datetime.combine(day, time(0), tzinfo=BERLIN)
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=BERLIN)
    assert business_time_between(midnight, next_midnight, Calendar.always("Europe/Berlin")) == hours * H


def test_nonexistent_wall_time_resolves_to_the_pre_transition_offset():
    # 02:30 does not exist on 30 March 2025 in Berlin; fold=0 reads it as
    # 02:30 CET == 01:30 UTC == 03:30 CEST.
    cal = Calendar("Europe/Berlin", {6: (Interval(time(2, 30), time(10)),)})
    (period,) = working_intervals(local(UTC, 2025, 3, 29), local(UTC, 2025, 3, 31), cal)
    assert period == (datetime(2025, 3, 30, 1, 30, tzinfo=UTC), datetime(2025, 3, 30, 8, tzinfo=UTC))


def test_ambiguous_wall_time_resolves_to_its_first_occurrence():
    # 02:30 happens twice on 26 October 2025 in Berlin; fold=0 is the CEST one.
    cal = Calendar("Europe/Berlin", {6: (Interval(time(2, 30), time(10)),)})
    (period,) = working_intervals(local(UTC, 2025, 10, 25), local(UTC, 2025, 10, 27), cal)
    assert period == (datetime(2025, 10, 26, 0, 30, tzinfo=UTC), datetime(2025, 10, 26, 9, tzinfo=UTC))


# --- pauses -----------------------------------------------------------------

def test_pause_during_working_hours_pushes_the_deadline():
    start = local(BERLIN, 2025, 1, 15, 9)
    pause = (local(BERLIN, 2025, 1, 15, 10), local(BERLIN, 2025, 1, 15, 12))
    assert add_business_time(start, 4 * H, BERLIN_WEEKDAYS, [pause]) == local(BERLIN, 2025, 1, 15, 15)
    assert business_time_between(start, local(BERLIN, 2025, 1, 15, 15), BERLIN_WEEKDAYS, [pause]) == 4 * H


def test_pause_outside_working_hours_changes_nothing():
    start = local(BERLIN, 2025, 1, 15, 16)
    pause = (local(BERLIN, 2025, 1, 15, 18), local(BERLIN, 2025, 1, 16, 8))
    assert add_business_time(start, 2 * H, BERLIN_WEEKDAYS, [pause]) == local(BERLIN, 2025, 1, 16, 10)


def test_overlapping_unordered_pauses_are_merged():
    start = local(UTC, 2025, 1, 15, 9)
    pauses = [(local(UTC, 2025, 1, 15, 11), local(UTC, 2025, 1, 15, 13)),
              (local(UTC, 2025, 1, 15, 10), local(UTC, 2025, 1, 15, 12))]
    cal = Calendar("UTC", {2: NINE_TO_FIVE})
    assert add_business_time(start, 3 * H, cal, pauses) == local(UTC, 2025, 1, 15, 15)
    assert business_time_between(start, local(UTC, 2025, 1, 15, 17), cal, pauses) == 5 * H


def test_open_ended_pause_stops_the_clock_so_there_is_no_deadline():
    start = local(BERLIN, 2025, 1, 15, 9)
    pauses = [(local(BERLIN, 2025, 1, 15, 10), None)]
    assert add_business_time(start, 4 * H, BERLIN_WEEKDAYS, pauses) is None
    assert business_time_between(start, local(BERLIN, 2025, 2, 15), BERLIN_WEEKDAYS, pauses) == H


def test_open_ended_pause_after_the_deadline_is_irrelevant():
    start = local(BERLIN, 2025, 1, 15, 9)
    pauses = [(local(BERLIN, 2025, 1, 15, 14), None)]
    assert add_business_time(start, 4 * H, BERLIN_WEEKDAYS, pauses) == local(BERLIN, 2025, 1, 15, 13)


def test_pause_ending_before_it_starts_is_rejected():
    start = local(UTC, 2025, 1, 15, 9)
    with pytest.raises(ValueError, match="ends before"):
        add_business_time(start, H, Calendar.always(), [(start + H, start)])


# --- warnings ---------------------------------------------------------------

def test_warning_at_a_fraction_of_the_target():
    start = local(BERLIN, 2025, 1, 15, 9)
    due, warn = deadline_and_warning(start, 8 * H, BERLIN_WEEKDAYS, warn_fraction=0.75)
    assert (due, warn) == (local(BERLIN, 2025, 1, 15, 17), local(BERLIN, 2025, 1, 15, 15))


def test_warning_some_business_time_before_due_skips_the_night():
    start = local(BERLIN, 2025, 1, 15, 16)
    due, warn = deadline_and_warning(start, 2 * H, BERLIN_WEEKDAYS, warn_before=90 * timedelta(minutes=1))
    assert due == local(BERLIN, 2025, 1, 16, 10)
    assert warn == local(BERLIN, 2025, 1, 15, 16, 30)


def test_warn_before_longer_than_target_warns_at_start():
    start = local(UTC, 2025, 1, 15, 12)
    assert deadline_and_warning(start, H, Calendar.always(), warn_before=2 * H)[1] == start


def test_no_warning_requested_gives_none():
    start = local(UTC, 2025, 1, 15, 12)
    assert deadline_and_warning(start, H, Calendar.always()) == (start + H, None)


def test_both_warning_styles_at_once_is_rejected():
    with pytest.raises(ValueError):
        deadline_and_warning(local(UTC, 2025, 1, 1), H, Calendar.always(), warn_fraction=0.5, warn_before=H)


# --- validation and limits --------------------------------------------------

def test_naive_datetime_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(datetime(2025, 1, 15, 9), H, IRAN_OFFICE_WEEK)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_time_between(local(UTC, 2025, 1, 1), datetime(2025, 1, 2), IRAN_OFFICE_WEEK)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(local(UTC, 2025, 1, 1), H, IRAN_OFFICE_WEEK, [(datetime(2025, 1, 2), None)])


def test_calendar_without_any_hours_raises_instead_of_looping():
    with pytest.raises(ValueError, match="no working hours"):
        add_business_time(local(UTC, 2025, 1, 1), H, Calendar("UTC", {}))


def test_deadline_beyond_the_search_limit_raises():
    cal = Calendar("UTC", {}, half_days={date(2025, 1, 2): NINE_TO_FIVE})
    assert add_business_time(local(UTC, 2025, 1, 1), 8 * H, cal) == local(UTC, 2025, 1, 2, 17)
    began = perf.perf_counter()
    with pytest.raises(ValueError, match="no working time found"):
        add_business_time(local(UTC, 2025, 1, 1), 9 * H, cal)
    assert perf.perf_counter() - began < 1


def test_unknown_time_zone_and_bad_weekday_are_rejected():
    with pytest.raises(ValueError):
        Calendar("Mars/Olympus", {})
    with pytest.raises(ValueError):
        Calendar("UTC", {7: NINE_TO_FIVE})


def test_zero_and_negative_durations():
    start = local(TEHRAN, 2025, 1, 17, 12)  # Friday: not working
    assert add_business_time(start, timedelta(0), IRAN_OFFICE_WEEK) == start
    with pytest.raises(ValueError):
        add_business_time(start, -H, IRAN_OFFICE_WEEK)
    assert business_time_between(start, start - H, IRAN_OFFICE_WEEK) == timedelta(0)


def test_long_durations_are_fast():
    began = perf.perf_counter()
    due = add_business_time(local(TEHRAN, 2025, 1, 11, 8), 50 * 52 * H, IRAN_OFFICE_WEEK)
    assert perf.perf_counter() - began < 0.5
    assert due == local(TEHRAN, 2026, 1, 8, 13)  # 52 full weeks later, Thursday 13:00
