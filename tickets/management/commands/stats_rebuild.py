"""Backfill the dashboard's summary tables: `stats_rebuild --days N` (the last N local days,
today included) or `stats_rebuild --all` (every day with a ticket). Idempotent; safe to rerun."""
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tickets.reports import rollup


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--days", type=int, help="the last N local days, today included")
        group.add_argument("--all", action="store_true", help="every day with a ticket")

    def handle(self, *args, days=None, all=False, **options):
        started = time.monotonic()
        if all:
            done = rollup.stats_rebuild_all()
        else:
            if days < 1:
                raise CommandError("--days must be at least 1")
            today = timezone.localdate()
            done = rollup.stats_rebuild(today - timedelta(days=days - 1), today)
        self.stdout.write(f"rebuilt {done} days in {time.monotonic() - started:.1f} s")
