"""The Celery app and the whole beat schedule, in one readable dict."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Follow up referrals whose answer is late (the unit owes us; the agent is told).
    "referrals-overdue": {"task": "tickets.tasks.referrals_overdue_scan", "schedule": 300.0},
}
