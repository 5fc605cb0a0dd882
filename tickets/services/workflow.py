"""State changes, classification and the ETA promised to the customer."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import roles
from tickets import states
from tickets.models import Priority, TicketType
from tickets.services.base import check_version, lock_ticket, move, record, require_can_work, save
from tickets.services.errors import TicketError


@transaction.atomic
def ticket_transition(ticket, *, actor, action, expected_version=None, now=None):
    """Move the ticket through the status machine (states.py decides what is allowed)."""
    now = now or timezone.now()
    ticket = lock_ticket(ticket)
    kind = roles.actor_kind(actor)
    if kind == states.AGENT:
        require_can_work(actor, ticket)
        actor_contact = None
    elif kind == states.CUSTOMER:
        actor_contact = roles.customer_contact(actor)
        if actor_contact.organization_id != ticket.organization_id:
            raise TicketError(_("This ticket belongs to another organisation."))
    else:
        actor_contact = None
    check_version(ticket, expected_version)
    old, new = move(ticket, action, kind, now=now)
    record(ticket, "status_changed", actor=actor if kind == states.AGENT else None, actor_contact=actor_contact,
           action=action, old=old, new=new)
    save(ticket, "status", "resolved_at", "closed_at", now=now)
    from tickets.services import notify

    notify.status_changed(ticket, action=action, old=old, new=new, actor_kind=kind)
    return ticket


@transaction.atomic
def ticket_classify(ticket, *, actor, type=None, priority=None, product=None, tags=None, expected_version=None):
    """Set what kind of request this is; records only what actually changed."""
    ticket = lock_ticket(ticket)
    require_can_work(actor, ticket)
    check_version(ticket, expected_version)
    changes = {}
    if type is not None and type != ticket.type:
        if type not in TicketType.values:
            raise TicketError(_("Unknown ticket type: %(type)s.") % {"type": type})
        changes["type"] = [ticket.type, type]
        ticket.type = type
    if priority is not None and priority != ticket.priority:
        if priority not in Priority.values:
            raise TicketError(_("Unknown priority: %(priority)s.") % {"priority": priority})
        changes["priority"] = [ticket.priority, priority]
        ticket.priority = priority
    if product is not None and product.pk != ticket.product_id:
        changes["product"] = [ticket.product_id, product.pk]
        ticket.product = product
    if tags is not None:
        clean = sorted({t.strip().lower()[:50] for t in tags if t and t.strip()})
        if clean != sorted(ticket.tags):
            changes["tags"] = [sorted(ticket.tags), clean]
            ticket.tags = clean
    if not changes:
        return ticket
    record(ticket, "classified", actor=actor, changes=changes)
    save(ticket, "type", "priority", "product", "tags")
    return ticket


@transaction.atomic
def ticket_set_eta(ticket, *, actor, eta, expected_version=None, now=None):
    """Promise the customer when we expect to resolve it (they see it in the portal)."""
    now = now or timezone.now()
    ticket = lock_ticket(ticket)
    require_can_work(actor, ticket)
    check_version(ticket, expected_version)
    if eta is not None and eta < now:
        raise TicketError(_("The estimated resolution time must be in the future."))
    old = ticket.eta
    ticket.eta = eta
    record(ticket, "eta_set", actor=actor, old=old.isoformat() if old else None, new=eta.isoformat() if eta else None)
    save(ticket, "eta", now=now)
    from tickets.services import notify

    notify.eta_changed(ticket, old=old, new=eta)
    return ticket
