"""Mail to the customer, each in the reader's language, text + HTML.

Who gets what: an agent's public reply goes to the requester (To) and the ticket's followers (Cc)
as ONE mail, so it has one Message-ID, stored on the Message for replies to thread by. The
automatic mails (acknowledgement, status, ETA, resolution) go to the requester alone.
"""
import logging
from datetime import datetime

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q

from tickets import states
from tickets.mail_out.compose import send
from tickets.mail_out.headers import automatic_message_id, earlier_message_ids_of, message_id_for
from tickets.models import InboundEmail, Message, Ticket

log = logging.getLogger(__name__)

# Status changes the customer is told about (notify.status_changed decides when), by mail kind.
STATUS_MAILS = {
    "pending_customer": states.PENDING_CUSTOMER,
    "on_hold": states.ON_HOLD,
    "reopened": states.OPEN,
    "closed": states.CLOSED,
}


def _ticket(ticket_id):
    return Ticket.objects.select_related("requester").get(pk=ticket_id)


def _to_requester(ticket, kind, template, context=None, **options):
    requester = ticket.requester
    if not requester.email:
        return 0
    return send(ticket=ticket, to=[requester.email], subject=ticket.subject, template=template,
                context={"recipient": requester, **(context or {})}, language=requester.language,
                message_id=automatic_message_id(ticket, kind), automatic=True, **options)


def send_acknowledgement(ticket_id):
    ticket = _ticket(ticket_id)
    if InboundEmail.objects.filter(ticket_id=ticket_id, silent=True).exists():
        return 0  # opened by list mail, a sender past the rate limit, or oversize mail (told apart)
    return _to_requester(ticket, "ack", "acknowledgement")


def send_acknowledgements(ticket_ids) -> list[int]:
    """send_acknowledgement for a batch of new tickets: three queries and one mail connection in
    all. Returns the ids whose mail failed, for their own task (and its retries) to send."""
    tickets = Ticket.objects.select_related("requester").in_bulk(ticket_ids)
    silent = set(InboundEmail.objects.filter(ticket_id__in=ticket_ids, silent=True).values_list("ticket_id", flat=True))
    earlier = earlier_message_ids_of(list(tickets.values()))
    failed = []
    with get_connection() as connection:  # SMTP: one session for the batch, not one per mail
        for ticket_id in ticket_ids:
            ticket = tickets.get(ticket_id)
            if ticket is None or ticket_id in silent:
                continue
            try:
                _to_requester(ticket, "ack", "acknowledgement", earlier=earlier[ticket_id], connection=connection)
            except Exception:  # noqa: BLE001 - this one is retried alone; the others still go
                log.info("acknowledgement of ticket %s failed in a batch", ticket_id, exc_info=True)
                failed.append(ticket_id)
    return failed


def _recipients(ticket):
    """Requester first, then followers; each address once, whatever its case."""
    seen, people = set(), []
    for person in [ticket.requester, *ticket.followers.order_by("pk")]:
        key = (person.email or "").lower()
        if key and key not in seen:
            seen.add(key)
            people.append(person)
    return people


def send_public_reply(message_id):
    message = Message.objects.select_related("ticket__requester", "author_user").get(pk=message_id)
    ticket = message.ticket
    people = _recipients(ticket)
    if not people:
        return 0
    mid = message_id_for(message)
    # Stored before sending: a customer quick enough to answer still threads by In-Reply-To.
    # A retry sends the same id again, so the receiving side deduplicates it.
    try:
        with transaction.atomic():
            Message.objects.filter(pk=message.pk).filter(Q(email_message_id__isnull=True) | Q(email_message_id="")) \
                .update(email_message_id=mid.strip("<>"))
    except IntegrityError:
        pass  # an inbound mail forged our id first; replies still thread by the ticket number in it
    # One mail, one language: the requester's (a follower reads the requester's language).
    return send(ticket=ticket, to=[people[0].email], cc=[p.email for p in people[1:]], subject=ticket.subject,
                template="public_reply", context={"message": message, "recipient": people[0]},
                language=people[0].language, message_id=mid, automatic=False, thread_before=message)


def send_status_change(ticket_id, kind, status=None):
    """`kind` is a key of STATUS_MAILS; nothing is sent when the ticket has moved on since."""
    ticket = _ticket(ticket_id)
    if kind not in STATUS_MAILS or ticket.status != (status or STATUS_MAILS[kind]):
        return 0
    return _to_requester(ticket, kind.replace("_", ""), "status_changed", {"kind": kind})


def send_eta(ticket_id, eta_iso):
    """The ETA promised to the customer; a later change sends its own mail, so a stale one is dropped."""
    ticket = _ticket(ticket_id)
    if ticket.eta is None or ticket.eta != datetime.fromisoformat(eta_iso):
        return 0
    if ticket.status not in states.OPEN_STATES:
        return 0
    return _to_requester(ticket, "eta", "eta")


def send_resolution(ticket_id):
    return _to_requester(_ticket(ticket_id), "resolved", "resolved")
