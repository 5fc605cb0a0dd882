"""Thin Celery wrappers: take ids, call one function, own the retry policy."""
from celery import shared_task

from tickets import emails


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def email_ticket_acknowledgement(self, ticket_id):
    emails.send_acknowledgement(ticket_id)


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def email_public_reply(self, message_id):
    emails.send_public_reply(message_id)


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def email_resolution(self, ticket_id):
    emails.send_resolution(ticket_id)


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def email_staff_update(self, ticket_id, user_id, reason):
    emails.send_staff_update(ticket_id, user_id, reason)


@shared_task
def referrals_overdue_scan():
    from tickets.services.followup import referrals_follow_up

    return referrals_follow_up()
