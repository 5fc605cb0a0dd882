"""Presets: the "Iran office week" calendar with this year's and next year's official holidays,
and a default SLA policy on it, so a fresh install has sensible terms before anyone configures them."""
from django.db import migrations


def forwards(apps, schema_editor):
    from customers.presets import ensure_presets

    get = lambda name: apps.get_model("customers", name)  # noqa: E731
    ensure_presets(get("BusinessCalendar"), get("Holiday"), get("SlaPolicy"), get("SlaTarget"), get("SlaEscalation"))


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_businesscalendar_slapolicy_slaescalation_and_more")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
