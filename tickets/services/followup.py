"""Follow-up of late referrals: the unit owes an answer; the ticket's agent is told once."""
from django.db import transaction
from django.utils import timezone

from tickets.models import Referral
from tickets.services.base import lock_ticket, record, save


def referrals_follow_up(now=None) -> int:
    """Mark each late referral once (claimed with a conditional update, so two workers never both act)."""
    now = now or timezone.now()
    done = 0
    late = Referral.objects.filter(state=Referral.State.OPEN, due_at__lte=now, overdue_at__isnull=True).values_list("pk", flat=True)[:500]
    for pk in list(late):
        with transaction.atomic():
            claimed = Referral.objects.filter(pk=pk, overdue_at__isnull=True).update(overdue_at=now)
            if not claimed:
                continue
            referral = Referral.objects.get(pk=pk)
            ticket = lock_ticket(referral.ticket_id)
            record(ticket, "referral_overdue", referral=pk, unit=referral.unit)
            save(ticket, now=now)
            done += 1
    return done
