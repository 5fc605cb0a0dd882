"""Referral: ask another unit (development, sales, customer affairs); the agent keeps the ticket,
follows up when the answer is late, and reports the result to the customer."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import states
from tickets.models import Referral, Unit
from tickets.services.base import check_version, lock_ticket, move, record, require_can_work, save
from tickets.services.errors import TicketError


@transaction.atomic
def ticket_refer(ticket, *, actor, unit, question, due_at=None, hold=True, expected_version=None, now=None):
    now = now or timezone.now()
    if unit not in Unit.values:
        raise TicketError(_("Unknown unit: %(unit)s.") % {"unit": unit})
    question = (question or "").strip()
    if not question:
        raise TicketError(_("Write the question for the unit."))
    if due_at is not None and due_at <= now:
        raise TicketError(_("The answer due date must be in the future."))
    ticket = lock_ticket(ticket)
    require_can_work(actor, ticket)
    check_version(ticket, expected_version)
    if not ticket.is_open:
        raise TicketError(_("Only an open ticket can be referred."))
    referral = Referral.objects.create(ticket=ticket, unit=unit, question=question, due_at=due_at, created_by=actor)
    fields = []
    if hold and ticket.status in (states.NEW, states.OPEN):
        move(ticket, "hold", states.AGENT, now=now)
        fields.append("status")
    record(ticket, "referred", actor=actor, referral=referral.pk, unit=unit, due_at=due_at.isoformat() if due_at else None)
    save(ticket, *fields, now=now)
    return referral


@transaction.atomic
def referral_answer(referral, *, actor, answer, answered_by="", resume=True, now=None):
    """Record the unit's answer on the ticket; the agent then reports the result to the customer."""
    now = now or timezone.now()
    answer = (answer or "").strip()
    if not answer:
        raise TicketError(_("Write the unit's answer."))
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    ticket = lock_ticket(referral.ticket_id)
    require_can_work(actor, ticket)
    if referral.state != Referral.State.OPEN:
        raise TicketError(_("This referral is already %(state)s.") % {"state": referral.get_state_display()})
    referral.state = Referral.State.ANSWERED
    referral.answer = answer
    referral.answered_by = (answered_by or actor.display_name)[:200]
    referral.answered_at = now
    referral.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    fields = []
    still_open = ticket.referrals.filter(state=Referral.State.OPEN).exists()
    if resume and not still_open and ticket.status == states.ON_HOLD:
        move(ticket, "resume", states.AGENT, now=now)
        fields.append("status")
    record(ticket, "referral_answered", actor=actor, referral=referral.pk, unit=referral.unit)
    save(ticket, *fields, now=now)
    if ticket.assignee_id and ticket.assignee_id != actor.pk:
        from tickets.services import notify

        notify.referral_answered(referral)
    return referral
