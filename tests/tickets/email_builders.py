"""Build raw RFC 5322 messages for the email-channel tests, and run them through the pipeline."""
import itertools
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from tickets.models import InboundEmail
from tickets.services.email_intake import email_process, store_raw

_seq = itertools.count(1)


def raw_email(*, sender="reza@pars.example", name="Reza Tehrani", to="support@poshtiban.localhost", cc=(),
              subject="Invoice print fails", body="Printing an invoice shows error 500.", message_id=None,
              in_reply_to=None, references=None, headers=None, attachments=()) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>" if name else sender
    msg["To"] = to
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = message_id or make_msgid(idstring=f"t{next(_seq)}", domain="client.example")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    for filename, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def ingest(raw: bytes, source="file", **policy) -> InboundEmail:
    """Store, then process synchronously (as the worker would); returns the refreshed row."""
    inbound, _created = store_raw(raw, source)
    email_process(inbound.pk, **policy)
    inbound.refresh_from_db()
    return inbound


def message_id_of(raw: bytes) -> str:
    from tickets.mail.parse import parse_email

    return parse_email(raw, max_bytes=0).stable_id
