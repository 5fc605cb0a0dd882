"""Inbound email: store the raw bytes first, then turn them into tickets and replies, in batches.

Every door (IMAP, SMTP, `ingest_email`, the HTTP endpoint) calls email_receive(), which stores
the bytes in their own commit and wakes a drain (email_drain.py). A drain, or a message's own task
(email_process: the stale sweep, a deferral, an admin's replay), claims messages in batches, the
oldest fresh ones first, and processes each batch in ONE transaction, each message in a savepoint
of its own (email_pipeline.process): one commit and one acknowledgement task per batch instead of
per mail. A crash rolls the batch back and a retry starts clean; a processed row is
never processed again, and a row that was tried before goes alone, so a message that kills its
worker can only take itself down.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.mail.parse import parse_email
from tickets.models_mail import InboundEmail
from tickets.services import email_pipeline as pipeline
from tickets.services import notify
from tickets.services.base import is_lock_busy, locks_without_waiting
from tickets.services.read_once import read_once

log = logging.getLogger(__name__)
State = InboundEmail.State
# Database trouble is worth a retry (the task's autoretry); anything else is this message's fault.
TRANSIENT = (OperationalError, InterfaceError)
MAX_ATTEMPTS = 40  # crashes and deferrals together; past it the row is quarantined for an admin
EARLY = timedelta(seconds=2)  # a deferred message's own task may arrive a little before its time


def store_raw(raw: bytes, source: str, mailbox=None) -> tuple[InboundEmail, bool]:
    """Keep the bytes, deduplicated on Message-ID (else a hash of the bytes); commits on its own."""
    raw = bytes(raw)
    head = parse_email(raw, max_bytes=0)  # header block only: cheap, and it never raises
    with transaction.atomic():
        return InboundEmail.objects.get_or_create(email_message_id=head.stable_id[:998], defaults=dict(
            raw=raw, size=len(raw), source=source, mailbox=mailbox, sender=head.from_address[:254],
            subject=head.subject[:300], is_oversize=len(raw) > settings.EMAIL_MAX_BYTES))


def enqueue(inbound_id: int, *, own_task: bool = False):
    """Process after commit: wake a drain (email_drain), or with own_task a task for this message
    alone (the stale sweep). A lost enqueue (broker down) is not fatal: the sweep re-queues it."""
    def send():
        from tickets import tasks_mail
        from tickets.services.email_drain import wake

        try:
            if own_task:
                tasks_mail.email_process.delay(inbound_id)
            else:
                wake(inbound_id)
        except TRANSIENT:
            raise
        except Exception:  # kombu's connection errors vary by transport
            log.exception("could not enqueue inbound email %s; the poll will retry", inbound_id)

    transaction.on_commit(send)


def email_receive(raw: bytes, source: str, mailbox=None) -> tuple[InboundEmail, bool]:
    inbound, created = store_raw(raw, source, mailbox)
    if inbound.state == State.STORED:
        enqueue(inbound.pk)
    return inbound, created


def email_process(inbound_id: int, *, unknown_sender_policy: str | None = None) -> str | None:
    """Process stored message `inbound_id` and, in the same transaction, up to EMAIL_BATCH_SIZE - 1
    other fresh ones, oldest first. Returns the new state of `inbound_id` ("stored" while it waits
    for the message it answers), or None when there was nothing to do for it.

    An admin's policy override (replay) applies to that one message only, so it goes alone."""
    size = 1 if unknown_sender_policy else settings.EMAIL_BATCH_SIZE
    return process_batch(inbound_id, size, unknown_sender_policy).get(inbound_id)


def process_batch(inbound_id: int | None, size: int, unknown_sender_policy: str | None = None) -> dict[int, str]:
    """Claim and process one batch: `inbound_id` (when it is there to take) and the oldest fresh
    others, or with inbound_id=None the oldest fresh ones only. Returns {id: new state}."""
    ids = _claim(inbound_id, size)
    if not ids:
        return {}
    policy = unknown_sender_policy or settings.UNKNOWN_SENDER_POLICY
    states = {}
    try:
        with transaction.atomic(), notify.mail_collected(), read_once(), locks_without_waiting():
            # These rows are ours (the claim counted our attempt): wait for a lock another claim
            # holds for a moment rather than skip, or a row could be left with no task to take it.
            # Locks in id order: two batches never wait on each other in a cycle.
            rows = list(InboundEmail.objects.select_for_update().filter(pk__in=ids, state=State.STORED).order_by("pk"))
            batch = pipeline.Batch.read(rows)
            for inbound in sorted(rows, key=lambda r: (r.received_at, r.pk)):  # oldest first: parents before replies
                states[inbound.pk] = _process_one(inbound, policy, batch)
    except TRANSIENT:
        if len(ids) == 1:
            raise  # the task's autoretry
        # The claimed rows count as tried now, and only their own tasks would take them: go on
        # with each alone here (a database that is really down fails the first, and the sweep
        # re-queues them later).
        log.warning("a batch of %s inbound emails failed; trying each alone", len(ids), exc_info=True)
        for pk in ids:
            states.update(process_batch(pk, 1, unknown_sender_policy))
    return states


