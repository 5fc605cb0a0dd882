"""SLA visible everywhere: the agent's panel and the customer's promise, in their calendar."""
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from tickets import services

TEHRAN = ZoneInfo("Asia/Tehran")


def test_portal_promises_the_answer_time_in_jalali_for_a_persian_customer(client, customer_reza, support_team):
    now = timezone.now()
    ticket = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="s", body="b",
                                    team=support_team, now=now)
    client.force_login(customer_reza)
    html = client.get(f"/portal/tickets/{ticket.number}/").text
    promise = html.split('data-testid="promise">')[1].split("</div>")[0]
    assert "۱۴۰" in promise  # a Jalali year (14xx) in Persian digits


def test_portal_promise_is_gregorian_for_an_english_customer(client, outsider_olga):
    ticket = services.ticket_create(actor=outsider_olga, requester=outsider_olga.contact, subject="s", body="b")
    client.force_login(outsider_olga)
    promise = client.get(f"/portal/tickets/{ticket.number}/").text.split('data-testid="promise">')[1].split("</div>")[0]
    assert "We will answer by" in promise and str(ticket.first_response_due_at.astimezone(TEHRAN).year) in promise


def test_agent_ticket_page_shows_targets_used_time_and_pause(client, agent_ali, ticket_a):
    services.ticket_reply(ticket_a, actor=agent_ali, body="Which version?", pending_customer=True)
    agent_ali.language = "en"
    agent_ali.save()
    client.force_login(agent_ali)
    panel = client.get(f"/agent/tickets/{ticket_a.number}/").text.split('data-testid="sla-panel"')[1].split("</div></div>")[0]
    assert "Standard" in panel and "First response" in panel and "met" in panel
    assert "Clock paused since" in panel and "Resolution" in panel


def test_timeline_explains_warnings_and_breaches(client, agent_ali, customer_reza, support_team):
    from tickets.services.escalation import sla_scan

    start = datetime(2026, 11, 22, 9, 0, tzinfo=TEHRAN)
    ticket = services.ticket_create(actor=None, requester=customer_reza.contact, subject="s", body="b", team=support_team, now=start)
    sla_scan(now=datetime(2026, 11, 22, 13, 5, tzinfo=TEHRAN))
    agent_ali.language = "en"
    agent_ali.save()
    client.force_login(agent_ali)
    timeline = client.get(f"/agent/tickets/{ticket.number}/").text
    assert "SLA warning: the first response deadline is near" in timeline
    assert "SLA breached: the first response deadline passed" in timeline
