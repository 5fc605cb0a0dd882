"""Inbound mail in batches: one transaction per batch, each message on its own inside it, and
nothing left behind when a batch meets a busy ticket, a database error or a full set of drains."""
import psycopg2
import pytest
from django.core import mail
from django.core.cache import cache
from django.db import OperationalError, connection

from tests.tickets.email_builders import ingest, raw_email
from tickets.models import InboundEmail, Message, Ticket
from tickets.services import email_pipeline
from tickets.services.email_drain import SLOT_KEY, drain, wake
from tickets.services.email_intake import MAX_ATTEMPTS, email_process, store_raw

State = InboundEmail.State


def _store_burst(n, domain="pars.example"):
    """n new requests from n people of one organisation (each under the per-sender limit)."""
    return [store_raw(raw_email(sender=f"person{i}@{domain}", name=f"Person {i}", subject=f"Request {i}"), "smtp")[0]
            for i in range(n)]


def test_one_task_processes_a_batch_oldest_first_and_acknowledges_each(org_a, settings,
                                                                      django_capture_on_commit_callbacks):
    settings.EMAIL_BATCH_SIZE = 5
    rows = _store_burst(7)
    with django_capture_on_commit_callbacks(execute=True):
        assert email_process(rows[3].pk) == State.PROCESSED
    states = dict(InboundEmail.objects.values_list("pk", "state"))
    # its own message, then the four oldest others; the last two wait for their own tasks
    assert [states[r.pk] for r in rows] == [State.PROCESSED] * 5 + [State.STORED] * 2
    assert Ticket.objects.count() == 5
    acks = sorted(mail.outbox, key=lambda m: m.to[0])
    assert [m.to for m in acks] == [[f"person{i}@pars.example"] for i in range(5)]
    for ack in acks:  # the batch path threads each acknowledgement under the customer's own mail
        sent_for = InboundEmail.objects.get(sender=ack.to[0])
        assert ack.extra_headers["In-Reply-To"] == f"<{sent_for.email_message_id}>"
        assert f"[#{sent_for.ticket.number}]" in ack.subject


def test_a_message_whose_ticket_another_transaction_holds_waits_and_the_batch_goes_on(
        customer_reza, colleague_nika, transactional_db, monkeypatch):
    from tickets import tasks_mail

    retries = []  # the eager test worker would run a countdown at once: keep it for later instead
    monkeypatch.setattr(tasks_mail.email_process, "apply_async", lambda args, countdown: retries.append((args, countdown)))
    first = ingest(raw_email(subject="Backup fails"))
    ticket = first.ticket
    reply, _ = store_raw(raw_email(subject=f"Re: [#{ticket.number}] Backup fails", body="Still failing."), "smtp")
    other, _ = store_raw(raw_email(sender="nika@pars.example", name="Nika", subject="New question"), "smtp")

    params = connection.get_connection_params()
    holder = psycopg2.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")})
    try:
        with holder.cursor() as cur:  # an agent's reply in flight, say: the ticket row is locked
            cur.execute("SELECT id FROM tickets_ticket WHERE id = %s FOR UPDATE", [ticket.pk])
            assert email_process(reply.pk) == State.STORED  # set aside at once, not waited for
        reply.refresh_from_db()
        other.refresh_from_db()
        assert reply.not_before is not None and other.state == State.PROCESSED
        assert retries == [((reply.pk,), 1)]  # its own task, a second later
    finally:
        holder.rollback()
        holder.close()

    assert email_process(reply.pk) == State.PROCESSED  # its own retry, alone, once the ticket is free
    reply.refresh_from_db()
    assert reply.ticket == ticket and ticket.messages.filter(body="Still failing.").count() == 1


