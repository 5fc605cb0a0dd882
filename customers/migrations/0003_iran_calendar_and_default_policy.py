"""Presets: the "Iran office week" calendar with this year's and next year's official holidays,
and a default SLA policy on it, so a fresh install has sensible terms before anyone configures them."""
from datetime import date

from django.db import migrations

# Targets in business minutes: (first response, next response, resolution).
TARGETS = {"urgent": (30, 60, 480), "high": (120, 240, 1440), "normal": (240, 480, 2700), "low": (480, 960, 5400)}


def forwards(apps, schema_editor):
    from customers.holidays_iran import IRAN_OFFICE_WEEK_NAME, IRAN_WEEKLY_HOURS, load_iran_holidays

    BusinessCalendar = apps.get_model("customers", "BusinessCalendar")
    Holiday = apps.get_model("customers", "Holiday")
    SlaPolicy = apps.get_model("customers", "SlaPolicy")
    SlaTarget = apps.get_model("customers", "SlaTarget")
    SlaEscalation = apps.get_model("customers", "SlaEscalation")
    cal, _ = BusinessCalendar.objects.get_or_create(
        name=IRAN_OFFICE_WEEK_NAME, defaults={"time_zone": "Asia/Tehran", "weekly_hours": IRAN_WEEKLY_HOURS})
    this_year = date.today().year
    for year in (this_year, this_year + 1):
        load_iran_holidays(cal, year, Holiday=Holiday)
    if not SlaPolicy.objects.filter(is_default=True).exists():
        policy = SlaPolicy.objects.create(name="Standard", is_default=True, calendar=cal, warn_at_percent=80,
                                          pause_states=["pending_customer"])
        for priority, (fr, nr, res) in TARGETS.items():
            SlaTarget.objects.create(policy=policy, priority=priority, first_response_minutes=fr,
                                     next_response_minutes=nr, resolution_minutes=res)
        SlaEscalation.objects.create(policy=policy, level=1, minutes_after_breach=0, notify_manager=True)
        SlaEscalation.objects.create(policy=policy, level=2, minutes_after_breach=120, raise_priority=True,
                                     reassign_to_lead=True, notify_manager=True)


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_businesscalendar_slapolicy_slaescalation_and_more")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
