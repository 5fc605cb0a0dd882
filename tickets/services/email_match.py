"""Who wrote an incoming email, and which ticket it belongs to (DESIGN.md "Email threading")."""
import re
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from customers.models import Contact, Organization, User
from customers.roles import STAFF_ROLES
from tickets.mail.parse import ParsedEmail
from tickets.mail.threading import normalize_subject, thread_candidates
from tickets.models import Message, Ticket
from tickets.models_mail import InboundEmail, Mailbox

# Our outgoing Message-IDs (tickets/emails.py): <ticket-N@dom>, <ticket-N-mPK@dom>, <ticket-N-xyz@dom>.
_OUR_ID = re.compile(r"^ticket-(\d{1,12})(?:-[^@\s]*)?@(.+)$", re.I)
_OUR_ID_IN_TEXT = re.compile(r"<(ticket-\d{1,12}[^<>@\s]*@[^<>\s]+)>", re.I)
_SUBJECT_TOKEN = re.compile(r"\[[^\[\]#]{0,40}#\s*[0-9\u06f0-\u06f9\u0660-\u0669]{1,12}\s*\]")
_MAX_IDS = 50  # References can list hundreds of ancestors; the newest few decide


@dataclass
class Sender:
    address: str
    contact: Contact | None = None
    user: User | None = None  # a staff user writing by email


@dataclass
class Thread:
    ticket: Ticket | None = None
    via: str = ""  # "message_id" (one a client made), "our_message_id" (ours) or "subject_token"
    key: str = ""


def own_addresses() -> set[str]:
    """The addresses we send from and receive at: mail from them is our own coming back."""
    found = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1], parseaddr(settings.SERVER_EMAIL)[1]}
    for row in Mailbox.objects.values_list("addresses", flat=True):
        found.update(row)
    return {a.strip().lower() for a in found if a and a.strip()}


def sender_find(address: str) -> Sender:
    return senders_find([address]).get(address) or Sender(address)


def senders_find(addresses) -> dict[str, Sender]:
    """Who wrote, for many addresses at once (two queries), case-insensitively; staff first (an
    agent is never a customer). Every address gets an answer, a bare Sender when nobody is known."""
    lower = {a.lower(): a for a in addresses if a}
    if not lower:
        return {}
    found = {a: Sender(a) for a in lower.values()}
    for contact in (Contact.objects.select_related("organization").annotate(lower_email=Lower("email"))
                    .filter(lower_email__in=list(lower)).order_by("-pk")):  # the oldest wins, as .first() would
        found[lower[contact.lower_email]] = Sender(lower[contact.lower_email], contact=contact)
    for user in (User.objects.annotate(lower_email=Lower("email"))
                 .filter(lower_email__in=list(lower), role__in=STAFF_ROLES, is_active=True).order_by("-pk")):
        found[lower[user.lower_email]] = Sender(lower[user.lower_email], user=user)  # staff first
    return found


def contact_for_unknown(address: str, name: str, *, policy: str) -> tuple[Contact | None, str]:
    """A new Contact for an address we do not know: in the organisation whose email domain it is,
    else (policy "create") in an organisation named after the domain; (None, "") means hold it."""
    domain = address.rsplit("@", 1)[-1].lower()
    org = Organization.objects.filter(email_domains__contains=[domain]).order_by("pk").first()
    made = "contact"
    if org is None:
        if policy != "create":
            return None, ""
        # Found again by its name; email_domains stays empty because whether a domain identifies
        # one customer (gmail.com does not) is for an admin to decide.
        notes = _("Created from email: first sender %(address)s.") % {"address": address}
        org, org_created = Organization.objects.get_or_create(name=domain[:200], defaults={"notes": notes})
        made = "organization" if org_created else made
    try:
        with transaction.atomic():  # two mails from one new sender at once: the unique index decides
            contact = Contact.objects.create(organization=org, name=(name or address.split("@")[0])[:200],
                                             email=address, language=org.language)
    except IntegrityError:
        contact = Contact.objects.select_related("organization").get(email__iexact=address)
    return contact, made


