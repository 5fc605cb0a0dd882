"""The SLA escalation scan: beat calls sla_scan(now) every minute.

It reads only rows whose sla_next_check_at has come (an index on that column), so its cost follows
the number of tickets due, not the number open. Each ticket is claimed with
SELECT ... FOR UPDATE SKIP LOCKED and re-checked, so two workers never act on the same ticket; the
flags written in the same transaction as the events make a restarted worker skip what was done.
"""
import logging

from django.db import transaction
from django.utils import timezone

from customers.models import Role, User
from tickets.models import PRIORITY_RANK, Priority, Ticket
from tickets.services import notify
from tickets.services.base import record, save
from tickets.services.deadlines import pending_deadlines, steps, terms_for, ticket_pauses

log = logging.getLogger(__name__)
RAISED = {v: k for k, v in PRIORITY_RANK.items()}


def sla_scan(now=None, batch=500) -> int:
    """Emit every warning, breach and escalation that has come due. Returns how many were emitted."""
    now = now or timezone.now()
    due_ids = list(Ticket.objects.filter(sla_next_check_at__lte=now).order_by("sla_next_check_at")
                   .values_list("pk", flat=True)[:batch])
    emitted = 0
    for pk in due_ids:
        with transaction.atomic():
            ticket = (Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                      .filter(pk=pk, sla_next_check_at__lte=now).first())
            if ticket is None:
                continue  # another worker has it, or it was answered meanwhile
            emitted += _process(ticket, now)
    return emitted


def _process(ticket, now) -> int:
    terms = terms_for(ticket.sla_policy_id)
    if terms is None:
        save(ticket, now=now)
        return 0
    pauses = ticket_pauses(ticket)
    count = 0
    changed = set()
    for kind, due in pending_deadlines(ticket):
        for flag, when, what in steps(ticket, terms, kind, due, pauses):
            if flag in ticket.sla_flags or when is None or when > now:
                continue
            ticket.sla_flags = [*ticket.sla_flags, flag]
            count += 1
            if what == "warning":
                record(ticket, "sla_warning", target=kind, due=due.isoformat())
                notify.sla_alert(ticket, "sla_warning", kind, due, _first_line(ticket) or _lead(ticket))
            elif what == "breach":
                record(ticket, "sla_breached", target=kind, due=due.isoformat())
                notify.sla_alert(ticket, "sla_breached", kind, due, _first_line(ticket) + _lead(ticket))
            else:
                changed |= _escalate(ticket, what, kind, due)
    save(ticket, *changed, now=now)
    return count


def _escalate(ticket, esc, kind, due):
    changed, actions = set(), []
    if esc.raise_priority and ticket.priority != Priority.URGENT:
        ticket.priority = RAISED[PRIORITY_RANK[ticket.priority] + 1]
        changed.add("priority")
        actions.append("raise_priority")
    if esc.reassign_to_lead and ticket.team_id and ticket.team.lead_id and ticket.assignee_id != ticket.team.lead_id:
        ticket.assignee_id = ticket.team.lead_id
        changed.add("assignee")
        actions.append("reassign_to_lead")
    record(ticket, "sla_escalated", target=kind, due=due.isoformat(), level=esc.level, actions=actions,
           priority=ticket.priority)
    people = _first_line(ticket) + _lead(ticket)
    if esc.notify_manager:
        people += list(User.objects.filter(role=Role.MANAGER, is_active=True))
    notify.sla_alert(ticket, "sla_escalated", kind, due, people, level=esc.level)
    return changed


def _first_line(ticket):
    return [ticket.assignee] if ticket.assignee_id else []


def _lead(ticket):
    if ticket.team_id and ticket.team.lead_id and ticket.team.lead_id != ticket.assignee_id:
        return [ticket.team.lead]
    return []
