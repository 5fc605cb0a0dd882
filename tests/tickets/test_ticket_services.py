"""Ticket services: each change is validated, leaves an event, and on error changes nothing."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from customers.models import Contact
from tickets import services
from tickets.models import Message, Referral, Ticket, TicketEvent, TicketLink
from tickets.services import ConflictError, TicketError


def kinds(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("kind", flat=True))


def test_ticket_gets_a_human_number_from_the_sequence(ticket_a, customer_reza):
    second = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="x", body="y")
    assert ticket_a.number >= 1000
    assert second.number == ticket_a.number + 1


def test_created_ticket_has_its_message_event_and_acknowledgement(customer_reza, support_team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_a = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="Invoice print fails",
                                          body="Printing an invoice shows error 500.", team=support_team)
    assert ticket_a.status == "new"
    assert ticket_a.messages.get().body.startswith("Printing an invoice")
    assert kinds(ticket_a) == ["created"]
    assert [m.to for m in mail.outbox] == [["reza@pars.example"]]
    assert f"[#{ticket_a.number}]" in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_agent_logs_a_phone_call_for_a_customer(agent_ali, customer_reza, support_team):
    ticket = services.ticket_create(actor=agent_ali, requester=customer_reza.contact, subject="Called about VAT",
                                    body="Customer phoned: VAT report totals differ.", channel="phone", team=support_team)
    event = ticket.events.get()
    assert ticket.channel == "phone"
    assert event.actor == agent_ali and event.data["channel"] == "phone"


def test_create_without_subject_is_refused_and_nothing_is_stored(customer_reza):
    with pytest.raises(TicketError):
        services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="  ", body="text")
    assert Ticket.objects.count() == 0


def test_customer_cannot_open_a_ticket_in_someone_elses_name(customer_reza, outsider_olga):
    with pytest.raises(TicketError):
        services.ticket_create(actor=outsider_olga, requester=customer_reza.contact, subject="s", body="b")
    assert Ticket.objects.count() == 0


def test_customer_priority_is_ignored_unless_the_contract_allows_it(customer_reza):
    ticket = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="s", body="b", priority="urgent")
    assert ticket.priority == "normal"


def test_first_agent_reply_opens_the_ticket_records_first_response_and_emails_the_customer(ticket_a, agent_ali, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket_a, actor=agent_ali, body="Please update to 4.2.")
    ticket_a.refresh_from_db()
    assert ticket_a.status == "open"
    assert ticket_a.first_response_at is not None
    assert mail.outbox[0].to == ["reza@pars.example"]
    assert "Please update to 4.2." in mail.outbox[0].body
    assert kinds(ticket_a)[-1] == "replied"


def test_internal_note_is_not_emailed_to_the_customer(ticket_a, agent_ali, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.ticket_note(ticket_a, actor=agent_ali, body="Looks like bug #77 in the print module.")
    assert callbacks == [] and mail.outbox == []
    assert ticket_a.messages.filter(kind=Message.Kind.INTERNAL).count() == 1


def test_agent_outside_the_tickets_team_cannot_reply(ticket_a, agent_sara):
    with pytest.raises(TicketError, match="not a member"):
        services.ticket_reply(ticket_a, actor=agent_sara, body="hello")
    assert ticket_a.messages.count() == 1


def test_manager_may_work_any_teams_ticket(ticket_a, manager_maryam):
    services.ticket_reply(ticket_a, actor=manager_maryam, body="I'll take a look.")
    assert ticket_a.messages.count() == 2


def test_customer_cannot_use_agent_services(ticket_a, customer_reza):
    with pytest.raises(PermissionDenied):
        services.ticket_note(ticket_a, actor=customer_reza, body="sneaky")


def test_forbidden_transition_gives_a_clear_error_and_changes_nothing(ticket_a, agent_ali):
    before = kinds(ticket_a)
    with pytest.raises(TicketError, match="not allowed"):
        services.ticket_transition(ticket_a, actor=agent_ali, action="reopen")
    ticket_a.refresh_from_db()
    assert ticket_a.status == "new" and kinds(ticket_a) == before


def test_resolve_then_close_records_each_step(ticket_a, agent_ali):
    services.ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    services.ticket_transition(ticket_a, actor=agent_ali, action="close")
    ticket_a.refresh_from_db()
    assert ticket_a.status == "closed" and ticket_a.resolved_at and ticket_a.closed_at
    changes = TicketEvent.objects.filter(ticket=ticket_a, kind="status_changed").order_by("id")
    assert [(e.data["old"], e.data["new"]) for e in changes] == [("new", "resolved"), ("resolved", "closed")]


def test_customer_reply_ends_waiting_on_the_customer(ticket_a, agent_ali, customer_reza):
    services.ticket_reply(ticket_a, actor=agent_ali, body="Which version?", pending_customer=True)
    ticket_a.refresh_from_db()
    assert ticket_a.status == "pending_customer"
    services.ticket_customer_reply(ticket_a, contact=customer_reza.contact, body="4.1")
    ticket_a.refresh_from_db()
    assert ticket_a.status == "open"


def test_customer_reply_reopens_a_recently_resolved_ticket(ticket_a, agent_ali, customer_reza):
    services.ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    services.ticket_customer_reply(ticket_a, contact=customer_reza.contact, body="Still broken")
    ticket_a.refresh_from_db()
    assert ticket_a.status == "open" and "reopened" in kinds(ticket_a)


def test_customer_reply_to_a_closed_ticket_opens_a_linked_follow_up(ticket_a, agent_ali, customer_reza):
    services.ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    services.ticket_transition(ticket_a, actor=agent_ali, action="close")
    message = services.ticket_customer_reply(ticket_a, contact=customer_reza.contact, body="It happened again")
    follow_up = message.ticket
    assert follow_up.pk != ticket_a.pk and follow_up.status == "new"
    assert TicketLink.objects.filter(source=follow_up, target=ticket_a, kind="follow_up").exists()


def test_customer_reply_long_after_resolution_opens_a_new_ticket(ticket_a, agent_ali, customer_reza, settings):
    services.ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    later = timezone.now() + timedelta(days=settings.REOPEN_WINDOW_DAYS + 1)
    message = services.ticket_customer_reply(ticket_a, contact=customer_reza.contact, body="Again", now=later)
    assert message.ticket_id != ticket_a.pk


def test_assign_to_agent_outside_the_team_is_refused(ticket_a, agent_ali, agent_sara):
    with pytest.raises(TicketError, match="not a member"):
        services.ticket_assign(ticket_a, actor=agent_ali, assignee=agent_sara)
    ticket_a.refresh_from_db()
    assert ticket_a.assignee is None


def test_assign_notifies_the_assignee(ticket_a, agent_ali, manager_maryam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(ticket_a, actor=manager_maryam, assignee=agent_ali)
    ticket_a.refresh_from_db()
    assert ticket_a.assignee == agent_ali
    assert mail.outbox[0].to == ["ali@example.test"]


def test_moving_to_another_team_allows_assigning_its_member(ticket_a, manager_maryam, agent_sara, dev_team):
    services.ticket_assign(ticket_a, actor=manager_maryam, team=dev_team, assignee=agent_sara)
    ticket_a.refresh_from_db()
    assert (ticket_a.team, ticket_a.assignee) == (dev_team, agent_sara)


def test_classify_records_what_changed(ticket_a, agent_ali, product):
    services.ticket_classify(ticket_a, actor=agent_ali, type="defect", priority="high", product=product, tags=["Print", " invoice "])
    ticket_a.refresh_from_db()
    assert (ticket_a.type, ticket_a.priority, ticket_a.tags) == ("defect", "high", ["invoice", "print"])
    event = TicketEvent.objects.filter(ticket=ticket_a, kind="classified").get()
    assert event.data["changes"]["type"] == ["question", "defect"]


def test_classify_with_unknown_type_changes_nothing(ticket_a, agent_ali):
    with pytest.raises(TicketError):
        services.ticket_classify(ticket_a, actor=agent_ali, type="rant")
    ticket_a.refresh_from_db()
    assert ticket_a.type == "question"


def test_refer_holds_the_ticket_and_the_answer_resumes_it(ticket_a, agent_ali):
    referral = services.ticket_refer(ticket_a, actor=agent_ali, unit="development", question="Is #77 fixed in 4.2?",
                                     due_at=timezone.now() + timedelta(days=2))
    ticket_a.refresh_from_db()
    assert ticket_a.status == "on_hold" and ticket_a.assignee is None
    services.referral_answer(referral, actor=agent_ali, answer="Fixed in 4.2.1", answered_by="Dev team")
    referral.refresh_from_db()
    ticket_a.refresh_from_db()
    assert referral.state == Referral.State.ANSWERED and ticket_a.status == "open"
    assert kinds(ticket_a)[-2:] == ["referred", "referral_answered"]


def test_a_referral_cannot_be_answered_twice(ticket_a, agent_ali):
    referral = services.ticket_refer(ticket_a, actor=agent_ali, unit="sales", question="Discount?")
    services.referral_answer(referral, actor=agent_ali, answer="10%")
    with pytest.raises(TicketError):
        services.referral_answer(referral, actor=agent_ali, answer="20%")


def test_refer_to_unknown_unit_is_refused(ticket_a, agent_ali):
    with pytest.raises(TicketError):
        services.ticket_refer(ticket_a, actor=agent_ali, unit="marketing", question="?")
    assert not Referral.objects.exists()


def test_late_referral_is_followed_up_once(ticket_a, agent_ali):
    from tickets.services.followup import referrals_follow_up

    services.ticket_refer(ticket_a, actor=agent_ali, unit="development", question="?", due_at=timezone.now() + timedelta(hours=1))
    later = timezone.now() + timedelta(hours=2)
    assert referrals_follow_up(now=later) == 1
    assert referrals_follow_up(now=later) == 0
    assert kinds(ticket_a).count("referral_overdue") == 1


def test_merge_moves_the_conversation_and_closes_the_duplicate(ticket_a, agent_ali, customer_reza, colleague_nika, support_team):
    dup = services.ticket_create(actor=colleague_nika, requester=colleague_nika.contact, subject="Invoice print broken",
                                 body="Same here", team=support_team)
    services.ticket_merge(dup, actor=agent_ali, target=ticket_a)
    dup.refresh_from_db()
    assert dup.status == "closed" and dup.merged_into == ticket_a
    assert ticket_a.messages.count() == 2
    assert colleague_nika.contact in ticket_a.followers.all()


def test_merge_across_organisations_is_refused(ticket_a, manager_maryam, outsider_olga):
    other = services.ticket_create(actor=outsider_olga, requester=outsider_olga.contact, subject="s", body="b")
    with pytest.raises(TicketError):
        services.ticket_merge(other, actor=manager_maryam, target=ticket_a)
    assert other.messages.count() == 1


def test_link_related_tickets(ticket_a, agent_ali, customer_reza):
    other = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="s", body="b")
    services.ticket_link(ticket_a, actor=agent_ali, other=other)
    services.ticket_link(ticket_a, actor=agent_ali, other=other)
    assert TicketLink.objects.count() == 1


def test_eta_in_the_past_is_refused(ticket_a, agent_ali):
    with pytest.raises(TicketError):
        services.ticket_set_eta(ticket_a, actor=agent_ali, eta=timezone.now() - timedelta(hours=1))


def test_eta_is_saved_for_the_customer(ticket_a, agent_ali):
    eta = timezone.now() + timedelta(days=3)
    services.ticket_set_eta(ticket_a, actor=agent_ali, eta=eta)
    ticket_a.refresh_from_db()
    assert ticket_a.eta == eta


def test_stale_form_gets_a_conflict_and_does_not_overwrite(ticket_a, agent_ali, manager_maryam):
    seen = ticket_a.version
    services.ticket_classify(ticket_a, actor=manager_maryam, priority="urgent", expected_version=seen)
    with pytest.raises(ConflictError) as exc:
        services.ticket_classify(ticket_a, actor=agent_ali, priority="low", expected_version=seen)
    ticket_a.refresh_from_db()
    assert ticket_a.priority == "urgent"
    assert [e.kind for e in exc.value.changes] == ["classified"]


def test_unknown_sender_contact_cannot_reply_to_another_orgs_ticket(ticket_a, outsider_olga):
    with pytest.raises(TicketError):
        services.ticket_customer_reply(ticket_a, contact=outsider_olga.contact, body="hi")
    assert ticket_a.messages.count() == 1


def test_every_service_write_bumps_the_version(ticket_a, agent_ali):
    v = Ticket.objects.get(pk=ticket_a.pk).version
    services.ticket_note(ticket_a, actor=agent_ali, body="n")
    assert Ticket.objects.get(pk=ticket_a.pk).version == v + 1
