"""Outgoing mail (DESIGN.md "Email threading"): language, text + HTML, our Message-IDs, the
References chain, Auto-Submitted on automatic mail only, retries, and a failed send on the ticket."""
import email
import re
import smtplib
import socket
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation

from customers.models import Contact
from helpdesk.templatetags.jalali import when
from tests.tickets.email_builders import ingest, raw_email
from tickets import services
from tickets.emails import ticket_thread_id
from tickets.mail_out.headers import REFERENCES_CAP
from tickets.models import Message, TicketEvent


def domain():
    return django_settings.SUPPORT_MESSAGE_ID_DOMAIN


def html_of(msg):
    [(content, mimetype)] = msg.alternatives
    assert mimetype == "text/html"
    return content


def header(msg, name):
    return msg.message()[name]


def ids(value):
    return re.findall(r"<[^<>]+>", value or "")


@pytest.fixture
def emma(org_a):
    """An English-speaking contact of org A (no portal account)."""
    return Contact.objects.create(organization=org_a, name="Emma Stone", email="emma@pars.example", language="en")


@pytest.fixture
def ticket_en(emma, support_team):
    return services.ticket_create(actor=None, requester=emma, subject="Export is slow", body="Exports take minutes.",
                                  team=support_team)


def create_ticket(requester, team, capture):
    with capture(execute=True):
        return services.ticket_create(actor=None, requester=requester, subject="Invoice print fails",
                                      body="Printing an invoice shows error 500.", team=team)


# --- language, parts, headers of each kind -------------------------------------------------------

def test_acknowledgement_to_a_persian_requester_is_persian_rtl_text_and_html(customer_reza, support_team,
                                                                             django_capture_on_commit_callbacks):
    ticket = create_ticket(customer_reza.contact, support_team, django_capture_on_commit_callbacks)
    [ack] = mail.outbox
    assert ack.to == ["reza@pars.example"] and "درخواست شما دریافت شد" in ack.body
    html = html_of(ack)
    assert 'dir="rtl"' in html and 'lang="fa"' in html and "Vazirmatn" in html and "درخواست شما دریافت شد" in html
    assert "<img" not in html and "<link" not in html and "http" not in html.replace(django_settings.SITE_URL, "")
    assert re.fullmatch(rf"<ticket-{ticket.number}-ack-[0-9a-f]{{32}}@{re.escape(domain())}>", header(ack, "Message-ID"))
    assert header(ack, "References") == header(ack, "In-Reply-To") == ticket_thread_id(ticket)
    assert header(ack, "Auto-Submitted") == "auto-generated" and header(ack, "X-Auto-Response-Suppress") == "All"
    assert ack.message().get_content_type() == "multipart/alternative"


def test_acknowledgement_to_an_english_requester_is_english_ltr(emma, support_team, django_capture_on_commit_callbacks):
    create_ticket(emma, support_team, django_capture_on_commit_callbacks)
    [ack] = mail.outbox
    assert "We have received your request" in ack.body and "Dear Emma Stone" in ack.body
    html = html_of(ack)
    assert 'dir="ltr"' in html and 'lang="en"' in html and "We have received your request" in html


def test_agent_reply_is_one_mail_to_the_requester_cc_followers_with_its_stored_message_id(
        ticket_a, agent_ali, colleague_nika, django_capture_on_commit_callbacks):
    ticket_a.followers.add(colleague_nika.contact)
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.ticket_reply(ticket_a, actor=agent_ali, body="Please update to 4.2 & retry.")
    [sent] = mail.outbox
    assert sent.to == ["reza@pars.example"] and sent.cc == ["nika@pars.example"]
    assert "Please update to 4.2 & retry." in sent.body  # plain text is not HTML-escaped
    assert "Please update to 4.2 &amp; retry." in html_of(sent)
    reply.refresh_from_db()
    assert header(sent, "Message-ID") == f"<{reply.email_message_id}>" == f"<ticket-{ticket_a.number}-m{reply.pk}@{domain()}>"
    assert header(sent, "Auto-Submitted") is None and header(sent, "X-Auto-Response-Suppress") is None
    assert header(sent, "Cc") == "nika@pars.example"


def test_status_changes_the_customer_should_know_of_and_not_the_internal_ones(
        ticket_a, agent_ali, customer_reza, django_capture_on_commit_callbacks):
    def step(actor, action):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.ticket_transition(ticket_a, actor=actor, action=action)
        return list(mail.outbox)

    assert step(agent_ali, "open") == []  # internal: work started
    [held] = step(agent_ali, "hold")
    assert "معلق" in held.body and "معلق" in html_of(held) and header(held, "Auto-Submitted") == "auto-generated"
    assert re.fullmatch(rf"<ticket-{ticket_a.number}-onhold-[0-9a-f]{{32}}@{re.escape(domain())}>",
                        header(held, "Message-ID"))
    assert step(agent_ali, "resume") == []
    [waiting] = step(agent_ali, "wait_customer")
    assert "در انتظار مشتری" in waiting.body
    [resolved] = step(agent_ali, "resolve")
    assert re.search(r"/portal/rate/\S+/", resolved.body) and re.search(r'href="[^"]*/portal/rate/[^"]+/"', html_of(resolved))
    [reopened] = step(agent_ali, "reopen")
    assert "باز" in reopened.body
    step(agent_ali, "resolve")
    assert step(customer_reza, "reopen") == []  # the customer's own step: the page told them
    step(agent_ali, "resolve")
    [closed] = step(agent_ali, "close")
    assert "بسته" in closed.body


