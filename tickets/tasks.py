"""Thin Celery wrappers: take ids, call one function, own the retry policy."""
import logging
import smtplib

from celery import shared_task

from tickets import emails
from tickets.mail_out.failures import EmailTask

# Mail: a dropped connection or a 4xx is retried with backoff (1 s doubling, ~4 min in all); a 5xx refusal is
# raised as PermanentSendError and not retried. EmailTask writes the final failure on the ticket.
# (SMTPException is an OSError already; named for the reader.)
log = logging.getLogger(__name__)
MAIL_TASK = dict(bind=True, base=EmailTask, acks_late=True, autoretry_for=(OSError, smtplib.SMTPException),
                 retry_backoff=True, max_retries=8)


@shared_task(**MAIL_TASK)
def email_ticket_acknowledgement(self, ticket_id):
    emails.send_acknowledgement(ticket_id)


@shared_task(**MAIL_TASK)
def email_public_reply(self, message_id):
    emails.send_public_reply(message_id)


@shared_task(**MAIL_TASK)
def email_resolution(self, ticket_id):
    emails.send_resolution(ticket_id)


@shared_task(**MAIL_TASK)
def email_status_change(self, ticket_id, kind, status=None):
    emails.send_status_change(ticket_id, kind, status)


@shared_task(**MAIL_TASK)
def email_eta(self, ticket_id, eta_iso):
    emails.send_eta(ticket_id, eta_iso)


@shared_task(**MAIL_TASK)
def email_staff_update(self, ticket_id, user_id, reason):
    emails.send_staff_update(ticket_id, user_id, reason)


@shared_task(**MAIL_TASK)
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
from tickets.tasks_webhooks import *  # noqa: E402,F401,F403
from tickets.tasks_stats import *  # noqa: E402,F401,F403


@shared_task(acks_late=True)
def email_many(calls):
    """The mail a batch queued (notify.mail_collected): [(task name, args), ...]. Acknowledgements
    go together (emails.send_acknowledgements), the rest one by one in order. One that fails is handed to its own task, which owns the retries and records a final failure
    on the ticket; the others are not held up by it."""
    from celery import current_app

    acks = [args[0] for name, args in calls if name == email_ticket_acknowledgement.name]
    calls = [(name, args) for name, args in calls if name != email_ticket_acknowledgement.name]
    for ticket_id in emails.send_acknowledgements(acks) if acks else ():
        email_ticket_acknowledgement.delay(ticket_id)
    for name, args in calls:
        task = current_app.tasks[name]
        try:
            task(*args)
        except Exception as exc:  # noqa: BLE001 - any failure goes to the task's own retry policy
            log.info("mail %s%r failed in a batch (%s); retrying on its own", name, tuple(args), exc)
            task.delay(*args)
