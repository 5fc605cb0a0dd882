"""The SLA panel of the ticket page: each target, its deadline, time used, paused time and why."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets import sla, states
from tickets.services.deadlines import terms_for, ticket_pauses

LABELS = {"first_response": _("First response"), "next_response": _("Next response"), "resolution": _("Resolution")}


@dataclass
class TargetRow:
    kind: str
    label: str
    target_minutes: int | None
    due: datetime | None
    used_minutes: int | None
    state: str  # pending, paused, met, breached, none


def sla_panel(ticket, now=None):
    """Rows for the panel plus the paused total; two small queries (terms are cached)."""
    now = now or timezone.now()
    terms = terms_for(ticket.sla_policy_id)
    if terms is None:
        return {"policy": None, "rows": [], "paused": timedelta(0)}
    pauses = ticket_pauses(ticket)
    target = terms.targets.get(ticket.priority, {})
    paused = ticket.sla_paused_since is not None
    rows = []

    def used(start, end):
        return int(sla.business_time_between(start, end, terms.calendar, pauses).total_seconds() // 60)

    def minutes(kind):
        t = target.get(kind)
        return int(t.total_seconds() // 60) if t else None

    # First response
    if ticket.first_response_at:
        rows.append(TargetRow("first_response", LABELS["first_response"], minutes("first_response"), ticket.first_response_due_at,
                              ticket.first_response_minutes, "breached" if ticket.first_response_breached else "met"))
    elif ticket.first_response_due_at:
        state = "paused" if paused else ("breached" if ticket.first_response_due_at < now else "pending")
        rows.append(TargetRow("first_response", LABELS["first_response"], minutes("first_response"),
                              ticket.first_response_due_at, used(ticket.created_at, now), state))
    if ticket.next_response_due_at:
        state = "paused" if paused else ("breached" if ticket.next_response_due_at < now else "pending")
        rows.append(TargetRow("next_response", LABELS["next_response"], minutes("next_response"), ticket.next_response_due_at,
                              used(ticket.last_customer_message_at, now), state))
    if ticket.resolution_minutes is not None:
        rows.append(TargetRow("resolution", LABELS["resolution"], minutes("resolution"), ticket.resolution_due_at,
                              ticket.resolution_minutes, "breached" if ticket.resolution_breached else "met"))
    elif ticket.resolution_due_at and ticket.status in states.OPEN_STATES:
        state = "paused" if paused else ("breached" if ticket.resolution_due_at < now else "pending")
        rows.append(TargetRow("resolution", LABELS["resolution"], minutes("resolution"), ticket.resolution_due_at,
                              used(ticket.created_at, now), state))
    paused_total = sum(((min(end or now, now) - start) for start, end in pauses), timedelta(0))
    return {"policy": ticket.sla_policy, "rows": rows, "paused": paused_total, "paused_since": ticket.sla_paused_since,
            "calendar": terms.calendar.tz}
