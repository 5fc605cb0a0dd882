"""Who works a ticket: manual assignment and automatic assignment inside a team.

Automatic assignment (round-robin or least-loaded among available members) is done under a lock
on the team row, so two tickets created at the same moment never race for the same cursor.
"""
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from customers import roles
from customers.models import User
from tickets import states
from tickets.models import Team
from tickets.services import notify
from tickets.services.base import check_version, lock_ticket, record, require_can_work, save
from tickets.services.errors import TicketError


@transaction.atomic
def ticket_assign(ticket, *, actor, assignee=None, team=None, expected_version=None, now=None):
    """Give the ticket to `assignee` (None: unassign), optionally moving it to `team`."""
    ticket = lock_ticket(ticket)
    require_can_work(actor, ticket)
    check_version(ticket, expected_version)
    changes = {}
    if team is not None and team.pk != ticket.team_id:
        # Handing a ticket to another team is allowed; that team then owns it.
        changes["team"] = [ticket.team_id, team.pk]
        ticket.team = team
    if assignee is not None:
        if not roles.is_staff_user(assignee):
            raise TicketError(_("Tickets can only be assigned to support staff."))
        if ticket.team_id is not None and not assignee.teams.filter(pk=ticket.team_id).exists():
            raise TicketError(_("%(user)s is not a member of team %(team)s.") % {"user": assignee.display_name, "team": ticket.team})
    if (assignee.pk if assignee else None) != ticket.assignee_id:
        changes["assignee"] = [ticket.assignee_id, assignee.pk if assignee else None]
        ticket.assignee = assignee
    if not changes:
        return ticket
    record(ticket, "assigned", actor=actor, changes=changes)
    save(ticket, "assignee", "team")
    if assignee is not None and assignee != actor:
        notify.assigned(ticket, assignee)
    return ticket


def _candidates(team):
    return (
        User.objects.filter(teams=team, is_active=True, is_available=True, role__in=sorted(roles.STAFF_ROLES))
        .order_by("pk")
    )


@transaction.atomic
def ticket_auto_assign(ticket, *, now=None):
    """Pick an available member of the ticket's team, by the team's rule. Returns the assignee or None."""
    ticket = lock_ticket(ticket)
    if ticket.team_id is None or ticket.assignee_id is not None:
        return ticket.assignee
    team = Team.objects.select_for_update().get(pk=ticket.team_id)
    if team.auto_assign == Team.AutoAssign.OFF:
        return None
    members = list(_candidates(team).values_list("pk", flat=True))
    if not members:
        record(ticket, "auto_assign_skipped", reason="no available member")
        save(ticket)
        return None
    if team.auto_assign == Team.AutoAssign.ROUND_ROBIN:
        after = [pk for pk in members if team.last_assigned_user_id is None or pk > team.last_assigned_user_id]
        chosen = (after or members)[0]
    else:
        load = dict(
            _candidates(team).annotate(
                n=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=sorted(states.OPEN_STATES)))
            ).values_list("pk", "n")
        )
        chosen = min(members, key=lambda pk: (load.get(pk, 0), pk))
    team.last_assigned_user_id = chosen
    team.save(update_fields=["last_assigned_user_id"])
    assignee = User.objects.get(pk=chosen)
    ticket.assignee = assignee
    record(ticket, "assigned", changes={"assignee": [None, chosen]}, rule=team.auto_assign)
    save(ticket, "assignee")
    notify.assigned(ticket, assignee)
    return assignee
