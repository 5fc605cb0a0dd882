"""The SMTP listener, for real: aiosmtpd on a free port, smtplib as the sending server."""
import smtplib
import socket

import pytest

from tests.tickets.email_builders import message_id_of, raw_email
from tickets.management.commands import smtp_intake
from tickets.models import InboundEmail, Ticket

pytestmark = pytest.mark.django_db(transaction=True)  # the listener's thread has its own connection


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def listener(settings):
    settings.EMAIL_MAX_BYTES = 50_000
    controller = smtp_intake.build_controller("127.0.0.1", _free_port())
    controller.start()
    yield controller
    controller.stop()


def crlf(raw: bytes) -> bytes:
    """On the wire, as a real MTA sends it: CRLF line ends."""
    return raw.replace(b"\n", b"\r\n")


def send(controller, raw, sender="reza@pars.example"):
    with smtplib.SMTP(controller.hostname, controller.port, timeout=30) as client:
        return client.sendmail(sender, ["support@poshtiban.localhost"], crlf(raw))


def test_mail_sent_over_smtp_becomes_a_ticket(listener, customer_reza):
    raw = raw_email(subject="Sent over SMTP")
    assert send(listener, raw) == {}  # 250 for the only recipient
    # 250 came only after the raw was committed: it is there the moment the client returns
    inbound = InboundEmail.objects.get(email_message_id=message_id_of(raw))
    assert inbound.source == "smtp" and bytes(inbound.raw) == crlf(raw)
    assert inbound.state == "processed"  # eager Celery in tests; a worker in production
    assert Ticket.objects.get().subject == "Sent over SMTP"


def test_storage_failure_answers_a_temporary_error_so_the_sender_retries(listener, customer_reza, monkeypatch):
    def database_down(*args):
        raise RuntimeError("database down")

    monkeypatch.setattr(smtp_intake, "email_receive", database_down)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(listener, raw_email())
    assert refused.value.smtp_code == 451
    assert not InboundEmail.objects.exists()


def test_oversize_mail_is_accepted_stored_and_flagged(listener, customer_reza):
    raw = raw_email(attachments=[("dump.zip", "application/zip", b"z" * 80_000)])
    send(listener, raw)
    inbound = InboundEmail.objects.get()
    assert inbound.is_oversize and bytes(inbound.raw) == crlf(raw)
    assert inbound.ticket is not None


def test_mail_past_four_times_the_limit_is_refused_by_the_listener(listener, customer_reza):
    with pytest.raises(smtplib.SMTPException):
        send(listener, raw_email(attachments=[("huge.zip", "application/zip", b"z" * 210_000)]))
    assert not InboundEmail.objects.exists()
