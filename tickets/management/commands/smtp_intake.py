"""An SMTP listener for inbound mail: `manage.py smtp_intake --host 127.0.0.1 --port 2525`.

Point the MTA's transport (or a test client) at it. The 250 reply is sent only once the raw
message is committed to the database, so an accepted message is never lost; if storing fails the
client gets a temporary 451 and retries.
"""
import asyncio
import logging
import signal
import threading

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections

from tickets.models_mail import InboundEmail
from tickets.services.email_intake import email_receive

log = logging.getLogger(__name__)


def _receive(raw: bytes):
    close_old_connections()
    try:
        return email_receive(raw, InboundEmail.Source.SMTP)
    finally:
        connections.close_all()  # this executor thread may not run again for a long time


class IntakeHandler:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            # The ORM is synchronous: run it off the event loop.
            inbound, created = await asyncio.to_thread(_receive, raw)
        except Exception:
            log.exception("could not store a message from %s", envelope.mail_from)
            return "451 4.3.0 Could not store the message, please try again later"
        log.info("stored inbound %s from %s (%s)", inbound.pk, envelope.mail_from, "new" if created else "duplicate")
        return "250 2.0.0 Message stored"


def build_controller(host: str = "127.0.0.1", port: int = 2525) -> Controller:
    # Mail over EMAIL_MAX_BYTES is accepted, stored and flagged (the sender is told); only past
    # four times that does the listener refuse it with 552, to bound memory.
    return Controller(IntakeHandler(), hostname=host, port=port, data_size_limit=4 * settings.EMAIL_MAX_BYTES,
                      decode_data=False, server_hostname=settings.SUPPORT_MESSAGE_ID_DOMAIN)


class Command(BaseCommand):
    help = "Listen for inbound mail over SMTP."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args, host, port, **options):
        controller = build_controller(host, port)
        controller.start()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        self.stdout.write(f"SMTP intake listening on {host}:{port}")
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
