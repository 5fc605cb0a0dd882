"""One poll of every active IMAP mailbox (what beat runs every 30 s), for cron users and debugging."""
from django.core.management.base import BaseCommand

from tickets.services.email_intake import requeue_stale
from tickets.services.mail_imap import mailboxes_poll


class Command(BaseCommand):
    help = "Fetch new mail from the active IMAP mailboxes once."

    def handle(self, *args, **options):
        for name, result in mailboxes_poll().items():
            self.stdout.write(f"{name}: {result}")
        self.stdout.write(f"re-queued: {requeue_stale()}")
