"""Email threading against the database: which ticket a message joins, who may join it, and what
is never answered automatically (DESIGN.md "Email threading")."""
from datetime import timedelta

from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from tests.tickets.email_builders import ingest, raw_email
from tickets import services
from tickets.emails import message_id_for, ticket_thread_id
from tickets.models import InboundEmail, Ticket, TicketEvent, TicketLink

State = InboundEmail.State


def loop_events(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket, kind="email_loop").values_list("data__loop", flat=True))


def test_reply_by_in_reply_to_our_sent_message_id_threads(ticket_a, agent_ali, customer_reza):
    reply = services.ticket_reply(ticket_a, actor=agent_ali, body="Which browser?")
    inbound = ingest(raw_email(subject="Re: something else entirely", body="Firefox 128.",
                               in_reply_to=message_id_for(reply), references=ticket_thread_id(ticket_a)))
    assert inbound.ticket == ticket_a and inbound.state == State.PROCESSED
    assert list(ticket_a.messages.order_by("id").values_list("body", flat=True))[-1] == "Firefox 128."
    assert Ticket.objects.count() == 1


def test_reply_to_a_stored_customer_message_id_threads_and_the_colleague_follows(ticket_a, colleague_nika):
    first = ingest(raw_email(subject="Printer", body="It jams."))
    inbound = ingest(raw_email(sender="nika@pars.example", name="Nika", subject="Re: Printer", body="Here too.",
                               references=f"<{first.email_message_id}>"))
    assert inbound.ticket == first.ticket
    assert colleague_nika.contact in first.ticket.followers.all()


def test_subject_token_from_the_requester_threads(ticket_a, customer_reza):
    inbound = ingest(raw_email(subject=f"Re: [#{ticket_a.number}] Invoice print fails", body="Still broken."))
    assert inbound.ticket == ticket_a


def test_reply_from_outsider_does_not_thread_by_subject_token(ticket_a, outsider_olga):
    inbound = ingest(raw_email(sender="olga@olga.example", name="Olga", subject=f"[#{ticket_a.number}] Hello",
                               body="Let me in."))
    assert inbound.ticket != ticket_a and inbound.ticket.organization == outsider_olga.contact.organization
    assert inbound.ticket.subject == "Hello"
    assert ticket_a.messages.count() == 1


def test_outsider_cannot_enter_a_ticket_by_guessing_our_message_id(ticket_a, outsider_olga):
    inbound = ingest(raw_email(sender="olga@olga.example", in_reply_to=ticket_thread_id(ticket_a)))
    assert inbound.ticket != ticket_a and ticket_a.messages.count() == 1


def test_a_colleague_who_is_not_a_participant_does_not_thread_by_subject_token(ticket_a, colleague_nika):
    inbound = ingest(raw_email(sender="nika@pars.example", subject=f"[#{ticket_a.number}] mine too"))
    assert inbound.ticket != ticket_a


def test_cc_contact_becomes_follower_and_gets_the_replies(customer_reza, colleague_nika, outsider_olga, agent_ali,
                                                          django_capture_on_commit_callbacks):
    inbound = ingest(raw_email(cc=["Nika <NIKA@pars.example>", "olga@olga.example", "support@poshtiban.localhost"]))
    ticket = inbound.ticket
    assert list(ticket.followers.all()) == [colleague_nika.contact]  # another organisation's CC is not let in
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket, actor=agent_ali, body="Fixed in 4.2.")
    assert [(m.to, m.cc) for m in mail.outbox] == [(["reza@pars.example"], ["nika@pars.example"])]
    # and the follower may now thread by the subject token
    assert ingest(raw_email(sender="nika@pars.example", subject=f"Re: [#{ticket.number}] x")).ticket == ticket


