"""Webhook delivery task: retried with exponential backoff, each attempt logged on the delivery.
Imported by tickets/tasks.py so the worker registers it."""
import random

from celery import shared_task
from django.conf import settings

from tickets.services import webhooks


def backoff_seconds(retries: int) -> int:
    """30 s, 1 min, 2 min ... capped at 6 h, with jitter so a recovered receiver is not stampeded."""
    base = min(30 * 2 ** retries, 6 * 3600)
    return int(base * random.uniform(0.8, 1.2))


def max_attempts() -> int:
    # Read at run time, not import time, so settings (and tests) decide.
    return getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 8)


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_deliver(self, delivery_id):
    attempts = max_attempts()
    if self.request.is_eager:
        # No worker to schedule a retry on (CELERY_TASK_ALWAYS_EAGER: tests, a demo without a
        # worker): try the same number of times inline, without the waits.
        for n in range(attempts):
            if webhooks.webhook_deliver(delivery_id, final=n + 1 >= attempts):
                return
        return
    final = self.request.retries + 1 >= attempts
    if webhooks.webhook_deliver(delivery_id, final=final) or final:
        return
    raise self.retry(countdown=backoff_seconds(self.request.retries))
