"""Who hears about what. In-app notifications are rows written in the same transaction as the
change; email goes out after commit, by id, from a Celery task, so a rollback sends nothing."""
from django.db import transaction

from tickets.models import Notification


def _later(task, *args):
    transaction.on_commit(lambda: task.delay(*args))


def in_app(users, ticket, kind, **data):
    seen, rows = set(), []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, ticket=ticket, kind=kind, data=data))
    Notification.objects.bulk_create(rows)
    return rows


def ticket_created(ticket):
    from tickets import tasks

    _later(tasks.email_ticket_acknowledgement, ticket.pk)


def public_reply(message):
    from tickets import tasks

    _later(tasks.email_public_reply, message.pk)


def customer_reply(message):
    from tickets import tasks

    ticket = message.ticket
    if ticket.assignee_id:
        in_app([ticket.assignee], ticket, "customer_replied", message=message.pk)
        _later(tasks.email_staff_update, ticket.pk, ticket.assignee_id, "customer_replied")


def assigned(ticket, user):
    from tickets import tasks

    in_app([user], ticket, "assigned")
    _later(tasks.email_staff_update, ticket.pk, user.pk, "assigned")


def referral_answered(referral):
    from tickets import tasks

    ticket = referral.ticket
    in_app([ticket.assignee], ticket, "referral_answered", unit=referral.unit)
    _later(tasks.email_staff_update, ticket.pk, ticket.assignee_id, "referral_answered")


def ticket_resolved(ticket):
    from tickets import tasks

    _later(tasks.email_resolution, ticket.pk)


def sla_alert(ticket, kind, target, due, people, level=None):
    """SLA warning, breach or escalation: in-app for everyone concerned, and an email each."""
    from tickets import tasks

    for row in in_app(people, ticket, kind, target=target, due=due.isoformat(), level=level):
        _later(tasks.email_staff_update, ticket.pk, row.user_id, kind)
