"""Dashboard figures, aggregated in SQL (one query each), never in a Python loop over tickets."""
from django.db.models import Count, Q
from django.utils import timezone

from tickets import states
from tickets.models import Ticket, TicketType

OPEN = sorted(states.OPEN_STATES)


def backlog_figures(now=None):
    now = now or timezone.now()
    totals = Ticket.objects.filter(status__in=OPEN).aggregate(
        open=Count("id"),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        breached=Count("id", filter=Q(next_due_at__lt=now)),
        waiting=Count("id", filter=Q(status=states.PENDING_CUSTOMER)),
        on_hold=Count("id", filter=Q(status=states.ON_HOLD)),
    )
    by_team = list(
        Ticket.objects.filter(status__in=OPEN).values("team__name").annotate(n=Count("id")).order_by("-n")[:20]
    )
    by_type = list(Ticket.objects.filter(status__in=OPEN).values("type").annotate(n=Count("id")).order_by("-n"))
    labels = dict(TicketType.choices)
    for row in by_type:
        row["type_label"] = labels.get(row["type"], row["type"])
    by_org = list(
        Ticket.objects.filter(status__in=OPEN).values("organization__name").annotate(n=Count("id")).order_by("-n")[:10]
    )
    return {"totals": totals, "by_team": by_team, "by_type": by_type, "by_org": by_org}
