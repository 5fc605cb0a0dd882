"""SLA deadlines on the ticket: which terms apply, when each target is due, when the escalation
scan must look at the ticket next, and the achieved figures once they happen.

The arithmetic is tickets/sla.py (pure); this module only gathers the terms and the ticket's
pauses and writes the results into the ticket's indexed columns (the caller saves).
"""
import time as _time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from customers.models import BusinessCalendar, Contract, Holiday, SlaEscalation, SlaPolicy, SlaTarget
from tickets import sla, states
from tickets.models import SlaPause

KINDS = ("first_response", "next_response", "resolution")
SLA_FIELDS = ("first_response_due_at", "next_response_due_at", "resolution_due_at", "next_due_at", "sla_next_check_at",
              "sla_paused_since", "sla_flags", "sla_policy", "first_response_minutes", "first_response_breached",
              "resolution_minutes", "resolution_breached")


@dataclass(frozen=True)
class Escalation:
    level: int
    after: timedelta
    raise_priority: bool
    reassign_to_lead: bool
    notify_manager: bool


@dataclass(frozen=True)
class Terms:
    policy_id: int
    calendar: sla.Calendar
    targets: dict  # priority -> {kind: timedelta | None}
    warn_fraction: float | None
    warn_before: timedelta | None
    pause_states: frozenset
    escalations: tuple


# Terms change rarely and are read on every ticket write: keep them per process for a minute,
# and drop them at once in the process that saved a change (signals below).
_CACHE: dict = {}
_TTL = 60.0


def _load_terms(policy_id) -> Terms | None:
    policy = SlaPolicy.objects.select_related("calendar").filter(pk=policy_id).first()
    if policy is None:
        return None
    calendar = policy.calendar.to_calendar(list(Holiday.objects.filter(calendar_id=policy.calendar_id)))
    targets = {t.priority: {k: t.minutes(k) for k in KINDS} for t in SlaTarget.objects.filter(policy=policy)}
    escalations = tuple(
        Escalation(e.level, timedelta(minutes=e.minutes_after_breach), e.raise_priority, e.reassign_to_lead, e.notify_manager)
        for e in SlaEscalation.objects.filter(policy=policy).order_by("level")
    )
    warn_before = timedelta(minutes=policy.warn_minutes_before) if policy.warn_minutes_before else None
    warn_fraction = None if warn_before else (policy.warn_at_percent / 100 if policy.warn_at_percent else None)
    return Terms(policy.pk, calendar, targets, warn_fraction, warn_before,
                 frozenset(policy.pause_states or states.PAUSED_STATES), escalations)


def terms_for(policy_id) -> Terms | None:
    if policy_id is None:
        return None
    hit = _CACHE.get(policy_id)
    if hit and hit[0] > _time.monotonic():
        return hit[1]
    terms = _load_terms(policy_id)
    _CACHE[policy_id] = (_time.monotonic() + _TTL, terms)
    return terms


def default_policy_id():
    hit = _CACHE.get("default")
    if hit and hit[0] > _time.monotonic():
        return hit[1]
    pk = SlaPolicy.objects.filter(is_default=True).values_list("pk", flat=True).first()
    _CACHE["default"] = (_time.monotonic() + _TTL, pk)
    return pk


@receiver([post_save, post_delete], sender=SlaPolicy)
@receiver([post_save, post_delete], sender=SlaTarget)
@receiver([post_save, post_delete], sender=SlaEscalation)
@receiver([post_save, post_delete], sender=BusinessCalendar)
@receiver([post_save, post_delete], sender=Holiday)
def _terms_changed(sender, instance, **kwargs):
    """Drop cached terms here, and recompute the open tickets under the changed terms after commit."""
    _CACHE.clear()
    from django.db import transaction

    from tickets import tasks

    if sender is SlaPolicy:
        policies = [instance.pk]
    elif sender in (SlaTarget, SlaEscalation):
        policies = [instance.policy_id]
    else:
        calendar_id = instance.pk if sender is BusinessCalendar else instance.calendar_id
        policies = list(SlaPolicy.objects.filter(calendar_id=calendar_id).values_list("pk", flat=True))
    for pk in policies:
        transaction.on_commit(lambda pk=pk: tasks.sla_recompute_policy.delay(pk))


@receiver(post_save, sender=Contract)
def _contract_changed(sender, instance, **kwargs):
    from django.db import transaction

    from tickets import tasks

    transaction.on_commit(lambda: tasks.sla_recompute_organization.delay(instance.organization_id))


def policy_for(ticket):
    contract = ticket.contract if ticket.contract_id else None
    if contract is not None and contract.sla_policy_id:
        return contract.sla_policy_id
    return default_policy_id()


def _stamp(due: datetime) -> str:
    return due.strftime("%Y%m%d%H%M")


def _anchor(ticket, kind):
    return ticket.last_customer_message_at if kind == "next_response" else ticket.created_at


