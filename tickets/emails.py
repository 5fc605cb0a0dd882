"""Outgoing mail, each in its recipient's language, threaded with our own Message-IDs."""
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from customers.models import User
from tickets.models import InboundEmail, Message, Ticket


def ticket_thread_id(ticket) -> str:
    return f"<ticket-{ticket.number}@{settings.SUPPORT_MESSAGE_ID_DOMAIN}>"


def message_id_for(message) -> str:
    return f"<ticket-{message.ticket.number}-m{message.pk}@{settings.SUPPORT_MESSAGE_ID_DOMAIN}>"


def _send(*, to, subject, template, context, language, ticket, message_id=None, automatic=False):
    if not to:
        return 0
    with translation.override(language or settings.LANGUAGE_CODE):
        body = render_to_string(template, {**context, "ticket": ticket, "site_url": settings.SITE_URL})
        subject_line = f"[#{ticket.number}] {subject}"
    headers = {"References": ticket_thread_id(ticket), "In-Reply-To": ticket_thread_id(ticket)}
    headers["Message-ID"] = message_id or f"<ticket-{ticket.number}-{abs(hash((subject, tuple(to))))}@{settings.SUPPORT_MESSAGE_ID_DOMAIN}>"
    if automatic:
        # RFC 3834: tells well-behaved autoresponders not to answer us (no mail loops).
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
    email = EmailMessage(subject=subject_line, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to, headers=headers)
    return email.send()


def _customer_recipients(ticket):
    people = [ticket.requester, *ticket.followers.all()]
    return [p for p in people if p.email]


def send_acknowledgement(ticket_id):
    ticket = Ticket.objects.select_related("requester").get(pk=ticket_id)
    if not ticket.requester.email:
        return 0
    if InboundEmail.objects.filter(ticket_id=ticket_id, silent=True).exists():
        return 0  # opened by list mail, a sender past the rate limit, or oversize mail (told apart)
    return _send(to=[ticket.requester.email], subject=ticket.subject, template="emails/acknowledgement.txt",
                 context={}, language=ticket.requester.language, ticket=ticket, automatic=True)


def send_public_reply(message_id):
    message = Message.objects.select_related("ticket", "author_user").get(pk=message_id)
    sent = 0
    for person in _customer_recipients(message.ticket):
        sent += _send(to=[person.email], subject=message.ticket.subject, template="emails/public_reply.txt",
                      context={"message": message, "recipient": person}, language=person.language,
                      ticket=message.ticket, message_id=message_id_for(message))
    return sent


def send_resolution(ticket_id):
    ticket = Ticket.objects.select_related("requester").get(pk=ticket_id)
    if not ticket.requester.email:
        return 0
    return _send(to=[ticket.requester.email], subject=ticket.subject, template="emails/resolved.txt", context={},
                 language=ticket.requester.language, ticket=ticket, automatic=True)


def send_staff_update(ticket_id, user_id, reason):
    if not user_id:
        return 0
    ticket = Ticket.objects.get(pk=ticket_id)
    user = User.objects.get(pk=user_id)
    if not user.email:
        return 0
    return _send(to=[user.email], subject=ticket.subject, template="emails/staff_update.txt",
                 context={"reason": reason, "user": user}, language=user.language, ticket=ticket, automatic=True)


def send_notification_emails(notification_ids):
    from tickets.models import Notification

    sent = 0
    for note in Notification.objects.filter(pk__in=notification_ids).select_related("user", "ticket"):
        if note.user.email and note.ticket_id:
            sent += _send(to=[note.user.email], subject=note.ticket.subject, template="emails/staff_update.txt",
                          context={"reason": note.kind, "user": note.user}, language=note.user.language,
                          ticket=note.ticket, automatic=True)
    return sent
