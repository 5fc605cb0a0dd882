"""The Celery app and the whole beat schedule, in one readable dict."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # SLA warnings, breaches and escalations: reads only tickets whose next check has come.
    "sla-scan": {"task": "tickets.tasks.sla_scan", "schedule": 60.0},
    # Follow up referrals whose answer is late (the unit owes us; the agent is told).
    "referrals-overdue": {"task": "tickets.tasks.referrals_overdue_scan", "schedule": 300.0},
    # Fetch mail from the IMAP mailboxes (stored first, then marked), re-queue lost work.
    "mailboxes-poll": {"task": "tickets.tasks_mail.mailboxes_poll", "schedule": 30.0},
}
