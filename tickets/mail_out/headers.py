"""Our Message-IDs, and the threading headers of a mail about a ticket.

The formats are read back by services/email_match.py (`our_ticket_number`): keep them
`<ticket-{number}[-anything]@{SUPPORT_MESSAGE_ID_DOMAIN}>`.
"""
import uuid

from django.conf import settings
from django.db.models import Q

from tickets.models import Message

# A long conversation would otherwise grow References without end; clients need only the
# thread root and the recent parents to thread (RFC 5322 3.6.4 allows trimming the middle).
REFERENCES_CAP = 10
# parse.py's stand-in id for mail that came without a Message-ID: nobody else knows it.
_DIGEST_DOMAIN = "@poshtiban.invalid"


def _domain() -> str:
    return settings.SUPPORT_MESSAGE_ID_DOMAIN


def ticket_thread_id(ticket) -> str:
    """The thread root every mail about the ticket refers to (never sent as a Message-ID)."""
    return f"<ticket-{ticket.number}@{_domain()}>"


def message_id_for(message) -> str:
    """An agent's public reply: one Message-ID per message, stored on it (without brackets)."""
    return f"<ticket-{message.ticket.number}-m{message.pk}@{_domain()}>"


def automatic_message_id(ticket, kind: str) -> str:
    """Acknowledgement, status, ETA, resolution, staff notice: unique per mail, not stored."""
    return f"<ticket-{ticket.number}-{kind}-{uuid.uuid4().hex}@{_domain()}>"


def _usable(mid: str) -> bool:
    return bool(mid) and not mid.endswith(_DIGEST_DOMAIN) and not any(c in mid for c in " \t\r\n<>")


def earlier_message_ids(ticket, *, before=None) -> list[str]:
    """Message-IDs of the ticket's public messages (customer emails, our replies), oldest first,
    the last REFERENCES_CAP of them; only those written before `before` when it is given."""
    rows = Message.objects.filter(ticket=ticket, kind=Message.Kind.PUBLIC, email_message_id__isnull=False)
    if before is not None:
        rows = rows.filter(Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, pk__lt=before.pk))
    ids = rows.order_by("-created_at", "-pk").values_list("email_message_id", flat=True)[:REFERENCES_CAP * 2]
    return [f"<{mid}>" for mid in ids if _usable(mid)][:REFERENCES_CAP][::-1]


def earlier_message_ids_of(tickets) -> dict[int, list[str]]:
    """earlier_message_ids for many tickets in one query (new tickets: a message or two each)."""
    rows = (Message.objects.filter(ticket__in=tickets, kind=Message.Kind.PUBLIC, email_message_id__isnull=False)
            .order_by("ticket_id", "-created_at", "-pk").values_list("ticket_id", "email_message_id"))
    found = {t.pk: [] for t in tickets}
    for ticket_id, mid in rows:
        if _usable(mid) and len(found[ticket_id]) < REFERENCES_CAP:
            found[ticket_id].append(f"<{mid}>")
    return {pk: ids[::-1] for pk, ids in found.items()}


def thread_headers(ticket, *, before=None, with_messages=True, earlier=None) -> dict:
    """References = thread root + earlier Message-IDs, most recent last; In-Reply-To = the last.
    `earlier`: those Message-IDs when the caller has read them already (earlier_message_ids_of)."""
    chain = [ticket_thread_id(ticket)]
    if earlier is not None:
        chain += earlier
    elif with_messages:
        chain += earlier_message_ids(ticket, before=before)
    return {"References": " ".join(chain), "In-Reply-To": chain[-1]}