def test_a_status_mail_is_dropped_when_the_ticket_moved_on_before_it_left(ticket_a, agent_ali,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_transition(ticket_a, actor=agent_ali, action="hold")
        services.ticket_transition(ticket_a, actor=agent_ali, action="resume")
    assert mail.outbox == []


def test_eta_mail_shows_a_jalali_date_to_persian_and_gregorian_to_english_readers(
        ticket_a, ticket_en, agent_ali, django_capture_on_commit_callbacks):
    eta = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_set_eta(ticket_a, actor=agent_ali, eta=eta)
        services.ticket_set_eta(ticket_en, actor=agent_ali, eta=eta)
    fa, en = mail.outbox
    with translation.override("fa"):
        jalali = when(eta)
    with translation.override("en"):
        gregorian = when(eta)
    assert re.match(r"^[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", jalali)
    assert fa.to == ["reza@pars.example"] and jalali in fa.body and jalali in html_of(fa) and "زمان تخمینی حل" in fa.body
    assert en.to == ["emma@pars.example"] and gregorian in en.body and gregorian in html_of(en)
    assert "We expect to resolve ticket" in en.body and header(en, "Auto-Submitted") == "auto-generated"


def test_eta_unchanged_or_cleared_sends_nothing(ticket_a, agent_ali, django_capture_on_commit_callbacks):
    eta = timezone.now() + timedelta(days=3)
    services.ticket_set_eta(ticket_a, actor=agent_ali, eta=eta)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_set_eta(ticket_a, actor=agent_ali, eta=eta)
        services.ticket_set_eta(ticket_a, actor=agent_ali, eta=None)
    assert mail.outbox == []


def test_staff_notice_is_automatic_plain_text(ticket_a, agent_ali, manager_maryam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(ticket_a, actor=manager_maryam, assignee=agent_ali)
    [notice] = mail.outbox
    assert notice.to == ["ali@example.test"] and header(notice, "Auto-Submitted") == "auto-generated"
    assert not notice.alternatives


# --- threading ------------------------------------------------------------------------------------

def test_references_grow_across_a_conversation_and_the_customer_threads_back_by_in_reply_to(
        customer_reza, agent_ali, support_team, django_capture_on_commit_callbacks):
    first = raw_email(message_id="<first@client.example>")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ingest(first).ticket
    [ack] = mail.outbox
    root = ticket_thread_id(ticket)
    assert ids(header(ack, "References")) == [root, "<first@client.example>"]
    assert header(ack, "In-Reply-To") == "<first@client.example>"

    with django_capture_on_commit_callbacks(execute=True):
        reply1 = services.ticket_reply(ticket, actor=agent_ali, body="Which browser?")
    out1 = mail.outbox[-1]
    our1 = header(out1, "Message-ID")
    assert ids(header(out1, "References")) == [root, "<first@client.example>"]
    assert header(out1, "In-Reply-To") == "<first@client.example>"

    # The customer answers our reply; an unrelated subject and no References: In-Reply-To threads it.
    with django_capture_on_commit_callbacks(execute=True):
        inbound = ingest(raw_email(message_id="<second@client.example>", subject="something else entirely",
                                   body="Firefox 128.", in_reply_to=our1))
    assert inbound.ticket == ticket and "Threaded" in inbound.note
    assert ticket.messages.order_by("id").last().body == "Firefox 128."

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket, actor=agent_ali, body="Fixed in 4.2.")
    out2 = mail.outbox[-1]
    reply1.refresh_from_db()
    assert f"<{reply1.email_message_id}>" == our1
    assert ids(header(out2, "References")) == [root, "<first@client.example>", our1, "<second@client.example>"]
    assert header(out2, "In-Reply-To") == "<second@client.example>"


def test_references_keep_only_the_most_recent_message_ids(ticket_a, agent_ali, django_capture_on_commit_callbacks):
    start = timezone.now() - timedelta(hours=1)
    for i in range(REFERENCES_CAP + 5):
        Message.objects.create(ticket=ticket_a, body=f"m{i}", email_message_id=f"m{i}@client.example",
                               created_at=start + timedelta(minutes=i), author_contact=ticket_a.requester)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket_a, actor=agent_ali, body="Noted.")
    refs = ids(header(mail.outbox[-1], "References"))
    assert refs[0] == ticket_thread_id(ticket_a) and len(refs) == REFERENCES_CAP + 1
    assert refs[-1] == f"<m{REFERENCES_CAP + 4}@client.example>" and refs[1] == "<m5@client.example>"


