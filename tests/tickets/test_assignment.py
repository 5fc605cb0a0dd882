"""Automatic assignment inside a team: round-robin or least-loaded among available agents."""
import pytest

from customers.models import Role
from tests.conftest import make_user
from tickets import services
from tickets.models import Team


@pytest.fixture
def team_of_three(db):
    team = Team.objects.create(name="Tier 1")
    agents = [make_user(f"agent{i}", Role.AGENT) for i in range(3)]
    team.members.add(*agents)
    return team, agents


def open_ticket(customer, team, subject="s"):
    return services.ticket_create(actor=customer, requester=customer.contact, subject=subject, body="b", team=team)


def test_round_robin_deals_tickets_in_turn_and_wraps(team_of_three, customer_reza):
    team, agents = team_of_three
    team.auto_assign = Team.AutoAssign.ROUND_ROBIN
    team.save()
    got = [open_ticket(customer_reza, team).assignee for _ in range(4)]
    got = [t for t in got]
    assert [u.username for u in got] == ["agent0", "agent1", "agent2", "agent0"]


def test_round_robin_skips_unavailable_agents(team_of_three, customer_reza):
    team, agents = team_of_three
    team.auto_assign = Team.AutoAssign.ROUND_ROBIN
    team.save()
    agents[1].is_available = False
    agents[1].save()
    got = [open_ticket(customer_reza, team).assignee.username for _ in range(3)]
    assert got == ["agent0", "agent2", "agent0"]


def test_least_loaded_picks_the_agent_with_fewest_open_tickets(team_of_three, customer_reza, manager_maryam):
    team, agents = team_of_three
    for agent, load in zip(agents, (2, 0, 1)):
        for _ in range(load):
            services.ticket_assign(open_ticket(customer_reza, team), actor=manager_maryam, assignee=agent)
    team.auto_assign = Team.AutoAssign.LEAST_LOADED
    team.save()
    assert open_ticket(customer_reza, team).assignee == agents[1]


def test_resolved_tickets_do_not_count_as_load(team_of_three, customer_reza, manager_maryam):
    team, agents = team_of_three
    for _ in range(3):
        t = open_ticket(customer_reza, team)
        services.ticket_assign(t, actor=manager_maryam, assignee=agents[0])
        services.ticket_transition(t, actor=manager_maryam, action="resolve")
    services.ticket_assign(open_ticket(customer_reza, team), actor=manager_maryam, assignee=agents[1])
    services.ticket_assign(open_ticket(customer_reza, team), actor=manager_maryam, assignee=agents[2])
    team.auto_assign = Team.AutoAssign.LEAST_LOADED
    team.save()
    assert open_ticket(customer_reza, team).assignee == agents[0]


def test_no_available_agent_leaves_the_ticket_unassigned_and_says_why(team_of_three, customer_reza):
    team, agents = team_of_three
    team.auto_assign = Team.AutoAssign.ROUND_ROBIN
    team.save()
    for a in agents:
        a.is_available = False
        a.save()
    ticket = open_ticket(customer_reza, team)
    assert ticket.assignee is None
    assert ticket.events.filter(kind="auto_assign_skipped").exists()


def test_auto_assign_off_leaves_tickets_for_the_team_to_take(team_of_three, customer_reza):
    team, _ = team_of_three
    assert open_ticket(customer_reza, team).assignee is None
