"""Shared steps of every ticket write: lock, permission, version check, event, save."""
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone
from django.utils.translation import gettext as _

from customers import roles
from tickets import states
from tickets.models import Ticket, TicketEvent
from tickets.services.errors import ConflictError, TicketError


_no_wait: ContextVar[bool] = ContextVar("lock_no_wait", default=False)


@contextmanager
def locks_without_waiting():
    """Inside, a ticket another transaction holds raises at once (psycopg LockNotAvailable, see
    is_lock_busy) instead of waiting. Email intake holds the tickets of a whole batch until it
    commits: it sets the one message aside for a moment rather than wait for another batch,
    and two batches never deadlock over the same two tickets."""
    token = _no_wait.set(True)
    try:
        yield
    finally:
        _no_wait.reset(token)


def is_lock_busy(exc: BaseException) -> bool:
    return getattr(getattr(exc, "__cause__", None), "pgcode", None) == "55P03"  # lock_not_available


def lock_ticket(ticket_or_id) -> Ticket:
    """Re-read the ticket under a row lock: two writers serialise here, the later sees the earlier."""
    ticket_id = getattr(ticket_or_id, "pk", ticket_or_id)
    return Ticket.objects.select_for_update(of=("self",), nowait=_no_wait.get()).get(pk=ticket_id)


def check_version(ticket: Ticket, expected_version):
    """Reject a write built from a stale page, telling the user what changed meanwhile."""
    if expected_version is None or int(expected_version) == ticket.version:
        return
    changes = list(
        TicketEvent.objects.filter(ticket=ticket, data__version__gt=int(expected_version))
        .select_related("actor").order_by("at", "id")[:20]
    )
    raise ConflictError(
        _("This ticket was changed by someone else while you were working on it. Review the changes and try again."),
        changes=changes,
    )


def require_can_work(user, ticket: Ticket):
    """Agents work the tickets of their own teams (or unteamed ones); managers work any."""
    roles.require_staff(user)
    if roles.is_manager(user) or ticket.team_id is None:
        return
    if not user.teams.filter(pk=ticket.team_id).exists():
        raise TicketError(_("You are not a member of this ticket's team (%(team)s).") % {"team": ticket.team})


def record(ticket: Ticket, kind: str, *, actor=None, actor_contact=None, bump=True, **data) -> TicketEvent:
    """Bump the version and write the event that explains the change (the timeline reads these).
    bump=False: the ticket row was just inserted with this version (nothing to bump it past)."""
    if bump:
        ticket.version = (ticket.version or 0) + 1
    data["version"] = ticket.version
    return TicketEvent.objects.create(ticket=ticket, kind=kind, actor=actor, actor_contact=actor_contact, data=data)


def move(ticket: Ticket, action: str, actor_kind: str, *, now=None):
    """Apply a status-machine action to the in-memory ticket; returns (old, new)."""
    now = now or timezone.now()
    old = ticket.status
    try:
        new = states.next_status(old, action, actor_kind)
    except states.TransitionError as exc:
        raise TicketError(_("This change is not allowed: %(reason)s.") % {"reason": exc}) from exc
    ticket.status = new
    if new == states.RESOLVED:
        ticket.resolved_at = now
    if new == states.CLOSED:
        ticket.closed_at = now
    if new in states.OPEN_STATES:
        ticket.resolved_at = None if old == states.RESOLVED else ticket.resolved_at
    return old, new


def save(ticket: Ticket, *fields, now=None):
    """Write the named fields plus everything every write maintains: version and SLA columns."""
    from tickets.services.deadlines import SLA_FIELDS, sla_refresh

    sla_refresh(ticket, now or timezone.now())
    ticket.save(update_fields=sorted({*fields, *SLA_FIELDS, "version", "updated_at"}))


__all__ = ["lock_ticket", "check_version", "require_can_work", "record", "move", "save"]
