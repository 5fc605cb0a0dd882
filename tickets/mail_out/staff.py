"""Notices to agents and managers: plain text in the reader's language, always automatic."""
from customers.models import User
from tickets.mail_out.compose import send
from tickets.mail_out.headers import automatic_message_id
from tickets.models import Notification, Ticket


def _notice(ticket, user, reason):
    if not user.email:
        return 0
    # Thread root only: a staff notice is not part of the customer's conversation.
    return send(ticket=ticket, to=[user.email], subject=ticket.subject, template="staff_update",
                context={"reason": reason, "user": user}, language=user.language,
                message_id=automatic_message_id(ticket, "staff"), automatic=True, html=False,
                thread_messages=False)


def send_staff_update(ticket_id, user_id, reason):
    if not user_id:
        return 0
    return _notice(Ticket.objects.get(pk=ticket_id), User.objects.get(pk=user_id), reason)


def send_notification_emails(notification_ids):
    sent = 0
    for note in Notification.objects.filter(pk__in=notification_ids).select_related("user", "ticket"):
        if note.ticket_id:
            sent += _notice(note.ticket, note.user, note.kind)
    return sent