# --- failures -------------------------------------------------------------------------------------

class FailingBackend(BaseEmailBackend):
    """The outgoing server, refusing: `error` is raised on every attempt, which are counted."""
    error = None
    attempts = 0

    def send_messages(self, messages):
        FailingBackend.attempts += 1
        raise FailingBackend.error


@pytest.fixture
def failing_smtp(settings):
    """A refusing server, with eager tasks run as a worker runs them: conftest makes eager tasks
    propagate errors, which skips Celery's retries and its failure path; a worker does neither."""
    from helpdesk.celery import app

    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.attempts = 0
    app.conf.task_eager_propagates = False
    yield FailingBackend
    app.conf.task_eager_propagates = True


def timeline_line(reader, msgid, **values):
    """A timeline line as the reader's page shows it (the agent page speaks the agent's language)."""
    with translation.override(reader.language):
        return translation.gettext(msgid) % values


def failures(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket, kind="email_failed").values_list("data", flat=True))


def test_a_temporary_refusal_is_retried_and_the_final_failure_is_on_the_ticket(
        ticket_a, agent_ali, failing_smtp, client_for, django_capture_on_commit_callbacks):
    failing_smtp.error = smtplib.SMTPDataError(451, b"4.3.0 try again later")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket_a, actor=agent_ali, body="Which browser?")
    assert failing_smtp.attempts == 1 + 8  # the first try and max_retries retries
    [failure] = failures(ticket_a)
    assert failure["to"] == ["reza@pars.example"] and failure["subject"] == f"[#{ticket_a.number}] Invoice print fails"
    assert failure["error"] == "451 4.3.0 try again later"
    page = client_for(agent_ali).get(f"/agent/tickets/{ticket_a.number}/").text
    assert timeline_line(agent_ali, "An email to %(to)s could not be sent: %(error)s", to="reza@pars.example",
                         error="451 4.3.0 try again later") in page


def test_a_permanent_refusal_is_not_retried_and_shows_on_the_agent_page(
        ticket_a, agent_ali, failing_smtp, client_for, django_capture_on_commit_callbacks):
    failing_smtp.error = smtplib.SMTPRecipientsRefused({"reza@pars.example": (550, b"5.1.1 no such user")})
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_transition(ticket_a, actor=agent_ali, action="hold")
    assert failing_smtp.attempts == 1
    [failure] = failures(ticket_a)
    assert failure["error"] == "reza@pars.example: 550 5.1.1 no such user"
    page = client_for(agent_ali).get(f"/agent/tickets/{ticket_a.number}/").text
    assert timeline_line(agent_ali, "An email to %(to)s could not be sent: %(error)s", to="reza@pars.example",
                         error="reza@pars.example: 550 5.1.1 no such user") in page


def test_a_rating_shows_in_the_agent_timeline(ticket_a, agent_ali, customer_reza, client_for):
    from tickets.services.ratings import rating_submit

    services.ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    rating_submit(ticket_a, contact=customer_reza.contact, score=4)
    page = client_for(agent_ali).get(f"/agent/tickets/{ticket_a.number}/").text
    assert timeline_line(agent_ali, "%(who)s rated the resolution %(score)s/5", who="Reza Tehrani", score=4) in page


# --- the wire -------------------------------------------------------------------------------------

class Collect:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def test_real_smtp_round_trip_carries_headers_and_both_parts(ticket_a, agent_ali, colleague_nika, smtp_server,
                                                              django_capture_on_commit_callbacks):
    ticket_a.followers.add(colleague_nika.contact)
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.ticket_reply(ticket_a, actor=agent_ali, body="به نسخهٔ ۴.۲ به‌روز کنید.")
        services.ticket_transition(ticket_a, actor=agent_ali, action="wait_customer")
    reply.refresh_from_db()
    [human, automatic] = smtp_server.envelopes
    assert sorted(human.rcpt_tos) == ["nika@pars.example", "reza@pars.example"]  # one mail, both readers
    parsed = email.message_from_bytes(human.original_content, policy=policy.default)
    assert parsed["Message-ID"] == f"<{reply.email_message_id}>" and parsed["Auto-Submitted"] is None
    assert parsed["In-Reply-To"] == ticket_thread_id(ticket_a) and ticket_thread_id(ticket_a) in parsed["References"]
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(("plain",)).get_content().strip().startswith("به نسخهٔ ۴.۲ به‌روز کنید.")
    assert 'dir="rtl"' in parsed.get_body(("html",)).get_content()
    status = email.message_from_bytes(automatic.original_content, policy=policy.default)
    assert status["Auto-Submitted"] == "auto-generated" and status["X-Auto-Response-Suppress"] == "All"
    assert status["In-Reply-To"] == parsed["Message-ID"]  # our reply is the newest message of the ticket
    assert {p.get_content_type() for p in status.walk()} >= {"text/plain", "text/html"}
