"""SLA deadlines on tickets: computed in business hours of the contract's calendar, paused while
waiting on the customer, achieved figures stored when they happen."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from customers.models import BusinessCalendar, Contract, Holiday, SlaPolicy, SlaTarget
from tickets import services
from tickets.models import SlaPause

TEHRAN = ZoneInfo("Asia/Tehran")


def at(*args):
    return datetime(*args, tzinfo=TEHRAN)


def open_ticket(customer, team, now, priority="normal"):
    return services.ticket_create(actor=None, requester=customer.contact, subject="s", body="b", team=team,
                                  channel="email", priority=priority, now=now)


def test_default_policy_gives_deadlines_in_iran_business_hours(customer_reza, support_team):
    # Wednesday 2026-11-25 16:00: 1 h left that day, Thursday 08:00-13:00; normal = 240 min first response.
    ticket = open_ticket(customer_reza, support_team, at(2026, 11, 25, 16, 0))
    assert ticket.sla_policy.name == "Standard"
    assert ticket.first_response_due_at == at(2026, 11, 26, 11, 0)
    assert ticket.next_due_at == ticket.first_response_due_at
    assert ticket.sla_next_check_at < ticket.first_response_due_at  # the 80 % warning comes first


def test_urgent_ticket_on_thursday_afternoon_is_due_saturday_morning(customer_reza, support_team):
    ticket = open_ticket(customer_reza, support_team, at(2026, 11, 26, 12, 50), priority="urgent")
    assert ticket.first_response_due_at == at(2026, 11, 28, 8, 20)  # 10 min Thursday, Friday off, 20 min Saturday


def test_official_holiday_is_skipped(customer_reza, support_team):
    cal = BusinessCalendar.objects.get(name="Iran office week")
    Holiday.objects.get_or_create(calendar=cal, date=datetime(2026, 11, 28).date(), defaults={"name": "test holiday"})
    ticket = open_ticket(customer_reza, support_team, at(2026, 11, 26, 12, 50), priority="urgent")
    assert ticket.first_response_due_at == at(2026, 11, 29, 8, 20)


def test_contract_policy_overrides_the_default(customer_reza, support_team, org_a):
    cal = BusinessCalendar.objects.create(name="24x7", is_24x7=True, time_zone="Asia/Tehran")
    gold = SlaPolicy.objects.create(name="Gold", calendar=cal)
    SlaTarget.objects.create(policy=gold, priority="normal", first_response_minutes=15, resolution_minutes=600)
    Contract.objects.create(organization=org_a, name="Gold 2026", starts_on=datetime(2026, 1, 1).date(), sla_policy=gold)
    now = at(2026, 11, 27, 23, 0)  # Friday night: 24x7 does not care
    ticket = open_ticket(customer_reza, support_team, now)
    assert ticket.sla_policy == gold
    assert ticket.first_response_due_at == now + timedelta(minutes=15)


def test_first_reply_stores_the_achieved_figure_and_clears_the_deadline(customer_reza, support_team, agent_ali):
    ticket = open_ticket(customer_reza, support_team, at(2026, 11, 25, 16, 0))
    services.ticket_reply(ticket, actor=agent_ali, body="On it", now=at(2026, 11, 26, 9, 0))
    ticket.refresh_from_db()
    assert ticket.first_response_minutes == 120 and ticket.first_response_breached is False
    assert ticket.next_due_at == ticket.resolution_due_at


def test_late_first_reply_is_recorded_as_breached(customer_reza, support_team, agent_ali):
    ticket = open_ticket(customer_reza, support_team, at(2026, 11, 25, 16, 0))
    services.ticket_reply(ticket, actor=agent_ali, body="Sorry", now=at(2026, 11, 28, 9, 0))
    ticket.refresh_from_db()
    assert ticket.first_response_breached is True and ticket.first_response_minutes == 420


def test_waiting_on_the_customer_pauses_the_clock(customer_reza, support_team, agent_ali):
    ticket = open_ticket(customer_reza, support_team, at(2026, 11, 22, 9, 0))  # Sunday
    services.ticket_reply(ticket, actor=agent_ali, body="Which version?", pending_customer=True, now=at(2026, 11, 22, 10, 0))
    ticket.refresh_from_db()
    due_before = ticket.resolution_due_at
    assert ticket.sla_paused_since is not None and ticket.next_due_at is None and ticket.sla_next_check_at is None
    services.ticket_customer_reply(ticket, contact=customer_reza.contact, body="4.1", now=at(2026, 11, 23, 10, 0))
    ticket.refresh_from_db()
    assert ticket.sla_paused_since is None
    assert SlaPause.objects.get(ticket=ticket).ended_at == at(2026, 11, 23, 10, 0)
    assert ticket.resolution_due_at - due_before == timedelta(days=1)  # one business day (9 h) paused = one day later
    assert ticket.next_response_due_at == at(2026, 11, 24, 9, 0)  # 480 business minutes after the customer wrote


def test_customer_reply_sets_a_next_response_deadline_and_agent_reply_clears_it(customer_reza, support_team, agent_ali):
    ticket = open_ticket(customer_reza, support_team, at(2026, 11, 22, 9, 0))
    services.ticket_reply(ticket, actor=agent_ali, body="a", now=at(2026, 11, 22, 9, 30))
    services.ticket_customer_reply(ticket, contact=customer_reza.contact, body="more", now=at(2026, 11, 22, 10, 0))
    ticket.refresh_from_db()
    assert ticket.next_response_due_at == at(2026, 11, 23, 9, 0)  # 480 business minutes: 7 h Sunday, 1 h Monday
    services.ticket_reply(ticket, actor=agent_ali, body="b", now=at(2026, 11, 22, 11, 0))
    ticket.refresh_from_db()
    assert ticket.next_response_due_at is None


def test_raising_the_priority_shortens_the_deadlines(customer_reza, support_team, agent_ali):
    ticket = open_ticket(customer_reza, support_team, at(2026, 11, 22, 9, 0))
    before = ticket.first_response_due_at
    services.ticket_classify(ticket, actor=agent_ali, priority="urgent")
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == at(2026, 11, 22, 9, 30) < before


def test_resolution_figure_is_stored_and_cleared_on_reopen(customer_reza, support_team, agent_ali):
    ticket = open_ticket(customer_reza, support_team, at(2026, 11, 22, 9, 0))
    services.ticket_transition(ticket, actor=agent_ali, action="resolve", now=at(2026, 11, 22, 12, 0))
    ticket.refresh_from_db()
    assert ticket.resolution_minutes == 180 and ticket.resolution_breached is False and ticket.next_due_at is None
    services.ticket_customer_reply(ticket, contact=customer_reza.contact, body="again", now=at(2026, 11, 22, 13, 0))
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.resolution_minutes is None


def test_changing_a_policy_target_recomputes_open_tickets(customer_reza, support_team, django_capture_on_commit_callbacks):
    ticket = open_ticket(customer_reza, support_team, at(2026, 11, 22, 9, 0))
    target = SlaTarget.objects.get(policy__is_default=True, priority="normal")
    with django_capture_on_commit_callbacks(execute=True):
        target.first_response_minutes = 60
        target.save()
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == at(2026, 11, 22, 10, 0)
