"""Figures built through the services with fixed clocks: the report's medians are business minutes,
and time waiting on the customer is not counted."""
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tickets import services
from tickets.reports import flow
from tickets.reports.scope import Scope

pytestmark = pytest.mark.django_db


def tehran(day, hour, minute=0):
    return timezone.make_aware(datetime(2026, 11, day, hour, minute))  # TIME_ZONE is Asia/Tehran


def test_medians_come_from_stored_business_minutes_with_paused_time_left_out(customer_reza, agent_ali, support_team):
    made = []
    # Monday 16 Nov 2026, inside business hours (Sat-Wed 08:00-17:00); two tickets, answered after 1 h and 3 h
    for answer_after in (1, 3):
        start = tehran(16, 9)
        t = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="s", body="b",
                                   team=support_team, now=start)
        services.ticket_assign(t, actor=agent_ali, assignee=agent_ali, now=start)
        # the answer asks the customer something: the clock stops until they write back two hours later
        services.ticket_reply(t, actor=agent_ali, body="which version?", pending_customer=True,
                              now=start + timedelta(hours=answer_after))
        services.ticket_customer_reply(t, contact=customer_reza.contact, body="5.2",
                                       now=start + timedelta(hours=answer_after + 2))
        services.ticket_transition(t, actor=agent_ali, action="resolve", now=start + timedelta(hours=answer_after + 4))
        t.refresh_from_db()
        made.append(t)
    assert [t.first_response_minutes for t in made] == [60, 180]
    # open 5 h and 7 h of business time, of which 2 h waiting on the customer
    assert [t.resolution_minutes for t in made] == [180, 300]

    scope = Scope.from_query({"from": "2026-11-16", "to": "2026-11-16"})
    created, resolved = flow.created_figures(scope), flow.resolved_figures(scope)
    head_c = [r for r in created if r["set"] == 0][0]
    head_r = [r for r in resolved if r["set"] == 0][0]
    assert head_c["fr_p50"] == 120.0 and head_r["res_p50"] == 240.0
    table = flow.times_table(scope, created, resolved)
    assert [c.value for c in table.rows[-1][1:]] == [2.0, 2.8, 4.0, 4.8]
