"""Side effects after commit, by id: the Celery tasks send the mail, so a rollback sends nothing."""
from django.db import transaction


def _later(task, *args):
    transaction.on_commit(lambda: task.delay(*args))


def ticket_created(ticket):
    from tickets import tasks

    _later(tasks.email_ticket_acknowledgement, ticket.pk)


def public_reply(message):
    from tickets import tasks

    _later(tasks.email_public_reply, message.pk)


def customer_reply(message):
    from tickets import tasks

    if message.ticket.assignee_id:
        _later(tasks.email_staff_update, message.ticket_id, message.ticket.assignee_id, "customer_replied")


def assigned(ticket, user):
    from tickets import tasks

    _later(tasks.email_staff_update, ticket.pk, user.pk, "assigned")


def referral_answered(referral):
    from tickets import tasks

    _later(tasks.email_staff_update, referral.ticket_id, referral.ticket.assignee_id, "referral_answered")


def ticket_resolved(ticket):
    from tickets import tasks

    _later(tasks.email_resolution, ticket.pk)
