"""Portal fixtures: org A's ticket with a public reply, an internal note and attachments; a
resolved ticket to rate; a fresh client address per test so rate-limit counters never leak."""
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import services


@pytest.fixture
def org_a_world(ticket_a, agent_ali):
    services.ticket_reply(ticket_a, actor=agent_ali, body="public answer",
                          files=[SimpleUploadedFile("fix.txt", b"steps", content_type="text/plain")])
    services.ticket_note(ticket_a, actor=agent_ali, body="SECRET internal note",
                         files=[SimpleUploadedFile("server.log", b"secret", content_type="text/plain")])
    return ticket_a


@pytest.fixture
def resolved_ticket(ticket_a, agent_ali):
    from tickets.services import ticket_assign

    ticket_assign(ticket_a, actor=agent_ali, assignee=agent_ali)
    services.ticket_reply(ticket_a, actor=agent_ali, body="Fixed in 4.2.1")
    services.ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    ticket_a.refresh_from_db()
    return ticket_a


@pytest.fixture
def address():
    """A client IP of its own: counters are keyed by address and kept in a shared Redis."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


@pytest.fixture
def unique():
    return uuid.uuid4().hex[:10]


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Mail goes out after commit; the test's transaction never commits, so run those callbacks."""
    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)
    return run
