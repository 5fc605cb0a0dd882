"""Pages run a fixed number of queries whatever the number of rows (no N+1)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import services


def make_tickets(customer, agent, team, n):
    made = []
    for i in range(n):
        t = services.ticket_create(actor=customer, requester=customer.contact, subject=f"Ticket {i}", body="b", team=team)
        services.ticket_assign(t, actor=agent, assignee=agent)
        services.ticket_reply(t, actor=agent, body="r")
        made.append(t)
    return made


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("queue", ["mine", "open", "team_unassigned", "recent"])
def test_queue_page_queries_do_not_grow_with_tickets(client, agent_ali, customer_reza, support_team, queue):
    client.force_login(agent_ali)
    make_tickets(customer_reza, agent_ali, support_team, 2)
    few = count(client, f"/agent/?queue={queue}")
    make_tickets(customer_reza, agent_ali, support_team, 12)
    many = count(client, f"/agent/?queue={queue}")
    # the page may need one more query to fill up with undated tickets; it never grows with rows
    assert many <= few + 1
    assert many <= 14


def test_ticket_page_queries_do_not_grow_with_messages(client, agent_ali, ticket_a, customer_reza):
    client.force_login(agent_ali)
    services.ticket_reply(ticket_a, actor=agent_ali, body="first")
    few = count(client, f"/agent/tickets/{ticket_a.number}/")
    for i in range(15):
        services.ticket_customer_reply(ticket_a, contact=customer_reza.contact, body=f"c{i}")
        services.ticket_note(ticket_a, actor=agent_ali, body=f"n{i}")
    services.ticket_refer(ticket_a, actor=agent_ali, unit="sales", question="q")
    services.ticket_refer(ticket_a, actor=agent_ali, unit="development", question="q2", hold=False)
    many = count(client, f"/agent/tickets/{ticket_a.number}/")
    assert many <= few, (few, many)  # the second view may even reuse cached organisation figures
    assert many <= 20


def test_portal_pages_queries_do_not_grow(client, customer_reza, agent_ali, support_team):
    client.force_login(customer_reza)
    tickets = make_tickets(customer_reza, agent_ali, support_team, 2)
    few_list = count(client, "/portal/")
    few_page = count(client, f"/portal/tickets/{tickets[0].number}/")
    more = make_tickets(customer_reza, agent_ali, support_team, 10)
    for i in range(10):
        services.ticket_reply(tickets[0], actor=agent_ali, body=f"r{i}")
    assert count(client, "/portal/") == few_list
    assert count(client, f"/portal/tickets/{tickets[0].number}/") == few_page
