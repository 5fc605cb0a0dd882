from django.core.management.base import BaseCommand

from tickets.services.escalation import sla_scan


class Command(BaseCommand):
    help = "Emit SLA warnings, breaches and escalations that have come due (beat runs this every minute)."

    def handle(self, *args, **options):
        self.stdout.write(f"{sla_scan()} SLA events emitted.")
