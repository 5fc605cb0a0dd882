"""Official Iranian holidays from the `holidays` package, loaded into a BusinessCalendar.

Used by the data migration (this year and next) and by `manage.py sla_load_holidays --year N`.
"""
import holidays as holidays_lib

IRAN_OFFICE_WEEK_NAME = "Iran office week"
# Python weekday(): 0 = Monday. Saturday-Wednesday 08:00-17:00, Thursday 08:00-13:00, Friday off.
IRAN_WEEKLY_HOURS = {"5": [["08:00", "17:00"]], "6": [["08:00", "17:00"]], "0": [["08:00", "17:00"]],
                     "1": [["08:00", "17:00"]], "2": [["08:00", "17:00"]], "3": [["08:00", "13:00"]]}


def iran_holidays(year: int) -> dict:
    """{date: Persian name} for one Gregorian year."""
    return dict(holidays_lib.country_holidays("IR", years=year, language="fa_IR"))


def load_iran_holidays(calendar, year: int, Holiday=None) -> int:
    """Add the year's official holidays to `calendar`; existing dates are left alone. Returns how many were added."""
    if Holiday is None:
        from customers.models import Holiday
    existing = set(Holiday.objects.filter(calendar=calendar, date__year=year).values_list("date", flat=True))
    new = [Holiday(calendar=calendar, date=day, name=name[:200]) for day, name in sorted(iran_holidays(year).items())
           if day not in existing]
    Holiday.objects.bulk_create(new)
    return len(new)
