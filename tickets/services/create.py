"""Opening a ticket, on any channel."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import roles
from customers.models import Contact, Contract
from tickets.models import Channel, Message, Priority, Ticket, TicketType
from tickets.services import assignment, notify
from tickets.services.attachments import attach_files
from tickets.services.base import record
from tickets.services.deadlines import sla_refresh
from tickets.services.errors import TicketError
from tickets.services.read_once import once


def _active_contract(contact: Contact, today):
    contracts = once(("contracts", contact.organization_id),
                     lambda: list(Contract.objects.filter(organization_id=contact.organization_id, is_active=True)
                                  .order_by("-starts_on")))
    return next((c for c in contracts if c.covers(today)), None)


@transaction.atomic
def ticket_create(*, actor, requester: Contact, subject: str, body: str, channel: str = Channel.PORTAL,
                  type: str = TicketType.QUESTION, priority: str = Priority.NORMAL, product=None, team=None,
                  tags=(), files=(), email_message_id=None, now=None) -> Ticket:
    """Create a ticket for `requester`.

    `actor` is the user who registers it: the customer themself (portal), an agent logging a
    phone call, chat or visit, or None for system intake (email, API key).
    """
    now = now or timezone.now()
    subject = (subject or "").strip()
    body = (body or "").strip()
    if not subject:
        raise TicketError(_("A ticket needs a subject."))
    if not body and not files:
        raise TicketError(_("Describe the request, or attach a file."))
    if channel not in Channel.values:
        raise TicketError(_("Unknown channel: %(channel)s.") % {"channel": channel})
    if type not in TicketType.values or priority not in Priority.values:
        raise TicketError(_("Unknown type or priority."))

    actor_contact = None
    if actor is not None:
        kind = roles.actor_kind(actor)
        if kind == "customer":
            actor_contact = roles.customer_contact(actor)
            if actor_contact.pk != requester.pk and not (
                actor_contact.is_org_admin and actor_contact.organization_id == requester.organization_id
            ):
                raise TicketError(_("You can only open tickets for yourself."))
            if channel != Channel.PORTAL:
                channel = Channel.PORTAL

    contract = _active_contract(requester, timezone.localdate(now))
    if actor_contact is not None and priority != Priority.NORMAL and not (contract and contract.customer_may_set_priority):
        priority = Priority.NORMAL  # the contract decides whether customers choose priority
    if product is not None and contract is not None and contract.products.exists() and not contract.products.filter(pk=product.pk).exists():
        raise TicketError(_("Product %(product)s is not covered by the contract.") % {"product": product})

    ticket = Ticket(
        subject=subject[:300], organization_id=requester.organization_id, requester=requester, contract=contract,
        product=product, team=team, channel=channel, type=type, priority=priority,
        tags=sorted({t.strip() for t in tags if t.strip()}), last_customer_message_at=now, created_at=now,
    )
    # Every SLA column is known before the INSERT (a new ticket has no pauses to read), so the row
    # is written once, at version 1, which the "created" event carries.
    sla_refresh(ticket, now)
    ticket.save()
    message = Message.objects.create(
        ticket=ticket, kind=Message.Kind.PUBLIC, author_contact=requester, body=body, channel=channel,
        email_message_id=email_message_id, created_at=now,
    )
    ticket.opening_message = message  # for callers that go on with it (email intake)
    attach_files(message, files)
    record(ticket, "created", actor=actor if actor_contact is None else None, actor_contact=actor_contact or None,
           bump=False, channel=channel, type=type, priority=priority, registered_by=getattr(actor, "pk", None))
    if team is not None and team.auto_assign != team.AutoAssign.OFF:
        assignment.ticket_auto_assign(ticket, now=now)
        ticket.refresh_from_db()
    notify.ticket_created(ticket)
    return ticket
