"""The agent's workspace tools: bulk actions, saved views, canned responses, collisions, notifications."""
import pytest

from customers.models import Organization
from tickets import services
from tickets.models import CannedResponse, Notification, SavedView


@pytest.fixture
def three_tickets(customer_reza, support_team):
    return [services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject=f"Bulk {i}", body="b",
                                   team=support_team) for i in range(3)]


def test_bulk_assign_to_me_and_resolve(client, agent_ali, three_tickets):
    client.force_login(agent_ali)
    numbers = [t.number for t in three_tickets]
    client.post("/agent/bulk/", {"tickets": numbers, "bulk_action": "take"})
    client.post("/agent/bulk/", {"tickets": numbers[:2], "bulk_action": "transition", "value": "resolve"})
    states = {t.number: (t.assignee_id, t.status) for t in type(three_tickets[0]).objects.filter(number__in=numbers)}
    assert states[numbers[0]] == (agent_ali.pk, "resolved") and states[numbers[2]] == (agent_ali.pk, "new")


def test_bulk_reports_each_ticket_the_agent_may_not_change(client, agent_sara, three_tickets):
    client.force_login(agent_sara)  # not in the support team
    response = client.post("/agent/bulk/", {"tickets": [t.number for t in three_tickets], "bulk_action": "priority",
                                            "value": "high"}, follow=True)
    assert "not a member" in response.text
    assert all(t.priority == "normal" for t in type(three_tickets[0]).objects.filter(pk__in=[x.pk for x in three_tickets]))


def test_bulk_merge_moves_conversations_into_the_target(client, agent_ali, three_tickets):
    client.force_login(agent_ali)
    target = three_tickets[0]
    client.post("/agent/bulk/", {"tickets": [t.number for t in three_tickets[1:]], "bulk_action": "merge",
                                 "value": str(target.number)})
    assert target.messages.count() == 3


def test_saved_view_appears_on_the_queue_and_keeps_its_filters(client, agent_ali):
    client.force_login(agent_ali)
    client.post("/agent/views/", {"name": "Urgent defects", "query": "queue=open&priority=urgent&type=defect"})
    assert SavedView.objects.get(user=agent_ali).query == "queue=open&priority=urgent&type=defect"
    html = client.get("/agent/").text
    assert "Urgent defects" in html and "?queue=open&amp;priority=urgent&amp;type=defect" in html


def test_canned_response_fills_customer_and_ticket_placeholders(client, agent_ali, ticket_a):
    canned = CannedResponse.objects.create(title="Greeting", body="Dear {{ customer.name }}, about #{{ ticket.number }}: —{{ agent.first_name }}")
    client.force_login(agent_ali)
    text = client.get(f"/agent/tickets/{ticket_a.number}/canned/{canned.pk}/").text
    assert text == f"Dear Reza Tehrani, about #{ticket_a.number}: —Ali"


def test_second_agent_sees_that_the_first_is_typing(client, agent_ali, manager_maryam, ticket_a):
    manager_maryam.language = "en"
    manager_maryam.save()
    client.force_login(agent_ali)
    client.post(f"/agent/tickets/{ticket_a.number}/presence/", {"typing": "1", "version": ticket_a.version})
    client.force_login(manager_maryam)
    response = client.post(f"/agent/tickets/{ticket_a.number}/presence/", {"typing": "0", "version": ticket_a.version},
                           HTTP_HX_REQUEST="true")
    assert "Ali Rahimi is typing a reply on this ticket." in response.text


def test_presence_warns_when_the_ticket_changed_since_the_page_was_opened(client, agent_ali, ticket_a):
    agent_ali.language = "en"
    agent_ali.save()
    client.force_login(agent_ali)
    seen = ticket_a.version
    services.ticket_note(ticket_a, actor=agent_ali, body="meanwhile")
    response = client.post(f"/agent/tickets/{ticket_a.number}/presence/", {"version": seen}, HTTP_HX_REQUEST="true")
    assert "has changed since you opened it" in response.text


def test_stale_form_shows_a_conflict_with_what_changed(client, agent_ali, manager_maryam, ticket_a):
    seen = ticket_a.version
    services.ticket_classify(ticket_a, actor=manager_maryam, priority="urgent")
    agent_ali.language = "en"
    agent_ali.save()
    client.force_login(agent_ali)
    response = client.post(f"/agent/tickets/{ticket_a.number}/classify/",
                           {"version": seen, "type": "defect", "priority": "low", "tags": ""}, follow=True)
    assert "changed by someone else" in response.text
    assert "Maryam Ahmadi classified the ticket" in response.text
    ticket_a.refresh_from_db()
    assert ticket_a.priority == "urgent"


def test_assignment_creates_an_in_app_notification_shown_on_the_bell(client, agent_ali, manager_maryam, ticket_a):
    services.ticket_assign(ticket_a, actor=manager_maryam, assignee=agent_ali)
    assert Notification.objects.filter(user=agent_ali, kind="assigned", ticket=ticket_a).exists()
    client.force_login(agent_ali)
    html = client.get("/agent/").text
    bell = html.split('data-testid="bell"')[1].split("</a>")[0]
    assert 'class="badge text-bg-danger ms-1">۱<' in bell  # one unread, in Persian digits
    client.post("/agent/notifications/")
    assert not Notification.objects.filter(user=agent_ali, read_at__isnull=True).exists()


def test_agent_invites_a_phone_customer_to_the_portal_from_the_ticket(client, agent_ali, org_a, support_team,
                                                                     django_capture_on_commit_callbacks):
    from django.core import mail

    from customers.models import Contact

    contact = Contact.objects.create(organization=org_a, name="Parisa", email="parisa@pars.example")
    ticket = services.ticket_create(actor=agent_ali, requester=contact, subject="Called", body="b", channel="phone",
                                    team=support_team)
    client.force_login(agent_ali)
    page = client.get(f"/agent/tickets/{ticket.number}/").text
    assert 'data-testid="invite"' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/agent/contacts/{contact.pk}/invite/", {"next": f"/agent/tickets/{ticket.number}/"})
    contact.refresh_from_db()
    assert contact.user is not None and mail.outbox[-1].to == ["parisa@pars.example"]


def test_queue_filters_keep_the_chosen_organisation_and_escape_names(client, agent_ali, org_a, org_b):
    Organization.objects.create(name="<b>Tools & Co</b>")
    client.force_login(agent_ali)
    page = client.get(f"/agent/?queue=open&organization={org_b.pk}&assignee={agent_ali.pk}").content.decode()
    assert f'<option value="{org_b.pk}" selected>{org_b.name}</option>' in page
    assert f'<option value="{org_a.pk}">{org_a.name}</option>' in page
    assert f'<option value="{agent_ali.pk}" selected>' in page
    assert "&lt;b&gt;Tools &amp; Co&lt;/b&gt;" in page and "<b>Tools" not in page
