"""Presets every install starts with: the "Iran office week" calendar with this year's and next
year's official holidays, and a default SLA policy on it. Used by migration 0003 (with historical
models) and by tests that flush the database."""
from datetime import date

# Targets in business minutes: (first response, next response, resolution).
TARGETS = {"urgent": (30, 60, 480), "high": (120, 240, 1440), "normal": (240, 480, 2700), "low": (480, 960, 5400)}


def ensure_presets(BusinessCalendar, Holiday, SlaPolicy, SlaTarget, SlaEscalation, today=None):
    from customers.holidays_iran import IRAN_OFFICE_WEEK_NAME, IRAN_WEEKLY_HOURS, load_iran_holidays

    cal, _ = BusinessCalendar.objects.get_or_create(
        name=IRAN_OFFICE_WEEK_NAME, defaults={"time_zone": "Asia/Tehran", "weekly_hours": IRAN_WEEKLY_HOURS})
    year = (today or date.today()).year
    for y in (year, year + 1):
        load_iran_holidays(cal, y, Holiday=Holiday)
    if SlaPolicy.objects.filter(is_default=True).exists():
        return
    policy = SlaPolicy.objects.create(name="Standard", is_default=True, calendar=cal, warn_at_percent=80,
                                      pause_states=["pending_customer"])
    for priority, (fr, nr, res) in TARGETS.items():
        SlaTarget.objects.create(policy=policy, priority=priority, first_response_minutes=fr,
                                 next_response_minutes=nr, resolution_minutes=res)
    SlaEscalation.objects.create(policy=policy, level=1, minutes_after_breach=0, notify_manager=True)
    SlaEscalation.objects.create(policy=policy, level=2, minutes_after_breach=120, raise_priority=True,
                                 reassign_to_lead=True, notify_manager=True)


def ensure_presets_now():
    from customers.models import BusinessCalendar, Holiday, SlaEscalation, SlaPolicy, SlaTarget

    ensure_presets(BusinessCalendar, Holiday, SlaPolicy, SlaTarget, SlaEscalation)