def steps(ticket, terms: Terms, kind: str, due: datetime, pauses):
    """The escalation ladder of one deadline: (flag, when, what) in time order.

    Flags carry the deadline's own time, so when a deadline moves (priority raised, customer
    wrote again) its ladder starts afresh instead of being silenced by the old one.
    """
    stamp = _stamp(due)
    target = terms.targets.get(ticket.priority, {}).get(kind)
    out = []
    if target and (terms.warn_fraction or terms.warn_before):
        lead = terms.warn_before or target * (1 - terms.warn_fraction)
        warn_at = sla.add_business_time(_anchor(ticket, kind), max(timedelta(0), target - lead), terms.calendar, pauses)
        if warn_at is not None and warn_at < due:
            out.append((f"{kind}:warn:{stamp}", warn_at, "warning"))
    out.append((f"{kind}:breach:{stamp}", due, "breach"))
    for esc in terms.escalations:
        when = sla.add_business_time(due, esc.after, terms.calendar, pauses) if esc.after else due
        if when is not None:
            out.append((f"{kind}:esc{esc.level}:{stamp}", when, esc))
    return out


def pending_deadlines(ticket):
    """(kind, due) for each target still owed, or [] while the clock is paused or the ticket is done."""
    if ticket.status not in states.OPEN_STATES or ticket.sla_paused_since is not None:
        return []
    out = []
    if ticket.first_response_at is None and ticket.first_response_due_at:
        out.append(("first_response", ticket.first_response_due_at))
    if ticket.next_response_due_at:
        out.append(("next_response", ticket.next_response_due_at))
    if ticket.resolution_due_at:
        out.append(("resolution", ticket.resolution_due_at))
    return out


def ticket_pauses(ticket):
    pauses = [] if ticket.pk is None else [(p.started_at, p.ended_at) for p in SlaPause.objects.filter(ticket_id=ticket.pk)]
    if ticket.sla_paused_since is not None:
        pauses.append((ticket.sla_paused_since, None))
    return pauses


def sla_refresh(ticket, now):
    """Recompute every SLA column of `ticket` in memory. Call on every change that matters."""
    if ticket.sla_policy_id is None:
        ticket.sla_policy_id = policy_for(ticket)
    terms = terms_for(ticket.sla_policy_id)
    if terms is None:
        for name in ("first_response_due_at", "next_response_due_at", "resolution_due_at", "next_due_at", "sla_next_check_at"):
            setattr(ticket, name, None)
        return
    _track_pause(ticket, terms, now)
    pauses = ticket_pauses(ticket)
    created = ticket.created_at or now
    target = terms.targets.get(ticket.priority, {})
    cal = terms.calendar
    if ticket.sla_paused_since is None:  # while paused the deadlines stand still as they were
        ticket.first_response_due_at = sla.add_business_time(created, target["first_response"], cal, pauses) if target.get("first_response") else None
        ticket.resolution_due_at = sla.add_business_time(created, target["resolution"], cal, pauses) if target.get("resolution") else None
        awaiting_us = (ticket.first_response_at is not None and ticket.last_customer_message_at is not None
                       and (ticket.last_agent_message_at is None or ticket.last_customer_message_at > ticket.last_agent_message_at))
        ticket.next_response_due_at = (
            sla.add_business_time(ticket.last_customer_message_at, target["next_response"], cal, pauses)
            if awaiting_us and target.get("next_response") else None)
    _achieved(ticket, cal, pauses)
    pending = pending_deadlines(ticket)
    ticket.next_due_at = min((due for _, due in pending), default=None)
    live = set()
    next_check = None
    for kind, due in pending:
        for flag, when, _what in steps(ticket, terms, kind, due, pauses):
            live.add(flag)
            if flag not in ticket.sla_flags and when is not None:
                next_check = when if next_check is None else min(next_check, when)
                break
    # Flags for deadlines that moved are dropped, so the list stays small.
    ticket.sla_flags = [f for f in ticket.sla_flags if f in live]
    ticket.sla_next_check_at = next_check


def _track_pause(ticket, terms, now):
    paused = ticket.status in terms.pause_states and ticket.status in states.OPEN_STATES
    if paused and ticket.sla_paused_since is None:
        ticket.sla_paused_since = now
    elif not paused and ticket.sla_paused_since is not None:
        if ticket.pk is not None and now > ticket.sla_paused_since:
            SlaPause.objects.create(ticket_id=ticket.pk, started_at=ticket.sla_paused_since, ended_at=now,
                                    status=states.PENDING_CUSTOMER)
        ticket.sla_paused_since = None


def _achieved(ticket, cal, pauses):
    """Store first-response and resolution figures once, when they happen."""
    if ticket.first_response_at and ticket.first_response_minutes is None and ticket.created_at:
        used = sla.business_time_between(ticket.created_at, ticket.first_response_at, cal, pauses)
        ticket.first_response_minutes = int(used.total_seconds() // 60)
        due = ticket.first_response_due_at
        ticket.first_response_breached = bool(due and ticket.first_response_at > due)
    if ticket.status in (states.RESOLVED, states.CLOSED) and ticket.resolved_at:
        if ticket.resolution_minutes is None and ticket.created_at:
            used = sla.business_time_between(ticket.created_at, ticket.resolved_at, cal, pauses)
            ticket.resolution_minutes = int(used.total_seconds() // 60)
            due = ticket.resolution_due_at
            ticket.resolution_breached = bool(due and ticket.resolved_at > due)
    elif ticket.status in states.OPEN_STATES:
        ticket.resolution_minutes = None  # reopened: the resolution figure is measured again
        ticket.resolution_breached = None


def paused_total(ticket, now) -> timedelta:
    total = sum(((p.ended_at - p.started_at) for p in SlaPause.objects.filter(ticket_id=ticket.pk)), timedelta(0))
    if ticket.sla_paused_since:
        total += now - ticket.sla_paused_since
    return total
