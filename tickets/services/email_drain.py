"""Waking the workers for stored mail: a few draining tasks instead of a task per message.

A task per message costs the worker more than a small message itself (Celery's round trips,
the pool's hand-over), and a burst of mail is processed in batches anyway. So a stored message
wakes a drain in one of EMAIL_INTAKE_DRAINS slots (one per worker process that may work on mail
at once); a slot is a Redis key added with SET NX, so a burst of 10,000 messages starts two
tasks, not 10,000. A drain claims batches, oldest first, until none is left, then frees its slot
and looks once more: a message stored while its slot was taken is seen by that last look, so
nothing waits for a wake-up that never comes. A drain that runs long hands over to a fresh task
now and then, so acknowledgements and other tasks get their turn on the same worker.

Nothing depends on Redis keeping the keys: a lost key only means a drain too many (they share
the work through SKIP LOCKED), a stuck one expires, and the beat's stale sweep re-queues any
message stored for two minutes, whatever happened to its wake-up.
"""
import logging
import time

from django.conf import settings
from django.core.cache import cache

from tickets.services.email_intake import process_batch

log = logging.getLogger(__name__)
SLOT_KEY = "email-intake:drain:{}"
SLOT_SECONDS = 60  # a slot whose drain died frees itself after this long
TURN_SECONDS = 10  # a drain hands over to a fresh task after this long


def wake(inbound_id: int) -> bool:
    """Called after the message's row is committed. True when it started a drain."""
    from tickets import tasks_mail

    try:
        keys = [SLOT_KEY.format(slot) for slot in range(settings.EMAIL_INTAKE_DRAINS)]
        # One round trip in a burst, when every slot is taken. Seeing a key is as good as failing
        # to add it: that drain frees it later than now, so its last look finds this message.
        taken = cache.get_many(keys)
        for slot, key in enumerate(keys):
            if key not in taken and cache.add(key, inbound_id, timeout=SLOT_SECONDS):
                tasks_mail.email_drain.delay(inbound_id, slot)
                return True
        return False  # every slot has a drain that has not made its last look yet
    except Exception:  # noqa: BLE001 - Redis trouble: fall back to a task of its own
        log.warning("no drain slot for inbound email %s (cache unavailable); queued on its own", inbound_id,
                    exc_info=True)
        tasks_mail.email_process.delay(inbound_id)
        return True


def drain(inbound_id: int | None, slot: int, turn_seconds: float = TURN_SECONDS) -> int:
    """Process `inbound_id` (when given) and every fresh stored message after it; returns how many."""
    from tickets import tasks_mail

    key = SLOT_KEY.format(slot)
    ends = time.monotonic() + turn_seconds
    size = settings.EMAIL_BATCH_SIZE
    done = len(process_batch(inbound_id, size)) if inbound_id is not None else 0
    while True:
        while n := len(process_batch(None, size)):
            done += n
            if time.monotonic() > ends:
                cache.set(key, "handed over", timeout=SLOT_SECONDS)
                tasks_mail.email_drain.delay(None, slot)
                return done
        cache.delete(key)
        n = len(process_batch(None, size))  # the last look: whatever was stored while we held the slot
        if not n:
            return done
        done += n
        cache.add(key, "draining", timeout=SLOT_SECONDS)  # best effort; a second drain is harmless
