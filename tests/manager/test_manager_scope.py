"""The period as people type it: Jalali or Gregorian, Persian or Latin digits."""
from datetime import date

import pytest

from tickets.reports.scope import Scope, parse_day, show_day


@pytest.mark.parametrize("typed, expected", [
    ("۱۴۰۵/۰۹/۰۲", date(2026, 11, 23)), ("1405/09/02", date(2026, 11, 23)), ("1405-9-2", date(2026, 11, 23)),
    ("٢٠٢٦-١١-٢٣", date(2026, 11, 23)), ("2026-11-23", date(2026, 11, 23)),
    ("1405/13/01", None), ("yesterday", None), ("", None),
])
def test_a_typed_day_is_jalali_below_1700_and_gregorian_above(typed, expected):
    assert parse_day(typed) == expected


def test_days_are_shown_jalali_with_persian_digits_to_persian_readers():
    assert show_day(date(2026, 11, 23), persian=True) == "۱۴۰۵/۰۹/۰۲"
    assert show_day(date(2026, 11, 23), persian=False) == "2026-11-23"


def test_default_period_is_the_last_30_days_and_reversed_dates_are_swapped():
    today = date(2026, 11, 23)
    assert (Scope.from_query({}, today=today).start, Scope.from_query({}, today=today).end) == (date(2026, 10, 25), today)
    scope = Scope.from_query({"from": "2026-11-20", "to": "1405/08/01"}, today=today)
    assert (scope.start, scope.end) == (date(2026, 10, 23), date(2026, 11, 20))


def test_period_is_capped_at_two_years_with_a_message():
    scope = Scope.from_query({"from": "2020-01-01", "to": "2026-11-23"}, today=date(2026, 11, 23))
    assert scope.days == 731 and scope.errors


def test_links_carry_scope_and_period_into_the_agent_queue():
    scope = Scope.from_query({"from": "2026-11-01", "to": "2026-11-23", "team": "3", "organization": "x"})
    url = scope.link(created=True, status=["new", "open"])
    assert url == ("/agent/?queue=all&team=3&created_after=2026-11-01&created_before=2026-11-23"
                   "&status=new&status=open")
