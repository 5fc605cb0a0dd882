"""Beat: keep the dashboard's summary tables current (tickets/reports/rollup.py).

Every 5 minutes: today and yesterday (yesterday again, so its last minutes land after midnight),
plus the days of tickets saved since the previous run (a late first response, a new priority or
team, a resolution change the figures of the days the ticket was created and resolved on). The
window overlaps two runs, so a late or skipped run loses nothing; rebuilds are idempotent.
"""
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

WINDOW = timedelta(minutes=11)  # two 5-minute periods and a margin


@shared_task(acks_late=True)
def stats_rebuild_recent():
    from tickets.reports.rollup import days_touched, stats_rebuild_days

    today = timezone.localdate()
    days = {today, today - timedelta(days=1), *days_touched(timezone.now() - WINDOW)}
    return stats_rebuild_days(day for day in days if day <= today)


@shared_task(acks_late=True)
def stats_rebuild_all():
    """Nightly: everything, for changes no saved ticket shows (a reopen clears the old resolved day)."""
    from tickets.reports.rollup import stats_rebuild_all as rebuild

    return rebuild()
