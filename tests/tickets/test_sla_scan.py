"""The escalation scan: warnings, breaches and escalation levels, each exactly once."""
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tests.test_topology import child_env
from tickets import services
from tickets.models import Notification, Ticket, TicketEvent
from tickets.services.escalation import sla_scan

TEHRAN = ZoneInfo("Asia/Tehran")
BASE = Path(__file__).resolve().parents[2]


def at(*args):
    return datetime(*args, tzinfo=TEHRAN)


@pytest.fixture
def led_team(support_team, agent_ali, manager_maryam):
    support_team.lead = manager_maryam
    support_team.save()
    return support_team


def new_ticket(customer, team, now, assignee=None, actor=None):
    ticket = services.ticket_create(actor=None, requester=customer.contact, subject="s", body="b", team=team, now=now)
    if assignee:
        services.ticket_assign(ticket, actor=actor or assignee, assignee=assignee, now=now)
        ticket.refresh_from_db()
    return ticket


def events(ticket, kind):
    return list(TicketEvent.objects.filter(ticket=ticket, kind=kind).order_by("id"))


def test_warning_then_breach_each_emitted_once_and_the_assignee_is_told(customer_reza, led_team, agent_ali):
    ticket = new_ticket(customer_reza, led_team, at(2026, 11, 22, 9, 0), assignee=agent_ali)  # FR due 13:00
    assert sla_scan(now=at(2026, 11, 22, 12, 0)) == 0  # 80 % of 240 min is 12:12
    assert sla_scan(now=at(2026, 11, 22, 12, 15)) == 1
    assert sla_scan(now=at(2026, 11, 22, 12, 20)) == 0
    assert [e.data["target"] for e in events(ticket, "sla_warning")] == ["first_response"]
    assert Notification.objects.filter(user=agent_ali, ticket=ticket, kind="sla_warning").count() == 1
    sla_scan(now=at(2026, 11, 22, 13, 1))
    assert len(events(ticket, "sla_breached")) == 1
    # assignee and team lead hear once each, of the most severe step (the breach escalated at once)
    after_breach = Notification.objects.filter(ticket=ticket, kind__in=["sla_breached", "sla_escalated"])
    assert sorted(after_breach.values_list("user__username", flat=True)) == ["ali", "maryam"]
    sla_scan(now=at(2026, 11, 22, 13, 2))
    assert len(events(ticket, "sla_breached")) == 1


def test_second_escalation_level_raises_priority_and_reassigns_to_the_lead(customer_reza, led_team, agent_ali, manager_maryam):
    ticket = new_ticket(customer_reza, led_team, at(2026, 11, 22, 9, 0), assignee=agent_ali)
    sla_scan(now=at(2026, 11, 22, 13, 1))     # warning, breach, level 1
    sla_scan(now=at(2026, 11, 22, 15, 1))     # level 2: 120 business minutes after the breach
    ticket.refresh_from_db()
    levels = [e.data["level"] for e in events(ticket, "sla_escalated")]
    assert levels[:2] == [1, 2]
    assert ticket.assignee == manager_maryam and ticket.priority == "high"


def test_answering_in_time_cancels_the_pending_checks(customer_reza, led_team, agent_ali):
    ticket = new_ticket(customer_reza, led_team, at(2026, 11, 22, 9, 0), assignee=agent_ali)
    services.ticket_reply(ticket, actor=agent_ali, body="hi", now=at(2026, 11, 22, 10, 0))
    sla_scan(now=at(2026, 11, 22, 14, 0))
    assert events(ticket, "sla_breached") == []


def test_scan_reads_only_tickets_whose_check_has_come(customer_reza, led_team, django_assert_max_num_queries):
    for _ in range(20):
        new_ticket(customer_reza, led_team, at(2026, 11, 22, 9, 0))
    with django_assert_max_num_queries(3):  # a savepoint, the indexed SELECT, its release
        assert sla_scan(now=at(2026, 11, 22, 9, 30)) == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_scanning_processes_never_act_twice(customer_reza, led_team, tmp_path):
    tickets = [new_ticket(customer_reza, led_team, at(2026, 11, 22, 9, 0)) for _ in range(30)]
    Ticket.objects.update(sla_next_check_at=at(2026, 11, 22, 12, 0))  # all due for their warning now
    code = ("import django,os; django.setup(); from tickets.services.escalation import sla_scan; "
            "from datetime import datetime; from zoneinfo import ZoneInfo; "
            "print(sla_scan(now=datetime(2026,11,22,12,30,tzinfo=ZoneInfo('Asia/Tehran'))))")
    env = child_env(tmp_path, DJANGO_SETTINGS_MODULE="helpdesk.settings", CELERY_TASK_ALWAYS_EAGER="1",
                    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=BASE, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1].decode()[-2000:] for o in outs]
    emitted = sum(int(o[0].decode().strip().splitlines()[-1]) for o in outs)
    warnings = TicketEvent.objects.filter(ticket__in=tickets, kind="sla_warning").count()
    kinds = sorted(TicketEvent.objects.filter(ticket__in=tickets).values_list("kind", flat=True).distinct())
    assert emitted == warnings == 30, (kinds, [o[1].decode()[-500:] for o in outs])
