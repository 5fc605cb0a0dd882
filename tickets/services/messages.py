"""Conversation: agent replies and notes, customer replies."""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import roles
from tickets import states
from tickets.models import Channel, Message, TicketLink
from tickets.services import notify
from tickets.services.attachments import attach_files
from tickets.services.base import check_version, lock_ticket, move, record, require_can_work, save
from tickets.services.errors import TicketError


def _clean(body, files):
    body = (body or "").strip()
    if not body and not files:
        raise TicketError(_("Write a message or attach a file."))
    return body


@transaction.atomic
def ticket_reply(ticket, *, actor, body, files=(), pending_customer=False, expected_version=None, now=None):
    """A public reply from an agent: the customer sees it and is emailed."""
    now = now or timezone.now()
    body = _clean(body, files)
    ticket = lock_ticket(ticket)
    require_can_work(actor, ticket)
    check_version(ticket, expected_version)
    if ticket.status == states.CLOSED:
        raise TicketError(_("This ticket is closed; open a new one instead."))
    message = Message.objects.create(ticket=ticket, kind=Message.Kind.PUBLIC, author_user=actor, body=body,
                                     channel=Channel.PORTAL, created_at=now)
    attach_files(message, files)
    fields = {"last_agent_message_at"}
    ticket.last_agent_message_at = now
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        fields.add("first_response_at")
    if ticket.status == states.NEW:
        move(ticket, "open", states.AGENT, now=now)
        fields.add("status")
    if pending_customer and ticket.status in (states.OPEN, states.ON_HOLD):
        move(ticket, "wait_customer", states.AGENT, now=now)
        fields.add("status")
    record(ticket, "replied", actor=actor, message=message.pk, status=ticket.status)
    save(ticket, *fields, now=now)
    notify.public_reply(message)
    return message


@transaction.atomic
def ticket_note(ticket, *, actor, body, files=(), expected_version=None):
    """An internal note: staff only, never shown to the customer, never emailed."""
    body = _clean(body, files)
    ticket = lock_ticket(ticket)
    require_can_work(actor, ticket)
    check_version(ticket, expected_version)
    message = Message.objects.create(ticket=ticket, kind=Message.Kind.INTERNAL, author_user=actor, body=body)
    attach_files(message, files)
    record(ticket, "noted", actor=actor, message=message.pk)
    save(ticket)
    return message


@transaction.atomic
def ticket_customer_reply(ticket, *, contact, body, files=(), channel=Channel.PORTAL, email_message_id=None, now=None):
    """The customer (or a CC'd contact) wrote on the ticket.

    Waiting on them ends; a resolved ticket reopens within the reopen window; after it, or on a
    closed ticket, a new ticket linked to the old one is opened instead (returned as its message).
    """
    from tickets.services.create import ticket_create

    now = now or timezone.now()
    body = _clean(body, files)
    ticket = lock_ticket(ticket)
    if contact.organization_id != ticket.organization_id:
        raise TicketError(_("This ticket belongs to another organisation."))
    window = timedelta(days=settings.REOPEN_WINDOW_DAYS)
    too_late = ticket.status == states.CLOSED or (
        ticket.status == states.RESOLVED and ticket.resolved_at and now - ticket.resolved_at > window)
    if too_late:
        new = ticket_create(actor=None, requester=contact, subject=ticket.subject, body=body, channel=channel,
                            type=ticket.type, priority=ticket.priority, product=ticket.product, team=ticket.team,
                            files=files, email_message_id=email_message_id, now=now)
        TicketLink.objects.create(source=new, target=ticket, kind=TicketLink.Kind.FOLLOW_UP)
        record(ticket, "follow_up_opened", actor_contact=contact, follow_up=new.number)
        save(ticket, now=now)
        return new.messages.get()
    message = Message.objects.create(ticket=ticket, kind=Message.Kind.PUBLIC, author_contact=contact, body=body,
                                     channel=channel, email_message_id=email_message_id, created_at=now)
    attach_files(message, files)
    ticket.last_customer_message_at = now
    fields = {"last_customer_message_at"}
    if ticket.status == states.PENDING_CUSTOMER:
        move(ticket, "customer_replied", states.CUSTOMER, now=now)
        fields.add("status")
    elif ticket.status == states.RESOLVED:
        move(ticket, "reopen", states.CUSTOMER, now=now)
        fields |= {"status", "resolved_at"}
        record(ticket, "reopened", actor_contact=contact)
    record(ticket, "customer_replied", actor_contact=contact, message=message.pk, status=ticket.status)
    save(ticket, *fields, now=now)
    notify.customer_reply(message)
    return message


def customer_may_reply(user, ticket):
    contact = roles.customer_contact(user)
    return contact is not None and contact.organization_id == ticket.organization_id
