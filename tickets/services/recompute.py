"""Bulk SLA recomputation when terms change (policy, targets, calendar, holidays, contract)."""
from django.db import transaction
from django.utils import timezone

from tickets import states
from tickets.models import Ticket
from tickets.services.base import lock_ticket, save


def sla_recompute_open(policy_id=None, organization_id=None, batch=500, now=None) -> int:
    """Recompute open tickets (under one policy, or one organisation) in batches of short transactions."""
    now = now or timezone.now()
    qs = Ticket.objects.filter(status__in=sorted(states.OPEN_STATES))
    if policy_id is not None:
        qs = qs.filter(sla_policy_id=policy_id)
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    done, last = 0, 0
    while True:
        ids = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        for pk in ids:
            with transaction.atomic():
                ticket = lock_ticket(pk)
                if organization_id is not None:
                    ticket.sla_policy_id = None  # the contract may name another policy now
                save(ticket, now=now)
                done += 1
        last = ids[-1]


def sla_recompute_tickets(ids, now=None) -> int:
    """Recompute the given tickets (inside the caller's transaction)."""
    now = now or timezone.now()
    for pk in ids:
        save(lock_ticket(pk), now=now)
    return len(ids)