def our_ticket_number(message_id: str) -> int | None:
    match = _OUR_ID.match(message_id or "")
    if match and match.group(2).lower() == settings.SUPPORT_MESSAGE_ID_DOMAIN.lower():
        return int(match.group(1))
    return None


def bounced_message_ids(parsed: ParsedEmail) -> list[str]:
    """Our Message-IDs quoted inside a delivery report (the returned original or its headers)."""
    chunks = [parsed.text] + [
        a.content[:200_000].decode("utf-8", "replace") for a in parsed.attachments
        if a.content_type in ("message/rfc822", "message/global", "text/rfc822-headers",
                              "message/delivery-status", "message/global-headers")]
    found = []
    for chunk in chunks:
        found.extend(m for m in _OUR_ID_IN_TEXT.findall(chunk) if our_ticket_number(m) and m not in found)
    return found


def _live(ticket: Ticket) -> Ticket:
    """A merged ticket's mail goes to the ticket it was merged into."""
    for _hop in range(10):
        if not ticket.merged_into_id:
            break
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def thread_find(parsed: ParsedEmail, extra_ids=()) -> Thread:
    """In order: a Message-ID we stored or sent, then the subject's [#N] token (checked later)."""
    keys = thread_candidates(parsed)
    ids = list(dict.fromkeys([*keys.message_ids, *extra_ids]))[:_MAX_IDS]
    if ids:
        stored = dict(Message.objects.filter(email_message_id__in=ids).values_list("email_message_id", "ticket_id"))
        stored.update({mid: tid for mid, tid in InboundEmail.objects.filter(
            email_message_id__in=ids, ticket__isnull=False).values_list("email_message_id", "ticket_id")
            if mid not in stored})
        numbers = {mid: n for mid in ids if (n := our_ticket_number(mid))}
        by_number = dict(Ticket.objects.filter(number__in=set(numbers.values())).values_list("number", "pk"))
        for mid in ids:  # newest first: the direct parent wins
            if mid in stored:
                return Thread(_live(Ticket.objects.get(pk=stored[mid])), "message_id", mid)
            if numbers.get(mid) in by_number:
                return Thread(_live(Ticket.objects.get(pk=by_number[numbers[mid]])), "our_message_id", mid)
    if keys.subject_ticket_number is not None:
        ticket = Ticket.objects.filter(number=keys.subject_ticket_number).first()
        if ticket is not None:
            return Thread(_live(ticket), "subject_token", f"[#{keys.subject_ticket_number}]")
    return Thread()


def may_thread(thread: Thread, sender: Sender) -> bool:
    """Whether this sender may write into the found ticket.

    A Message-ID made by a mail client is a secret only the conversation's readers know. Ours
    (ticket-N@...) and the [#N] token are guessable, so they count only from the requester, a
    follower (CC'd contact) or an agent; anyone else starts a new ticket, in their own organisation.
    """
    ticket = thread.ticket
    if ticket is None:
        return False
    if sender.user is not None:
        return True
    contact = sender.contact
    if contact is None or contact.organization_id != ticket.organization_id:
        return False
    if thread.via == "message_id":
        return True
    return contact.pk == ticket.requester_id or ticket.followers.filter(pk=contact.pk).exists()


def cc_contacts(ticket: Ticket, parsed: ParsedEmail, exclude: set[str]) -> list[Contact]:
    """Contacts of the ticket's organisation named in To/Cc (not yet following): they follow now.
    Other organisations' people are left out, so a CC never opens a ticket to outsiders."""
    addresses = {a.lower() for _name, a in [*parsed.to, *parsed.cc]} - exclude
    if not addresses:
        return []
    return list(Contact.objects.annotate(lower_email=Lower("email"))
                .filter(lower_email__in=addresses, organization_id=ticket.organization_id)
                .exclude(pk=ticket.requester_id).exclude(followed_tickets=ticket))


def clean_subject(subject: str) -> str:
    """A new ticket's subject: no "Re:"/"Fwd:" prefixes, no other ticket's [#N] token (ours is
    added when we write)."""
    return normalize_subject(" ".join(_SUBJECT_TOKEN.sub(" ", subject or "").split()))
