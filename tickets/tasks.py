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


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def email_notifications(self, notification_ids):
    """Email for in-app notifications written in bulk (the SLA scan): one task per batch."""
    emails.send_notification_emails(notification_ids)


@shared_task
def sla_scan():
    """Beat, every minute: warnings, breaches and escalations that have come due."""
    from tickets.services.escalation import sla_scan as scan

    return scan()


@shared_task(acks_late=True)
def sla_recompute_policy(policy_id):
    """A policy, its targets or its calendar changed: recompute the open tickets under it."""
    from tickets.services.recompute import sla_recompute_open

    return sla_recompute_open(policy_id=policy_id)


@shared_task(acks_late=True)
def sla_recompute_organization(organization_id):
    """A contract changed: its organisation's open tickets may fall under other terms now."""
    from tickets.services.recompute import sla_recompute_open

    return sla_recompute_open(organization_id=organization_id)


@shared_task
def referrals_overdue_scan():
    from tickets.services.followup import referrals_follow_up

    return referrals_follow_up()


from tickets.tasks_mail import *  # noqa: E402,F401,F403
