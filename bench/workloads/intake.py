"""`intake`: inbound email, from raw bytes to tickets and replies, through REAL Celery workers.

N realistic mails (bench/mailgen.py: ~70 % new requests from known contacts, ~30 % replies by
In-Reply-To, our Message-ID or [#N]; Persian and English) with N = --scale, capped at MAX_MAILS
so `bench all` at a million tickets stays a few minutes. Three figures:

- parse_only_mails_per_s: tickets.mail.parse.parse_email over the same bytes, in this process:
  the ceiling one process could reach if nothing but parsing cost anything.
- store_mails_per_s: store_raw (what the SMTP and IMAP doors do before anything else), one by one.
- mails_per_s: end to end. One worker process (prefork, -c 2: two processes doing the work) is
  started and answering before the clock starts; then every stored mail wakes a drain, as
  email_receive does after commit (services/email_drain.py), and the clock stops when none is
  left stored. The worker also runs the acknowledgement tasks the new tickets queue, as in
  production. worker_cpu_ms_per_mail is the worker's CPU time (all its processes) per mail.

It writes into the benchmark database (its own organisation, contacts and tickets, beside the
seeded dataset if there is one, so the indexes are full-size) and deletes what it made.
BENCH_INTAKE_PROFILE=1 also prints a cProfile of email_process over a few hundred mails, run
in this process, to stderr.
"""
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

GOALS = {"mails_per_s": (">=", 200, "/s"), "e2e_share_of_parse": (">=", 0.5, "")}
MAX_MAILS = 20_000
EXISTING_TICKETS = 20
BASE_DIR = Path(__file__).resolve().parents[2]


def _customers(run, n_mails):
    from customers.models import Contact, Organization

    orgs = [Organization.objects.create(name=f"Bench intake {run} {k}", email_domains=[f"intake-{run}-{k}.example"])
            for k in range(3)]
    # About 7 mails per sender: under the per-sender rate limit, as ordinary customers are.
    count = max(30, n_mails // 7)
    rows = [Contact(organization=orgs[i % 3], name=f"Bench Contact {i}", email=f"c{i}@intake-{run}-{i % 3}.example")
            for i in range(count)]
    contacts = Contact.objects.bulk_create(rows)
    return orgs, contacts


def _start_worker(queue, media):
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_QUEUE": queue, "MEDIA_ROOT": media,
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-Q", queue, "-c", "2",
                             "-l", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
                             "-n", f"{queue}@%h"],
                            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, log


