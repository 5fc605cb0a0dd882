"""Every message of the shared corpus, read in place, goes through intake without a crash: it keeps its
raw bytes and ends as a ticket, a recorded auto-reply/bounce/list mail, or a quarantine with a reason."""
from pathlib import Path

import pytest
from django.core import mail

from tickets.models import InboundEmail
from tickets.services.email_intake import email_process, store_raw

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "emails"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS.is_dir() else []


def test_the_corpus_is_there():
    if not FILES:
        from tests.conftest import skip_or_fail

        skip_or_fail(f"no email corpus at {CORPUS}")


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_corpus_message_is_ingested_without_a_crash(path, db, django_capture_on_commit_callbacks):
    raw = path.read_bytes()
    inbound, created = store_raw(raw, "file")
    assert created and bytes(inbound.raw) == raw
    with django_capture_on_commit_callbacks(execute=True):
        email_process(inbound.pk)
    inbound.refresh_from_db()
    if inbound.state == InboundEmail.State.PROCESSED:
        assert inbound.ticket is not None and inbound.message is not None or inbound.loop_kind
    elif inbound.state == InboundEmail.State.IGNORED:
        assert inbound.loop_kind and inbound.note  # recorded, with its reason
    else:
        assert inbound.state == InboundEmail.State.QUARANTINED and inbound.error
    if inbound.loop_kind in ("auto_reply", "bounce", "own_mail", "list"):
        assert mail.outbox == []  # automation is never answered