def _claim(inbound_id: int | None, size: int) -> list[int]:
    """Count an attempt on this message and the oldest fresh others, in a commit of its own (the
    admin sees tries that later rolled back), and return their ids. Nothing when this message is
    not there to take (done, deferred, or held by another batch). Rows another worker holds are
    skipped; so are rows tried before (they go alone, by their own task) and deferred ones."""
    now = timezone.now()
    with transaction.atomic():
        stored = InboundEmail.objects.select_for_update(skip_locked=True).filter(state=State.STORED)
        rows = []
        if inbound_id is not None:
            own = list(stored.filter(pk=inbound_id).filter(Q(not_before__isnull=True) | Q(not_before__lte=now + EARLY))
                       .values_list("pk", "size", "attempts"))
            if not own:  # done, deferred, or in another batch; fresh rows have tasks of their own
                return []
            if own[0][2] >= MAX_ATTEMPTS:
                InboundEmail.objects.filter(pk=inbound_id).update(
                    state=State.QUARANTINED, processed_at=now,
                    error=_("Stopped after %(n)s attempts; replay it once the cause is fixed.") % {"n": own[0][2]})
                return []
            rows = [(own[0][0], own[0][1])]
            if own[0][2] > 0:  # a retried message goes alone
                size = 1
        if size > len(rows):
            fresh = stored.filter(attempts=0, not_before__isnull=True).order_by("received_at", "pk")
            if inbound_id is not None:
                fresh = fresh.exclude(pk=inbound_id)
            rows += list(fresh.values_list("pk", "size")[:size - len(rows)])
        ids = _within_bytes(rows, settings.EMAIL_BATCH_BYTES)
        if ids:
            InboundEmail.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1)
    return ids


def _within_bytes(rows, limit) -> list[int]:
    """The first rows whose sizes add up to `limit` (at least one): a batch is parsed in memory."""
    ids, total = [], 0
    for pk, size in rows:
        if ids and total + size > limit:
            break
        ids.append(pk)
        total += size
    return ids


def _process_one(inbound, policy, batch) -> str:
    try:
        with transaction.atomic():  # a savepoint: a failure here undoes this message only
            pipeline.process(inbound, policy, batch)
        return inbound.state
    except TRANSIENT as exc:
        if not is_lock_busy(exc):
            raise  # the database is in trouble: the whole batch rolls back and the task retries
        # Its ticket is in another batch's hands: try it again in a moment, alone.
        pipeline.defer(inbound, "its ticket was busy")
        return inbound.state
    except Exception as exc:  # never block the next message: keep this one for an admin
        log.exception("inbound email %s quarantined", inbound.pk)
        InboundEmail.objects.filter(pk=inbound.pk).update(
            state=State.QUARANTINED, error=f"{type(exc).__name__}: {exc}"[:10_000], processed_at=timezone.now())
        return State.QUARANTINED


def email_replay(inbound_id: int, *, unknown_sender_policy: str | None = None) -> str | None:
    """An admin's second try for a quarantined, held or ignored message (the raw is unchanged)."""
    updated = InboundEmail.objects.filter(
        pk=inbound_id, state__in=[State.QUARANTINED, State.HELD, State.IGNORED]).update(
        state=State.STORED, error="", note="", loop_kind="", silent=False, processed_at=None, not_before=None,
        attempts=0)  # a fresh start: the cap on attempts counts from the admin's replay
    return email_process(inbound_id, unknown_sender_policy=unknown_sender_policy) if updated else None


def requeue_stale(older_than=timedelta(minutes=2), limit=100) -> int:
    """Stored rows whose task was lost (broker down at receipt, worker purged): queue them again."""
    now = timezone.now()
    ids = list(InboundEmail.objects.filter(state=State.STORED, received_at__lt=now - older_than)
               .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
               .order_by("received_at", "pk").values_list("pk", flat=True)[:limit])
    for pk in ids:
        enqueue(pk, own_task=True)
    return len(ids)
