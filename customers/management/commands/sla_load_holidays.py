from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from customers.holidays_iran import IRAN_OFFICE_WEEK_NAME, load_iran_holidays
from customers.models import BusinessCalendar


class Command(BaseCommand):
    help = "Load official Iranian holidays for a year (default: next year) into a business calendar."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year + 1)
        parser.add_argument("--calendar", default=IRAN_OFFICE_WEEK_NAME)

    def handle(self, *args, year, calendar, **options):
        try:
            cal = BusinessCalendar.objects.get(name=calendar)
        except BusinessCalendar.DoesNotExist:
            raise CommandError(f"No business calendar named {calendar!r}.") from None
        added = load_iran_holidays(cal, year)
        BusinessCalendar.objects.filter(pk=cal.pk).update(updated_at=timezone.now())
        self.stdout.write(f"{added} holidays of {year} added to {cal.name}.")
