"""Celery tasks of the email channel: thin wrappers that take ids and own the retry policy.

email_process is safe to run twice or concurrently: the service claims the row under a lock and
does nothing for a row already processed, so acks_late redelivery after a crash is harmless.
"""
from celery import shared_task
from django.db import InterfaceError, OperationalError

__all__ = ["email_process", "email_drain", "email_notice", "mailboxes_poll", "inbound_replay"]


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True,
             max_retries=10)
def email_process(self, inbound_id):
    from tickets.services.email_intake import email_process as process

    return process(inbound_id)


@shared_task(bind=True, acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=True,
             max_retries=10)
def email_drain(self, inbound_id, slot):
    """Stored mail, batch after batch, until none is left (services/email_drain.py)."""
    from tickets.services.email_drain import drain

    return drain(inbound_id, slot)


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def email_notice(self, inbound_id, kind):
    from tickets.services.mail_send import send_notice

    return send_notice(inbound_id, kind)


@shared_task(acks_late=True)
def mailboxes_poll():
    """Beat, every 30 s: fetch new mail, and re-queue stored mail whose task was lost."""
    from tickets.services.email_intake import requeue_stale
    from tickets.services.mail_imap import mailboxes_poll as poll

    summary = poll()
    summary["requeued"] = requeue_stale()
    return summary


@shared_task(acks_late=True)
def inbound_replay(inbound_id, unknown_sender_policy=None):
    from tickets.services.email_intake import email_replay

    return email_replay(inbound_id, unknown_sender_policy=unknown_sender_policy)
