"""A real Celery worker is killed with SIGKILL in the middle of a batch of 1,000 mails; after a
restart every mail is a ticket or a message exactly once, and every reply is on its ticket.

Nothing is mocked: the mails are stored as the SMTP/IMAP doors store them (store_raw), the tasks
go through Redis to a worker subprocess working on the pytest database, and the kill takes the
whole process group (the pool children too) in the middle of their transactions.
"""
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest

from bench.mailgen import generate
from customers.models import Contact, Organization
from helpdesk.celery import app
from tests.test_topology import BASE, child_env
from tickets.models import Channel, Message, Ticket
from tickets.models_mail import InboundEmail
from tickets.services import ticket_create
from tickets.services.email_drain import wake
from tickets.services.email_intake import requeue_stale, store_raw

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

N = 1_000
KILL_AFTER = 250  # processed mails before the kill: well inside the batch
State = InboundEmail.State


def _start_worker(env, queue, name, log_dir):
    # A session of its own, so os.killpg reaches the prefork pool children as well. The log goes
    # to a file: a pipe nobody reads while the test polls could fill and stall the worker.
    log = open(log_dir / f"{name}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-Q", queue, "-c", "2", "-l", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"],
        cwd=BASE, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.log_path = log.name
    log.close()
    return proc


def _stop(proc, kill=False):
    """SIGTERM to the main process is Celery's warm shutdown; kill=True takes the whole group at once.
    Returns the worker's log."""
    if proc.poll() is None:
        if kill:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    with open(proc.log_path, "rb") as f:
        return f.read().decode(errors="replace")


def _forget_queue(queue):
    """Leave nothing in Redis: the queue's messages (acknowledgements, swept duplicates) and the
    killed worker's unacknowledged ones, which kombu would put back after the visibility timeout."""
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        channel.queue_purge(queue)
        client = channel.client
        for tag, payload in client.hgetall(channel.unacked_key).items():
            if json.loads(payload)[-1] == queue:  # [message, exchange, routing key]
                client.hdel(channel.unacked_key, tag)
                client.zrem(channel.unacked_index_key, tag)


def _counts(ids):
    return Counter(InboundEmail.objects.filter(pk__in=ids).values_list("state", flat=True))


def _setup_customers():
    orgs = [Organization.objects.create(name="Pars Software", email_domains=["pars.example"]),
            Organization.objects.create(name="Kian Trading", email_domains=["kian.example"]),
            Organization.objects.create(name="Sepid Pharma", email_domains=["sepid.example"])]
    names = ["Reza Tehrani", "Nika Moradi", "Sara Jones", "Ali Karimi", "مریم احمدی", "Omid Rahimi",
             "John Miller", "زهرا کاظمی"]
    rows = []
    # ~150 contacts: about 7 mails each, far below the per-sender rate limit (20 an hour).
    for i in range(150):
        org = orgs[i % len(orgs)]
        rows.append(Contact(organization=org, name=f"{names[i % len(names)]} {i}",
                            email=f"user{i}@{org.email_domains[0]}"))
    contacts = Contact.objects.bulk_create(rows)
    return [(c.name, c.email, c.organization_id) for c in contacts], {c.email: c for c in contacts}


def test_sigkill_in_the_middle_of_1000_mails_leaves_each_a_ticket_or_a_message_exactly_once(tmp_path):
    contacts, by_email = _setup_customers()
    # Tickets from before the batch: replies reach them by [#N] or by our own Message-ID.
    existing = []
    for i, subject in enumerate(["چاپ فاکتور خطا می‌دهد", "Backup job failed", "گزارش فروش باز نمی‌شود",
                                 "Cannot log in after the update"] * 5):
        contact = by_email[contacts[i * 7][1]]
        ticket = ticket_create(actor=None, requester=contact, subject=subject, body="Opened before the batch.",
                               channel=Channel.EMAIL)
        existing.append((ticket.number, contact.email, subject))
    tickets_before = Ticket.objects.count()

    mails = generate(N, contacts=contacts, existing=existing, seed=20240501)
    new_mails = [m for m in mails if m.kind == "new"]
    assert 600 <= len(new_mails) <= 800 and len({m.message_id for m in mails}) == N

    # Store everything first, as SMTP and IMAP do; processing is queued separately below.
    ids = []
    for m in mails:
        inbound, created = store_raw(m.raw, InboundEmail.Source.SMTP)
        assert created
        ids.append(inbound.pk)

    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    env = child_env(tmp_path, CELERY_QUEUE=queue, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                    MEDIA_ROOT=str(tmp_path / "media"))
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    first = second = None
    try:
        for pk in ids:  # as email_receive does after each commit: two drains start, the rest find them busy
            assert wake(pk) == (pk in ids[:2])
        first = _start_worker(env, queue, f"{queue}-a", tmp_path)
        deadline = time.monotonic() + 60
        while _counts(ids)[State.PROCESSED] < KILL_AFTER:
            assert first.poll() is None, _stop(first)
            assert time.monotonic() < deadline, "the first worker did not process enough mail"
            time.sleep(0.05)
        first_log = _stop(first, kill=True)
        at_kill = _counts(ids)
        assert KILL_AFTER <= at_kill[State.PROCESSED] < N, at_kill  # killed in the middle, not after the end

        # Recovery. The killed worker's tasks were acknowledged late, so Redis holds them as
        # "unacked" and would hand them out again only after the visibility timeout (1 hour by
        # default): the test does NOT shorten it. It relies on what production relies on: beat's
        # mailboxes_poll calls requeue_stale() every 30 s for mail still stored. Here it is
        # called every 5 s with no age threshold (time compressed); the sweep is idempotent, so
        # a row queued twice is processed once. A reply whose parent was lost with the worker
        # waits for it (email_pipeline._parent_waiting) instead of opening a ticket of its own.
        # The killed drains' Redis slots expire by themselves; the sweep does not need them.
        second = _start_worker(env, queue, f"{queue}-b", tmp_path)
        deadline, next_sweep, sweeps = time.monotonic() + 150, time.monotonic() + 5, 0
        while (left := _counts(ids)[State.STORED]) > 0:
            assert second.poll() is None, _stop(second)
            assert time.monotonic() < deadline, f"{left} mails still stored after the restart"
            if time.monotonic() >= next_sweep:
                requeue_stale(older_than=timedelta(0))
                next_sweep, sweeps = time.monotonic() + 5, sweeps + 1
            time.sleep(0.1)
        second_log = _stop(second)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                _stop(proc, kill=True)
        _forget_queue(queue)

    rows = {r.email_message_id: r for r in InboundEmail.objects.filter(pk__in=ids).select_related("message")}
    states = Counter(r.state for r in rows.values())
    assert states == {State.PROCESSED: N}, (states, [(r.email_message_id, r.error) for r in rows.values()
                                                     if r.state != State.PROCESSED][:5], first_log[-3000:])
    # Exactly once: one Message per mail (the unique index would refuse a second, so the count
    # also proves no mail was dropped), each inbound row linked to its own message.
    messages = {m.email_message_id: m for m in Message.objects.filter(email_message_id__in=list(rows))}
    assert len(messages) == N
    assert all(r.message_id == messages[mid].pk for mid, r in rows.items())
    assert Message.objects.count() == N + len(existing)  # + the pre-batch tickets' first messages
    # Every new request opened one ticket; no reply opened one.
    assert Ticket.objects.count() - tickets_before == len(new_mails)
    ticket_of = {}
    for m in mails:
        msg = messages[m.message_id]
        if m.kind == "new":
            assert msg.ticket.messages.order_by("id").first().pk == msg.pk, m.message_id
            ticket_of[m.message_id] = msg.ticket_id
        elif m.via == "in_reply_to":
            ticket_of[m.message_id] = ticket_of[m.parent]
            assert msg.ticket_id == ticket_of[m.parent], (m.message_id, rows[m.message_id].note)
        else:
            assert msg.ticket.number == m.ticket_number, (m.message_id, rows[m.message_id].note)
        assert msg.kind == Message.Kind.PUBLIC
    retried = sum(r.attempts > 1 for r in rows.values())  # mails whose first try died with the worker
    print(f"killed after {at_kill[State.PROCESSED]} of {N}; {retried} retried; {sweeps} requeue sweeps")
    assert "Traceback" not in second_log, second_log[-5000:]
