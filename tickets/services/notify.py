"""Who hears about what. In-app notifications are rows written in the same transaction as the
change; email goes out after commit, by id, from a Celery task, so a rollback sends nothing."""
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from tickets.models import Notification

_collected: ContextVar[list | None] = ContextVar("collected_mail", default=None)


def _later(task, *args):
    pending = _collected.get()
    if pending is None:
        transaction.on_commit(lambda: task.delay(*args))
    else:  # appended at commit only: a rolled-back savepoint drops its own callbacks
        transaction.on_commit(lambda: pending.append((task.name, args)))


@contextmanager
def mail_collected():
    """Inside a transaction: the mail its changes queue leaves after commit as ONE task
    (tasks.email_many), not one per mail. A batch of inbound email opens hundreds of tickets,
    and a task per acknowledgement costs the worker more than the acknowledgement itself."""
    from tickets import tasks

    pending = []
    token = _collected.set(pending)
    try:
        yield
    finally:
        _collected.reset(token)
    # Registered last, so it runs after every append above (Django keeps on_commit order).
    transaction.on_commit(lambda: pending and tasks.email_many.delay(pending))


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


# What the customer is told of a status change, by action. Not: new -> open and resume (internal
# steps), customer_replied (their own mail did it), merge (services/merge.py moves directly), and
# resolve, which has its own mail with the rating link. Nothing is sent for a step the customer took
# themselves (portal reopen/close/withdraw): the page already showed them the result.
STATUS_MAIL_FOR_ACTION = {"wait_customer": "pending_customer", "hold": "on_hold", "reopen": "reopened",
                          "close": "closed"}


def status_changed(ticket, *, action, old, new, actor_kind):
    """Called by ticket_transition after the change; the mail leaves after commit."""
    from tickets import states, tasks

    if new == states.RESOLVED:
        ticket_resolved(ticket)
        return
    kind = STATUS_MAIL_FOR_ACTION.get(action)
    if kind and actor_kind != states.CUSTOMER:
        _later(tasks.email_status_change, ticket.pk, kind, new)


def eta_changed(ticket, *, old, new):
    """An ETA set or moved is promised to the customer by mail; a cleared one is not announced."""
    from tickets import tasks

    if new is not None and new != old:
        _later(tasks.email_eta, ticket.pk, new.isoformat())


def sla_alert(ticket, kind, target, due, people, level=None):
    """SLA warning, breach or escalation: in-app for everyone concerned, and an email each."""
    from tickets import tasks

    for row in in_app(people, ticket, kind, target=target, due=due.isoformat(), level=level):
        _later(tasks.email_staff_update, ticket.pk, row.user_id, kind)
