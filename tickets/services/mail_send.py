"""Automatic notices about an inbound message itself (too large, held for review).

Separate from tickets/emails.py because a held message has no ticket to thread under. Each notice
answers the sender's Message-ID and carries `Auto-Submitted: auto-replied` (RFC 3834) and our own
Message-ID domain, so it is recognised as ours, and not answered, if it ever comes back.
"""
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from customers.models import Contact
from tickets.models_mail import InboundEmail

NOTICES = {
    "oversize": "emails/inbound_oversize.txt",
    "held": "emails/inbound_held.txt",
}


def _subject(kind, inbound):
    if kind == "oversize":
        line = _("Your email was too large: %(subject)s")
    else:
        line = _("Your email is waiting for review: %(subject)s")
    line = line % {"subject": inbound.subject or _("(no subject)")}
    return f"[#{inbound.ticket.number}] {line}" if inbound.ticket_id else line


def send_notice(inbound_id: int, kind: str) -> int:
    inbound = InboundEmail.objects.defer("raw").select_related("ticket").get(pk=inbound_id)
    if not inbound.sender:
        return 0
    contact = Contact.objects.filter(email__iexact=inbound.sender).first()
    language = contact.language if contact else settings.LANGUAGE_CODE
    domain = settings.SUPPORT_MESSAGE_ID_DOMAIN
    headers = {
        "Message-ID": f"<notice-{inbound.pk}-{kind}@{domain}>",
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
    }
    if not inbound.email_message_id.endswith("@poshtiban.invalid"):  # parse.py's hash: no real Message-ID
        headers["In-Reply-To"] = headers["References"] = f"<{inbound.email_message_id}>"
    with translation.override(language):
        body = render_to_string(NOTICES[kind], {
            "ticket": inbound.ticket, "site_url": settings.SITE_URL,
            "size": round(inbound.size / 2**20, 1), "limit": round(settings.EMAIL_MAX_BYTES / 2**20, 1)})
        subject = _subject(kind, inbound)
    email = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[inbound.sender],
                         headers=headers)
    return email.send()
