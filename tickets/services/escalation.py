"""The SLA escalation scan: beat calls sla_scan(now) every minute.

It reads only rows whose sla_next_check_at has come (a partial index on that column), so its
cost follows the number of tickets due, not the number open. A batch is claimed with
SELECT ... FOR UPDATE SKIP LOCKED in one statement, so two workers never act on the same ticket;
the flags written in the same transaction as the events make a restarted worker skip what was
done. Events, notifications and ticket updates are written in bulk: a thousand due tickets cost
a handful of statements, not thousands.
"""
import logging
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from customers.models import Role, User
from tickets.models import PRIORITY_RANK, Priority, SlaPause, Ticket, TicketEvent
from tickets.services.deadlines import pending_deadlines, steps, terms_for

log = logging.getLogger(__name__)
RAISED = {v: k for k, v in PRIORITY_RANK.items()}
BATCH = 500


def sla_scan(now=None, batch=BATCH) -> int:
    """Emit every warning, breach and escalation that has come due. Returns how many were emitted."""
    now = now or timezone.now()
    emitted = 0
    while True:
        with transaction.atomic():
            tickets = list(
                Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("team", "assignee", "team__lead")
                .filter(sla_next_check_at__lte=now).order_by("sla_next_check_at")[:batch]
            )
            if not tickets:
                return emitted
            emitted += _process_batch(tickets, now)
        if len(tickets) < batch:
            return emitted


def _process_batch(tickets, now) -> int:
    pauses = defaultdict(list)
    for p in SlaPause.objects.filter(ticket_id__in=[t.pk for t in tickets]).values_list("ticket_id", "started_at", "ended_at"):
        pauses[p[0]].append((p[1], p[2]))
    managers = None
    events, notes, fields = [], {}, {"sla_flags", "sla_next_check_at", "version", "updated_at"}
    changed = []  # tickets whose priority or assignee an escalation moved
    count = 0
    for ticket in tickets:
        terms = terms_for(ticket.sla_policy_id)
        own_pauses = pauses[ticket.pk] + ([(ticket.sla_paused_since, None)] if ticket.sla_paused_since else [])
        next_check = None
        for kind, due in (pending_deadlines(ticket) if terms else []):
            for flag, when, what in steps(ticket, terms, kind, due, own_pauses):
                if flag in ticket.sla_flags or when is None:
                    continue
                if when > now:
                    next_check = when if next_check is None else min(next_check, when)
                    break
                ticket.sla_flags = [*ticket.sla_flags, flag]
                ticket.version += 1
                count += 1
                data = {"target": kind, "due": due.isoformat(), "version": ticket.version}
                if what == "warning":
                    events.append((ticket.pk, "sla_warning", data))
                    people = _first_line(ticket) or _lead(ticket)
                elif what == "breach":
                    events.append((ticket.pk, "sla_breached", data))
                    people = _first_line(ticket) + _lead(ticket)
                else:
                    if what.notify_manager and managers is None:
                        managers = list(User.objects.filter(role=Role.MANAGER, is_active=True))
                    people, moved = _escalate(ticket, what, data, events, fields)
                    people += managers if what.notify_manager else []
                    if moved:
                        changed.append(ticket.pk)
                # One notice per person and ticket per scan: the latest step (breach over warning)
                # says all the earlier ones did.
                for user in people:
                    notes[(user.pk, ticket.pk)] = (user.pk, ticket.pk, events[-1][1], {"target": kind, "due": due.isoformat()})
        ticket.sla_next_check_at = next_check
        ticket.updated_at = now
    event_ids = _insert(events, "tickets_ticketevent", ("ticket_id", "kind", "data", "at"), now)
    _forward_to_webhooks(events, event_ids, now, {t.pk: t for t in tickets})
    note_ids = _insert(list(notes.values()), "tickets_notification", ("user_id", "ticket_id", "kind", "data", "created_at"), now)
    _update_tickets(tickets, fields)
    if changed:
        # a raised priority moves every deadline: recompute those tickets the ordinary way
        from tickets.services.recompute import sla_recompute_tickets

        sla_recompute_tickets(changed, now=now)
    if note_ids:
        from tickets import tasks

        transaction.on_commit(lambda: tasks.email_notifications.delay(note_ids))
    return count


def _insert(rows, table, columns, now):
    """Multi-row INSERT ... RETURNING id from plain tuples (the last column is the timestamp):
    building thousands of model instances for bulk_create is most of its cost."""
    from psycopg2.extras import Json, execute_values

    from django.db import connection

    if not rows:
        return []
    values = [(*row[:-1], Json(row[-1]), now) for row in rows]  # the last tuple item is the JSON data
    with connection.cursor() as cur:
        return [r[0] for r in execute_values(cur.cursor, f"INSERT INTO {table} ({', '.join(columns)}) VALUES %s RETURNING id",
                                             values, page_size=len(values), fetch=True)]


def _forward_to_webhooks(events, ids, now, tickets):
    """A raw insert sends no post_save: hand the events to the webhook layer ourselves, and only
    build model objects when somebody subscribes."""
    from tickets.models import Webhook
    from tickets.webhooks import ticket_events_to_webhooks

    if events and Webhook.objects.filter(is_active=True).exists():
        ticket_events_to_webhooks([TicketEvent(pk=pk, ticket=tickets[t], kind=k, data=d, at=now)
                                   for pk, (t, k, d) in zip(ids, events)])


def _update_tickets(tickets, fields):
    """One UPDATE ... FROM (VALUES ...) for the batch: Django's bulk_update builds a CASE per
    field and row, which costs more than the whole scan."""
    from psycopg2.extras import execute_values

    from django.db import connection

    cols = [f for f in ("sla_flags", "sla_next_check_at", "version", "updated_at", "priority", "assignee") if f in fields]
    db_cols = ["assignee_id" if c == "assignee" else c for c in cols]
    types = {"sla_flags": "varchar[]", "sla_next_check_at": "timestamptz", "version": "integer",
             "updated_at": "timestamptz", "priority": "varchar", "assignee_id": "bigint"}
    rows = [(t.pk, *[getattr(t, "assignee_id" if c == "assignee" else c) for c in cols]) for t in tickets]
    sets = ", ".join(f'"{c}" = v."{c}"::{types[c]}' for c in db_cols)
    names = ", ".join(f'"{c}"' for c in ["id", *db_cols])
    with connection.cursor() as cur:
        execute_values(cur.cursor, f'UPDATE tickets_ticket AS t SET {sets} FROM (VALUES %s) AS v({names}) WHERE t.id = v.id',
                       rows, page_size=1000)


def _escalate(ticket, esc, data, events, fields):
    actions = []
    if esc.raise_priority and ticket.priority != Priority.URGENT:
        ticket.priority = RAISED[PRIORITY_RANK[ticket.priority] + 1]
        fields.add("priority")
        actions.append("raise_priority")
    if esc.reassign_to_lead and ticket.team_id and ticket.team.lead_id and ticket.assignee_id != ticket.team.lead_id:
        ticket.assignee = ticket.team.lead
        fields.add("assignee")
        actions.append("reassign_to_lead")
    events.append((ticket.pk, "sla_escalated", {**data, "level": esc.level, "actions": actions, "priority": ticket.priority}))
    return _first_line(ticket) + _lead(ticket), bool(actions)


def _first_line(ticket):
    return [ticket.assignee] if ticket.assignee_id else []


def _lead(ticket):
    if ticket.team_id and ticket.team.lead_id and ticket.team.lead_id != ticket.assignee_id:
        return [ticket.team.lead]
    return []
