"""What one stored message becomes: a ticket, a reply, an internal note, a recorded auto-reply
or bounce, or a row held or ignored with its reason. email_intake.email_process calls process()
for each message of a claimed batch, inside the batch's transaction and a savepoint of its own.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.mail.loops import classify_loop, over_rate_limit
from tickets.mail.parse import ParsedEmail, parse_email
from tickets.mail.quotes import split_reply
from tickets.mail.threading import thread_candidates
from tickets.models import Attachment, Channel, Message
from tickets.models_mail import InboundEmail
from tickets.services import email_match as match
from tickets.services.attachments import check_file
from tickets.services.base import lock_ticket, record, save
from tickets.services.create import ticket_create
from tickets.services.errors import TicketError
from tickets.services.messages import ticket_customer_reply

log = logging.getLogger(__name__)
State = InboundEmail.State
MAX_DEFERRALS = 12  # a reply waits at most this many tries (~12 min) for the message it answers

def _finish(inbound, state, *, note="", ticket=None, message=None, silent=None):
    inbound.state = state
    _add_note(inbound, note)
    inbound.ticket = ticket or inbound.ticket
    inbound.message = message or inbound.message
    inbound.silent = inbound.silent if silent is None else silent
    inbound.processed_at = timezone.now()
    inbound.save(update_fields=["state", "note", "ticket", "message", "silent", "processed_at", "loop_kind",
                                "is_oversize", "error"])


@dataclass
class Batch:
    """What a batch reads once for all of its messages instead of once per message."""
    own: set[str]  # our own addresses: mail from them is ours coming back
    senders: dict[str, match.Sender]  # by the address stored with each row
    imported: dict[str, Message]  # Message-IDs another route imported already
    # (id, received_at) of the senders' mail in the hour before each row, newest first; None when
    # there was too much of it to read at once (then each row asks on its own)
    recent: dict[str, list] | None

    @classmethod
    def read(cls, rows):
        mids = [r.email_message_id for r in rows]
        senders = {r.sender for r in rows if r.sender}
        return cls(own=match.own_addresses(), senders=match.senders_find(senders),
                   imported={m.email_message_id: m for m in Message.objects.filter(email_message_id__in=mids)},
                   recent=_recent_mail(rows, senders))

    def sender(self, address: str) -> match.Sender:
        found = self.senders.get(address)
        return found if found is not None else match.sender_find(address)

    def contact_made(self, address: str):
        self.senders.pop(address, None)  # looked up again: the new row may yet be rolled back


def process(inbound: InboundEmail, policy: str, batch: Batch):
    own = batch.own
    parsed = parse_email(bytes(inbound.raw), max_bytes=settings.EMAIL_MAX_BYTES)
    inbound.is_oversize = parsed.is_oversize
    if parsed.defects:
        inbound.note = _("Parser notes: %(defects)s") % {"defects": "; ".join(parsed.defects[:20])}
    verdict = classify_loop(parsed, own_addresses=own, own_message_id_domain=settings.SUPPORT_MESSAGE_ID_DOMAIN)
    inbound.loop_kind = "" if verdict.kind == "normal" else verdict.kind
    if verdict.kind == "own_mail":
        return _finish(inbound, State.IGNORED, note=verdict.reason, silent=True)
    sender = batch.sender(parsed.from_address)
    if verdict.kind in ("auto_reply", "bounce"):
        return _record_automatic(inbound, parsed, sender, verdict)
    if not parsed.from_address:
        inbound.error = _("The message has no sender address.")
        return _finish(inbound, State.QUARANTINED, silent=True)

    loop = None  # why nobody may be answered automatically; recorded on the ticket
    if verdict.kind != "normal":  # list mail may open a ticket, never get an answer
        loop = (verdict.kind, verdict.reason)
    elif _over_rate_limit(inbound, batch):
        loop = ("rate_limit", _("more than %(n)s messages in an hour") % {"n": settings.EMAIL_RATE_LIMIT})
    silent = loop is not None or parsed.is_oversize  # oversize: the notice replaces the acknowledgement
    thread = match.thread_find(parsed)
    if thread.ticket is None and (parent := _parent_waiting(inbound, parsed)):
        if parent == "waiting":
            return defer(inbound, "the message it answers is not processed yet")
        thread = match.thread_find(parsed)  # a parent may have been processed meanwhile
    if sender.user is not None:
        return _agent_note(inbound, parsed, sender, thread)
    if thread.ticket is not None and not match.may_thread(thread, sender):
        _add_note(inbound, _("Not threaded into #%(n)s by %(via)s: the sender is not a participant.") % {
            "n": thread.ticket.number, "via": thread.via})
        thread = match.Thread()
    contact = sender.contact
    if contact is None:
        contact, made = match.contact_for_unknown(parsed.from_address, parsed.from_name, policy=policy)
        if contact is None:
            _finish(inbound, State.HELD, note=_("Unknown sender domain: held for review."), silent=silent)
            if loop is None:
                _notice(inbound.pk, "held")
            return None
        batch.contact_made(parsed.from_address)
        _add_note(inbound, _("New contact (%(made)s) for %(address)s.") % {"made": made, "address": parsed.from_address})
    _finish_as_message(inbound, parsed, contact, thread, silent=silent, loop=loop, own=own,
                       existing=batch.imported.get(inbound.email_message_id))
    if parsed.is_oversize and loop is None:
        _notice(inbound.pk, "oversize")
    return None


def _parent_waiting(inbound, parsed) -> str:
    """Whether a mail this one answers is stored but not processed yet: "" (it names none),
    "done" (none is stored now: thread again), "waiting" (still stored: in another worker's batch,
    lost with a crashed worker, or arrived after this one).

    Mail is processed by several workers at once and a crashed worker's mail comes back later
    (requeue_stale), so a reply can be taken before the message it answers; threaded then, it
    would find nothing and open a ticket of its own. It waits instead by being tried again a
    little later (defer), without holding up the rest of its batch, a bounded number of times:
    a parent that is never processed (or a forged reference cycle) cannot hold it for ever.
    """
    if inbound.attempts > MAX_DEFERRALS:
        return ""
    ids = [i for i in thread_candidates(parsed).message_ids[:match._MAX_IDS] if i != inbound.email_message_id]
    if not ids:
        return ""
    if InboundEmail.objects.filter(email_message_id__in=ids, state=State.STORED).exists():
        return "waiting"
    # Nothing stored now; a parent may still have committed since thread_find looked: look again.
    return "done"


def defer(inbound, why):
    """Leave the row stored (nothing else is written) and try again later, on its own. `not_before`
    keeps other batches from claiming it meanwhile; the stale sweep is the net if the task is lost."""
    from tickets import tasks_mail

    delay = min(2 ** max(inbound.attempts - 1, 0), 120)  # 1, 2, 4 ... 64, then every 120 s: ~12 min in all
    log.info("inbound email %s waits (%s); retry in %s s", inbound.pk, why, delay)
    inbound.not_before = timezone.now() + timedelta(seconds=delay)
    inbound.save(update_fields=["not_before"])
    transaction.on_commit(lambda: tasks_mail.email_process.apply_async((inbound.pk,), countdown=delay))


def _add_note(inbound, text):
    inbound.note = "\n".join(x for x in (inbound.note, text) if x)


def _finish_as_message(inbound, parsed, contact, thread, *, silent, loop, own, existing):
    body, files, html = _content(parsed, inbound)
    mid = inbound.email_message_id
    if existing is not None:  # already imported by another route (an import, a merge): never twice
        return _finish(inbound, State.PROCESSED, ticket=existing.ticket, message=existing, silent=silent)
    # `silent` and the ticket link are saved (by _finish) before commit, so the acknowledgement
    # that ticket_create queues for after commit can read them and stay quiet.
    if thread.ticket is not None:
        message = ticket_customer_reply(thread.ticket, contact=contact, body=body, channel=Channel.EMAIL,
                                        email_message_id=mid)
        how = _("Threaded into #%(n)s by %(via)s %(key)s.") % {
            "n": thread.ticket.number, "via": thread.via, "key": thread.key}
    else:
        subject = match.clean_subject(parsed.subject) or _("(no subject)")
        ticket = ticket_create(actor=None, requester=contact, subject=subject, body=body, channel=Channel.EMAIL,
                               email_message_id=mid)
        message = ticket.opening_message
        how = _("New ticket #%(n)s.") % {"n": ticket.number}
    ticket = message.ticket
    _finish(inbound, State.PROCESSED, note=how, ticket=ticket, message=message, silent=silent)
    _store_files(message, files, html)
    followers = match.cc_contacts(ticket, parsed, own | {parsed.from_address})
    if contact.pk != ticket.requester_id and not ticket.followers.filter(pk=contact.pk).exists():
        followers.append(contact)  # a colleague who joined the conversation hears the answers too
    if followers or loop:
        ticket = lock_ticket(ticket)
        if followers:
            ticket.followers.add(*followers)
            record(ticket, "followers_added", followers=[c.email for c in followers], via="email")
        if loop:
            record(ticket, "email_loop", loop=loop[0], reason=loop[1], inbound=inbound.pk)
        save(ticket)


def _content(parsed: ParsedEmail, inbound):
    """The new words of the message (quotes and signature cut), its files, and its sanitised HTML."""
    if parsed.is_oversize:
        return _("This email (%(size)s MB) is over the %(limit)s MB limit, so its content was not imported. "
                 "The original is kept for staff.") % {"size": round(inbound.size / 2**20, 1),
                                                      "limit": round(settings.EMAIL_MAX_BYTES / 2**20, 1)}, [], ""
    reply, _quoted = split_reply(parsed.text)
    body = reply or parsed.text.strip()
    files, refused = [], []
    for att in parsed.attachments:
        upload = ContentFile(att.content, name=att.filename)
        upload.content_type, upload.content_id = att.content_type, att.content_id or ""
        try:
            check_file(upload)
            files.append(upload)
        except TicketError as exc:
            refused.append(f"{att.filename}: {'; '.join(exc.messages)}")
    if refused:
        body += "\n\n" + _("Attachments not imported (the original keeps them):") + "\n" + "\n".join(refused)
    if not body.strip():
        body = _("(attachments only)") if files else _("(empty message)")
    return body.strip(), files, parsed.html


def _store_files(message, files, html):
    urls = {}
    for f in files:
        att = Attachment(message=message, filename=f.name[:255], content_type=f.content_type[:200], size=f.size,
                         content_id=f.content_id[:255])
        att.file.save(f.name, f, save=False)
        att.save()
        if att.content_id:
            urls[att.content_id] = reverse("agent:attachment", args=[att.pk])
    if html:
        for cid, url in urls.items():  # inline images: cid: references point at the stored files
            html = html.replace(f"cid:{cid}", url)
        Message.objects.filter(pk=message.pk).update(body_html=html)


RATE_WINDOW = timedelta(hours=1)
RECENT_ROWS_CAP = 5000  # a batch reads at most this many rows for the rate limit at once


def _recent_mail(rows, senders):
    if settings.EMAIL_RATE_LIMIT <= 0 or not senders:
        return {}
    found = list(InboundEmail.objects.filter(
        sender__in=senders, received_at__gt=min(r.received_at for r in rows) - RATE_WINDOW,
        received_at__lte=max(r.received_at for r in rows)).order_by("-received_at")
        .values_list("sender", "pk", "received_at")[:RECENT_ROWS_CAP + 1])
    if len(found) > RECENT_ROWS_CAP:
        return None
    recent = {}
    for sender, pk, at in found:
        recent.setdefault(sender, []).append((pk, at))
    return recent


def _over_rate_limit(inbound, batch) -> bool:
    limit = settings.EMAIL_RATE_LIMIT
    if limit <= 0 or not inbound.sender:  # 0 turns the limit off
        return False
    start, end = inbound.received_at - RATE_WINDOW, inbound.received_at
    if batch.recent is not None:
        times = [at for pk, at in batch.recent.get(inbound.sender, ()) if pk != inbound.pk and start < at <= end][:limit]
    else:
        times = list(InboundEmail.objects.filter(sender=inbound.sender, received_at__gt=start, received_at__lte=end)
                     .exclude(pk=inbound.pk).order_by("-received_at").values_list("received_at", flat=True)[:limit])
    return over_rate_limit(times, inbound.received_at, limit, RATE_WINDOW)


def _record_automatic(inbound, parsed, sender, verdict):
    """An auto-reply or bounce: an event on its ticket if we can tell which, never an answer."""
    extra = match.bounced_message_ids(parsed) if verdict.kind == "bounce" else ()
    thread = match.thread_find(parsed, extra_ids=extra)
    # A bounce carries our own Message-ID, so it is trusted; an auto-reply needs a participant.
    ok = thread.ticket is not None and (verdict.kind == "bounce" and thread.via == "our_message_id"
                                        or match.may_thread(thread, sender))
    if not ok:
        return _finish(inbound, State.IGNORED, note=verdict.reason, silent=True)
    ticket = lock_ticket(thread.ticket)
    record(ticket, "email_loop", loop=verdict.kind, reason=verdict.reason, inbound=inbound.pk,
           sender=parsed.from_address, subject=parsed.subject[:200])
    save(ticket)
    return _finish(inbound, State.PROCESSED, note=verdict.reason, ticket=ticket, silent=True)


def _agent_note(inbound, parsed, sender, thread):
    """An agent wrote by email. Kept as an internal note: From: can be forged, and a public reply
    would mail the customer in the agent's name; the agent copies it into a reply if meant."""
    if thread.ticket is None:
        return _finish(inbound, State.IGNORED, silent=True,
                       note=_("From a staff address and not a reply to a ticket: not imported."))
    body, files, html = _content(parsed, inbound)
    ticket = lock_ticket(thread.ticket)
    message = Message.objects.create(ticket=ticket, kind=Message.Kind.INTERNAL, author_user=sender.user, body=body,
                                     channel=Channel.EMAIL, email_message_id=inbound.email_message_id)
    _store_files(message, files, html)
    record(ticket, "noted", actor=sender.user, message=message.pk, via="email", inbound=inbound.pk)
    save(ticket)
    return _finish(inbound, State.PROCESSED, ticket=ticket, message=message, silent=True,
                   note=_("From agent %(user)s: kept as an internal note.") % {"user": sender.user.username})


def _notice(inbound_id, kind):
    from tickets import tasks_mail

    transaction.on_commit(lambda: tasks_mail.email_notice.delay(inbound_id, kind))