def test_auto_reply_is_recorded_on_its_ticket_and_not_answered(ticket_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inbound = ingest(raw_email(subject="Automatic reply: Invoice print fails", body="I am away until Saturday.",
                                   in_reply_to=ticket_thread_id(ticket_a), headers={"Auto-Submitted": "auto-replied"}))
    assert inbound.ticket == ticket_a and inbound.loop_kind == "auto_reply" and inbound.silent
    assert loop_events(ticket_a) == ["auto_reply"]
    assert ticket_a.messages.count() == 1
    assert mail.outbox == []


def test_auto_reply_that_matches_no_ticket_is_ignored_with_its_reason(customer_reza, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inbound = ingest(raw_email(subject="Out of office", headers={"X-Autoreply": "yes"}))
    assert inbound.state == State.IGNORED and "x-autoreply" in inbound.note.lower()
    assert not Ticket.objects.exists() and mail.outbox == []


def _bounce_of(message_id: str) -> bytes:
    """A Postfix-style delivery report that quotes our original's headers."""
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.pars.example>\r\n"
        "To: support@poshtiban.localhost\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.pars.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.pars.example\r\n\r\nFinal-Recipient: rfc822; gone@pars.example\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: support@poshtiban.localhost\r\nMessage-ID: {message_id}\r\nSubject: [#1] x\r\n"
        "--B--\r\n").encode()


def test_bounce_of_our_mail_is_recorded_on_its_ticket_and_not_answered(ticket_a, agent_ali,
                                                                       django_capture_on_commit_callbacks):
    reply = services.ticket_reply(ticket_a, actor=agent_ali, body="Please check.")
    with django_capture_on_commit_callbacks(execute=True):
        inbound = ingest(_bounce_of(message_id_for(reply)))
    assert inbound.loop_kind == "bounce" and inbound.ticket == ticket_a
    assert loop_events(ticket_a) == ["bounce"] and mail.outbox == []


def test_our_own_mail_coming_back_is_ignored(customer_reza, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inbound = ingest(raw_email(sender=django_settings.DEFAULT_FROM_EMAIL, name="Support"))
    assert inbound.state == State.IGNORED and inbound.loop_kind == "own_mail"
    assert not Ticket.objects.exists() and mail.outbox == []


def test_list_mail_becomes_a_ticket_without_an_acknowledgement(customer_reza, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inbound = ingest(raw_email(headers={"List-Id": "<news.pars.example>", "Precedence": "list"}))
    assert inbound.ticket is not None and inbound.loop_kind == "list"
    assert loop_events(inbound.ticket) == ["list"] and mail.outbox == []


def test_a_sender_past_the_rate_limit_is_no_longer_answered(customer_reza, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_RATE_LIMIT = 3
    with django_capture_on_commit_callbacks(execute=True):
        inbounds = [ingest(raw_email(subject=f"Problem {i}")) for i in range(4)]
    assert all(i.ticket is not None for i in inbounds)  # nothing is lost ...
    assert len(mail.outbox) == 3  # ... but the fourth is not acknowledged
    assert loop_events(inbounds[-1].ticket) == ["rate_limit"]
    # an hour later the sender is answered again
    InboundEmail.objects.update(received_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        ingest(raw_email(subject="Next day"))
    assert len(mail.outbox) == 4


def test_reply_to_a_resolved_ticket_reopens_it(ticket_a, agent_ali, customer_reza):
    services.ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    ingest(raw_email(subject=f"Re: [#{ticket_a.number}] Invoice print fails", body="It is back."))
    ticket_a.refresh_from_db()
    assert ticket_a.status == "open" and ticket_a.messages.count() == 2


def test_reply_to_a_closed_ticket_opens_a_linked_new_one(ticket_a, agent_ali, customer_reza):
    services.ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    services.ticket_transition(ticket_a, actor=agent_ali, action="close")
    inbound = ingest(raw_email(in_reply_to=ticket_thread_id(ticket_a), body="Again."))
    assert inbound.ticket != ticket_a
    assert TicketLink.objects.filter(source=inbound.ticket, target=ticket_a, kind="follow_up").exists()


def test_an_agents_email_reply_is_kept_as_an_internal_note(ticket_a, agent_ali, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inbound = ingest(raw_email(sender=agent_ali.email, name="Ali", subject=f"Re: [#{ticket_a.number}] x",
                                   body="Checked the logs: disk full."))
    note = inbound.message
    assert note.kind == "internal" and note.author_user == agent_ali and note.ticket == ticket_a
    assert TicketEvent.objects.filter(ticket=ticket_a, kind="noted", data__via="email").exists()
    assert mail.outbox == []  # nothing went to the customer


def test_mail_to_a_merged_ticket_goes_to_the_ticket_it_was_merged_into(ticket_a, agent_ali, customer_reza):
    dup = services.ticket_create(actor=customer_reza, requester=customer_reza.contact, subject="dup", body="same")
    services.ticket_merge(dup, actor=agent_ali, target=ticket_a)
    assert ingest(raw_email(in_reply_to=ticket_thread_id(dup))).ticket == ticket_a
