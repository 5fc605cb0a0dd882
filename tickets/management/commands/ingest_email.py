"""Ingest .eml files and mbox archives through the same pipeline as IMAP and SMTP mail.

    manage.py ingest_email message.eml archive.mbox ...

Each message is stored, then processed by the worker (or here, with --sync); one line per message.
"""
import mailbox
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tickets.models_mail import InboundEmail
from tickets.services.email_intake import email_process, email_receive, store_raw


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() in (".mbox", ".mbx"):
        return True
    with path.open("rb") as f:
        return f.read(5) == b"From "  # the mbox separator line; an .eml starts with a header


def messages_in(path: Path):
    """Yield (label, raw bytes) for each message in an .eml file or an mbox archive."""
    if not _is_mbox(path):
        yield str(path), path.read_bytes()
        return
    box = mailbox.mbox(str(path), create=False)
    try:
        for i, key in enumerate(box.iterkeys(), 1):
            yield f"{path}[{i}]", box.get_bytes(key)
    finally:
        box.close()


class Command(BaseCommand):
    help = "Ingest .eml files and mbox archives as inbound email."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--sync", action="store_true",
                            help="Process here and now instead of queueing for the Celery worker.")

    def handle(self, *args, files, sync=False, **options):
        failed = 0
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            for label, raw in messages_in(path):
                if sync:
                    inbound, created = store_raw(raw, InboundEmail.Source.FILE)
                    if inbound.state == InboundEmail.State.STORED:
                        email_process(inbound.pk)
                        inbound.refresh_from_db()
                else:
                    inbound, created = email_receive(raw, InboundEmail.Source.FILE)
                failed += inbound.state == InboundEmail.State.QUARANTINED
                ticket = f" ticket #{inbound.ticket.number}" if inbound.ticket_id else ""
                why = f" ({(inbound.error or inbound.loop_kind)[:120]})" if inbound.error or inbound.loop_kind else ""
                self.stdout.write(f"{label}: inbound {inbound.pk} {'stored' if created else 'duplicate'}, "
                                  f"{inbound.state}{ticket}{why}")
        if failed:
            self.stderr.write(f"{failed} message(s) quarantined: see the admin's inbound emails")