def test_a_batch_that_fails_on_the_database_is_done_again_one_message_at_a_time(org_a, monkeypatch):
    rows = _store_burst(4)
    real, calls = email_pipeline.process, []

    def connection_drops_once(inbound, policy, batch):
        calls.append(inbound.pk)
        if len(calls) == 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(inbound, policy, batch)

    monkeypatch.setattr(email_pipeline, "process", connection_drops_once)
    email_process(rows[0].pk)
    assert set(InboundEmail.objects.values_list("state", flat=True)) == {State.PROCESSED}
    assert Ticket.objects.count() == 4 and Message.objects.count() == 4  # the rolled-back work is not doubled
    assert set(InboundEmail.objects.values_list("attempts", flat=True)) == {2}


def test_a_message_tried_too_often_is_quarantined_for_an_admin(customer_reza):
    inbound, _ = store_raw(raw_email(), "imap")
    InboundEmail.objects.filter(pk=inbound.pk).update(attempts=MAX_ATTEMPTS)
    assert email_process(inbound.pk) is None
    inbound.refresh_from_db()
    assert inbound.state == State.QUARANTINED and "Stopped after" in inbound.error
    assert not Ticket.objects.exists()


def test_mail_stored_while_every_drain_slot_is_taken_is_seen_by_the_drain_s_last_look(org_a, settings):
    settings.EMAIL_INTAKE_DRAINS = 2
    for slot in range(2):  # two drains are running
        assert cache.add(SLOT_KEY.format(slot), "running", timeout=60)
    rows = _store_burst(3)
    assert [wake(r.pk) for r in rows] == [False, False, False]  # no task per message
    assert not InboundEmail.objects.filter(state=State.PROCESSED).exists()

    assert drain(None, 0) == 3
    assert InboundEmail.objects.filter(state=State.PROCESSED).count() == 3
    assert cache.get(SLOT_KEY.format(0)) is None  # free again: the next mail starts a drain
    late = store_raw(raw_email(sender="late@pars.example", subject="Late"), "smtp")[0]
    assert wake(late.pk) is True
    late.refresh_from_db()
    assert late.state == State.PROCESSED  # (the eager test worker ran that drain at once)


def test_a_drain_that_runs_long_hands_over_to_a_fresh_task(org_a, settings, monkeypatch):
    settings.EMAIL_BATCH_SIZE = 2
    rows = _store_burst(5)
    handed = []
    from tickets import tasks_mail

    monkeypatch.setattr(tasks_mail.email_drain, "delay", lambda *args: handed.append(args))
    assert drain(None, 1, turn_seconds=0) == 2  # one batch, then its turn is over
    assert handed == [(None, 1)]
    assert cache.get(SLOT_KEY.format(1)) is not None  # the slot stays taken for the next drain
    assert InboundEmail.objects.filter(state=State.STORED).count() == 3
    assert rows[0].pk in set(InboundEmail.objects.filter(state=State.PROCESSED).values_list("pk", flat=True))


@pytest.mark.parametrize("cap", [5000, 2], ids=["read-once", "too-many-to-read-at-once"])
def test_the_rate_limit_counts_the_sender_s_mail_inside_one_batch(customer_reza, settings, monkeypatch, cap,
                                                                  django_capture_on_commit_callbacks):
    settings.EMAIL_RATE_LIMIT = 3
    monkeypatch.setattr(email_pipeline, "RECENT_ROWS_CAP", cap)
    rows = [store_raw(raw_email(subject=f"Problem {i}"), "smtp")[0] for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        email_process(rows[0].pk)
    assert InboundEmail.objects.filter(state=State.PROCESSED).count() == 5  # nothing is lost ...
    assert len(mail.outbox) == 3  # ... but the fourth and fifth are not acknowledged
    assert list(InboundEmail.objects.order_by("received_at", "pk").values_list("silent", flat=True)) == [
        False, False, False, True, True]


def test_with_redis_unreachable_a_stored_message_still_gets_a_task_of_its_own(customer_reza, monkeypatch):
    inbound, _ = store_raw(raw_email(), "smtp")

    def redis_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "get_many", redis_down)
    monkeypatch.setattr(cache, "add", redis_down)
    assert wake(inbound.pk) is True
    inbound.refresh_from_db()
    assert inbound.state == State.PROCESSED and inbound.ticket is not None
