"""`manage.py demo_data`: a small load covers every type, state and channel, the demo logins
exist with their roles, `--if-empty` keeps an earlier load, and the back-dated history is coherent."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from customers.models import Contact, Organization, Role, User
from tickets.models import Channel, Message, Status, Ticket, TicketEvent, TicketType

pytestmark = pytest.mark.django_db

LOGINS = {
    "admin": Role.ADMIN, "maryam": Role.MANAGER, "ali": Role.AGENT, "sara": Role.AGENT, "hamed": Role.AGENT,
    "neda": Role.AGENT, "reza": Role.CUSTOMER, "john": Role.CUSTOMER,
}


def load(*args):
    out = StringIO()
    call_command("demo_data", "--tickets", "40", *args, stdout=out)
    return out.getvalue()


def test_demo_data_covers_every_type_state_and_channel_and_creates_the_demo_logins():
    load()

    assert Ticket.objects.count() == 40
    assert set(Ticket.objects.values_list("type", flat=True)) == set(TicketType.values)
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Ticket.objects.values_list("channel", flat=True)) == set(Channel.values)
    for username, role in LOGINS.items():
        user = User.objects.get(username=username)
        assert user.role == role, username
        assert user.check_password("demo12345"), username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    reza = Contact.objects.get(user__username="reza")
    assert reza.is_org_admin and reza.organization.name == "نرم‌افزار پارس" and reza.user.language == "fa"
    john = Contact.objects.get(user__username="john")
    assert john.organization.name == "Northwind Trading" and john.user.language == "en"
    assert User.objects.get(username="sara").language == "en"


def test_second_run_with_if_empty_changes_nothing():
    load()
    before = (Ticket.objects.count(), Message.objects.count(), User.objects.count(), Organization.objects.count())

    load("--if-empty")

    assert (Ticket.objects.count(), Message.objects.count(), User.objects.count(), Organization.objects.count()) == before


def test_back_dated_history_is_coherent_and_written_by_the_services():
    started = timezone.now()
    load()

    assert not Ticket.objects.filter(created_at__gt=started).exists()
    assert not Message.objects.filter(created_at__gt=started).exists()
    assert not TicketEvent.objects.filter(at__gt=started).exists()
    assert Ticket.objects.filter(created_at__lt=started - timedelta(days=30)).exists()
    assert not Ticket.objects.filter(created_at__lt=started - timedelta(days=92)).exists()
    assert not Message.objects.filter(created_at__lt=F("ticket__created_at")).exists()
    assert not Ticket.objects.filter(resolved_at__lt=F("created_at")).exists()
    # every ticket was opened by ticket_create (or a follow-up it made), which records the event
    assert TicketEvent.objects.filter(kind="created").count() == Ticket.objects.count()
    assert Ticket.objects.exclude(organization__language="fa").exists()
