"""`create`: tickets logged by an agent for a contact (channel phone) through `ticket_create`,
into the large dataset (so every insert maintains the indexes of a full table).

Celery is not running: bench/__main__.py sets CELERY_TASK_ALWAYS_EAGER and the locmem email
backend, so the acknowledgement each ticket schedules on commit runs inline and is counted.
The tickets are deleted afterwards so the dataset stays what the seed loaded.
"""
import time

from django.core import mail
from django.db import connection

from bench import rows, seed

GOALS = {}
COUNT = 500


class _QueryCounter:
    """Counts every statement (including the on-commit work) at near-zero cost, unlike
    CaptureQueriesContext which would also time and store each one."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run(scale: int) -> dict:
    from customers.models import Contact, User
    from tickets.models import Channel, Ticket
    from tickets.services import ticket_create

    seed.ensure(scale)
    agent = User.objects.filter(username__startswith=rows.AGENT_PREFIX).order_by("username").first()
    contacts = list(Contact.objects.select_related("organization").order_by("pk")[:50])
    mail.outbox = []
    created = []

    def one(n):
        ticket = ticket_create(actor=agent, requester=contacts[n % len(contacts)], channel=Channel.PHONE,
                               subject=f"Bench call {n}: چاپ فاکتور خطا می‌دهد",
                               body="The customer called: printing an invoice fails with an error. " * 3)
        created.append(ticket.pk)

    try:
        one(-1)  # warm-up: imports, templates, caches
        mail.outbox = []
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            for n in range(COUNT):
                one(n)
            elapsed = time.perf_counter() - started
    finally:
        Ticket.objects.filter(pk__in=created).delete()
    return {
        "tickets_per_s": round(COUNT / elapsed, 1),
        "ms_per_ticket": round(elapsed * 1000 / COUNT, 2),
        "queries_per_ticket": round(counter.count / COUNT, 1),
        "emails_sent": len(mail.outbox),
    }
