"""Render a mail in its reader's language (text, and HTML for customers) and hand it to the backend.

A failed send is re-raised for the Celery task to retry, carrying `outbound` (ticket, recipients,
subject) so the task's failure path can write it on the ticket. A permanent refusal (SMTP 5xx) is
re-raised as PermanentSendError, which the tasks do not retry: the server already said no.
"""
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from tickets.mail_out.headers import thread_headers


class PermanentSendError(Exception):
    """The mail server refused for good (5xx): retrying would only repeat the refusal."""

    def __init__(self, error: str, outbound: dict):
        super().__init__(error, outbound)  # both in args: Celery pickles exceptions by their args
        self.outbound = outbound

    def __str__(self):
        return self.args[0]


def is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def describe(exc: BaseException) -> str:
    """A short line for the agent: the server's code and words, not a traceback."""
    if isinstance(exc, PermanentSendError) and exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items()]
        return "; ".join(parts)[:500]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def render_text(template: str, context: dict) -> str:
    """Plain text is not HTML: no autoescaping ('a & b' stays 'a & b')."""
    return get_template(template).template.render(Context(context, autoescape=False))


def compose(*, ticket, to, cc=(), subject, template, context, language, message_id, automatic,
            html=True, thread_before=None, thread_messages=True, earlier=None,
            connection=None) -> EmailMultiAlternatives:
    language = language or settings.LANGUAGE_CODE
    context = {**context, "ticket": ticket, "site_url": settings.SITE_URL}
    with translation.override(language):
        text = render_text(f"emails/{template}.txt", context)
        body_html = render_to_string(f"emails/{template}.html", context) if html else None
    headers = {"Message-ID": message_id,
               **thread_headers(ticket, before=thread_before, with_messages=thread_messages, earlier=earlier)}
    if automatic:
        # RFC 3834: tells well-behaved autoresponders not to answer us (no mail loops); Exchange
        # reads the second. An agent's reply is written by a person and carries neither.
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
    email = EmailMultiAlternatives(subject=f"[#{ticket.number}] {subject}", body=text,
                                   from_email=settings.DEFAULT_FROM_EMAIL, to=list(to), cc=list(cc), headers=headers,
                                   connection=connection)
    if body_html is not None:
        email.attach_alternative(body_html, "text/html")
    return email


def deliver(email, ticket) -> int:
    try:
        return email.send()
    except Exception as exc:
        outbound = {"ticket_id": ticket.pk, "to": [*email.to, *email.cc], "subject": email.subject}
        if is_permanent(exc):
            raise PermanentSendError(describe(exc), outbound) from exc
        exc.outbound = outbound
        raise


def send(*, ticket, to, **kwargs) -> int:
    if not to:
        return 0
    return deliver(compose(ticket=ticket, to=to, **kwargs), ticket)