def _wait_ready(app, proc, queue, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the worker exited at start")
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            return
    raise RuntimeError("the worker did not answer a ping")


def _stop(proc, log):
    if proc.poll() is None:
        proc.terminate()  # the main process only: Celery's warm shutdown lets running tasks finish
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log.seek(0)
    return log.read().decode(errors="replace")


def _profile(mails):
    """email_process in this process over a few hundred fresh mails: where the time goes."""
    import cProfile
    import pstats

    from tickets.models_mail import InboundEmail
    from tickets.services.email_intake import email_process, store_raw

    ids = [store_raw(m.raw, InboundEmail.Source.SMTP)[0].pk for m in mails]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for pk in ids:
        email_process(pk)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"intake profile: {len(ids)} mails in-process, {len(ids) / elapsed:.1f} mails/s (eager acknowledgements)",
          file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    return ids


def run(scale: int) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from bench.mailgen import generate
    from customers.models import Contact, Organization
    from helpdesk.celery import app
    from tickets.mail.parse import parse_email
    from tickets.models import Channel, Ticket
    from tickets.models_mail import InboundEmail
    from tickets.services import ticket_create
    from tickets.services.email_drain import wake
    from tickets.services.email_intake import store_raw

    n = max(100, min(scale, MAX_MAILS))
    run_id = uuid.uuid4().hex[:8]
    orgs, contacts = _customers(run_id, n)
    org_ids = [o.pk for o in orgs]
    ids, proc, log = [], None, None
    media = tempfile.mkdtemp(prefix="bench-intake-")
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    try:
        existing = []
        for i in range(EXISTING_TICKETS):
            c = contacts[i * 3]
            subject = ["چاپ فاکتور خطا می‌دهد", "Backup job failed"][i % 2]
            t = ticket_create(actor=None, requester=c, subject=subject, body="Opened before the batch.",
                              channel=Channel.EMAIL)
            existing.append((t.number, c.email, subject))
        mails = generate(n, contacts=[(c.name, c.email, c.organization_id) for c in contacts], existing=existing,
                         seed=7, run=run_id)
        new_requests = sum(m.kind == "new" for m in mails)

        for m in mails[:50]:  # warm-up: imports, codec tables, regexes
            parse_email(m.raw, max_bytes=settings.EMAIL_MAX_BYTES)
        started = time.perf_counter()
        for m in mails:
            parse_email(m.raw, max_bytes=settings.EMAIL_MAX_BYTES)
        parse_rate = n / (time.perf_counter() - started)

        started = time.perf_counter()
        for m in mails:
            ids.append(store_raw(m.raw, InboundEmail.Source.SMTP)[0].pk)
        store_rate = n / (time.perf_counter() - started)

        from django.core.cache import cache

        from tickets.services.email_drain import SLOT_KEY

        cache.delete_many([SLOT_KEY.format(k) for k in range(settings.EMAIL_INTAKE_DRAINS)])  # a killed run's
        queue = f"bench-intake-{run_id}"
        app.conf.task_always_eager, app.conf.task_default_queue = False, queue
        proc, log = _start_worker(queue, media)
        _wait_ready(app, proc, queue)
        started = time.perf_counter()
        for pk in ids:  # what email_receive does after each commit
            wake(pk)
        enqueue_s = time.perf_counter() - started
        deadline = time.monotonic() + max(300, n / 10)
        # A cheap poll (the partial index of stored rows, ten times a second): the clock must not
        # time this process's own queries, which share the two cores with the worker.
        waiting = InboundEmail.objects.filter(state=InboundEmail.State.STORED, pk__gte=min(ids), pk__lte=max(ids))
        while waiting.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                left = list(InboundEmail.objects.filter(pk__in=ids, state=InboundEmail.State.STORED)
                            .values_list("pk", "attempts", "not_before")[:20])
                raise RuntimeError(f"the worker stopped or stalled; still stored: {left}\n" + _stop(proc, log)[-3000:])
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_log = _stop(proc, log)  # reaped: its CPU time (and its pool's) is counted now
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        if "Traceback" in worker_log:  # shown, not hidden in a count
            print(worker_log[-6000:], file=sys.stderr)
        app.conf.task_always_eager, app.conf.task_default_queue = old

        done_at = sorted(InboundEmail.objects.filter(pk__in=ids).exclude(processed_at=None)
                         .values_list("processed_at", flat=True))
        clock_zero = done_at[0] if done_at else None
        states = dict(InboundEmail.objects.filter(pk__in=ids).values_list("state").annotate(Count("id")))
        made = Ticket.objects.filter(organization_id__in=org_ids).count() - EXISTING_TICKETS
        figures = {
            "mails": n,
            "parse_only_mails_per_s": round(parse_rate, 1),
            "store_mails_per_s": round(store_rate, 1),
            "mails_per_s": round(n / elapsed, 1),
            "e2e_share_of_parse": round(n / elapsed / parse_rate, 2),
            "enqueue_s": round(enqueue_s, 2),
            "e2e_s": round(elapsed, 1),
            "processed": states.get(InboundEmail.State.PROCESSED, 0),
            "not_processed": n - states.get(InboundEmail.State.PROCESSED, 0),
            # New requests must open a ticket each, and nothing else may.
            "tickets_made": made, "new_requests": new_requests,
            "worker_tracebacks": worker_log.count("Traceback"),
            # the worker's own CPU (all its processes, start-up included) per mail
            "worker_cpu_ms_per_mail": round(worker_cpu * 1000 / n, 2),
            # claimed more than once: replies that waited for their parent, or batches retried
            "retried": InboundEmail.objects.filter(pk__in=ids, attempts__gt=1).count(),
            # from the first message done: when a quarter, half, ... 99 % and all were done
            "done_s": [round((done_at[int(q * (len(done_at) - 1))] - clock_zero).total_seconds(), 1)
                       for q in (0.25, 0.5, 0.75, 0.9, 0.99, 1.0)] if done_at else None,
        }
        if os.environ.get("BENCH_INTAKE_PROFILE") == "1":
            prof = generate(300, contacts=[(c.name, c.email, c.organization_id) for c in contacts],
                            existing=existing, seed=8, run=run_id + "p")
            ids += _profile(prof)
        return figures
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old
        if proc is not None and proc.poll() is None:
            _stop(proc, log)
        if proc is not None:
            with app.connection_for_write() as conn:  # acknowledgements the worker had not sent yet
                conn.default_channel.queue_purge(queue)
        # Leave the database as the seed made it.
        from tickets.models import Message

        tickets = Ticket.objects.filter(organization_id__in=org_ids)
        Message.objects.filter(ticket__in=tickets).update(email_message_id=None)
        InboundEmail.objects.filter(pk__in=ids).delete()
        tickets.delete()
        Contact.objects.filter(organization_id__in=org_ids).delete()
        Organization.objects.filter(pk__in=org_ids).delete()
        connection.close()
