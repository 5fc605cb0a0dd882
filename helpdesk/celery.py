"""The Celery app and the whole beat schedule, in one readable dict."""
import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_without_required_settings(**kwargs):
    from helpdesk import settings

    settings.refuse_to_serve_without_required_settings()


app.conf.beat_schedule = {
    # Dashboard summary: today, yesterday and the days of tickets saved since the last run.
    "stats-rebuild-recent": {"task": "tickets.tasks_stats.stats_rebuild_recent", "schedule": 300.0},
    # Nightly full rebuild (00:30 UTC = 04:00 Tehran): changes no saved ticket shows (a reopen clears the old resolved day).
    "stats-rebuild-all": {"task": "tickets.tasks_stats.stats_rebuild_all", "schedule": crontab(hour=0, minute=30)},
    # SLA warnings, breaches and escalations: reads only tickets whose next check has come.
    "sla-scan": {"task": "tickets.tasks.sla_scan", "schedule": 60.0},
    # Follow up referrals whose answer is late (the unit owes us; the agent is told).
    "referrals-overdue": {"task": "tickets.tasks.referrals_overdue_scan", "schedule": 300.0},
    # Fetch mail from the IMAP mailboxes (stored first, then marked), re-queue lost work.
    "mailboxes-poll": {"task": "tickets.tasks_mail.mailboxes_poll", "schedule": 30.0},
}
