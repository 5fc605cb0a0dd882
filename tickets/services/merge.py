"""Duplicates and related tickets."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import states
from tickets.models import Message, TicketLink
from tickets.services.base import check_version, lock_ticket, move, record, require_can_work, save
from tickets.services.errors import TicketError


@transaction.atomic
def ticket_merge(source, *, actor, target, expected_version=None, now=None):
    """Close `source` as a duplicate of `target`: its conversation moves over, its requester follows."""
    now = now or timezone.now()
    if source.pk == target.pk:
        raise TicketError(_("A ticket cannot be merged into itself."))
    # Lock in id order so two opposite merges cannot deadlock.
    first, second = sorted([source.pk, target.pk])
    locked = {first: lock_ticket(first), second: lock_ticket(second)}
    source, target = locked[source.pk], locked[target.pk]
    require_can_work(actor, source)
    require_can_work(actor, target)
    check_version(source, expected_version)
    if source.organization_id != target.organization_id:
        raise TicketError(_("Only tickets of the same organisation can be merged."))
    if target.status == states.CLOSED:
        raise TicketError(_("Cannot merge into a closed ticket."))
    moved = Message.objects.filter(ticket=source).update(ticket=target)
    if source.requester_id != target.requester_id:
        target.followers.add(source.requester_id)
    target.followers.add(*source.followers.values_list("pk", flat=True))
    move(source, "merge", states.AGENT, now=now)
    source.merged_into = target
    TicketLink.objects.get_or_create(source=source, target=target, defaults={"kind": TicketLink.Kind.DUPLICATE})
    record(source, "merged", actor=actor, into=target.number, messages=moved)
    record(target, "merged_from", actor=actor, source=source.number, messages=moved)
    save(source, "status", "closed_at", "merged_into", now=now)
    save(target, now=now)
    return target


@transaction.atomic
def ticket_link(ticket, *, actor, other, kind=TicketLink.Kind.RELATED):
    if ticket.pk == other.pk:
        raise TicketError(_("A ticket cannot be linked to itself."))
    ticket = lock_ticket(ticket)
    require_can_work(actor, ticket)
    if other.organization_id != ticket.organization_id and kind != TicketLink.Kind.RELATED:
        raise TicketError(_("Only tickets of the same organisation can be linked this way."))
    link, created = TicketLink.objects.get_or_create(source=ticket, target=other, defaults={"kind": kind})
    if created:
        record(ticket, "linked", actor=actor, other=other.number, relation=kind)
        save(ticket)
    return link
