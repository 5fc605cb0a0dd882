"""A hand-built dataset with known answers for the manager's reports.

Report-only figures are set on the stored columns directly (the reports read what the services
stored; how the services compute them is tested in tests/tickets). Dates are days before today,
at 10:00 local time, so the default period (the last 30 days) and the age buckets are exact.
"""
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from customers.models import Contact, Product
from tickets.models import Referral, SatisfactionRating, Ticket, TicketEvent

DAY = timedelta(days=1)


def local(days_ago, hour=10):
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make(requester, *, days_ago, status="open", type="question", priority="normal", channel="portal", team=None,
         assignee=None, product=None, fr=None, fr_breached=None, resolved_days_ago=None, res=None, res_breached=None):
    t = Ticket.objects.create(subject=f"{type} {priority} {days_ago}", organization=requester.organization,
                              requester=requester, status=status, type=type, priority=priority, channel=channel,
                              team=team, assignee=assignee, product=product, created_at=local(days_ago))
    # created_at has a default, not auto_now_add, so it is stored as given; the SLA figures are the stored ones
    Ticket.objects.filter(pk=t.pk).update(
        first_response_minutes=fr, first_response_breached=fr_breached,
        first_response_at=local(days_ago, 11) if fr is not None else None,
        resolved_at=local(resolved_days_ago, 15) if resolved_days_ago is not None else None,
        resolution_minutes=res, resolution_breached=res_breached)
    t.refresh_from_db()
    return t


@pytest.fixture
def dataset(customer_reza, outsider_olga, agent_ali, agent_sara, support_team, dev_team, product):
    """Org A (Reza): 6 tickets; org B (Olga): 2. Known answers are asserted in the tests."""
    reza, olga = customer_reza.contact, outsider_olga.contact
    other = Product.objects.create(name="Anbar Warehouse", code="anbar")
    t = {}
    # open backlog: ages 0, 2, 10 and 40 days
    t["new_today"] = make(reza, days_ago=0, status="new", team=support_team, priority="urgent")
    t["open_2d"] = make(reza, days_ago=2, status="open", team=support_team, assignee=agent_ali, fr=30,
                        fr_breached=False, product=product, channel="email", type="defect")
    t["wait_10d"] = make(olga, days_ago=10, status="pending_customer", team=dev_team, assignee=agent_sara, fr=90,
                         fr_breached=True, priority="high", channel="phone", type="user_error")
    t["hold_40d"] = make(reza, days_ago=40, status="on_hold", team=None, fr=10, fr_breached=False)
    # resolved in the period
    t["res_a"] = make(reza, days_ago=5, status="resolved", team=support_team, assignee=agent_ali, fr=20,
                      fr_breached=False, resolved_days_ago=3, res=240, res_breached=False, product=product,
                      type="feature_request")
    t["res_b"] = make(reza, days_ago=6, status="closed", team=support_team, assignee=agent_ali, fr=120,
                      fr_breached=True, resolved_days_ago=3, res=600, res_breached=True, product=other,
                      type="customization", channel="email")
    t["res_c"] = make(olga, days_ago=8, status="closed", team=dev_team, assignee=agent_sara, fr=40,
                      fr_breached=False, resolved_days_ago=1, res=300, res_breached=False, type="defect")
    # resolved long ago: outside every 30-day figure
    t["old"] = make(reza, days_ago=100, status="closed", team=support_team, assignee=agent_ali, fr=5,
                    fr_breached=False, resolved_days_ago=99, res=50, res_breached=False)

    SatisfactionRating.objects.create(ticket=t["res_a"], contact=reza, score=5, agent=agent_ali)
    SatisfactionRating.objects.create(ticket=t["res_b"], contact=reza, score=2, agent=agent_ali)
    SatisfactionRating.objects.create(ticket=t["res_c"], contact=olga, score=4, agent=agent_sara)
    SatisfactionRating.objects.filter(ticket=t["res_a"]).update(created_at=local(3, 16))
    SatisfactionRating.objects.filter(ticket=t["res_b"]).update(created_at=local(3, 16))
    SatisfactionRating.objects.filter(ticket=t["res_c"]).update(created_at=local(1, 16))
    # res_b was reopened once by its customer
    event = TicketEvent.objects.create(ticket=t["res_b"], kind="reopened", actor_contact=reza)
    TicketEvent.objects.filter(pk=event.pk).update(at=local(4))

    # referrals: development answered after 2 h and 6 h, one sales referral still waiting and late
    for ticket, unit, hours_to_answer in ((t["res_a"], "development", 2), (t["res_b"], "development", 6),
                                          (t["open_2d"], "sales", None)):
        r = Referral.objects.create(ticket=ticket, unit=unit, question="?", created_by=agent_ali,
                                    due_at=local(1), state="answered" if hours_to_answer else "open")
        answered = local(4) + timedelta(hours=hours_to_answer) if hours_to_answer else None
        Referral.objects.filter(pk=r.pk).update(created_at=local(4), answered_at=answered)
    return t


def contact_of(user) -> Contact:
    return user.contact
